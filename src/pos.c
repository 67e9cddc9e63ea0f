/*
 * pos.c - node position side table and compose-file diagnostics (pos.h).
 *
 * An open-addressing hash table from node address to position. Node
 * addresses may be reused after a node is freed; pos_set overwrites, and
 * every node the loader makes gets its position set (or copied) when it is
 * made, so a stale entry is never read for a live node.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "pos.h"
#include "strv.h"
#include "xalloc.h"

struct slot {
	const json_t *key;
	struct pos pos;
};

static struct slot *slots;
static size_t nslots, nused;
static struct strv files = STRV_INIT;
static int nerrors;

static size_t
hash_ptr(const void *p)
{
	uintptr_t x = (uintptr_t)p;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x;
}

static struct slot *
find(const json_t *key)
{
	size_t i = hash_ptr(key) & (nslots - 1);

	while (slots[i].key && slots[i].key != key)
		i = (i + 1) & (nslots - 1);
	return &slots[i];
}

static void
grow(void)
{
	struct slot *old = slots;
	size_t oldn = nslots;

	nslots = nslots ? nslots * 2 : 1024;
	slots = xcalloc(nslots, sizeof(*slots));
	for (size_t i = 0; i < oldn; i++)
		if (old[i].key)
			*find(old[i].key) = old[i];
	free(old);
}

const char *
pos_intern(const char *file)
{
	for (size_t i = files.n; i-- > 0;)
		if (strcmp(files.v[i], file) == 0)
			return files.v[i];
	strv_push(&files, file);
	return files.v[files.n - 1];
}

void
pos_set(const json_t *node, const char *file, int line, int col)
{
	struct slot *s;

	/* null, true and false are shared by every tree: no position */
	if (node == NULL || json_is_null(node) || json_is_boolean(node))
		return;
	if ((nused + 1) * 2 > nslots)
		grow();
	s = find(node);
	if (s->key == NULL) {
		s->key = node;
		nused++;
	}
	s->pos.file = file;
	s->pos.line = line;
	s->pos.col = col;
	s->pos.flags = 0;
	s->pos.key_line = 0;
	s->pos.key_col = 0;
}

void
pos_set_key(const json_t *node, int line, int col)
{
	struct slot *s;

	if (node == NULL || nslots == 0)
		return;
	s = find(node);
	if (s->key) {
		s->pos.key_line = line;
		s->pos.key_col = col;
	}
}

void
pos_set_flags(const json_t *node, unsigned flags)
{
	struct slot *s;

	if (node == NULL || nslots == 0)
		return;
	s = find(node);
	if (s->key)
		s->pos.flags = flags;
}

const struct pos *
pos_get(const json_t *node)
{
	struct slot *s;

	if (node == NULL || nslots == 0)
		return NULL;
	s = find(node);
	return s->key ? &s->pos : NULL;
}

void
pos_copy(const json_t *dst, const json_t *src)
{
	const struct pos *p = pos_get(src);

	if (p && dst != src) {
		struct pos copy = *p; /* pos_set may move the table */
		pos_set(dst, copy.file, copy.line, copy.col);
		pos_set_flags(dst, copy.flags);
		pos_set_key(dst, copy.key_line, copy.key_col);
	}
}

void
pos_reset(void)
{
	free(slots);
	slots = NULL;
	nslots = nused = 0;
	strv_clear(&files);
}

/* Print one diagnostic at node's position (its key's when at_key). */
static void
diag_emit(bool is_error, const json_t *node, bool at_key, const char *keypath,
	  const char *fmt, va_list ap)
{
	const struct pos *p = pos_get(node);
	struct buf b = BUF_INIT;

	if (p && at_key && p->key_line)
		buf_addf(&b, "%s:%d:%d: ", p->file, p->key_line, p->key_col);
	else if (p)
		buf_addf(&b, "%s:%d:%d: ", p->file, p->line, p->col);
	if (keypath && *keypath)
		buf_addf(&b, "%s: ", keypath);
	buf_vaddf(&b, fmt, ap);
	if (is_error)
		error("%s", b.ptr);
	else
		warning("%s", b.ptr);
	buf_release(&b);
}

int
diag_error(const json_t *node, const char *keypath, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_emit(true, node, false, keypath, fmt, ap);
	va_end(ap);
	nerrors++;
	return -1;
}

int
diag_error_key(const json_t *node, const json_t *where, const char *keypath,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_emit(true, pos_get(node) ? node : where, pos_get(node) != NULL,
		  keypath, fmt, ap);
	va_end(ap);
	nerrors++;
	return -1;
}

void
diag_warning(const json_t *node, const char *keypath, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_emit(false, node, false, keypath, fmt, ap);
	va_end(ap);
}

int
diag_count(void)
{
	return nerrors;
}

void
diag_reset(void)
{
	nerrors = 0;
}
