/*
 * merge.c - compose tree merging and de-duplication (merge.h).
 *
 * Two tables drive this file, as in compose-go: merge_rules (path pattern
 * -> how to merge the value found there) and unique_rules (path pattern
 * -> what identifies an entry of the sequence found there). A path is
 * matched segment by segment, "*" matching any one segment, so service
 * names containing dots cannot confuse it.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "canon.h"
#include "jsonx.h"
#include "log.h"
#include "merge.h"
#include "pos.h"
#include "xalloc.h"

#define MAX_DEPTH 64

struct mpath {
	const struct jx_patterns *rules; /* merge_rules or unique_rules */
	uint64_t set[MAX_DEPTH + 1];	 /* rules matching the first i keys */
	int n;
	bool move;	     /* over's nodes may be taken (merge_tree_move) */
	unsigned tags;	     /* POS_TAG_* flags that may occur in over */
	struct jx_path text; /* the same path for messages */
};

static void
mpath_init(struct mpath *p, const struct jx_patterns *rules)
{
	p->rules = rules;
	p->set[0] = jx_patterns_all(rules);
	p->n = 0;
	p->move = false;
	p->tags = POS_TAG_RESET | POS_TAG_OVERRIDE;
	jx_path_init(&p->text);
}

static void
mpath_push(struct mpath *p, const char *key, size_t *saved)
{
	*saved = jx_path_key(&p->text, key);
	if (p->n < MAX_DEPTH)
		p->set[p->n + 1] =
			jx_patterns_step(p->rules, p->set[p->n], p->n, key);
	p->n++;
}

static void
mpath_pop(struct mpath *p, size_t saved)
{
	p->n--;
	jx_path_pop(&p->text, saved);
}

/* The rules that match the path or a longer one. */
static uint64_t
mpath_set(const struct mpath *p)
{
	return p->n <= MAX_DEPTH ? p->set[p->n] : 0;
}

/* The first rule matching the path exactly, or -1. */
static int
mpath_rule(const struct mpath *p)
{
	return jx_patterns_first(p->rules, mpath_set(p), p->n);
}

json_t *
merge_strip_resets(const json_t *n)
{
	json_t *c;

	if (json_is_object(n)) {
		const char *k;
		json_t *v;

		c = json_object();
		json_object_foreach ((json_t *)n, k, v) {
			if (!jx_has_flag(v, POS_TAG_RESET))
				json_object_set_new(c, k,
						    merge_strip_resets(v));
		}
	} else if (json_is_array(n)) {
		size_t i;
		json_t *v;

		c = json_array();
		json_array_foreach (n, i, v) {
			if (!jx_has_flag(v, POS_TAG_RESET))
				json_array_append_new(c, merge_strip_resets(v));
		}
	} else {
		return jx_copy(n);
	}
	pos_copy(c, n);
	return c;
}

/* Does v carry flag? Only looked up when over may hold such flags. */
static bool
has_tag(const struct mpath *p, const json_t *v, unsigned flag)
{
	return (p->tags & flag) && jx_has_flag(v, flag);
}

/* What over's subtree v contributes where base has nothing: v itself
   when over is being consumed and resets nothing, else a copy without
   its !reset nodes. New reference. */
static json_t *
take(const struct mpath *p, const json_t *v)
{
	if (p->move && !(p->tags & POS_TAG_RESET))
		return json_incref((json_t *)v);
	return merge_strip_resets(v);
}

typedef json_t *(*merge_fn)(json_t *base, const json_t *over, struct mpath *p,
			    int *err);

static json_t *
merge_value(json_t *base, const json_t *over, struct mpath *p, int *err);

static void
merge_mappings(json_t *base, const json_t *over, struct mpath *p, int *err)
{
	const char *k;
	json_t *v;

	json_object_foreach ((json_t *)over, k, v) {
		json_t *e = json_object_get(base, k);
		size_t saved;

		if (has_tag(p, v, POS_TAG_RESET)) {
			json_object_del(base, k);
			continue;
		}
		if (e == NULL || has_tag(p, v, POS_TAG_OVERRIDE)) {
			json_object_set_new(base, k, take(p, v));
			continue;
		}
		mpath_push(p, k, &saved);
		json_object_set_new(base, k, merge_value(e, v, p, err));
		mpath_pop(p, saved);
	}
}

/* The default rule: mappings merge, sequences append, scalars replace. */
static json_t *
merge_default(json_t *base, const json_t *over, struct mpath *p, int *err)
{
	if (json_is_null(over))
		return json_incref(base);
	if (json_is_object(base)) {
		if (!json_is_object(over)) {
			*err = diag_error(over, p->text.buf,
					  "cannot merge a %s over a mapping",
					  json_is_array(over) ? "list" :
								"scalar");
			return json_incref(base);
		}
		merge_mappings(base, over, p, err);
		return json_incref(base);
	}
	if (json_is_array(base)) {
		size_t i;
		json_t *v;

		if (!json_is_array(over)) {
			*err = diag_error(over, p->text.buf,
					  "cannot merge a %s over a list",
					  json_is_object(over) ? "mapping" :
								 "scalar");
			return json_incref(base);
		}
		json_array_foreach (over, i, v) {
			if (!has_tag(p, v, POS_TAG_RESET))
				json_array_append_new(base, take(p, v));
		}
		return json_incref(base);
	}
	return take(p, over);
}

static json_t *
merge_override(json_t *base, const json_t *over, struct mpath *p, int *err)
{
	return take(p, over);
}

static int
cmp_json_str(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a),
		      json_string_value(*(json_t *const *)b));
}

/* A mapping, list or string as a list of "KEY=VALUE" strings (mappings
   sorted, as compose-go does), copied. New reference. */
static json_t *
to_sequence(const json_t *v)
{
	json_t *seq = json_array();

	if (json_is_object(v)) {
		const char *k;
		json_t *val;
		size_t n0;

		json_object_foreach ((json_t *)v, k, val) {
			if (jx_has_flag(val, POS_TAG_RESET))
				continue;
			if (json_is_null(val)) {
				json_array_append_new(seq, jx_string_at(k, v));
			} else if (json_is_array(val)) {
				size_t i;
				json_t *e;

				json_array_foreach (val, i, e) {
					char *t = jx_scalar_text(e);
					char *s = xasprintf("%s=%s", k,
							    t ? t : "");
					json_array_append_new(
						seq, jx_string_at(s, e));
					free(s);
					free(t);
				}
			} else {
				char *t = jx_scalar_text(val);
				char *s = xasprintf("%s=%s", k, t ? t : "");
				json_array_append_new(seq,
						      jx_string_at(s, val));
				free(s);
				free(t);
			}
		}
		n0 = json_array_size(seq);
		if (n0 > 1) {
			json_t **items = xcalloc(n0, sizeof(json_t *));
			for (size_t i = 0; i < n0; i++)
				items[i] = json_incref(json_array_get(seq, i));
			qsort(items, n0, sizeof(json_t *), cmp_json_str);
			json_array_clear(seq);
			for (size_t i = 0; i < n0; i++)
				json_array_append_new(seq, items[i]);
			free(items);
		}
	} else if (json_is_array(v)) {
		json_decref(seq);
		seq = merge_strip_resets(v);
	} else if (v && !json_is_null(v)) {
		json_array_append_new(seq, jx_copy(v));
	}
	pos_copy(seq, v);
	return seq;
}

static json_t *
merge_to_sequence(json_t *base, const json_t *over, struct mpath *p, int *err)
{
	json_t *a = to_sequence(base), *b = to_sequence(over);

	json_array_extend(a, b);
	json_decref(b);
	return a;
}

static bool
array_has_equal(const json_t *arr, const json_t *v)
{
	size_t i;
	json_t *e;

	json_array_foreach (arr, i, e) {
		if (json_equal((json_t *)e, (json_t *)v))
			return true;
	}
	return false;
}

static json_t *
merge_extra_hosts(json_t *base, const json_t *over, struct mpath *p, int *err)
{
	json_t *a = to_sequence(base), *b = to_sequence(over);
	size_t i, n = json_array_size(a);
	json_t *v;

	json_array_foreach (b, i, v) {
		json_t *head = json_array();
		for (size_t j = 0; j < n; j++)
			json_array_append(head, json_array_get(a, j));
		if (!array_has_equal(head, v))
			json_array_append(a, v);
		json_decref(head);
	}
	json_decref(b);
	return a;
}

/* A list of names (or a mapping) as a mapping; list entries get a copy
   of def (NULL: null). New reference. */
static json_t *
to_mapping(const json_t *v, const json_t *def)
{
	json_t *m;
	size_t i;
	json_t *e;

	if (json_is_object(v))
		return merge_strip_resets(v);
	m = json_object();
	pos_copy(m, v);
	json_array_foreach (v, i, e) {
		json_t *d;

		if (!json_is_string(e))
			continue;
		d = def ? jx_copy(def) : json_null();
		pos_copy(d, e);
		if (def) {
			const char *k;
			json_t *dv;
			json_object_foreach (d, k, dv)
				pos_copy(dv, e);
		}
		json_object_set_new(m, json_string_value(e), d);
	}
	return m;
}

static json_t *
merge_as_mappings(json_t *base, const json_t *over, struct mpath *p, int *err,
		  const json_t *def)
{
	json_t *a = to_mapping(base, def), *b = to_mapping(over, def);

	if (json_is_object(a) && json_is_object(b))
		merge_mappings(a, b, p, err);
	json_decref(b);
	return a;
}

static json_t *
merge_depends_on(json_t *base, const json_t *over, struct mpath *p, int *err)
{
	json_t *def = json_pack("{s:s, s:b}", "condition", "service_started",
				"required", 1);
	json_t *r = merge_as_mappings(base, over, p, err, def);

	json_decref(def);
	return r;
}

static json_t *
merge_networks(json_t *base, const json_t *over, struct mpath *p, int *err)
{
	return merge_as_mappings(base, over, p, err, NULL);
}

static json_t *
build_as_mapping(const json_t *v)
{
	json_t *m;

	if (json_is_string(v)) {
		m = json_object();
		pos_copy(m, v);
		json_object_set_new(m, "context", jx_copy(v));
		return m;
	}
	return merge_strip_resets(v);
}

static json_t *
merge_build(json_t *base, const json_t *over, struct mpath *p, int *err)
{
	json_t *a = build_as_mapping(base), *b = build_as_mapping(over);

	if (json_is_object(a) && json_is_object(b))
		merge_mappings(a, b, p, err);
	json_decref(b);
	return a;
}

/* Logging options merge only when both sides name the same driver (or
   one names none). */
static json_t *
merge_logging(json_t *base, const json_t *over, struct mpath *p, int *err)
{
	const char *d1 = jx_str(base, "driver"), *d2 = jx_str(over, "driver");

	if (!json_is_object(base) || !json_is_object(over))
		return merge_default(base, over, p, err);
	if (d1 == NULL || d2 == NULL || strcmp(d1, d2) == 0)
		return merge_default(base, over, p, err);
	return take(p, over);
}

/* IPAM pools merge by subnet. */
static json_t *
merge_ipam_config(json_t *base, const json_t *over, struct mpath *p, int *err)
{
	size_t i;
	json_t *v;

	if (!json_is_array(base) || !json_is_array(over))
		return merge_default(base, over, p, err);
	json_array_foreach (over, i, v) {
		const char *sub = jx_str(v, "subnet");
		bool done = false;
		size_t j;
		json_t *e;

		json_array_foreach (base, j, e) {
			const char *bs = jx_str(e, "subnet");
			if (sub && bs && strcmp(sub, bs) == 0 &&
			    json_is_object(v)) {
				merge_mappings(e, v, p, err);
				done = true;
				break;
			}
		}
		if (!done)
			json_array_append_new(base, merge_strip_resets(v));
	}
	return json_incref(base);
}

static const struct merge_rule {
	const char *pattern;
	merge_fn fn;
} merge_rules[] = {
	{ "networks.*.ipam.config", merge_ipam_config },
	{ "networks.*.labels", merge_to_sequence },
	{ "volumes.*.labels", merge_to_sequence },
	{ "services.*.annotations", merge_to_sequence },
	{ "services.*.build", merge_build },
	{ "services.*.build.args", merge_to_sequence },
	{ "services.*.build.additional_contexts", merge_to_sequence },
	{ "services.*.build.extra_hosts", merge_extra_hosts },
	{ "services.*.build.labels", merge_to_sequence },
	{ "services.*.command", merge_override },
	{ "services.*.depends_on", merge_depends_on },
	{ "services.*.deploy.labels", merge_to_sequence },
	{ "services.*.dns", merge_to_sequence },
	{ "services.*.dns_opt", merge_to_sequence },
	{ "services.*.dns_search", merge_to_sequence },
	{ "services.*.entrypoint", merge_override },
	{ "services.*.env_file", merge_to_sequence },
	{ "services.*.label_file", merge_to_sequence },
	{ "services.*.environment", merge_to_sequence },
	{ "services.*.extra_hosts", merge_extra_hosts },
	{ "services.*.healthcheck.test", merge_override },
	{ "services.*.labels", merge_to_sequence },
	{ "services.*.volumes.*.volume.labels", merge_to_sequence },
	{ "services.*.logging", merge_logging },
	{ "services.*.models", merge_networks },
	{ "services.*.networks", merge_networks },
	{ "services.*.sysctls", merge_to_sequence },
	{ "services.*.tmpfs", merge_to_sequence },
	{ "services.*.ulimits.*", merge_override },
};

/* The merge rules as a pattern table, made on first use. */
static const struct jx_patterns *
merge_patterns(void)
{
	static struct jx_patterns t;

	if (t.n == 0)
		for (size_t i = 0; i < ARRAY_SIZE(merge_rules); i++)
			jx_patterns_add(&t, merge_rules[i].pattern);
	return &t;
}

static json_t *
merge_value(json_t *base, const json_t *over, struct mpath *p, int *err)
{
	int r = mpath_rule(p);

	if (r >= 0)
		return merge_rules[r].fn(base, over, p, err);
	return merge_default(base, over, p, err);
}

static int
merge_top(json_t *base, const json_t *over, struct mpath *p)
{
	int err = 0;

	if (!json_is_object(base) || !json_is_object(over))
		return diag_error(over, NULL,
				  "a compose file must be a mapping");
	merge_mappings(base, over, p, &err);
	return err;
}

int
merge_tree(json_t *base, const json_t *over)
{
	struct mpath p;

	mpath_init(&p, merge_patterns());
	return merge_top(base, over, &p);
}

int
merge_tree_move(json_t *base, json_t *over, unsigned tags)
{
	struct mpath p;

	mpath_init(&p, merge_patterns());
	p.move = true;
	p.tags = tags & (POS_TAG_RESET | POS_TAG_OVERRIDE);
	return merge_top(base, over, &p);
}

int
merge_service(json_t *base, const json_t *over)
{
	struct mpath p;
	size_t s1, s2;
	int err = 0;

	mpath_init(&p, merge_patterns());
	mpath_push(&p, "services", &s1);
	mpath_push(&p, "*", &s2);
	if (json_is_object(base) && json_is_object(over))
		merge_mappings(base, over, &p, &err);
	return err;
}

/* ---- uniqueness ---- */

typedef char *(*index_fn)(const json_t *entry, const char *arg);

static char *
index_key_value(const json_t *e, const char *arg)
{
	const char *s = json_string_value(e);
	const char *eq;

	if (s == NULL)
		return json_dumps(e, JSON_ENCODE_ANY | JSON_COMPACT);
	eq = strchr(s, '=');
	return eq ? xstrndup(s, (size_t)(eq - s)) : xstrdup(s);
}

static char *
index_volume(const json_t *e, const char *arg)
{
	if (json_is_object(e)) {
		const char *t = jx_str(e, "target");
		return t ? xstrdup(t) : NULL;
	}
	if (json_is_string(e)) {
		json_t *v = NULL;
		char *msg = NULL, *t = NULL;

		if (canon_volume_parse(json_string_value(e), &v, &msg) == 0)
			t = xstrdup(jx_str(v, "target") ? jx_str(v, "target") :
							  "");
		json_decref(v);
		free(msg);
		return t;
	}
	return NULL;
}

static char *
index_device(const json_t *e, const char *arg)
{
	const char *s = json_string_value(e), *c;

	if (json_is_object(e)) {
		const char *t = jx_str(e, "target");
		return t ? xstrdup(t) : NULL;
	}
	if (s == NULL)
		return NULL;
	c = strchr(s, ':');
	if (c == NULL)
		return xstrdup(s);
	s = c + 1;
	c = strchr(s, ':');
	return c ? xstrndup(s, (size_t)(c - s)) : xstrdup(s);
}

static char *
index_mount(const json_t *e, const char *arg)
{
	if (json_is_string(e))
		return xasprintf("%s/%s", arg, json_string_value(e));
	if (json_is_object(e)) {
		const char *t = jx_str(e, "target"), *s = jx_str(e, "source");
		if (t)
			return xstrdup(t);
		return xasprintf("%s/%s", arg, s ? s : "");
	}
	return NULL;
}

static char *
index_port(const json_t *e, const char *arg)
{
	if (json_is_object(e)) {
		const char *host = jx_str(e, "host_ip");
		const char *proto = jx_str(e, "protocol");
		char *pub = jx_scalar_text(json_object_get(e, "published"));
		char *tgt = jx_scalar_text(json_object_get(e, "target"));
		char *k = xasprintf("%s:%s:%s/%s", host ? host : "0.0.0.0",
				    pub ? pub : "", tgt ? tgt : "",
				    proto ? proto : "tcp");
		free(pub);
		free(tgt);
		return k;
	}
	return jx_scalar_text(e);
}

static char *
index_env_file(const json_t *e, const char *arg)
{
	if (json_is_object(e))
		return jx_str(e, "path") ? xstrdup(jx_str(e, "path")) : NULL;
	return jx_scalar_text(e);
}

static const struct unique_rule {
	const char *pattern;
	index_fn fn;
	const char *arg;
} unique_rules[] = {
	{ "networks.*.labels", index_key_value, NULL },
	{ "networks.*.ipam.options", index_key_value, NULL },
	{ "services.*.annotations", index_key_value, NULL },
	{ "services.*.build.args", index_key_value, NULL },
	{ "services.*.build.additional_contexts", index_key_value, NULL },
	{ "services.*.build.platforms", index_key_value, NULL },
	{ "services.*.build.tags", index_key_value, NULL },
	{ "services.*.build.labels", index_key_value, NULL },
	{ "services.*.cap_add", index_key_value, NULL },
	{ "services.*.cap_drop", index_key_value, NULL },
	{ "services.*.devices", index_device, NULL },
	{ "services.*.configs", index_mount, "" },
	{ "services.*.deploy.labels", index_key_value, NULL },
	{ "services.*.dns", index_key_value, NULL },
	{ "services.*.dns_opt", index_key_value, NULL },
	{ "services.*.dns_search", index_key_value, NULL },
	{ "services.*.environment", index_key_value, NULL },
	{ "services.*.env_file", index_env_file, NULL },
	{ "services.*.expose", index_port, NULL },
	{ "services.*.labels", index_key_value, NULL },
	{ "services.*.links", index_key_value, NULL },
	{ "services.*.networks.*.aliases", index_key_value, NULL },
	{ "services.*.networks.*.link_local_ips", index_key_value, NULL },
	{ "services.*.ports", index_port, NULL },
	{ "services.*.profiles", index_key_value, NULL },
	{ "services.*.secrets", index_mount, "/run/secrets" },
	{ "services.*.sysctls", index_key_value, NULL },
	{ "services.*.tmpfs", index_key_value, NULL },
	{ "services.*.volumes", index_volume, NULL },
};

/* The sequence arr without duplicates. New reference. */
static json_t *
dedup(json_t *arr, const struct unique_rule *r)
{
	json_t *out = json_array(), *seen = json_object();
	size_t i;
	json_t *e;

	pos_copy(out, arr);
	json_array_foreach (arr, i, e) {
		char *key = r->fn(e, r->arg);
		json_t *at = key ? json_object_get(seen, key) : NULL;

		if (at) {
			json_array_set(out, (size_t)json_integer_value(at), e);
		} else {
			if (key)
				json_object_set_new(
					seen, key,
					json_integer(
						(json_int_t)json_array_size(
							out)));
			json_array_append(out, e);
		}
		free(key);
	}
	json_decref(seen);
	return out;
}

/* The uniqueness rules as a pattern table, made on first use. */
static const struct jx_patterns *
unique_patterns(void)
{
	static struct jx_patterns t;

	if (t.n == 0)
		for (size_t i = 0; i < ARRAY_SIZE(unique_rules); i++)
			jx_patterns_add(&t, unique_rules[i].pattern);
	return &t;
}

/* Walk only where some rule can still match. */
static void
unique_walk(json_t *v, struct mpath *p)
{
	const char *k;
	json_t *e;

	json_object_foreach (v, k, e) {
		size_t saved;

		if (!json_is_object(e) && !json_is_array(e))
			continue;
		mpath_push(p, k, &saved);
		if (mpath_set(p) == 0) {
			/* no rule down there */
		} else if (json_is_object(e)) {
			unique_walk(e, p);
		} else if (json_array_size(e) > 1) {
			/* (one entry has no duplicate) */
			int r = mpath_rule(p);
			if (r >= 0)
				json_object_set_new(v, k,
						    dedup(e, &unique_rules[r]));
		}
		mpath_pop(p, saved);
	}
}

void
merge_unique(json_t *tree)
{
	struct mpath p;

	mpath_init(&p, unique_patterns());
	if (json_is_object(tree))
		unique_walk(tree, &p);
}

void
merge_unique_service(json_t *service)
{
	struct mpath p;
	size_t s1, s2;

	mpath_init(&p, unique_patterns());
	mpath_push(&p, "services", &s1);
	mpath_push(&p, "*", &s2);
	if (json_is_object(service))
		unique_walk(service, &p);
}
