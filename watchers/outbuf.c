/*
 * outbuf.c - bounded, batched, non-blocking output (outbuf.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outbuf.h"

/* Write as much as the fd takes now. Returns false when it would block. */
static bool
outbuf_write(struct outbuf *o)
{
	size_t done = 0;
	bool ok = true;

	while (done < o->buf.len) {
		ssize_t n = write(o->fd, o->buf.ptr + done, o->buf.len - done);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			ok = false;
			break;
		}
		/* EPIPE or any other failure: nobody reads us any more. */
		o->broken = true;
		done = o->buf.len;
		break;
	}
	buf_consume(&o->buf, done);
	return ok;
}

/* The prepare watcher is unref'd while active (see outbuf_init). */
static void
stop_prepare(struct outbuf *o)
{
	if (ev_is_active(&o->prepare)) {
		ev_ref(o->loop);
		ev_prepare_stop(o->loop, &o->prepare);
	}
}

/* After a write: wake producers or report a closed reader. */
static void
outbuf_settle(struct outbuf *o)
{
	if (o->broken) {
		buf_reset(&o->buf);
		ev_io_stop(o->loop, &o->io);
		stop_prepare(o);
		if (o->on_broken) {
			void (*fn)(void *) = o->on_broken;
			o->on_broken = NULL; /* once */
			fn(o->arg);
		}
		return;
	}
	if (o->buf.len)
		ev_io_start(o->loop, &o->io);
	else
		ev_io_stop(o->loop, &o->io);
	if (o->was_full && o->buf.len <= o->high / 2) {
		o->was_full = false;
		if (o->on_drain)
			o->on_drain(o->arg);
	}
}

static void
on_writable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct outbuf *o = w->data;

	outbuf_write(o);
	outbuf_settle(o);
}

/* Once per loop iteration, before waiting: one write for the batch. */
static void
on_prepare(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct outbuf *o = w->data;

	if (o->buf.len == 0 || ev_is_active(&o->io))
		return;
	outbuf_write(o);
	outbuf_settle(o);
}

void
outbuf_init(struct outbuf *o, struct ev_loop *loop, int fd, size_t high)
{
	struct stat st;

	o->loop = loop;
	o->fd = fd;
	buf_init(&o->buf);
	o->high = high ? high : 256 * 1024;
	o->broken = false;
	o->was_full = false;
	o->restore_flags = false;
	o->on_drain = NULL;
	o->on_broken = NULL;
	o->arg = NULL;
	/* Pipes and sockets can be slow: never block the loop on them. */
	if (fstat(fd, &st) == 0 &&
	    (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) {
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0 && !(fl & O_NONBLOCK) &&
		    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0) {
			o->saved_flags = fl;
			o->restore_flags = true;
		}
	}
	ev_io_init(&o->io, on_writable, fd, EV_WRITE);
	o->io.data = o;
	ev_prepare_init(&o->prepare, on_prepare);
	o->prepare.data = o;
	ev_prepare_start(loop, &o->prepare);
	/* The prepare watcher alone must not keep ev_run alive. */
	ev_unref(loop);
}

void
outbuf_add(struct outbuf *o, const char *data, size_t len)
{
	if (o->broken)
		return;
	buf_add(&o->buf, data, len);
}

bool
outbuf_full(struct outbuf *o)
{
	if (o->broken)
		return false;
	if (o->buf.len >= o->high) {
		o->was_full = true;
		return true;
	}
	return false;
}

void
outbuf_flush(struct outbuf *o)
{
	while (o->buf.len && !o->broken) {
		if (outbuf_write(o))
			continue;
		struct pollfd p = { .fd = o->fd, .events = POLLOUT };
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			break;
	}
	outbuf_settle(o);
}

void
outbuf_release(struct outbuf *o)
{
	if (o->loop == NULL)
		return;
	outbuf_flush(o);
	ev_io_stop(o->loop, &o->io);
	stop_prepare(o);
	if (o->restore_flags)
		fcntl(o->fd, F_SETFL, o->saved_flags);
	buf_release(&o->buf);
	o->loop = NULL;
}
