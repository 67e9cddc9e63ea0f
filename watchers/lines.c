/*
 * lines.c - line splitting with a length cap (lines.h).
 */
#include <string.h>

#include "lines.h"

void
lines_init(struct lines *l, size_t cap)
{
	buf_init(&l->pending);
	l->cap = cap ? cap : 1;
}

void
lines_release(struct lines *l)
{
	buf_release(&l->pending);
}

void
lines_feed(struct lines *l, const char *data, size_t len, lines_fn fn,
	   void *arg)
{
	while (len > 0) {
		const char *nl = memchr(data, '\n', len);
		size_t chunk = nl ? (size_t)(nl - data) : len;

		/* Fast path: a whole line with nothing pending. */
		if (nl && l->pending.len == 0 && chunk <= l->cap) {
			fn(data, chunk, 0, arg);
			data += chunk + 1;
			len -= chunk + 1;
			continue;
		}
		size_t room = l->cap - l->pending.len;
		if (chunk > room) {
			buf_add(&l->pending, data, room);
			fn(l->pending.ptr, l->pending.len, LINE_PARTIAL, arg);
			buf_reset(&l->pending);
			data += room;
			len -= room;
			continue;
		}
		buf_add(&l->pending, data, chunk);
		data += chunk;
		len -= chunk;
		if (nl) {
			fn(l->pending.ptr, l->pending.len, 0, arg);
			buf_reset(&l->pending);
			data++;
			len--;
		}
	}
}

void
lines_flush(struct lines *l, lines_fn fn, void *arg)
{
	if (l->pending.len == 0)
		return;
	fn(l->pending.ptr, l->pending.len, LINE_NO_EOL, arg);
	buf_reset(&l->pending);
}
