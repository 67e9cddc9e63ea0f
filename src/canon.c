/*
 * canon.c - the canonical long form of a compose model (canon.h).
 *
 * The passes walk services one at a time with a table of per-key
 * transforms, as compose-go's transform/canonical.go does with its
 * "services.*.ports" table. Every node replaced here gets the position of
 * the node it replaces, so later messages still point into the file.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "canon.h"
#include "dotenv.h"
#include "jsonx.h"
#include "log.h"
#include "merge.h"
#include "pos.h"
#include "xalloc.h"

/* ---- casting ---- */

enum cast { CAST_INT, CAST_BOOL, CAST_FLOAT };

static const struct cast_rule {
	const char *pattern; /* "[]" matches a sequence index */
	enum cast to;
} cast_rules[] = {
	{ "services.*.configs.[].mode", CAST_INT },
	{ "services.*.secrets.[].mode", CAST_INT },
	{ "services.*.cpu_count", CAST_INT },
	{ "services.*.cpu_percent", CAST_FLOAT },
	{ "services.*.cpu_period", CAST_INT },
	{ "services.*.cpu_quota", CAST_INT },
	{ "services.*.cpu_rt_period", CAST_INT },
	{ "services.*.cpu_rt_runtime", CAST_INT },
	{ "services.*.cpus", CAST_FLOAT },
	{ "services.*.cpu_shares", CAST_INT },
	{ "services.*.init", CAST_BOOL },
	{ "services.*.deploy.replicas", CAST_INT },
	{ "services.*.deploy.update_config.parallelism", CAST_INT },
	{ "services.*.deploy.update_config.max_failure_ratio", CAST_FLOAT },
	{ "services.*.deploy.rollback_config.parallelism", CAST_INT },
	{ "services.*.deploy.rollback_config.max_failure_ratio", CAST_FLOAT },
	{ "services.*.deploy.restart_policy.max_attempts", CAST_INT },
	{ "services.*.deploy.placement.max_replicas_per_node", CAST_INT },
	{ "services.*.healthcheck.retries", CAST_INT },
	{ "services.*.healthcheck.disable", CAST_BOOL },
	{ "services.*.oom_kill_disable", CAST_BOOL },
	{ "services.*.oom_score_adj", CAST_INT },
	{ "services.*.pids_limit", CAST_INT },
	{ "services.*.ports.[].target", CAST_INT },
	{ "services.*.privileged", CAST_BOOL },
	{ "services.*.read_only", CAST_BOOL },
	{ "services.*.scale", CAST_INT },
	{ "services.*.stdin_open", CAST_BOOL },
	{ "services.*.tty", CAST_BOOL },
	{ "services.*.ulimits.*", CAST_INT },
	{ "services.*.ulimits.*.hard", CAST_INT },
	{ "services.*.ulimits.*.soft", CAST_INT },
	{ "services.*.volumes.[].read_only", CAST_BOOL },
	{ "services.*.volumes.[].volume.nocopy", CAST_BOOL },
	{ "services.*.volumes.[].tmpfs.mode", CAST_INT },
	{ "networks.*.external", CAST_BOOL },
	{ "networks.*.internal", CAST_BOOL },
	{ "networks.*.attachable", CAST_BOOL },
	{ "networks.*.enable_ipv6", CAST_BOOL },
	{ "volumes.*.external", CAST_BOOL },
	{ "secrets.*.external", CAST_BOOL },
	{ "configs.*.external", CAST_BOOL },
};

/* The cast rules as a pattern table, made on first use. */
static const struct jx_patterns *
cast_patterns(void)
{
	static struct jx_patterns t;

	if (t.n == 0)
		for (size_t i = 0; i < ARRAY_SIZE(cast_rules); i++)
			jx_patterns_add(&t, cast_rules[i].pattern);
	return &t;
}

/* The cast of string v, or NULL when it does not convert. */
static json_t *
cast_value(const char *v, enum cast to)
{
	char *end;

	switch (to) {
	case CAST_INT: {
		long long n = strtoll(v, &end, 10);
		return (*v && *end == '\0') ? json_integer(n) : NULL;
	}
	case CAST_FLOAT: {
		double d = strtod(v, &end);
		return (*v && *end == '\0') ? json_real(d) : NULL;
	}
	case CAST_BOOL:
		/* YAML 1.1's words, which compose-go still takes (warning) */
		if (strcasecmp(v, "true") == 0 || strcasecmp(v, "y") == 0 ||
		    strcasecmp(v, "yes") == 0 || strcasecmp(v, "on") == 0)
			return json_true();
		if (strcasecmp(v, "false") == 0 || strcasecmp(v, "n") == 0 ||
		    strcasecmp(v, "no") == 0 || strcasecmp(v, "off") == 0)
			return json_false();
		return NULL;
	}
	return NULL;
}

/* The cast of v, found at a path of depth segments that the patterns of
   set match, or NULL when no rule applies or v does not convert. */
static json_t *
cast_one(const json_t *v, uint64_t set, int depth)
{
	const struct jx_patterns *t = cast_patterns();
	int r;
	json_t *c;

	if (!json_is_string(v) || (r = jx_patterns_first(t, set, depth)) < 0)
		return NULL;
	/* `x: !reset true` is a marker string (yaml_load.h): casting it to
	   the shared true would lose the flag, and the reset with it */
	if (jx_has_flag(v, POS_TAG_RESET))
		return NULL;
	c = cast_value(json_string_value(v), cast_rules[r].to);
	if (json_is_boolean(c) &&
	    strcasecmp(json_string_value(v),
		       json_is_true(c) ? "true" : "false"))
		diag_warning(v, NULL,
			     "\"%s\" for a boolean is YAML 1.1, not 1.2: write "
			     "%s",
			     json_string_value(v),
			     json_is_true(c) ? "true" : "false");
	pos_copy(c, v);
	return c;
}

/* Walk only where some cast rule can still match (set: the rules the
   path so far matches). */
static void
cast_walk(json_t *node, uint64_t set, int depth)
{
	const struct jx_patterns *t = cast_patterns();

	if (json_is_object(node)) {
		const char *k;
		json_t *v;

		json_object_foreach (node, k, v) {
			uint64_t sub = jx_patterns_step(t, set, depth, k);
			json_t *c;

			if (sub == 0)
				continue;
			c = cast_one(v, sub, depth + 1);
			if (c)
				json_object_set_new(node, k, c);
			else
				cast_walk(v, sub, depth + 1);
		}
	} else if (json_is_array(node)) {
		uint64_t sub = jx_patterns_step(t, set, depth, NULL);
		size_t i;
		json_t *v;

		if (sub == 0)
			return;
		json_array_foreach (node, i, v) {
			json_t *c = cast_one(v, sub, depth + 1);
			if (c)
				json_array_set_new(node, i, c);
			else
				cast_walk(v, sub, depth + 1);
		}
	}
}

void
canon_cast(json_t *doc)
{
	cast_walk(doc, jx_patterns_all(cast_patterns()), 0);
}

/* ---- helpers ---- */

/* Set obj.key to v (stolen), positioned like from. */
static void
set_at(json_t *obj, const char *key, json_t *v, const json_t *from)
{
	pos_copy(v, from);
	json_object_set_new(obj, key, v);
}

/* "K=V" / "K" list, or a mapping, as a mapping of strings; valueless
   entries get null (keep_null) or "". A mapping is converted in place
   (it is always replaced by the result). New reference. */
static json_t *
to_string_map(json_t *v, bool keep_null)
{
	json_t *m;

	if (json_is_object(v)) {
		const char *k;
		json_t *e;

		json_object_foreach (v, k, e) {
			if (json_is_string(e) || (keep_null && json_is_null(e)))
				continue;
			if (json_is_null(e)) {
				json_object_set_new(v, k, json_string(""));
			} else {
				char *t = jx_scalar_text(e);
				set_at(v, k, json_string(t ? t : ""), e);
				free(t);
			}
		}
		jx_sort_keys(v);
		return json_incref(v);
	}
	m = json_object();
	pos_copy(m, v);
	if (json_is_array(v)) {
		size_t i;
		json_t *e;

		json_array_foreach (v, i, e) {
			char *t = jx_scalar_text(e);
			char *eq = t ? strchr(t, '=') : NULL;

			if (t == NULL)
				continue;
			if (eq) {
				*eq = '\0';
				set_at(m, t, json_string(eq + 1), e);
			} else {
				set_at(m, t,
				       keep_null ? json_null() :
						   json_string(""),
				       e);
			}
			free(t);
		}
	}
	jx_sort_keys(m);
	return m;
}

static void
key_to_string_map(json_t *obj, const char *key, bool keep_null)
{
	json_t *v = json_object_get(obj, key);

	if (v && !json_is_null(v))
		json_object_set_new(obj, key, to_string_map(v, keep_null));
}

/* A string made a one-element list (dns, tmpfs...). */
static void
key_to_list(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_string(v) || json_is_number(v)) {
		json_t *a = json_array();
		char *t = jx_scalar_text(v);

		pos_copy(a, v);
		json_array_append_new(a, jx_string_at(t, v));
		free(t);
		json_object_set_new(obj, key, a);
	} else if (json_is_array(v)) {
		size_t i;
		json_t *e;

		json_array_foreach (v, i, e) {
			if (json_is_number(e)) {
				char *t = jx_scalar_text(e);
				json_array_set_new(v, i, jx_string_at(t, e));
				free(t);
			}
		}
	}
}

/* ---- per-service syntax ---- */

static int
syntax_command(json_t *s, const char *key, const char *name)
{
	json_t *v = json_object_get(s, key), *arr;
	char *err = NULL;

	if (!json_is_string(v))
		return 0;
	if (canon_shell_split(json_string_value(v), &arr, &err) < 0) {
		char *path = xasprintf("services.%s.%s", name, key);
		diag_error(v, path, "%s", err);
		free(path);
		free(err);
		return -1;
	}
	pos_copy(arr, v);
	json_object_set_new(s, key, arr);
	return 0;
}

static void
syntax_build(json_t *s)
{
	json_t *b = json_object_get(s, "build");

	if (json_is_string(b)) {
		json_t *o = json_object();
		set_at(o, "context", jx_copy(b), b);
		pos_copy(o, b);
		json_object_set_new(s, "build", o);
		b = o;
	}
	if (!json_is_object(b))
		return;
	key_to_string_map(b, "args", true);
	key_to_string_map(b, "labels", false);
	key_to_string_map(b, "additional_contexts", false);
	key_to_list(b, "cache_from");
	key_to_list(b, "cache_to");
	key_to_list(b, "tags");
	key_to_list(b, "platforms");
}

static int
syntax_ports(json_t *s, const char *name)
{
	json_t *v = json_object_get(s, "ports"), *out;
	size_t i;
	json_t *e;
	int ret = 0;

	if (!json_is_array(v))
		return 0;
	out = json_array();
	pos_copy(out, v);
	json_array_foreach (v, i, e) {
		if (json_is_string(e) || json_is_integer(e)) {
			char *t = jx_scalar_text(e), *err = NULL;

			if (canon_ports_parse(t, out, e, &err) < 0) {
				char *path = xasprintf("services.%s.ports[%zu]",
						       name, i);
				ret = diag_error(e, path,
						 "invalid port \"%s\": %s", t,
						 err);
				free(path);
				free(err);
			}
			free(t);
		} else if (json_is_object(e)) {
			json_t *c = jx_copy(e), *pub;

			if (!json_object_get(c, "mode"))
				set_at(c, "mode", json_string("ingress"), e);
			if (!json_object_get(c, "protocol"))
				set_at(c, "protocol", json_string("tcp"), e);
			pub = json_object_get(c, "published");
			if (json_is_integer(pub)) {
				char *t = jx_scalar_text(pub);
				set_at(c, "published", json_string(t), pub);
				free(t);
			}
			json_array_append_new(out, c);
		}
	}
	json_object_set_new(s, "ports", out);
	return ret;
}

static int
syntax_volumes(json_t *s, const char *name)
{
	json_t *v = json_object_get(s, "volumes");
	size_t i;
	json_t *e;
	int ret = 0;

	if (!json_is_array(v))
		return 0;
	json_array_foreach (v, i, e) {
		json_t *vol = NULL;
		char *err = NULL;

		if (!json_is_string(e))
			continue;
		if (canon_volume_parse(json_string_value(e), &vol, &err) < 0) {
			char *path =
				xasprintf("services.%s.volumes[%zu]", name, i);
			ret = diag_error(e, path, "invalid volume \"%s\": %s",
					 json_string_value(e), err);
			free(path);
			free(err);
			continue;
		}
		pos_copy(vol, e);
		const char *k;
		json_t *m;
		json_object_foreach (vol, k, m)
			pos_copy(m, e);
		json_array_set_new(v, i, vol);
	}
	return ret;
}

static void
syntax_depends_on(json_t *s)
{
	json_t *v = json_object_get(s, "depends_on");
	const char *k;
	json_t *d;

	if (json_is_array(v)) {
		json_t *m = json_object();
		size_t i;
		json_t *e;

		pos_copy(m, v);
		json_array_foreach (v, i, e) {
			if (json_is_string(e))
				set_at(m, json_string_value(e), json_object(),
				       e);
		}
		json_object_set_new(s, "depends_on", m);
		v = m;
	}
	json_object_foreach (v, k, d) {
		if (json_is_null(d)) {
			d = json_object();
			json_object_set_new(v, k, d);
		}
		if (!json_object_get(d, "condition"))
			set_at(d, "condition", json_string("service_started"),
			       d);
		if (!json_object_get(d, "required"))
			json_object_set_new(d, "required", json_true());
	}
}

static void
syntax_networks(json_t *s)
{
	json_t *v = json_object_get(s, "networks");

	if (json_is_array(v)) {
		json_t *m = json_object();
		size_t i;
		json_t *e;

		pos_copy(m, v);
		json_array_foreach (v, i, e) {
			if (json_is_string(e))
				json_object_set_new(m, json_string_value(e),
						    json_null());
		}
		json_object_set_new(s, "networks", m);
	}
}

static void
syntax_env_file(json_t *s)
{
	json_t *v = json_object_get(s, "env_file"), *out;
	size_t i;
	json_t *e;

	if (v == NULL || json_is_null(v))
		return;
	if (json_is_string(v)) {
		json_t *a = json_array();
		json_array_append(a, v);
		pos_copy(a, v);
		json_object_set_new(s, "env_file", a);
		v = a;
	}
	out = json_array();
	pos_copy(out, v);
	json_array_foreach (v, i, e) {
		json_t *o;

		if (json_is_string(e)) {
			o = json_object();
			pos_copy(o, e);
			json_object_set(o, "path", e);
			json_object_set_new(o, "required", json_true());
		} else {
			o = jx_copy(e);
			if (!json_object_get(o, "required"))
				json_object_set_new(o, "required", json_true());
		}
		json_array_append_new(out, o);
	}
	json_object_set_new(s, "env_file", out);
}

/* secrets/configs short form: a name. */
static void
syntax_file_mounts(json_t *s, const char *key)
{
	json_t *v = json_object_get(s, key);
	size_t i;
	json_t *e;

	json_array_foreach (v, i, e) {
		if (json_is_string(e)) {
			json_t *o = json_object();
			pos_copy(o, e);
			json_object_set(o, "source", e);
			json_array_set_new(v, i, o);
		}
	}
}

static void
syntax_healthcheck(json_t *s)
{
	json_t *h = json_object_get(s, "healthcheck"), *t;

	if (!json_is_object(h))
		return;
	t = json_object_get(h, "test");
	if (json_is_string(t)) {
		json_t *a = json_array();
		pos_copy(a, t);
		json_array_append_new(a, jx_string_at("CMD-SHELL", t));
		json_array_append(a, t);
		json_object_set_new(h, "test", a);
	}
}

static void
syntax_devices(json_t *s)
{
	json_t *v = json_object_get(s, "devices");
	size_t i;
	json_t *e;

	json_array_foreach (v, i, e) {
		char *copy, *p[3] = { NULL, NULL, NULL };
		int n = 0;
		json_t *o;

		if (!json_is_string(e))
			continue;
		copy = xstrdup(json_string_value(e));
		for (char *c = copy; c && n < 3; n++) {
			p[n] = c;
			c = strchr(c, ':');
			if (c)
				*c++ = '\0';
		}
		o = json_object();
		pos_copy(o, e);
		json_object_set_new(o, "source", json_string(p[0]));
		json_object_set_new(o, "target",
				    json_string(p[1] ? p[1] : p[0]));
		json_object_set_new(o, "permissions",
				    json_string(p[2] ? p[2] : "rwm"));
		json_array_set_new(v, i, o);
		free(copy);
	}
}

static void
syntax_extra_hosts(json_t *s, const char *key)
{
	json_t *v = json_object_get(s, key), *out;
	size_t i;
	json_t *e;

	if (json_is_object(v)) {
		const char *k;
		out = json_array();
		json_object_foreach (v, k, e) {
			if (json_is_array(e)) {
				size_t j;
				json_t *ip;
				json_array_foreach (e, j, ip) {
					char *t = jx_scalar_text(ip);
					char *h = xasprintf("%s=%s", k, t);
					json_array_append_new(
						out, jx_string_at(h, ip));
					free(h);
					free(t);
				}
			} else {
				char *t = jx_scalar_text(e);
				char *h = xasprintf("%s=%s", k, t ? t : "");
				json_array_append_new(out, jx_string_at(h, e));
				free(h);
				free(t);
			}
		}
	} else if (json_is_array(v)) {
		out = json_array();
		json_array_foreach (v, i, e) {
			const char *h = json_string_value(e);
			const char *sep;
			char *t;

			if (h == NULL)
				continue;
			/* "host:ip" (the IP may hold colons) or "host=ip" */
			sep = strchr(h, '=');
			if (sep == NULL)
				sep = strchr(h, ':');
			t = sep ? xasprintf("%.*s=%s", (int)(sep - h), h,
					    sep + 1) :
				  xstrdup(h);
			json_array_append_new(out, jx_string_at(t, e));
			free(t);
		}
	} else {
		return;
	}
	pos_copy(out, v);
	/* compose prints extra hosts sorted */
	size_t n = json_array_size(out);
	for (size_t a = 1; a < n; a++)
		for (size_t b = a; b > 0; b--) {
			json_t *x = json_array_get(out, b - 1),
			       *y = json_array_get(out, b);
			if (strcmp(json_string_value(x),
				   json_string_value(y)) <= 0)
				break;
			json_incref(x);
			json_array_set(out, b - 1, y);
			json_array_set_new(out, b, x);
		}
	json_object_set_new(s, key, out);
}

static void
syntax_ulimits(json_t *s)
{
	json_t *u = json_object_get(s, "ulimits");

	if (json_is_object(u))
		jx_sort_keys(u);
}

int
canon_service_syntax(json_t *s, const char *name)
{
	int ret = 0;

	if (!json_is_object(s))
		return 0;
	if (syntax_command(s, "command", name) < 0)
		ret = -1;
	if (syntax_command(s, "entrypoint", name) < 0)
		ret = -1;
	syntax_build(s);
	if (syntax_ports(s, name) < 0)
		ret = -1;
	if (syntax_volumes(s, name) < 0)
		ret = -1;
	syntax_depends_on(s);
	syntax_networks(s);
	syntax_env_file(s);
	syntax_file_mounts(s, "secrets");
	syntax_file_mounts(s, "configs");
	syntax_healthcheck(s);
	syntax_devices(s);
	syntax_extra_hosts(s, "extra_hosts");
	syntax_ulimits(s);
	key_to_string_map(s, "labels", false);
	key_to_string_map(s, "annotations", false);
	key_to_string_map(s, "sysctls", false);
	key_to_list(s, "dns");
	key_to_list(s, "dns_search");
	key_to_list(s, "tmpfs");
	key_to_list(s, "expose");
	key_to_list(s, "label_file");
	if (json_is_object(json_object_get(s, "build")))
		syntax_extra_hosts(json_object_get(s, "build"), "extra_hosts");
	return ret;
}

int
canon_syntax(json_t *model)
{
	json_t *services = json_object_get(model, "services"), *s;
	const char *name;
	int ret = 0;

	json_object_foreach (services, name, s) {
		if (canon_service_syntax(s, name) < 0)
			ret = -1;
	}
	merge_unique(model);
	return ret;
}

/* ---- paths ---- */

/* dir/rel, cleaned (".", "..", "//" removed). Caller frees. */
static char *
path_join_clean(const char *dir, const char *rel)
{
	struct buf in = BUF_INIT, out = BUF_INIT;
	char *save = NULL, *tok;

	if (rel[0] == '/')
		buf_adds(&in, rel);
	else
		buf_addf(&in, "%s/%s", dir, rel);
	for (tok = strtok_r(in.ptr, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			char *slash = strrchr(out.ptr, '/');
			buf_setlen(&out, slash ? (size_t)(slash - out.ptr) : 0);
			continue;
		}
		buf_addf(&out, "/%s", tok);
	}
	if (out.len == 0)
		buf_addch(&out, '/');
	buf_release(&in);
	return buf_detach(&out, NULL);
}

/* An absolute version of path p: ~ is $HOME, relative is under dir. */
static char *
abs_path(const char *dir, const char *p)
{
	if (p[0] == '~' && (p[1] == '/' || p[1] == '\0')) {
		const char *home = getenv("HOME");
		return path_join_clean(home ? home : "/", p[1] ? p + 2 : ".");
	}
	return path_join_clean(dir, p);
}

static void
resolve_key(json_t *obj, const char *key, const char *dir)
{
	json_t *v = json_object_get(obj, key);
	char *a;

	if (!json_is_string(v))
		return;
	a = abs_path(dir, json_string_value(v));
	set_at(obj, key, json_string(a), v);
	free(a);
}

/* A build context that is not a local path: a URL, a Git remote, or
   another service's image ("service:name"). */
static bool
is_remote_context(const char *c)
{
	return strstr(c, "://") || strncmp(c, "git@", 4) == 0 ||
	       strncmp(c, "github.com/", 11) == 0 ||
	       strncmp(c, "service:", 8) == 0;
}

void
canon_service_paths(json_t *s, const char *dir)
{
	json_t *b = json_object_get(s, "build"), *v;
	size_t i;

	if (json_is_object(b)) {
		const char *ctx = jx_str(b, "context");
		if (ctx && !is_remote_context(ctx))
			resolve_key(b, "context", dir);
		else if (!ctx) {
			char *a = abs_path(dir, ".");
			set_at(b, "context", json_string(a), b);
			free(a);
		}
		/* named contexts are paths too, unless remote */
		json_t *named = json_object_get(b, "additional_contexts");
		const char *k;
		json_object_foreach (named, k, v) {
			const char *c = json_string_value(v);
			if (c && *c && !is_remote_context(c))
				resolve_key(named, k, dir);
		}
	}
	json_array_foreach (json_object_get(s, "volumes"), i, v) {
		const char *type = jx_str(v, "type"),
			   *src = jx_str(v, "source");
		if (type && src && strcmp(type, "bind") == 0)
			resolve_key(v, "source", dir);
	}
	json_array_foreach (json_object_get(s, "env_file"), i, v)
		resolve_key(v, "path", dir);
	json_t *lf = json_object_get(s, "label_file");
	json_array_foreach (lf, i, v) {
		char *a = abs_path(dir, json_string_value(v));
		json_array_set_new(lf, i, jx_string_at(a, v));
		free(a);
	}
	json_t *watch = json_object_get(json_object_get(s, "develop"), "watch");
	json_array_foreach (watch, i, v)
		resolve_key(v, "path", dir);
}

/* Paths left as written: a build without a context still builds ".". */
static void
default_contexts(json_t *model)
{
	const char *name;
	json_t *s, *b;

	json_object_foreach (json_object_get(model, "services"), name, s) {
		b = json_object_get(s, "build");
		if (json_is_object(b) && !json_object_get(b, "context"))
			set_at(b, "context", json_string("."), b);
	}
}

void
canon_paths(json_t *model, const char *dir)
{
	static const char *const files[] = { "secrets", "configs" };
	const char *name;
	json_t *s;

	json_object_foreach (json_object_get(model, "services"), name, s)
		canon_service_paths(s, dir);
	/* a local volume that is a bind mount: its device is a path */
	json_object_foreach (json_object_get(model, "volumes"), name, s) {
		json_t *opts = json_object_get(s, "driver_opts");
		const char *o = jx_str(opts, "o"),
			   *driver = jx_str(s, "driver");
		if (driver && strcmp(driver, "local") == 0 && o &&
		    strcmp(o, "bind") == 0 && jx_str(opts, "device"))
			resolve_key(opts, "device", dir);
	}
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		json_object_foreach (json_object_get(model, files[i]), name,
				     s) {
			if (json_is_object(s))
				resolve_key(s, "file", dir);
		}
}

/* ---- environment ---- */

/* Fill valueless entries of map from env. */
static void
resolve_from(json_t *map, const json_t *env)
{
	const char *k;
	json_t *v;

	json_object_foreach (map, k, v) {
		json_t *val = json_object_get(env, k);
		if (json_is_null(v) && json_is_string(val))
			json_object_set_new(map, k, json_copy(val));
	}
}

/* The file to open for path p: relative paths are under dir when given
   (paths left as written by --no-path-resolution). Caller frees. */
static char *
path_to_read(const char *dir, const char *p)
{
	return dir ? abs_path(dir, p) : xstrdup(p);
}

static int
fold_env_files(json_t *s, const char *name, const json_t *env, const char *dir)
{
	json_t *files = json_object_get(s, "env_file");
	json_t *envmap = json_object_get(s, "environment");
	json_t *from_files = json_object(), *lookup;
	size_t i;
	json_t *f;
	int ret = 0;

	if (!json_is_array(files))
		goto done;
	/* env files see the project environment, then earlier files */
	lookup = env ? json_copy((json_t *)env) : json_object();
	json_array_foreach (files, i, f) {
		const char *path = jx_str(f, "path");
		json_t *vars;
		char *rp;

		if (path == NULL)
			continue;
		rp = path_to_read(dir, path);
		if (!json_is_true(json_object_get(f, "required")) &&
		    access(rp, F_OK) != 0) {
			free(rp);
			continue;
		}
		vars = json_object();
		if (dotenv_load_file(vars, rp, lookup) < 0) {
			char *kp =
				xasprintf("services.%s.env_file[%zu]", name, i);
			ret = diag_error(f, kp, "cannot read env file \"%s\"",
					 path);
			free(kp);
		}
		json_object_update(from_files, vars);
		json_object_update(lookup, vars);
		json_decref(vars);
		free(rp);
	}
	json_decref(lookup);
	if (json_object_size(from_files)) {
		if (!json_is_object(envmap)) {
			envmap = json_object();
			pos_copy(envmap, files);
			json_object_set_new(s, "environment", envmap);
		}
		/* environment wins over env_file */
		json_object_update_missing(envmap, from_files);
		jx_sort_keys(envmap);
	}
	json_object_del(s, "env_file");
done:
	json_decref(from_files);
	return ret;
}

/* canon_environment, reading relative env_file paths under dir (or the
   working directory when dir is NULL). */
static int
environment_pass(json_t *model, const json_t *env, bool fold, const char *dir)
{
	const char *name;
	json_t *s;
	int ret = 0;

	json_object_foreach (json_object_get(model, "services"), name, s) {
		json_t *e = json_object_get(s, "environment");

		if (e && !json_is_null(e)) {
			json_object_set_new(s, "environment",
					    to_string_map(e, true));
			resolve_from(json_object_get(s, "environment"), env);
		}
		json_t *args =
			json_object_get(json_object_get(s, "build"), "args");
		if (json_is_object(args))
			resolve_from(args, env);
		if (fold && fold_env_files(s, name, env, dir) < 0)
			ret = -1;
	}
	return ret;
}

int
canon_environment(json_t *model, const json_t *env, bool fold)
{
	return environment_pass(model, env, fold, NULL);
}

/* ---- label files ---- */

/*
 * Read a service's label_file list into its labels and drop the key, as
 * compose-go's WithServicesLabelsResolved does for `config`: each file is
 * a .env file whose variables come from the labels of the files before it
 * (not the project environment), later files win, and `labels` wins over
 * them all. A missing file is an error at its label_file entry.
 */
static int
resolve_label_files(json_t *s, const char *name, const char *dir)
{
	json_t *files = json_object_get(s, "label_file");
	json_t *labels = json_object_get(s, "labels");
	json_t *from_files;
	size_t i;
	json_t *f;
	int ret = 0;

	if (!json_is_array(files)) {
		json_object_del(s, "label_file");
		return 0;
	}
	from_files = json_object();
	json_array_foreach (files, i, f) {
		const char *path = json_string_value(f);
		json_t *vars;
		const char *k;
		json_t *v;
		char *rp, *kp;

		if (path == NULL)
			continue;
		rp = path_to_read(dir, path);
		kp = xasprintf("services.%s.label_file[%zu]", name, i);
		vars = json_object();
		if (access(rp, F_OK) != 0)
			ret = diag_error(f, kp, "label file \"%s\" not found",
					 path);
		else if (dotenv_load_file(vars, rp, from_files) < 0)
			ret = diag_error(f, kp, "cannot read label file \"%s\"",
					 path);
		json_object_foreach (vars, k, v) {
			pos_copy(v, f);
			json_object_set(from_files, k, v);
		}
		json_decref(vars);
		free(kp);
		free(rp);
	}
	if (ret == 0 && json_object_size(from_files)) {
		if (!json_is_object(labels)) {
			labels = json_object();
			pos_copy(labels, files);
			json_object_set_new(s, "labels", labels);
		}
		json_object_update_missing(labels, from_files);
		jx_sort_keys(labels);
	}
	json_object_del(s, "label_file");
	json_decref(from_files);
	return ret;
}

static int
label_files_pass(json_t *model, const char *dir)
{
	const char *name;
	json_t *s;
	int ret = 0;

	json_object_foreach (json_object_get(model, "services"), name, s) {
		if (json_is_object(s) && resolve_label_files(s, name, dir) < 0)
			ret = -1;
	}
	return ret;
}

/* ---- normalisation ---- */

static void
add_dep(json_t *s, const char *dep, bool restart, const json_t *from)
{
	json_t *deps = json_object_get(s, "depends_on"), *d;

	if (!json_is_object(deps)) {
		deps = json_object();
		pos_copy(deps, from);
		json_object_set_new(s, "depends_on", deps);
	}
	if (json_object_get(deps, dep))
		return;
	d = json_object();
	pos_copy(d, from);
	set_at(d, "condition", json_string("service_started"), from);
	if (restart)
		json_object_set_new(d, "restart", json_true());
	json_object_set_new(d, "required", json_true());
	json_object_set_new(deps, dep, d);
}

/* links, service:X namespaces and volumes_from are dependencies too. */
static void
implicit_deps(json_t *s)
{
	static const char *const ns[] = { "network_mode", "ipc", "pid", "uts",
					  "cgroup" };
	size_t i;
	json_t *v;

	json_array_foreach (json_object_get(s, "links"), i, v) {
		const char *l = json_string_value(v);
		if (l) {
			char *dep = xstrndup(l, strcspn(l, ":"));
			add_dep(s, dep, true, v);
			free(dep);
		}
	}
	for (i = 0; i < ARRAY_SIZE(ns); i++) {
		const char *m = jx_str(s, ns[i]);
		if (m && strncmp(m, "service:", 8) == 0)
			add_dep(s, m + 8, true, json_object_get(s, ns[i]));
	}
	json_array_foreach (json_object_get(s, "volumes_from"), i, v) {
		const char *vf = json_string_value(v);
		if (vf && strncmp(vf, "container:", 10) != 0) {
			char *dep = xstrndup(vf, strcspn(vf, ":"));
			add_dep(s, dep, false, v);
			free(dep);
		}
	}
}

static void
normalize_duration(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	long long ns;
	char text[64];

	if (!json_is_string(v) ||
	    canon_duration_parse(json_string_value(v), &ns) < 0)
		return;
	canon_duration_format(ns, text, sizeof(text));
	set_at(obj, key, json_string(text), v);
}

/* Byte sizes print as a decimal string, as compose's UnitBytes does. */
static void
normalize_bytes(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	long long n;
	char text[32];

	if (json_is_integer(v))
		n = json_integer_value(v);
	else if (!json_is_string(v) ||
		 canon_bytes_parse(json_string_value(v), &n) < 0)
		return;
	snprintf(text, sizeof(text), "%lld", n);
	set_at(obj, key, json_string(text), v);
}

static void
normalize_number(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	char *end;
	double d;

	if (!json_is_string(v))
		return;
	d = strtod(json_string_value(v), &end);
	if (*end == '\0')
		set_at(obj, key, json_real(d), v);
}

static const char *const order_port[] = { "name",	  "mode",
					  "host_ip",	  "target",
					  "published",	  "protocol",
					  "app_protocol", NULL };
static const char *const order_volume[] = {
	"type", "source", "target", "read_only", "consistency",
	"bind", "volume", "tmpfs",  "image",	 NULL
};
static const char *const order_bind[] = { "propagation", "create_host_path",
					  "selinux", NULL };
static const char *const order_build[] = { "context",
					   "dockerfile",
					   "dockerfile_inline",
					   "entitlements",
					   "args",
					   "ssh",
					   "labels",
					   "cache_from",
					   "cache_to",
					   "no_cache",
					   "additional_contexts",
					   "network",
					   "provenance",
					   "sbom",
					   "pull",
					   "target",
					   "shm_size",
					   "extra_hosts",
					   "isolation",
					   "privileged",
					   "secrets",
					   "tags",
					   "ulimits",
					   "platforms",
					   NULL };
static const char *const order_health[] = { "test",	    "timeout",
					    "interval",	    "retries",
					    "start_period", "start_interval",
					    "disable",	    NULL };
static const char *const order_dep[] = { "condition", "restart", "required",
					 NULL };
static const char *const order_deploy[] = { "mode",
					    "replicas",
					    "labels",
					    "update_config",
					    "rollback_config",
					    "resources",
					    "restart_policy",
					    "placement",
					    "endpoint_mode",
					    NULL };
static const char *const order_logging[] = { "driver", "options", NULL };
static const char *const order_env_file[] = { "path", "required", "format",
					      NULL };
static const char *const order_svcnet[] = {
	"priority",	"gw_priority",	"aliases",
	"ipv4_address", "ipv6_address", "link_local_ips",
	"mac_address",	"driver_opts",	NULL
};
static const char *const order_mount[] = { "source", "target", "uid",
					   "gid",    "mode",   NULL };
static const char *const order_network[] = {
	"name",	       "driver",      "driver_opts", "ipam",
	"external",    "internal",    "attachable",  "labels",
	"enable_ipv4", "enable_ipv6", NULL
};
static const char *const order_volres[] = { "name",	"driver", "driver_opts",
					    "external", "labels", NULL };
static const char *const order_file[] = {
	"name",	  "file",   "environment", "content",	      "external",
	"labels", "driver", "driver_opts", "template_driver", NULL
};
static const char *const order_top[] = { "name",    "services", "networks",
					 "volumes", "secrets",	"configs",
					 NULL };

static void
normalize_deploy(json_t *d)
{
	static const char *const lr[] = { "limits", "reservations" };
	json_t *res = json_object_get(d, "resources");

	if (!json_is_object(d))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(lr); i++) {
		json_t *r = json_object_get(res, lr[i]);
		if (json_is_object(r)) {
			normalize_bytes(r, "memory");
			normalize_number(r, "cpus");
		}
	}
	normalize_duration(json_object_get(d, "restart_policy"), "delay");
	normalize_duration(json_object_get(d, "restart_policy"), "window");
	normalize_duration(json_object_get(d, "update_config"), "delay");
	normalize_duration(json_object_get(d, "update_config"), "monitor");
	normalize_duration(json_object_get(d, "rollback_config"), "delay");
	normalize_duration(json_object_get(d, "rollback_config"), "monitor");
	key_to_string_map(d, "labels", false);
	jx_order_keys(d, order_deploy);
}

/* Booleans compose leaves out when false (Go omitempty). */
static const char *const omit_false[] = { "tty", "stdin_open", "privileged",
					  "read_only", "oom_kill_disable" };

static void
normalize_service(json_t *s)
{
	json_t *v, *h;
	const char *k;
	size_t i;

	implicit_deps(s);
	if (!json_object_get(s, "networks") &&
	    !json_object_get(s, "network_mode")) {
		v = json_object();
		json_object_set_new(v, "default", json_null());
		json_object_set_new(s, "networks", v);
	}
	if (json_is_object(json_object_get(s, "networks"))) {
		jx_sort_keys(json_object_get(s, "networks"));
		json_object_foreach (json_object_get(s, "networks"), k, v)
			jx_order_keys(v, order_svcnet);
	}
	if (jx_str(s, "pull_policy") &&
	    strcmp(jx_str(s, "pull_policy"), "if_not_present") == 0)
		set_at(s, "pull_policy", json_string("missing"),
		       json_object_get(s, "pull_policy"));
	if (json_is_object(v = json_object_get(s, "build"))) {
		if (!json_object_get(v, "dockerfile") &&
		    !json_object_get(v, "dockerfile_inline"))
			json_object_set_new(v, "dockerfile",
					    json_string("Dockerfile"));
		normalize_bytes(v, "shm_size");
		jx_order_keys(v, order_build);
	}
	for (i = 0; i < 2; i++) {
		const char *key = i ? "entrypoint" : "command";
		if (!json_object_get(s, key))
			json_object_set_new(s, key, json_null());
	}
	if (json_is_object(h = json_object_get(s, "healthcheck"))) {
		static const char *const d[] = { "timeout", "interval",
						 "start_period",
						 "start_interval" };
		for (i = 0; i < ARRAY_SIZE(d); i++)
			normalize_duration(h, d[i]);
		jx_order_keys(h, order_health);
	}
	normalize_duration(s, "stop_grace_period");
	static const char *const bytes[] = { "mem_limit", "mem_reservation",
					     "memswap_limit", "shm_size" };
	for (i = 0; i < ARRAY_SIZE(bytes); i++)
		normalize_bytes(s, bytes[i]);
	normalize_number(s, "cpus");
	for (i = 0; i < ARRAY_SIZE(omit_false); i++)
		if (json_is_false(json_object_get(s, omit_false[i])))
			json_object_del(s, omit_false[i]);
	/* scale is the number of replicas: deploy says the same (a conflict
	   is left for validate_refs to report) */
	v = json_object_get(s, "scale");
	h = json_object_get(s, "deploy");
	if (json_is_integer(v) && json_is_object(h) &&
	    !json_object_get(h, "replicas"))
		set_at(h, "replicas", json_integer(json_integer_value(v)), v);
	normalize_deploy(h);
	json_array_foreach (json_object_get(s, "ports"), i, v)
		jx_order_keys(v, order_port);
	json_array_foreach (json_object_get(s, "volumes"), i, v) {
		normalize_bytes(json_object_get(v, "tmpfs"), "size");
		jx_order_keys(json_object_get(v, "bind"), order_bind);
		jx_order_keys(v, order_volume);
	}
	json_array_foreach (json_object_get(s, "secrets"), i, v)
		jx_order_keys(v, order_mount);
	json_array_foreach (json_object_get(s, "configs"), i, v)
		jx_order_keys(v, order_mount);
	/* env_file is left only by --no-env-resolution: required defaults
	   to true, and compose prints it only when false (OptOut) */
	json_array_foreach (json_object_get(s, "env_file"), i, v) {
		if (json_is_true(json_object_get(v, "required")))
			json_object_del(v, "required");
		jx_order_keys(v, order_env_file);
	}
	if (json_is_object(v = json_object_get(s, "depends_on"))) {
		jx_sort_keys(v);
		json_object_foreach (v, k, h)
			jx_order_keys(h, order_dep);
	}
	jx_sort_keys(json_object_get(json_object_get(s, "logging"), "options"));
	jx_order_keys(json_object_get(s, "logging"), order_logging);
	json_object_del(s, "extends");
	jx_sort_keys(s);
}

/* Does any service attach to network "default"? */
static bool
default_network_used(const json_t *model)
{
	const char *name;
	json_t *s;

	json_object_foreach (json_object_get(model, "services"), name, s) {
		if (json_object_get(json_object_get(s, "networks"), "default"))
			return true;
	}
	return false;
}

static void
name_resources(json_t *model, const char *kind, const char *project,
	       const char *const *order)
{
	json_t *res = json_object_get(model, kind), *v;
	const char *key;

	if (!json_is_object(res))
		return;
	json_object_foreach (res, key, v) {
		if (json_is_null(v)) {
			v = json_object();
			json_object_set_new(res, key, v);
		}
		if (!json_is_object(v))
			continue;
		if (!json_object_get(v, "name")) {
			json_t *ext = json_object_get(v, "external");
			char *n = json_is_true(ext) ?
					  xstrdup(key) :
					  xasprintf("%s_%s", project, key);
			json_object_set_new(v, "name", json_string(n));
			free(n);
		}
		if (strcmp(kind, "networks") == 0 &&
		    !json_object_get(v, "ipam"))
			json_object_set_new(v, "ipam", json_object());
		key_to_string_map(v, "labels", false);
		jx_order_keys(v, order);
	}
	jx_sort_keys(res);
}

void
canon_normalize(json_t *model, const char *project_name)
{
	json_t *services = json_object_get(model, "services"), *s;
	const char *name;

	json_object_foreach (services, name, s) {
		if (json_is_object(s))
			normalize_service(s);
	}
	jx_sort_keys(services);
	if (default_network_used(model)) {
		json_t *nets = json_object_get(model, "networks");
		if (!json_is_object(nets)) {
			nets = json_object();
			json_object_set_new(model, "networks", nets);
		}
		if (!json_object_get(nets, "default"))
			json_object_set_new(nets, "default", json_object());
	}
	name_resources(model, "networks", project_name, order_network);
	name_resources(model, "volumes", project_name, order_volres);
	name_resources(model, "secrets", project_name, order_file);
	name_resources(model, "configs", project_name, order_file);
	json_object_set_new(model, "name", json_string(project_name));
	jx_order_keys(model, order_top);
}

int
canon_project(json_t *model, const struct canon_opts *o)
{
	int ret = 0;

	if (canon_syntax(model) < 0)
		ret = -1;
	if (!o->keep_paths)
		canon_paths(model, o->workdir);
	else
		default_contexts(model);
	if (environment_pass(model, o->env, !o->keep_env_files, o->workdir) < 0)
		ret = -1;
	if (label_files_pass(model, o->workdir) < 0)
		ret = -1;
	canon_normalize(model, o->project_name);
	return ret;
}
