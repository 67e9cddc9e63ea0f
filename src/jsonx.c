/*
 * jsonx.c - helpers over jansson trees (jsonx.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonx.h"
#include "log.h"
#include "pos.h"
#include "xalloc.h"

bool
jx_is_singleton(const json_t *n)
{
	return n == NULL || json_is_null(n) || json_is_boolean(n);
}

bool
jx_has_flag(const json_t *n, unsigned flag)
{
	const struct pos *p;

	if (jx_is_singleton(n))
		return false;
	p = pos_get(n);
	return p && (p->flags & flag);
}

json_t *
jx_copy(const json_t *n)
{
	json_t *c;

	if (n == NULL)
		return NULL;
	if (json_is_object(n)) {
		const char *k;
		json_t *v;

		c = json_object();
		json_object_foreach ((json_t *)n, k, v)
			json_object_set_new(c, k, jx_copy(v));
	} else if (json_is_array(n)) {
		size_t i;
		json_t *v;

		c = json_array();
		json_array_foreach (n, i, v)
			json_array_append_new(c, jx_copy(v));
	} else if (jx_is_singleton(n)) {
		return json_incref((json_t *)n);
	} else {
		c = json_copy((json_t *)n);
	}
	pos_copy(c, n);
	return c;
}

const char *
jx_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

struct member {
	const char *key; /* in the arena of struct members */
	json_t *val;
};

struct members {
	struct member *m;
	size_t n;
	char *arena; /* the keys, one allocation */
};

static int
cmp_member(const void *a, const void *b)
{
	return strcmp(((const struct member *)a)->key,
		      ((const struct member *)b)->key);
}

/* Take obj's members out, in order (values keep a reference). */
static void
take_members(json_t *obj, struct members *out)
{
	size_t total = 0, i = 0;
	const char *k;
	json_t *v;
	char *p;

	out->n = json_object_size(obj);
	out->m = xcalloc(out->n + 1, sizeof(*out->m));
	json_object_foreach (obj, k, v)
		total += strlen(k) + 1;
	p = out->arena = xmalloc(total + 1);
	json_object_foreach (obj, k, v) {
		size_t len = strlen(k) + 1;
		memcpy(p, k, len);
		out->m[i].key = p;
		out->m[i++].val = json_incref(v);
		p += len;
	}
	json_object_clear(obj);
}

/* Put members m (n of them, references stolen; NULL values skipped)
   back into obj, and free t. */
static void
put_members(json_t *obj, struct members *t, const struct member *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].val)
			json_object_set_new_nocheck(obj, m[i].key, m[i].val);
	free(t->m);
	free(t->arena);
}

void
jx_sort_keys(json_t *obj)
{
	struct members t;
	const char *k, *prev = NULL;
	json_t *v;
	bool sorted = true;

	if (!json_is_object(obj) || json_object_size(obj) < 2)
		return;
	/* Most objects are in order already: leave them be. */
	json_object_foreach (obj, k, v) {
		if (prev && strcmp(prev, k) > 0) {
			sorted = false;
			break;
		}
		prev = k;
	}
	if (sorted)
		return;
	take_members(obj, &t);
	qsort(t.m, t.n, sizeof(*t.m), cmp_member);
	put_members(obj, &t, t.m, t.n);
}

/* The rank of key in order (its index), or the length of order. */
static size_t
order_rank(const char *key, const char *const *order)
{
	size_t i;

	for (i = 0; order[i]; i++)
		if (strcmp(order[i], key) == 0)
			break;
	return i;
}

void
jx_order_keys(json_t *obj, const char *const *order)
{
	struct members t;
	struct member *out;
	const char *k;
	json_t *v;
	size_t rank = 0, o = 0;
	bool ordered = true;

	if (!json_is_object(obj) || json_object_size(obj) < 2)
		return;
	json_object_foreach (obj, k, v) {
		size_t r = order_rank(k, order);
		if (r < rank) {
			ordered = false;
			break;
		}
		rank = r;
	}
	if (ordered)
		return;
	take_members(obj, &t);
	out = xcalloc(t.n + 1, sizeof(*out));
	for (size_t i = 0; order[i]; i++)
		for (size_t j = 0; j < t.n; j++)
			if (t.m[j].val && strcmp(t.m[j].key, order[i]) == 0) {
				out[o++] = t.m[j];
				t.m[j].val = NULL;
			}
	for (size_t j = 0; j < t.n; j++)
		if (t.m[j].val)
			out[o++] = t.m[j];
	put_members(obj, &t, out, o);
	free(out);
}

char *
jx_scalar_text(const json_t *n)
{
	if (n == NULL || json_is_null(n))
		return xstrdup("");
	if (json_is_string(n))
		return xstrdup(json_string_value(n));
	if (json_is_true(n))
		return xstrdup("true");
	if (json_is_false(n))
		return xstrdup("false");
	if (json_is_integer(n))
		return xasprintf("%lld", (long long)json_integer_value(n));
	if (json_is_real(n))
		return xasprintf("%g", json_real_value(n));
	return NULL;
}

json_t *
jx_string_at(const char *s, const json_t *from)
{
	json_t *v = json_string(s);

	pos_copy(v, from);
	return v;
}

void
jx_path_init(struct jx_path *p)
{
	p->buf[0] = '\0';
	p->len = 0;
}

static void
path_add(struct jx_path *p, const char *s)
{
	size_t n = strlen(s);

	if (p->len + n >= sizeof(p->buf))
		n = sizeof(p->buf) - 1 - p->len;
	memcpy(p->buf + p->len, s, n);
	p->len += n;
	p->buf[p->len] = '\0';
}

size_t
jx_path_key(struct jx_path *p, const char *key)
{
	size_t old = p->len;

	if (p->len)
		path_add(p, ".");
	path_add(p, key);
	return old;
}

size_t
jx_path_index(struct jx_path *p, size_t i)
{
	size_t old = p->len;
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "[%zu]", i);
	path_add(p, tmp);
	return old;
}

void
jx_path_pop(struct jx_path *p, size_t len)
{
	p->len = len;
	p->buf[len] = '\0';
}

/* Compare key (klen bytes) with a pattern key, as strcmp would. */
static int
cmp_pat_key(const char *key, size_t klen, const struct jx_pat_key *k)
{
	int c = memcmp(key, k->text, klen < k->len ? klen : k->len);

	if (c)
		return c;
	return klen < k->len ? -1 : klen > k->len;
}

/* The pattern key at depth equal to key, or where it would go. */
static size_t
find_pat_key(const struct jx_patterns *t, int depth, const char *key,
	     size_t klen, bool *found)
{
	size_t lo = 0, hi = t->nkeys[depth];

	*found = false;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = cmp_pat_key(key, klen, &t->keys[depth][mid]);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

void
jx_patterns_add(struct jx_patterns *t, const char *pattern)
{
	size_t i = t->n++;
	uint64_t bit = (uint64_t)1 << i;
	int n = 0;

	if (i >= JX_PAT_MAX)
		BUG("too many key-path patterns (%s)", pattern);
	for (const char *s = pattern; *s; n++) {
		size_t len = strcspn(s, "."), at;
		bool found;

		if (n >= JX_PAT_DEPTH)
			BUG("key-path pattern too deep (%s)", pattern);
		if (len == 1 && *s == '*') {
			t->any[n] |= bit;
		} else if (len == 2 && strncmp(s, "[]", 2) == 0) {
			t->index[n] |= bit;
		} else {
			struct jx_pat_key *k = t->keys[n];
			t->keyed[n] |= bit;
			at = find_pat_key(t, n, s, len, &found);
			if (!found) {
				memmove(k + at + 1, k + at,
					(t->nkeys[n] - at) * sizeof(*k));
				k[at] = (struct jx_pat_key){ s, len, 0 };
				t->nkeys[n]++;
			}
			k[at].set |= bit;
		}
		s += len;
		if (*s == '.')
			s++;
	}
	t->ends[n] |= bit;
}

uint64_t
jx_patterns_all(const struct jx_patterns *t)
{
	return t->n >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << t->n) - 1;
}

uint64_t
jx_patterns_step(const struct jx_patterns *t, uint64_t set, int depth,
		 const char *key)
{
	uint64_t out;
	bool found;
	size_t at;

	if (depth < 0 || depth >= JX_PAT_DEPTH)
		return 0;
	if (key == NULL)
		return set & t->index[depth];
	out = set & t->any[depth];
	if (set & t->keyed[depth]) {
		at = find_pat_key(t, depth, key, strlen(key), &found);
		if (found)
			out |= set & t->keys[depth][at].set;
	}
	return out;
}

int
jx_patterns_first(const struct jx_patterns *t, uint64_t set, int depth)
{
	uint64_t m;

	if (depth < 0 || depth > JX_PAT_DEPTH)
		return -1;
	m = set & t->ends[depth];
	return m ? __builtin_ctzll(m) : -1;
}
