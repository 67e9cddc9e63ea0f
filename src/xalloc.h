/*
 * xalloc.h - allocation that never returns NULL.
 *
 * berth is a command-line program: there is nothing useful to do when
 * memory runs out, so every allocator here aborts with a message instead of
 * returning NULL (as tmux's xmalloc.c and git's wrapper.c do). Callers never
 * check for NULL.
 */
#ifndef BERTH_XALLOC_H
#define BERTH_XALLOC_H

#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Like asprintf, but returns the new string, which the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow *arr (of *cap elements of size elem) to hold at least need. */
#define ALLOC_GROW(arr, need, cap)                                        \
	do {                                                              \
		if ((need) > (cap)) {                                     \
			size_t n_ = (cap) ? (cap)*2 : 8;                  \
			while (n_ < (need))                               \
				n_ *= 2;                                  \
			(arr) = xreallocarray((arr), n_, sizeof(*(arr))); \
			(cap) = n_;                                       \
		}                                                         \
	} while (0)

#endif
