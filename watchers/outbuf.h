/*
 * outbuf.h - a bounded output buffer on a file descriptor, on the loop.
 *
 * Producers append whole lines; the buffer is written out once per loop
 * iteration (an ev_prepare watcher), so many lines cost one write(2).
 * A pipe or socket is made non-blocking while the outbuf lives and an
 * ev_io watcher waits for room when the reader is slow; producers ask
 * outbuf_full() and stop reading their sources until on_drain runs. A
 * terminal or regular file stays blocking (writes to them complete).
 * EPIPE (the reader went away) marks the outbuf broken: further output is
 * dropped and on_broken runs once. SIGPIPE must be ignored (loop.h).
 */
#ifndef BERTH_OUTBUF_H
#define BERTH_OUTBUF_H

#include <stdbool.h>
#include <stddef.h>

#include <ev.h>

#include "buf.h"

struct outbuf {
	struct ev_loop *loop;
	int fd;
	struct buf buf;
	size_t high; /* outbuf_full() above this */
	bool broken;
	bool restore_flags; /* we set O_NONBLOCK: clear it at release */
	int saved_flags;
	bool was_full; /* on_drain is owed */
	ev_io io;
	ev_prepare prepare;
	void (*on_drain)(void *arg);
	void (*on_broken)(void *arg);
	void *arg;
};

void outbuf_init(struct outbuf *o, struct ev_loop *loop, int fd, size_t high);
/* Write what is left (blocking), stop the watchers, restore the fd. */
void outbuf_release(struct outbuf *o);
/* Append bytes; they go out at the end of this loop iteration. */
void outbuf_add(struct outbuf *o, const char *data, size_t len);
/* Above the high-water mark: producers should pause. */
bool outbuf_full(struct outbuf *o);
/* Write everything now, waiting for the reader if needed. */
void outbuf_flush(struct outbuf *o);

#endif
