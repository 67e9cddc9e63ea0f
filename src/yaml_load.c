/*
 * yaml_load.c - libyaml events to jansson trees (yaml_load.h).
 *
 * A recursive builder over libyaml's event stream. Scalars are typed as
 * yaml.v3 types them when decoding into interface{} (compose-go's path):
 * YAML 1.2 core schema, plus 1.1-style 0777 octals, underscores in numbers,
 * and timestamps left as strings. Aliases are deep copies, because later
 * passes edit trees in place; every anchor remembers the node count of its
 * value so the alias budget is checked before anything is copied.
 *
 * Errors that leave the event stream intact (duplicate keys, bad tags,
 * unknown anchors) are reported and parsing goes on, so one run shows all
 * of them; libyaml syntax errors and a blown alias budget stop the load.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "buf.h"
#include "log.h"
#include "pos.h"
#include "xalloc.h"
#include "yaml_load.h"

#define TAG_PREFIX "tag:yaml.org,2002:"

struct anchor {
	char *name;
	json_t *node; /* a reference of our own; NULL while being built */
	size_t size;  /* nodes in the value */
};

struct yctx {
	yaml_parser_t parser;
	const char *file; /* interned */
	const char *text;
	size_t len;
	struct anchor *anchors;
	size_t nanchors, anchors_cap;
	size_t parsed; /* nodes made from events */
	size_t copied; /* nodes made by alias expansion */
	int depth;
	bool fatal;    /* stop: syntax error or alias budget */
	unsigned tags; /* POS_TAG_RESET / POS_TAG_OVERRIDE seen */
};

static json_t *build(struct yctx *c, yaml_event_t *ev, size_t *size);

static json_t *
jcheck(json_t *j)
{
	if (j == NULL)
		die("out of memory");
	return j;
}

/* Report "FILE:LINE:COL: MSG" for a libyaml mark; counts in diag_count. */
__attribute__((format(printf, 3, 4))) static void
yerr(struct yctx *c, yaml_mark_t m, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	diag_error(NULL, NULL, "%s:%zu:%zu: %s", c->file, m.line + 1,
		   m.column + 1, b.ptr);
	buf_release(&b);
}

/* jansson shares one null, one true and one false: they get no position,
   or every null would claim the position of the last one. */
static bool
is_singleton(const json_t *j)
{
	return json_is_null(j) || json_is_boolean(j);
}

static void
setpos(struct yctx *c, json_t *node, yaml_mark_t m)
{
	pos_set(node, c->file, (int)m.line + 1, (int)m.column + 1);
}

/* Line and column of a byte offset (libyaml reader errors give only that). */
static yaml_mark_t
mark_at_offset(struct yctx *c, size_t off)
{
	yaml_mark_t m = { 0, 0, 0 };

	for (size_t i = 0; i < off && i < c->len; i++) {
		if (c->text[i] == '\n') {
			m.line++;
			m.column = 0;
		} else if (((unsigned char)c->text[i] & 0xc0) != 0x80) {
			m.column++;
		}
	}
	return m;
}

/* Pull the next event; on a syntax error report it once and go fatal. */
static int
next_event(struct yctx *c, yaml_event_t *ev)
{
	yaml_parser_t *p = &c->parser;
	yaml_mark_t m;

	if (yaml_parser_parse(p, ev))
		return 0;
	c->fatal = true;
	if (p->error == YAML_READER_ERROR) {
		m = mark_at_offset(c, p->problem_offset);
		yerr(c, m, "%s", p->problem ? p->problem : "invalid input");
		return -1;
	}
	if (p->error == YAML_MEMORY_ERROR)
		die("out of memory");
	m = p->problem_mark;
	if (p->context)
		yerr(c, m, "%s %s", p->problem ? p->problem : "syntax error",
		     p->context);
	else
		yerr(c, m, "%s", p->problem ? p->problem : "syntax error");
	return -1;
}

/* Anchors */

static struct anchor *
anchor_find(struct yctx *c, const char *name)
{
	/* The latest definition of a name wins (YAML allows redefining). */
	for (size_t i = c->nanchors; i-- > 0;)
		if (strcmp(c->anchors[i].name, name) == 0)
			return &c->anchors[i];
	return NULL;
}

static size_t
anchor_begin(struct yctx *c, const char *name)
{
	ALLOC_GROW(c->anchors, c->nanchors + 1, c->anchors_cap);
	c->anchors[c->nanchors].name = xstrdup(name);
	c->anchors[c->nanchors].node = NULL;
	c->anchors[c->nanchors].size = 0;
	return c->nanchors++;
}

static void
anchor_end(struct yctx *c, size_t i, json_t *node, size_t size)
{
	c->anchors[i].node = json_incref(node); /* ours until anchors_reset */
	c->anchors[i].size = size;
}

static void
anchors_reset(struct yctx *c)
{
	for (size_t i = 0; i < c->nanchors; i++) {
		free(c->anchors[i].name);
		json_decref(c->anchors[i].node);
	}
	c->nanchors = 0;
}

/* Deep-copy a tree, positions and flags included. */
static json_t *
copy_tree(const json_t *src)
{
	json_t *dst;
	const char *key;
	json_t *v;
	size_t i;

	switch (json_typeof(src)) {
	case JSON_OBJECT:
		dst = jcheck(json_object());
		json_object_foreach ((json_t *)src, key, v)
			json_object_set_new(dst, key, copy_tree(v));
		break;
	case JSON_ARRAY:
		dst = jcheck(json_array());
		json_array_foreach (src, i, v)
			json_array_append_new(dst, copy_tree(v));
		break;
	case JSON_STRING:
		dst = jcheck(json_stringn_nocheck(json_string_value(src),
						  json_string_length(src)));
		break;
	default:
		dst = jcheck(json_copy((json_t *)src));
		/* json_copy of true/false/null returns the singleton. */
		break;
	}
	pos_copy(dst, src);
	return dst;
}

/* Check the alias budget for n more nodes; go fatal if it is spent. */
static int
budget_take(struct yctx *c, size_t n, yaml_mark_t m)
{
	size_t limit = YAML_ALIAS_BASE + YAML_ALIAS_RATIO * c->parsed;

	if (limit > YAML_ALIAS_MAX)
		limit = YAML_ALIAS_MAX;
	if (n > limit || c->copied > limit - n) {
		yerr(c, m,
		     "too many alias expansions (a \"billion laughs\" file?)");
		c->fatal = true;
		return -1;
	}
	c->copied += n;
	return 0;
}

static json_t *
build_alias(struct yctx *c, yaml_event_t *ev, size_t *size)
{
	const char *name = (const char *)ev->data.alias.anchor;
	struct anchor *a = anchor_find(c, name);
	json_t *node;

	*size = 1;
	if (a == NULL) {
		yerr(c, ev->start_mark, "unknown anchor \"%s\" referenced",
		     name);
		return json_null();
	}
	if (a->node == NULL) {
		yerr(c, ev->start_mark, "anchor \"%s\" value contains itself",
		     name);
		return json_null();
	}
	if (budget_take(c, a->size, ev->start_mark) < 0)
		return NULL;
	*size = a->size;
	node = copy_tree(a->node);
	return node;
}

/* Scalars */

/* Go's strconv.ParseInt(s, 0, 64) / ParseUint, on a string without '_'. */
static bool
parse_go_int(const char *s, long long *iv, unsigned long long *uv,
	     bool *is_unsigned)
{
	bool neg = false, sign = false;
	unsigned base = 10;
	unsigned long long acc = 0;

	if (*s == '+' || *s == '-') {
		neg = *s == '-';
		sign = true;
		s++;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		base = 2;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
		base = 8;
		s += 2;
	} else if (s[0] == '0' && s[1]) {
		base = 8;
		s += 1;
	}
	if (*s == '\0')
		return false;
	for (; *s; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return false;
		if (d >= base)
			return false;
		if (acc > (ULLONG_MAX - d) / base)
			return false;
		acc = acc * base + d;
	}
	*is_unsigned = false;
	if (neg) {
		if (acc > (unsigned long long)LLONG_MAX + 1)
			return false;
		*iv = acc == (unsigned long long)LLONG_MAX + 1 ?
			      LLONG_MIN :
			      -(long long)acc;
		return true;
	}
	if (acc <= (unsigned long long)LLONG_MAX) {
		*iv = (long long)acc;
		return true;
	}
	if (sign) /* ParseUint takes no sign */
		return false;
	*uv = acc;
	*is_unsigned = true;
	return true;
}

/* yaml.v3's float syntax: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
 */
static bool
yaml_float_syntax(const char *s)
{
	bool digits = false;

	if (*s == '+' || *s == '-')
		s++;
	if (*s == '.') {
		s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	} else {
		while (*s >= '0' && *s <= '9') {
			s++;
			digits = true;
		}
		if (!digits)
			return false;
		if (*s == '.') {
			s++;
			while (*s >= '0' && *s <= '9')
				s++;
		}
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

/* strtod over the whole string; NULL when out of range (as Go errs). */
static json_t *
make_real(const char *s)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (*end || errno == ERANGE)
		return NULL;
	return json_real(d);
}

static json_t *
resolve_number(const char *in)
{
	char *plain = xmalloc(strlen(in) + 1);
	char *q = plain;
	long long iv = 0;
	unsigned long long uv = 0;
	bool is_unsigned = false;
	json_t *j = NULL;

	for (const char *p = in; *p; p++)
		if (*p != '_')
			*q++ = *p;
	*q = '\0';
	if (parse_go_int(plain, &iv, &uv, &is_unsigned))
		j = is_unsigned ? json_real((double)uv) : json_integer(iv);
	else if (yaml_float_syntax(plain))
		j = make_real(plain);
	free(plain);
	return j;
}

static const char *const null_words[] = { "", "~", "null", "Null", "NULL" };
static const char *const true_words[] = { "true", "True", "TRUE" };
static const char *const false_words[] = { "false", "False", "FALSE" };

static bool
word_in(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* Type a plain scalar; NULL means "a string". */
static json_t *
resolve_plain(const char *s)
{
	if (word_in(s, null_words, ARRAY_SIZE(null_words)))
		return json_null();
	if (word_in(s, true_words, ARRAY_SIZE(true_words)))
		return json_true();
	if (word_in(s, false_words, ARRAY_SIZE(false_words)))
		return json_false();
	if ((*s >= '0' && *s <= '9') || *s == '+' || *s == '-')
		return resolve_number(s);
	/* .inf and .nan have no JSON form: they stay strings. */
	if (*s == '.' && s[1] >= '0' && s[1] <= '9')
		return make_real(s);
	return NULL;
}

static json_t *
make_string(struct yctx *c, const char *s, size_t len, yaml_mark_t m)
{
	json_t *j = json_stringn(s, len);

	if (j == NULL) {
		yerr(c, m, "invalid UTF-8 in scalar");
		j = json_string("");
	}
	return jcheck(j);
}

enum tag_kind {
	TAG_NONE,
	TAG_STR,
	TAG_INT,
	TAG_FLOAT,
	TAG_BOOL,
	TAG_NULL,
	TAG_MAP,
	TAG_SEQ,
	TAG_OTHER_STR, /* binary, timestamp, merge: kept as text */
	TAG_UNKNOWN,
};

/* Classify a tag; the compose tags become flags. */
static enum tag_kind
tag_classify(const char *tag, unsigned *flags)
{
	static const struct {
		const char *name;
		enum tag_kind kind;
	} std[] = {
		{ "str", TAG_STR },
		{ "int", TAG_INT },
		{ "float", TAG_FLOAT },
		{ "bool", TAG_BOOL },
		{ "null", TAG_NULL },
		{ "map", TAG_MAP },
		{ "seq", TAG_SEQ },
		{ "binary", TAG_OTHER_STR },
		{ "timestamp", TAG_OTHER_STR },
		{ "merge", TAG_OTHER_STR },
	};

	if (tag == NULL)
		return TAG_NONE;
	if (strcmp(tag, "!") == 0) /* non-specific: a string */
		return TAG_STR;
	if (strcmp(tag, "!reset") == 0) {
		*flags |= POS_TAG_RESET;
		return TAG_NONE;
	}
	if (strcmp(tag, "!override") == 0) {
		*flags |= POS_TAG_OVERRIDE;
		return TAG_NONE;
	}
	if (strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)) == 0) {
		const char *t = tag + strlen(TAG_PREFIX);

		for (size_t i = 0; i < ARRAY_SIZE(std); i++)
			if (strcmp(t, std[i].name) == 0)
				return std[i].kind;
	}
	return TAG_UNKNOWN;
}

static const char *
tag_short(const char *tag)
{
	static char b[128];

	if (strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)) == 0) {
		snprintf(b, sizeof(b), "!!%s", tag + strlen(TAG_PREFIX));
		return b;
	}
	return tag;
}

/* A scalar with an explicit standard tag. */
static json_t *
scalar_tagged(struct yctx *c, enum tag_kind kind, const char *v, size_t len,
	      const char *tag, yaml_mark_t m)
{
	json_t *j = NULL;

	switch (kind) {
	case TAG_NULL:
		if (word_in(v, null_words, ARRAY_SIZE(null_words)))
			return json_null();
		break;
	case TAG_BOOL:
		if (word_in(v, true_words, ARRAY_SIZE(true_words)))
			return json_true();
		if (word_in(v, false_words, ARRAY_SIZE(false_words)))
			return json_false();
		break;
	case TAG_INT:
		j = resolve_number(v);
		if (j && json_is_integer(j))
			return j;
		json_decref(j);
		j = NULL;
		break;
	case TAG_FLOAT:
		j = resolve_number(v);
		if (j && json_is_integer(j)) {
			json_t *r = json_real((double)json_integer_value(j));
			json_decref(j);
			return r;
		}
		if (j)
			return j;
		break;
	case TAG_MAP:
	case TAG_SEQ:
		break;
	default:
		return make_string(c, v, len, m);
	}
	yerr(c, m, "cannot decode \"%s\" as %s", v, tag_short(tag));
	return make_string(c, v, len, m);
}

static json_t *
build_scalar(struct yctx *c, yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	const char *tag = (const char *)ev->data.scalar.tag;
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	unsigned flags = 0;
	enum tag_kind kind = tag_classify(tag, &flags);
	json_t *j = NULL;

	c->tags |= flags;
	if (kind == TAG_UNKNOWN) {
		yerr(c, ev->start_mark, "unknown tag \"%s\"", tag);
		kind = TAG_NONE;
	}
	if (kind == TAG_NONE && plain && strlen(v) == len)
		j = resolve_plain(v);
	else if (kind == TAG_STR)
		flags |= POS_QUOTED;
	else if (kind != TAG_NONE)
		j = scalar_tagged(c, kind, v, len, tag, ev->start_mark);
	if (j != NULL && is_singleton(j) && (flags & POS_TAG_RESET)) {
		/* null, true and false are shared singletons that cannot carry
		   a flag of their own: a !reset value (whose value does not
		   matter) becomes its text instead. */
		j = NULL;
	}
	if (j == NULL) {
		j = make_string(c, v, len, ev->start_mark);
		if (!plain)
			flags |= POS_QUOTED;
	}
	jcheck(j);
	if (!is_singleton(j)) {
		setpos(c, j, ev->start_mark);
		if (flags)
			pos_set_flags(j, flags);
	}
	return j;
}

/* Collections */

static bool
check_depth(struct yctx *c, yaml_mark_t m)
{
	if (c->depth < YAML_MAX_DEPTH)
		return true;
	yerr(c, m, "too deeply nested (more than %d levels)", YAML_MAX_DEPTH);
	c->fatal = true;
	return false;
}

/* Check a collection tag: !reset, !override and the matching !!map/!!seq
   are fine. Returns the flags to set. */
static unsigned
collection_tag(struct yctx *c, const yaml_char_t *tag, enum tag_kind want,
	       yaml_mark_t m)
{
	unsigned flags = 0;
	enum tag_kind kind = tag_classify((const char *)tag, &flags);

	c->tags |= flags;
	if (kind == TAG_UNKNOWN)
		yerr(c, m, "unknown tag \"%s\"", (const char *)tag);
	else if (kind != TAG_NONE && kind != want)
		yerr(c, m, "cannot decode a %s as %s",
		     want == TAG_MAP ? "mapping" : "sequence",
		     tag_short((const char *)tag));
	return flags;
}

static json_t *
build_sequence(struct yctx *c, yaml_event_t *ev, size_t *size)
{
	json_t *arr = jcheck(json_array());
	unsigned flags = collection_tag(c, ev->data.sequence_start.tag, TAG_SEQ,
					ev->start_mark);

	setpos(c, arr, ev->start_mark);
	if (flags)
		pos_set_flags(arr, flags);
	*size = 1;
	if (!check_depth(c, ev->start_mark))
		goto fail;
	c->depth++;
	for (;;) {
		yaml_event_t item;
		size_t n;
		json_t *v;

		if (next_event(c, &item) < 0)
			break;
		if (item.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&item);
			c->depth--;
			return arr;
		}
		v = build(c, &item, &n);
		if (v == NULL)
			break;
		json_array_append_new(arr, v);
		*size += n;
	}
	c->depth--;
fail:
	json_decref(arr);
	return NULL;
}

/* The text of a key: the scalar as written (yaml.v3 decodes `80:` into a
   string key "80"), or the value of an aliased scalar. */
static char *
key_text(struct yctx *c, yaml_event_t *ev, bool *is_merge)
{
	*is_merge = false;
	if (ev->type == YAML_SCALAR_EVENT) {
		const char *tag = (const char *)ev->data.scalar.tag;
		unsigned flags = 0;

		if (tag_classify(tag, &flags) == TAG_UNKNOWN)
			yerr(c, ev->start_mark, "unknown tag \"%s\"", tag);
		if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    strcmp((const char *)ev->data.scalar.value, "<<") == 0 &&
		    (tag == NULL || strcmp(tag, TAG_PREFIX "merge") == 0))
			*is_merge = true;
		return xstrndup((const char *)ev->data.scalar.value,
				ev->data.scalar.length);
	}
	if (ev->type == YAML_ALIAS_EVENT) {
		struct anchor *a =
			anchor_find(c, (const char *)ev->data.alias.anchor);
		const json_t *v = a ? a->node : NULL;

		if (v == NULL) {
			yerr(c, ev->start_mark,
			     "unknown anchor \"%s\" referenced",
			     (const char *)ev->data.alias.anchor);
			return NULL;
		}
		if (json_is_string(v))
			return xstrdup(json_string_value(v));
		if (json_is_integer(v))
			return xasprintf("%" JSON_INTEGER_FORMAT,
					 json_integer_value(v));
		if (json_is_real(v))
			return xasprintf("%g", json_real_value(v));
		if (json_is_boolean(v))
			return xstrdup(json_is_true(v) ? "true" : "false");
		if (json_is_null(v))
			return xstrdup("");
	}
	yerr(c, ev->start_mark, "mapping keys must be scalars");
	return NULL;
}

/* Apply `<<` sources: earlier sources and explicit keys win. Steals
   nothing from src, which the caller frees. */
static int
merge_into(struct yctx *c, json_t *obj, json_t *src, yaml_mark_t m)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_object(src)) {
		json_object_foreach (src, key, v)
			if (json_object_get(obj, key) == NULL)
				json_object_set(obj, key, v);
		return 0;
	}
	if (json_is_array(src)) {
		json_array_foreach (src, i, v)
			if (!json_is_object(v))
				goto bad;
		json_array_foreach (src, i, v)
			merge_into(c, obj, v, m);
		return 0;
	}
bad:
	yerr(c, m, "map merge requires map or sequence of maps as the value");
	return -1;
}

struct merge_src {
	json_t *node;
	yaml_mark_t mark;
};

static json_t *
build_mapping(struct yctx *c, yaml_event_t *ev, size_t *size)
{
	json_t *obj = jcheck(json_object());
	unsigned flags = collection_tag(c, ev->data.mapping_start.tag, TAG_MAP,
					ev->start_mark);
	struct merge_src *merges = NULL;
	size_t nmerges = 0, merges_cap = 0;
	bool ok = false;

	setpos(c, obj, ev->start_mark);
	if (flags)
		pos_set_flags(obj, flags);
	*size = 1;
	if (!check_depth(c, ev->start_mark))
		goto done;
	c->depth++;
	for (;;) {
		yaml_event_t kev, vev;
		yaml_mark_t km;
		char *key;
		bool is_merge;
		json_t *v;
		size_t n;

		if (next_event(c, &kev) < 0)
			break;
		if (kev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&kev);
			ok = true;
			break;
		}
		key = key_text(c, &kev, &is_merge);
		km = kev.start_mark;
		if (key && !is_merge && json_object_get(obj, key))
			yerr(c, kev.start_mark, "duplicate key \"%s\"", key);
		if (kev.type == YAML_MAPPING_START_EVENT ||
		    kev.type == YAML_SEQUENCE_START_EVENT) {
			/* Build (and drop) the complex key to stay in step. */
			json_decref(build(c, &kev, &n));
			if (c->fatal) {
				free(key);
				break;
			}
		} else {
			yaml_event_delete(&kev);
		}
		if (next_event(c, &vev) < 0) {
			free(key);
			break;
		}
		{
			yaml_mark_t vm = vev.start_mark;

			v = build(c, &vev, &n);
			if (v == NULL) {
				free(key);
				break;
			}
			*size += n;
			if (is_merge) {
				ALLOC_GROW(merges, nmerges + 1, merges_cap);
				merges[nmerges].node = v;
				merges[nmerges++].mark = vm;
			} else if (key && json_object_get(obj, key) == NULL) {
				/* libyaml checked the key is UTF-8 */
				json_object_set_new_nocheck(obj, key, v);
				pos_set_key(v, (int)km.line + 1,
					    (int)km.column + 1);
			} else {
				json_decref(v);
			}
		}
		free(key);
	}
	c->depth--;
	/* Merged keys go in after every explicit key, so explicit ones win
	   wherever they are written, as in yaml.v3. */
	for (size_t i = 0; ok && i < nmerges; i++)
		merge_into(c, obj, merges[i].node, merges[i].mark);
done:
	for (size_t i = 0; i < nmerges; i++)
		json_decref(merges[i].node);
	free(merges);
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

/* Build the node that starts with ev (consumed); NULL when fatal. */
static json_t *
build(struct yctx *c, yaml_event_t *ev, size_t *size)
{
	const char *anchor = NULL;
	size_t ai = 0;
	json_t *node = NULL;

	*size = 1;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		anchor = (const char *)ev->data.scalar.anchor;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = (const char *)ev->data.sequence_start.anchor;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = (const char *)ev->data.mapping_start.anchor;
		break;
	default:
		break;
	}
	if (anchor)
		ai = anchor_begin(c, anchor);
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		node = build_scalar(c, ev);
		c->parsed++;
		break;
	case YAML_SEQUENCE_START_EVENT:
		c->parsed++;
		node = build_sequence(c, ev, size);
		break;
	case YAML_MAPPING_START_EVENT:
		c->parsed++;
		node = build_mapping(c, ev, size);
		break;
	case YAML_ALIAS_EVENT:
		node = build_alias(c, ev, size);
		break;
	default:
		yerr(c, ev->start_mark, "unexpected YAML event %d", ev->type);
		c->fatal = true;
		break;
	}
	if (anchor && node)
		anchor_end(c, ai, node, *size);
	yaml_event_delete(ev);
	return node;
}

/* Parse every document of the stream into docs; 0 or -1 when fatal. */
static int
load_stream(struct yctx *c, json_t *docs)
{
	yaml_event_t ev;

	for (;;) {
		if (next_event(c, &ev) < 0)
			return -1;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			yaml_event_delete(&ev);
			return 0;
		case YAML_DOCUMENT_START_EVENT: {
			yaml_event_t root;
			size_t n;
			json_t *doc;

			yaml_event_delete(&ev);
			if (next_event(c, &root) < 0)
				return -1;
			doc = build(c, &root, &n);
			anchors_reset(c); /* anchors are per document */
			if (doc == NULL)
				return -1;
			json_array_append_new(docs, doc);
			break;
		}
		default: /* stream start, document end */
			yaml_event_delete(&ev);
			break;
		}
	}
}

int
yaml_load_string(json_t **out, const char *text, size_t len, const char *name)
{
	return yaml_load_string_tags(out, text, len, name, NULL);
}

int
yaml_load_string_tags(json_t **out, const char *text, size_t len,
		      const char *name, unsigned *tags)
{
	struct yctx c;
	json_t *docs = jcheck(json_array());
	int before = diag_count();
	int ret = -1;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.file = pos_intern(name);
	c.text = text;
	c.len = len;
	if (!yaml_parser_initialize(&c.parser))
		die("out of memory");
	yaml_parser_set_input_string(&c.parser, (const unsigned char *)text,
				     len);
	if (load_stream(&c, docs) == 0 && diag_count() == before) {
		if (tags)
			*tags = c.tags;
		*out = docs;
		docs = NULL;
		ret = 0;
	}
	anchors_reset(&c);
	free(c.anchors);
	yaml_parser_delete(&c.parser);
	json_decref(docs);
	return ret;
}

static int
read_all(FILE *f, struct buf *b)
{
	char chunk[8192];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(b, chunk, n);
	return ferror(f) ? -1 : 0;
}

int
yaml_load_file(json_t **out, const char *path)
{
	return yaml_load_file_tags(out, path, NULL);
}

int
yaml_load_file_tags(json_t **out, const char *path, unsigned *tags)
{
	struct buf b = BUF_INIT;
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	int ret = -1;

	*out = NULL;
	if (f == NULL)
		return error("cannot read '%s': %s", path, strerror(errno));
	if (read_all(f, &b) < 0) {
		error("cannot read '%s': %s", is_stdin ? "stdin" : path,
		      strerror(errno));
		goto done;
	}
	ret = yaml_load_string_tags(out, b.ptr, b.len,
				    is_stdin ? "stdin" : path, tags);
done:
	if (!is_stdin)
		fclose(f);
	buf_release(&b);
	return ret;
}
