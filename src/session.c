/*
 * session.c - the interactive session of session.h.
 *
 * Three watchers on the loop: the socket readable (output to us), our
 * stdin readable (input to the process, buffered in `out`), the socket
 * writable while `out` holds bytes. Stdin that cannot be polled (a regular
 * file, /dev/null) is read whenever the socket can take more, so a large
 * input never blocks us while the process waits for us to read its
 * output.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <ev.h>

#include "buf.h"
#include "engine.h"
#include "hijack.h"
#include "log.h"
#include "logframe.h"
#include "session.h"
#include "xalloc.h"

/* Above this much unsent input, stop reading stdin until it drains. */
#define OUT_HIGH (1u << 20)

struct session {
	struct engine *e;
	struct ev_loop *loop;
	struct hijack *h;
	const struct session_opts *o;
	ev_io sock_r, sock_w, in_r;
	ev_signal winch;
	ev_signal sigs[4];
	struct buf out;
	struct logframe lf;
	bool framed;	 /* output still parsed as frames */
	bool stdin_pull; /* stdin cannot be polled: read it on demand */
	bool stdin_eof;
	bool shut; /* write side shut */
	bool done;
	int err;
};

/* The terminal's state before raw mode, restored at exit whatever happens. */
static struct termios saved_tio;
static bool raw_on;

static void
raw_restore(void)
{
	if (raw_on) {
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tio);
		raw_on = false;
	}
}

static void
raw_enter(void)
{
	static bool registered;
	struct termios tio;

	if (raw_on || tcgetattr(STDIN_FILENO, &saved_tio) < 0)
		return;
	if (!registered) {
		atexit(raw_restore);
		registered = true;
	}
	tio = saved_tio;
	cfmakeraw(&tio);
	if (tcsetattr(STDIN_FILENO, TCSADRAIN, &tio) == 0)
		raw_on = true;
}

bool
session_can_tty(void)
{
	return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}

static void
resize_done(struct engine_req *req, void *arg)
{
	int *pending = arg;

	(*pending)--;
	engine_req_free(req);
}

/* In-flight resize and signal requests, drained before session_run returns. */
static int pending_calls;

void
session_resize(struct engine *e, const char *resize_path)
{
	struct winsize ws;
	char *path;

	if (resize_path == NULL || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0 ||
	    ws.ws_row == 0)
		return;
	path = xasprintf("%s?h=%u&w=%u", resize_path, ws.ws_row, ws.ws_col);
	struct engine_req_opts o = {
		.method = "POST",
		.path = path,
		.on_done = resize_done,
		.arg = &pending_calls,
		.timeout_ms = 10000,
	};
	pending_calls++;
	engine_start(e, &o);
	free(path);
}

static void
write_fd(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* our reader went away: nothing to do */
		p += n;
		len -= (size_t)n;
	}
}

static void
on_frame(int stream, const char *data, size_t len, void *arg)
{
	if (stream == LOGFRAME_STDOUT)
		write_fd(STDOUT_FILENO, data, len);
	else if (stream == LOGFRAME_STDERR)
		write_fd(STDERR_FILENO, data, len);
}

static void
output(struct session *s, const char *data, size_t len)
{
	if (s->framed && logframe_feed(&s->lf, data, len, on_frame, s) == 0)
		return;
	/* Not frames after all (a TTY): raw bytes from here on. */
	s->framed = false;
	write_fd(STDOUT_FILENO, data, len);
}

static void
finish(struct session *s)
{
	s->done = true;
	ev_io_stop(s->loop, &s->sock_r);
	ev_io_stop(s->loop, &s->sock_w);
	ev_io_stop(s->loop, &s->in_r);
	ev_signal_stop(s->loop, &s->winch);
	for (size_t i = 0; i < ARRAY_SIZE(s->sigs); i++)
		ev_signal_stop(s->loop, &s->sigs[i]);
}

static void
on_sock_read(struct ev_loop *loop, ev_io *w, int revents)
{
	struct session *s = w->data;
	char tmp[65536];

	for (;;) {
		ssize_t n = hijack_read(s->h, tmp, sizeof(tmp));
		if (n > 0) {
			output(s, tmp, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0 && errno != ECONNRESET)
			s->err = error("reading from the engine: %s",
				       strerror(errno));
		finish(s);
		return;
	}
}

/* Read one chunk of stdin into out; notes EOF. */
static void
read_stdin(struct session *s)
{
	char tmp[65536];
	ssize_t n;

	do
		n = read(STDIN_FILENO, tmp, sizeof(tmp));
	while (n < 0 && errno == EINTR);
	if (n > 0)
		buf_add(&s->out, tmp, (size_t)n);
	else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
		s->stdin_eof = true;
}

static void
on_sock_write(struct ev_loop *loop, ev_io *w, int revents)
{
	struct session *s = w->data;

	while (s->out.len) {
		ssize_t n = hijack_write(s->h, s->out.ptr, s->out.len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			/* The process closed its input: drop ours. */
			buf_reset(&s->out);
			s->stdin_eof = true;
			ev_io_stop(loop, &s->in_r);
			break;
		}
		buf_consume(&s->out, (size_t)n);
	}
	if (s->stdin_pull && !s->stdin_eof) {
		read_stdin(s);
		if (s->out.len)
			return; /* more to send: stay armed */
	}
	if (s->stdin_eof && !s->shut) {
		if (hijack_shutdown_write(s->h) < 0 && errno == EAGAIN)
			return; /* close_notify waits for room: stay armed */
		s->shut = true;
	}
	ev_io_stop(loop, w);
	if (!s->stdin_eof && !s->stdin_pull)
		ev_io_start(loop, &s->in_r);
}

static void
on_stdin(struct ev_loop *loop, ev_io *w, int revents)
{
	struct session *s = w->data;

	read_stdin(s);
	if (s->stdin_eof || s->out.len > OUT_HIGH)
		ev_io_stop(loop, w);
	if (s->out.len || s->stdin_eof)
		ev_io_start(loop, &s->sock_w);
}

static void
on_winch(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct session *s = w->data;

	session_resize(s->e, s->o->resize_path);
}

static void
signal_done(struct engine_req *req, void *arg)
{
	int *pending = arg;

	(*pending)--;
	engine_req_free(req);
}

/* A signal for us goes to the container: POST signal_path?signal=N. */
static void
on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct session *s = w->data;
	char *path = xasprintf("%s?signal=%d", s->o->signal_path, w->signum);
	struct engine_req_opts o = {
		.method = "POST",
		.path = path,
		.on_done = signal_done,
		.arg = &pending_calls,
		.timeout_ms = 10000,
	};

	pending_calls++;
	engine_start(s->e, &o);
	free(path);
}

/* Ended by a signal in raw mode: give the terminal back, then die of it. */
static void
on_fatal_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	raw_restore();
	signal(w->signum, SIG_DFL);
	raise(w->signum);
}

/* Can stdin be watched for readability (a tty, pipe or socket)? */
static bool
stdin_pollable(void)
{
	struct stat st;

	if (fstat(STDIN_FILENO, &st) < 0)
		return false;
	return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ||
	       isatty(STDIN_FILENO);
}

int
session_run(struct engine *e, struct hijack *h, const struct session_opts *o)
{
	struct session s = {
		.e = e,
		.loop = engine_loop(e),
		.h = h,
		.o = o,
		.framed = !o->tty,
	};
	struct stat st;

	buf_init(&s.out);
	logframe_init(&s.lf);
	ev_io_init(&s.sock_r, on_sock_read, h->fd, EV_READ);
	ev_io_init(&s.sock_w, on_sock_write, h->fd, EV_WRITE);
	ev_io_init(&s.in_r, on_stdin, STDIN_FILENO, EV_READ);
	ev_signal_init(&s.winch, on_winch, SIGWINCH);
	s.sock_r.data = s.sock_w.data = s.in_r.data = s.winch.data = &s;

	if (h->extra_len)
		output(&s, h->extra, h->extra_len);
	if (o->tty && isatty(STDIN_FILENO) && o->forward_stdin)
		raw_enter();
	if (o->signal_path || raw_on) {
		static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
		for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
			ev_signal_init(&s.sigs[i],
				       o->signal_path ? on_signal :
							on_fatal_signal,
				       sigs[i]);
			s.sigs[i].data = &s;
			ev_signal_start(s.loop, &s.sigs[i]);
		}
	}
	if (o->tty && o->resize_path) {
		ev_signal_start(s.loop, &s.winch);
		session_resize(e, o->resize_path);
	}
	if (!o->forward_stdin || fstat(STDIN_FILENO, &st) < 0) {
		/* Nothing to send: the process gets EOF at once. */
		s.stdin_eof = true;
		ev_io_start(s.loop, &s.sock_w);
	} else if (stdin_pollable()) {
		ev_io_start(s.loop, &s.in_r);
	} else {
		s.stdin_pull = true;
		ev_io_start(s.loop, &s.sock_w);
	}
	ev_io_start(s.loop, &s.sock_r);
	/* TLS may hold decrypted output read along with the header: the
	   socket will not say so, so read once now. */
	if (h->ssl)
		ev_feed_event(s.loop, &s.sock_r, EV_READ);
	while (!s.done)
		ev_run(s.loop, EVRUN_ONCE);
	raw_restore();
	while (pending_calls > 0)
		ev_run(s.loop, EVRUN_ONCE);
	buf_release(&s.out);
	hijack_close(h);
	return s.err;
}
