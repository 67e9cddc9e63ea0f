/*
 * strv.h - a NULL-terminated, growable vector of owned strings.
 *
 * v is never NULL after strv_init and v[n] is always NULL, so a strv can be
 * passed as an argv. Every string in it is owned by the strv.
 */
#ifndef BERTH_STRV_H
#define BERTH_STRV_H

#include <stdbool.h>
#include <stddef.h>

struct strv {
	char **v;
	size_t n;
	size_t cap;
};

#define STRV_INIT                \
	{                        \
		strv_empty, 0, 0 \
	}
extern char *strv_empty[];

void strv_init(struct strv *sv);
void strv_clear(struct strv *sv);
/* Append a copy of s. */
void strv_push(struct strv *sv, const char *s);
/* Append s itself; the strv takes ownership. */
void strv_push_nodup(struct strv *sv, char *s);
void strv_pushf(struct strv *sv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool strv_contains(const struct strv *sv, const char *s);
/* Append each piece of s split on sep (empty pieces skipped). */
void strv_split(struct strv *sv, const char *s, char sep);
void strv_sort(struct strv *sv);

#endif
