/*
 * jsonx.h - small helpers over jansson trees for the compose loader.
 *
 * Copies that keep node positions (pos.h), key ordering (jansson keeps
 * insertion order, so "ordering" an object means re-inserting its
 * members), Go-style "%v" text for scalars, and dotted key paths for
 * messages ("services.web.ports[1]").
 *
 * Ownership follows jansson: functions returning json_t * return a new
 * reference; everything else borrows.
 */
#ifndef BERTH_JSONX_H
#define BERTH_JSONX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Deep copy of n with every node's position copied. New reference. */
json_t *jx_copy(const json_t *n);
/* The string at obj.key, or NULL. */
const char *jx_str(const json_t *obj, const char *key);
/* Re-insert obj's members with keys in strcmp order. */
void jx_sort_keys(json_t *obj);
/* Re-insert obj's members: the keys in order (NULL-terminated) first, in
   that order, then the others in their current order. */
void jx_order_keys(json_t *obj, const char *const *order);
/* A scalar as text the way Go's "%v" prints it ("" for null, "true",
   "8080", "0.5"); NULL for arrays and objects. Caller frees. */
char *jx_scalar_text(const json_t *n);
/* A new string node holding s, positioned like from. */
json_t *jx_string_at(const char *s, const json_t *from);
/* Is n a shared jansson singleton (true, false, null), which cannot carry
   a position of its own? */
bool jx_is_singleton(const json_t *n);
/* Does n carry flag (POS_*)? Singletons never do. */
bool jx_has_flag(const json_t *n, unsigned flag);

/*
 * Tables of key-path patterns ("services.*.ports"; "*" is any one key,
 * "[]" any sequence index). A walk matches level by level: it carries the
 * set of patterns its path still matches, as a bit mask, and descends only
 * while the set is not empty, so subtrees no pattern reaches are skipped
 * (a service's environment is never visited by a pass about its ports).
 * The patterns are borrowed and must outlive the table.
 */
#define JX_PAT_MAX   64 /* patterns in a table */
#define JX_PAT_DEPTH 8	/* segments in a pattern */

struct jx_patterns {
	size_t n;
	/* by depth: the patterns whose segment there is "*", "[]", a key */
	uint64_t any[JX_PAT_DEPTH], index[JX_PAT_DEPTH], keyed[JX_PAT_DEPTH];
	/* by depth: the distinct keys, sorted, each with its patterns */
	struct jx_pat_key {
		const char *text; /* len bytes */
		size_t len;
		uint64_t set;
	} keys[JX_PAT_DEPTH][JX_PAT_MAX];
	size_t nkeys[JX_PAT_DEPTH];
	uint64_t ends[JX_PAT_DEPTH + 1]; /* the patterns of i segments */
};

/* Add a pattern; its index is the order of addition. */
void jx_patterns_add(struct jx_patterns *t, const char *pattern);
/* Every pattern of t: the set to start a walk at the root with. */
uint64_t jx_patterns_all(const struct jx_patterns *t);
/* The patterns of set (matching a path of depth segments) that still match
   with key appended (NULL: a sequence index). */
uint64_t jx_patterns_step(const struct jx_patterns *t, uint64_t set, int depth,
			  const char *key);
/* The first pattern of set that is depth segments long (matches the path
   exactly), or -1. */
int jx_patterns_first(const struct jx_patterns *t, uint64_t set, int depth);

/* A key path being walked: "services.web.ports[1]". */
struct jx_path {
	char buf[512];
	size_t len;
};
void jx_path_init(struct jx_path *p);
/* Append ".key" (or "key" at the root); returns the old length. */
size_t jx_path_key(struct jx_path *p, const char *key);
/* Append "[i]"; returns the old length. */
size_t jx_path_index(struct jx_path *p, size_t i);
/* Back to a length returned by jx_path_key/jx_path_index. */
void jx_path_pop(struct jx_path *p, size_t len);

#endif
