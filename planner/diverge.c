/*
 * diverge.c - name what changed between a container and its service
 * (diverge.h).
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diverge.h"
#include "naming.h"
#include "project.h"
#include "xalloc.h"

/* Keep in step with `unhashed` in src/project.c. */
static const char *const unhashed[] = {
	"build", "pull_policy", "scale", "depends_on", "profiles", NULL,
};

json_t *
diverge_hash_input(const json_t *def)
{
	json_t *copy = json_deep_copy(def);
	const char *key;
	json_t *val;
	void *tmp;

	for (size_t i = 0; unhashed[i]; i++)
		json_object_del(copy, unhashed[i]);
	json_object_foreach_safe (copy, tmp, key, val) {
		if (strncmp(key, "x-", 2) == 0)
			json_object_del(copy, key);
	}
	json_object_del(json_object_get(copy, "deploy"), "replicas");
	return copy;
}

json_t *
diverge_service_input(const struct service *s)
{
	json_t *in = diverge_hash_input(s->def);

	if (s->content)
		json_object_set(in, PROJECT_CONTENT_KEY, s->content);
	return in;
}

/* A value as a person reads it, shortened. */
static void
add_value(struct buf *b, const json_t *v)
{
	char *text;
	size_t len;

	if (v == NULL) {
		buf_adds(b, "unset");
		return;
	}
	if (json_is_string(v)) {
		text = xstrdup(json_string_value(v));
	} else {
		text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY |
					     JSON_SORT_KEYS);
		if (text == NULL)
			text = xstrdup("?");
	}
	len = strlen(text);
	if (len > 40)
		buf_addf(b, "%.37s...", text);
	else
		buf_adds(b, text);
	free(text);
}

static void
add_changed(struct strv *reasons, const char *path, const json_t *a,
	    const json_t *b)
{
	struct buf m = BUF_INIT;

	buf_addf(&m, "%s changed (", path);
	add_value(&m, a);
	buf_adds(&m, " -> ");
	add_value(&m, b);
	buf_addch(&m, ')');
	strv_push_nodup(reasons, buf_detach(&m, NULL));
}

static bool
all_scalars(const json_t *a)
{
	size_t i;
	json_t *v;

	json_array_foreach (a, i, v) {
		if (json_is_object(v) || json_is_array(v))
			return false;
	}
	return true;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
diff(const char *path, const json_t *a, const json_t *b, struct strv *reasons);

/* Has a reason about path (a top-level key) been given already? */
static bool
said(const struct strv *reasons, const char *key)
{
	size_t len = strlen(key);

	for (size_t i = 0; i < reasons->n; i++)
		if (strncmp(reasons->v[i], key, len) == 0 &&
		    (reasons->v[i][len] == '.' || reasons->v[i][len] == '[' ||
		     reasons->v[i][len] == ' '))
			return true;
	return false;
}

/*
 * The content digests of configs and secrets (PROJECT_CONTENT_KEY):
 * "configs.NAME content changed". A digest on one side only is named when
 * the mounts themselves did not change (a label from an older berth).
 */
static void
diff_content(const json_t *a, const json_t *b, struct strv *reasons)
{
	static const char *const sections[] = { "configs", "secrets" };

	for (size_t k = 0; k < ARRAY_SIZE(sections); k++) {
		const json_t *x = json_object_get(a, sections[k]);
		const json_t *y = json_object_get(b, sections[k]);
		bool quiet = said(reasons, sections[k]);
		const char *name;
		json_t *v;

		json_object_foreach ((json_t *)y, name, v) {
			const json_t *old = json_object_get(x, name);
			if (old && !json_equal((json_t *)old, v))
				strv_pushf(reasons, "%s.%s content changed",
					   sections[k], name);
			else if (old == NULL && !quiet)
				strv_pushf(reasons, "%s.%s content added",
					   sections[k], name);
		}
		json_object_foreach ((json_t *)x, name, v) {
			if (json_object_get(y, name) == NULL && !quiet)
				strv_pushf(reasons, "%s.%s content removed",
					   sections[k], name);
		}
	}
}

static void
diff_objects(const char *path, const json_t *a, const json_t *b,
	     struct strv *reasons)
{
	size_t n = 0, cap = json_object_size(a) + json_object_size(b) + 1;
	const char **keys = xcalloc(cap, sizeof(*keys));
	const char *key;
	json_t *v;

	json_object_foreach ((json_t *)a, key, v) {
		keys[n++] = key;
	}
	json_object_foreach ((json_t *)b, key, v) {
		if (json_object_get(a, key) == NULL)
			keys[n++] = key;
	}
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char *sub = *path ? xasprintf("%s.%s", path, keys[i]) :
				    xstrdup(keys[i]);
		json_t *x = json_object_get(a, keys[i]);
		json_t *y = json_object_get(b, keys[i]);

		if (*path == '\0' &&
		    strcmp(keys[i], PROJECT_CONTENT_KEY) == 0) {
			if (!json_equal(x, y))
				diff_content(x, y, reasons);
		} else if (x == NULL) {
			struct buf m = BUF_INIT;
			buf_addf(&m, "%s added (", sub);
			add_value(&m, y);
			buf_addch(&m, ')');
			strv_push_nodup(reasons, buf_detach(&m, NULL));
		} else if (y == NULL) {
			strv_pushf(reasons, "%s removed", sub);
		} else {
			diff(sub, x, y, reasons);
		}
		free(sub);
	}
	free(keys);
}

static void
diff_arrays(const char *path, const json_t *a, const json_t *b,
	    struct strv *reasons)
{
	size_t na = json_array_size(a), nb = json_array_size(b);

	if (all_scalars(a) && all_scalars(b)) {
		add_changed(reasons, path, a, b);
		return;
	}
	for (size_t i = 0; i < na || i < nb; i++) {
		char *sub = xasprintf("%s[%zu]", path, i);
		if (i >= na)
			strv_pushf(reasons, "%s added", sub);
		else if (i >= nb)
			strv_pushf(reasons, "%s removed", sub);
		else
			diff(sub, json_array_get(a, i), json_array_get(b, i),
			     reasons);
		free(sub);
	}
}

static void
diff(const char *path, const json_t *a, const json_t *b, struct strv *reasons)
{
	if (json_equal((json_t *)a, (json_t *)b))
		return;
	if (json_is_object(a) && json_is_object(b))
		diff_objects(path, a, b, reasons);
	else if (json_is_array(a) && json_is_array(b))
		diff_arrays(path, a, b, reasons);
	else
		add_changed(reasons, path, a, b);
}

void
diverge_config(const json_t *old, const json_t *new, struct strv *reasons)
{
	diff("", old, new, reasons);
}

char *
diverge_join(const struct strv *reasons, size_t max)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < reasons->n && i < max; i++)
		buf_addf(&b, "%s%s", i ? "; " : "", reasons->v[i]);
	if (reasons->n > max)
		buf_addf(&b, "; and %zu more", reasons->n - max);
	return buf_detach(&b, NULL);
}

/* ---- containers made by another tool ---- */

static const json_t *
at(const json_t *o, const char *a, const char *b)
{
	return json_object_get(json_object_get(o, a), b);
}

/* "busybox" and "busybox:latest" are the same reference. */
static char *
image_norm(const char *ref)
{
	const char *slash = strrchr(ref, '/');
	const char *base = slash ? slash + 1 : ref;

	if (strchr(base, ':') || strchr(ref, '@'))
		return xstrdup(ref);
	return xasprintf("%s:latest", ref);
}

static void
foreign_image(const json_t *def, const json_t *in, struct strv *r)
{
	const char *want = json_string_value(json_object_get(def, "image"));
	const char *have = json_string_value(at(in, "Config", "Image"));
	char *w, *h;

	if (want == NULL || have == NULL)
		return;
	w = image_norm(want);
	h = image_norm(have);
	if (strcmp(w, h) != 0)
		strv_pushf(r, "image changed (%s -> %s)", have, want);
	free(w);
	free(h);
}

/* command/entrypoint: only when the compose file sets them. */
static void
foreign_list(const json_t *def, const char *key, const json_t *have,
	     struct strv *r)
{
	const json_t *want = json_object_get(def, key);

	if (!json_is_array(want))
		return;
	if (!json_is_array(have))
		have = NULL;
	if (have == NULL && json_array_size(want) == 0)
		return;
	if (have == NULL || !json_equal((json_t *)want, (json_t *)have))
		add_changed(r, key, have, want);
}

static const char *
env_lookup(const json_t *env, const char *key, size_t keylen)
{
	size_t i;
	json_t *v;

	json_array_foreach (env, i, v) {
		const char *s = json_string_value(v);
		if (s && strncmp(s, key, keylen) == 0 && s[keylen] == '=')
			return s + keylen + 1;
	}
	return NULL;
}

static void
foreign_env(const json_t *def, const json_t *in, struct strv *r)
{
	const json_t *env = json_object_get(def, "environment");
	const json_t *have = at(in, "Config", "Env");
	const char *key;
	json_t *v;

	json_object_foreach ((json_t *)env, key, v) {
		const char *want = json_string_value(v);
		const char *got = env_lookup(have, key, strlen(key));
		if (want == NULL)
			continue;
		if (got == NULL)
			strv_pushf(r, "environment.%s added (%s)", key, want);
		else if (strcmp(got, want) != 0)
			strv_pushf(r, "environment.%s changed (%s -> %s)", key,
				   got, want);
	}
}

static void
foreign_labels(const json_t *def, const json_t *in, struct strv *r)
{
	const json_t *labels = json_object_get(def, "labels");
	const json_t *have = at(in, "Config", "Labels");
	const char *key;
	json_t *v;

	json_object_foreach ((json_t *)labels, key, v) {
		const char *want = json_string_value(v);
		const char *got = json_string_value(json_object_get(have, key));
		if (want == NULL)
			continue;
		if (got == NULL)
			strv_pushf(r, "labels.%s added (%s)", key, want);
		else if (strcmp(got, want) != 0)
			strv_pushf(r, "labels.%s changed (%s -> %s)", key, got,
				   want);
	}
}

/* Ports as sorted "80/tcp=IP:PORT" words, joined by spaces. */
static char *
ports_words(struct strv *w)
{
	struct buf b = BUF_INIT;

	strv_sort(w);
	for (size_t i = 0; i < w->n; i++)
		buf_addf(&b, "%s%s", i ? " " : "", w->v[i]);
	return buf_detach(&b, NULL);
}

static void
foreign_ports(const json_t *def, const json_t *in, struct strv *r)
{
	struct strv want = STRV_INIT, have = STRV_INIT;
	const json_t *pb = at(in, "HostConfig", "PortBindings");
	size_t i, j;
	const char *key;
	json_t *v, *b;
	char *ws, *hs;

	json_array_foreach (json_object_get(def, "ports"), i, v) {
		const char *proto =
			json_string_value(json_object_get(v, "protocol"));
		const char *pub =
			json_string_value(json_object_get(v, "published"));
		const char *ip =
			json_string_value(json_object_get(v, "host_ip"));
		json_t *tg = json_object_get(v, "target");
		json_t *pubn = json_object_get(v, "published");
		char pubbuf[32] = "";

		if (pub == NULL && json_is_integer(pubn))
			snprintf(pubbuf, sizeof(pubbuf), "%lld",
				 (long long)json_integer_value(pubn));
		strv_pushf(&want, "%lld/%s=%s:%s",
			   (long long)json_integer_value(tg),
			   proto ? proto : "tcp", ip ? ip : "",
			   pub ? pub : pubbuf);
	}
	json_object_foreach ((json_t *)pb, key, v) {
		json_array_foreach (v, j, b) {
			const char *ip =
				json_string_value(json_object_get(b, "HostIp"));
			const char *port = json_string_value(
				json_object_get(b, "HostPort"));
			strv_pushf(&have, "%s=%s:%s", key, ip ? ip : "",
				   port ? port : "");
		}
	}
	ws = ports_words(&want);
	hs = ports_words(&have);
	if (strcmp(ws, hs) != 0)
		strv_pushf(r, "ports changed (%s -> %s)", *hs ? hs : "none",
			   *ws ? ws : "none");
	free(ws);
	free(hs);
	strv_clear(&want);
	strv_clear(&have);
}

static void
foreign_networks(const struct project *p, const struct service *s,
		 const json_t *in, struct strv *r)
{
	const json_t *have = at(in, "NetworkSettings", "Networks");
	const char **keys;
	size_t n = naming_service_networks(s, &keys);

	for (size_t i = 0; i < n; i++) {
		char *name = naming_network(p, keys[i]);
		if (json_object_get(have, name) == NULL)
			strv_pushf(r, "networks: not connected to %s", name);
		free(name);
	}
	free(keys);
}

static const json_t *
mount_at(const json_t *mounts, const char *target)
{
	size_t i;
	json_t *m;

	json_array_foreach (mounts, i, m) {
		const char *d =
			json_string_value(json_object_get(m, "Destination"));
		if (d && strcmp(d, target) == 0)
			return m;
	}
	return NULL;
}

static void
foreign_volumes(const struct project *p, const json_t *def, const json_t *in,
		struct strv *r)
{
	const json_t *mounts = json_object_get(in, "Mounts");
	size_t i;
	json_t *v;

	json_array_foreach (json_object_get(def, "volumes"), i, v) {
		const char *type =
			json_string_value(json_object_get(v, "type"));
		const char *src =
			json_string_value(json_object_get(v, "source"));
		const char *target =
			json_string_value(json_object_get(v, "target"));
		const json_t *m;
		const char *got;
		char *want;

		if (target == NULL || type == NULL)
			continue;
		m = mount_at(mounts, target);
		if (m == NULL) {
			strv_pushf(r, "volumes: %s not mounted", target);
			continue;
		}
		if (src == NULL || strcmp(type, "tmpfs") == 0)
			continue;
		if (strcmp(type, "volume") == 0) {
			want = naming_volume(p, src);
			got = json_string_value(json_object_get(m, "Name"));
		} else {
			want = xstrdup(src);
			got = json_string_value(json_object_get(m, "Source"));
		}
		if (got == NULL || strcmp(got, want) != 0)
			strv_pushf(r, "volumes[%s] changed (%s -> %s)", target,
				   got ? got : "unset", want);
		free(want);
	}
}

static void
foreign_string(const json_t *def, const char *key, const json_t *have,
	       const char *dflt, struct strv *r)
{
	const char *want = json_string_value(json_object_get(def, key));
	const char *got = json_string_value(have);

	if (want == NULL)
		want = dflt;
	if (want == NULL)
		return;
	if (got == NULL || *got == '\0')
		got = dflt ? dflt : "";
	if (strcmp(want, got) != 0)
		strv_pushf(r, "%s changed (%s -> %s)", key, got, want);
}

static void
foreign_bool(const json_t *def, const char *key, const json_t *have,
	     struct strv *r)
{
	bool want = json_is_true(json_object_get(def, key));
	bool got = json_is_true(have);

	if (want != got)
		strv_pushf(r, "%s changed (%s -> %s)", key,
			   got ? "true" : "false", want ? "true" : "false");
}

void
diverge_foreign(const struct project *p, const struct service *s,
		const json_t *in, struct strv *r)
{
	const json_t *def = s->def;
	const json_t *cfg = json_object_get(in, "Config");
	const json_t *host = json_object_get(in, "HostConfig");

	foreign_image(def, in, r);
	foreign_list(def, "command", json_object_get(cfg, "Cmd"), r);
	foreign_list(def, "entrypoint", json_object_get(cfg, "Entrypoint"), r);
	foreign_env(def, in, r);
	foreign_labels(def, in, r);
	foreign_ports(def, in, r);
	foreign_networks(p, s, in, r);
	foreign_volumes(p, def, in, r);
	foreign_string(def, "restart", at(host, "RestartPolicy", "Name"), "no",
		       r);
	foreign_string(def, "working_dir", json_object_get(cfg, "WorkingDir"),
		       NULL, r);
	foreign_string(def, "user", json_object_get(cfg, "User"), NULL, r);
	foreign_bool(def, "tty", json_object_get(cfg, "Tty"), r);
	foreign_bool(def, "stdin_open", json_object_get(cfg, "OpenStdin"), r);
	foreign_bool(def, "privileged", json_object_get(host, "Privileged"), r);
	foreign_bool(def, "read_only", json_object_get(host, "ReadonlyRootfs"),
		     r);
	foreign_bool(def, "init", json_object_get(host, "Init"), r);
}
