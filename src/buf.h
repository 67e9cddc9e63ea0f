/*
 * buf.h - a growable byte buffer (after git's strbuf and curl's dynbuf).
 *
 * Invariants: after buf_init, ptr is never NULL and always NUL-terminated at
 * ptr[len], so a buf can be read as a C string at any time. The memory
 * belongs to the buf until buf_detach hands it to the caller; buf_release
 * frees it and leaves an empty, reusable buf.
 */
#ifndef BERTH_BUF_H
#define BERTH_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *ptr;
	size_t len;
	size_t cap;
};

#define BUF_INIT                \
	{                       \
		buf_empty, 0, 0 \
	}
extern char buf_empty[];

void buf_init(struct buf *b);
void buf_release(struct buf *b);
/* Hand the string to the caller (who frees it); b is left empty. */
char *buf_detach(struct buf *b, size_t *len_out);
void buf_reset(struct buf *b);
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addch(struct buf *b, int c);
void buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void buf_setlen(struct buf *b, size_t len);
/* Remove the first n bytes, keeping the rest. */
void buf_consume(struct buf *b, size_t n);

#endif
