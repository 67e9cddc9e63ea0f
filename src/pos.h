/*
 * pos.h - where each node of a loaded compose tree came from.
 *
 * The loader keeps compose files as jansson trees (json_t). Jansson has no
 * room for metadata, so positions live in a side table keyed by node
 * address: yaml_load records file, line and column for every node it makes,
 * and any pass that replaces a node (interpolation, normalisation, merge)
 * copies the position to the new node with pos_copy. Messages then say
 * "compose.yaml:12:7: services.web.ports[1]: invalid port ...".
 *
 * File names are interned: a struct pos's file lives until pos_reset.
 */
#ifndef BERTH_POS_H
#define BERTH_POS_H

#include <jansson.h>

/* YAML facts that later passes need, carried with the position. */
enum pos_flag {
	POS_TAG_RESET = 1,    /* !reset: clear what earlier files set */
	POS_TAG_OVERRIDE = 2, /* !override: replace instead of merging */
	POS_QUOTED = 4,	      /* the scalar was quoted: always a string */
};

struct pos {
	const char *file;
	int line;	/* 1-based */
	int col;	/* 1-based */
	unsigned flags; /* enum pos_flag */
	int key_line;	/* where the mapping key of this value stands, */
	int key_col;	/* or 0: messages about the key point there */
};

/* Intern a file name; the returned string lives until pos_reset. */
const char *pos_intern(const char *file);
/* Record where node is. No-op for null, true and false: jansson shares
   them between all trees, so they have no place of their own. */
void pos_set(const json_t *node, const char *file, int line, int col);
/* Set flags on a node that has a position (no-op otherwise). */
void pos_set_flags(const json_t *node, unsigned flags);
/* Record where the mapping key of value node stands (no-op without a
   position: null and booleans are shared singletons). */
void pos_set_key(const json_t *node, int line, int col);
/* The position of node, or NULL when unknown. */
const struct pos *pos_get(const json_t *node);
/* Give dst the position and flags of src (no-op when src has none). */
void pos_copy(const json_t *dst, const json_t *src);
/* Forget every position and interned name (tests, fuzzing). */
void pos_reset(void);

/*
 * Diagnostics for compose files: one line each,
 *   FILE:LINE:COL: KEYPATH: MESSAGE
 * with the position of node (or of the nearest node given), and a count,
 * so a pass can report every problem before failing. keypath may be NULL.
 * Returns -1.
 */
int diag_error(const json_t *node, const char *keypath, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Like diag_error, but at the mapping key of node when it is known, else
   at node, else at where: for messages about a key ("unknown key"). */
int diag_error_key(const json_t *node, const json_t *where, const char *keypath,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void diag_warning(const json_t *node, const char *keypath, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* How many diag_error calls since the last diag_reset. */
int diag_count(void);
void diag_reset(void);

#endif
