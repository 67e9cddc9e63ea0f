/*
 * lines.h - split a byte stream into lines, however reads chunk it.
 *
 * Bytes are kept until a '\n' completes a line, which is then handed out
 * whole (without the newline). A line longer than the cap is handed out in
 * cap-sized pieces flagged LINE_PARTIAL, so one endless line cannot make
 * memory grow without bound. lines_flush hands out a last line that had no
 * newline, flagged LINE_NO_EOL.
 */
#ifndef BERTH_LINES_H
#define BERTH_LINES_H

#include <stddef.h>

#include "buf.h"

enum {
	LINE_PARTIAL = 1, /* a piece of a longer line; more follows */
	LINE_NO_EOL = 2,  /* the stream ended without a newline */
};

typedef void (*lines_fn)(const char *line, size_t len, int flags, void *arg);

struct lines {
	struct buf pending;
	size_t cap;
};

void lines_init(struct lines *l, size_t cap);
void lines_release(struct lines *l);
void lines_feed(struct lines *l, const char *data, size_t len, lines_fn fn,
		void *arg);
void lines_flush(struct lines *l, lines_fn fn, void *arg);

#endif
