/*
 * buf.c - growable NUL-terminated byte buffer (see buf.h for invariants).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

/* Shared empty string so an initialised buf needs no allocation. */
char buf_empty[1];

void
buf_init(struct buf *b)
{
	b->ptr = buf_empty;
	b->len = 0;
	b->cap = 0;
}

void
buf_release(struct buf *b)
{
	if (b->cap)
		free(b->ptr);
	buf_init(b);
}

char *
buf_detach(struct buf *b, size_t *len_out)
{
	char *p;

	if (len_out)
		*len_out = b->len;
	if (b->cap == 0)
		p = xstrdup("");
	else
		p = b->ptr;
	buf_init(b);
	return p;
}

void
buf_reset(struct buf *b)
{
	buf_setlen(b, 0);
}

void
buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->ptr = NULL;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->ptr = xrealloc(b->ptr, cap);
	if (b->cap == 0)
		b->ptr[0] = '\0';
	b->cap = cap;
}

void
buf_setlen(struct buf *b, size_t len)
{
	if (b->cap == 0)
		return;
	b->len = len;
	b->ptr[len] = '\0';
}

void
buf_add(struct buf *b, const void *data, size_t len)
{
	if (len == 0)
		return;
	buf_grow(b, len);
	memcpy(b->ptr + b->len, data, len);
	buf_setlen(b, b->len + len);
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addch(struct buf *b, int c)
{
	char ch = (char)c;

	buf_add(b, &ch, 1);
}

void
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int len;

	va_copy(ap2, ap);
	len = vsnprintf(b->ptr + b->len, b->cap ? b->cap - b->len : 0, fmt,
			ap2);
	va_end(ap2);
	if (len < 0)
		return;
	if (b->cap == 0 || (size_t)len >= b->cap - b->len) {
		buf_grow(b, (size_t)len);
		vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, ap);
	}
	buf_setlen(b, b->len + (size_t)len);
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		buf_setlen(b, 0);
		return;
	}
	memmove(b->ptr, b->ptr + n, b->len - n);
	buf_setlen(b, b->len - n);
}
