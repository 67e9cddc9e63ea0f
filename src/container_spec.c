/*
 * container_spec.c - canonical service -> POST /containers/create body
 * (container_spec.h).
 *
 * Input is the compose spec long form as `docker compose config --format
 * json` prints it; the loader has already normalised short syntax, so
 * each key maps to one engine field. Values still accepted in either of
 * their spellings (durations and sizes as strings or numbers, lists or
 * maps) are converted here. Pure: no engine calls, so unit-testable.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "container_spec.h"
#include "diverge.h"
#include "engine.h"
#include "labels.h"
#include "log.h"
#include "naming.h"
#include "xalloc.h"

static const json_t *
get(const json_t *o, const char *key)
{
	return json_object_get(o, key);
}

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void
set_str(json_t *o, const char *key, const char *v)
{
	if (v && *v)
		json_object_set_new(o, key, json_string(v));
}

static void
set_copy(json_t *o, const char *key, const json_t *v)
{
	if (v && !json_is_null(v))
		json_object_set_new(o, key, json_deep_copy(v));
}

static void
set_bool(json_t *o, const char *key, const json_t *v)
{
	if (json_is_boolean(v))
		json_object_set_new(o, key, json_boolean(json_is_true(v)));
}

/* Go-style duration ("1m30s", "500ms", "2h") or a number of seconds, in
 * nanoseconds; -1 when unset or invalid. */
static long long
duration_ns(const json_t *v)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = {
		{ "ns", 1 },  { "us", 1e3 }, { "µs", 1e3 },   { "ms", 1e6 },
		{ "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 }, { NULL, 0 },
	};
	const char *s = json_string_value(v);
	double total = 0;

	if (json_is_integer(v))
		return json_integer_value(v) * 1000000000LL;
	if (json_is_real(v))
		return (long long)(json_real_value(v) * 1e9);
	if (s == NULL || *s == '\0')
		return -1;
	while (*s) {
		char *end;
		double n = strtod(s, &end);
		size_t best = 0;
		double mult = 0;

		if (end == s)
			return -1;
		s = end;
		for (size_t i = 0; units[i].unit; i++) {
			size_t len = strlen(units[i].unit);
			if (strncmp(s, units[i].unit, len) == 0 && len > best) {
				best = len;
				mult = units[i].ns;
			}
		}
		if (best == 0) {
			if (*s == '\0' && total == 0)
				return (long long)(n * 1e9); /* bare seconds */
			return -1;
		}
		total += n * mult;
		s += best;
	}
	return (long long)total;
}

/* A size: a number of bytes, or "512m", "1.5GB", "100k". -1: unset. */
static long long
size_bytes(const json_t *v)
{
	const char *s = json_string_value(v);
	char *end;
	double n;
	double mult = 1;

	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_real(v))
		return (long long)json_real_value(v);
	if (s == NULL || *s == '\0')
		return -1;
	n = strtod(s, &end);
	if (end == s)
		return -1;
	switch (tolower((unsigned char)*end)) {
	case 'k':
		mult = 1024.0;
		break;
	case 'm':
		mult = 1024.0 * 1024;
		break;
	case 'g':
		mult = 1024.0 * 1024 * 1024;
		break;
	case 't':
		mult = 1024.0 * 1024 * 1024 * 1024;
		break;
	default:
		break;
	}
	return (long long)(n * mult);
}

static void
set_size(json_t *o, const char *key, const json_t *v)
{
	long long n = size_bytes(v);

	if (n >= 0)
		json_object_set_new(o, key, json_integer(n));
}

static double
number_of(const json_t *v)
{
	if (json_is_number(v))
		return json_number_value(v);
	if (json_is_string(v))
		return strtod(json_string_value(v), NULL);
	return -1;
}

/* A string or list field as a list of strings (new reference or NULL). */
static json_t *
string_list(const json_t *v)
{
	if (json_is_array(v))
		return json_deep_copy(v);
	if (json_is_string(v))
		return json_pack("[s]", json_string_value(v));
	return NULL;
}

/* Split a command string as a shell would (quotes and backslashes). */
static json_t *
shell_split(const char *s)
{
	json_t *out = json_array();
	struct buf w = BUF_INIT;
	bool in_word = false;
	char quote = 0;

	for (; *s; s++) {
		if (quote) {
			if (*s == quote)
				quote = 0;
			else if (*s == '\\' && quote == '"' && s[1])
				buf_addch(&w, *++s);
			else
				buf_addch(&w, *s);
		} else if (*s == '\'' || *s == '"') {
			quote = *s;
			in_word = true;
		} else if (*s == '\\' && s[1]) {
			buf_addch(&w, *++s);
			in_word = true;
		} else if (isspace((unsigned char)*s)) {
			if (in_word)
				json_array_append_new(out, json_string(w.ptr));
			buf_reset(&w);
			in_word = false;
		} else {
			buf_addch(&w, *s);
			in_word = true;
		}
	}
	if (in_word)
		json_array_append_new(out, json_string(w.ptr));
	buf_release(&w);
	return out;
}

static void
set_command(json_t *o, const char *key, const json_t *v)
{
	if (json_is_array(v))
		json_object_set_new(o, key, json_deep_copy(v));
	else if (json_is_string(v))
		json_object_set_new(o, key, shell_split(json_string_value(v)));
}

char *
container_name(const struct project *p, const struct service *s, int number)
{
	return naming_container(p, s, number);
}

/* ---- labels and environment ---- */

static json_t *
env_list(const json_t *env)
{
	json_t *out = json_array();
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_array(env)) {
		json_array_foreach (env, i, v) {
			const char *s = json_string_value(v);
			if (s && strchr(s, '='))
				json_array_append_new(out, json_string(s));
		}
		return out;
	}
	json_object_foreach ((json_t *)env, key, v) {
		if (json_is_string(v))
			json_array_append_new(
				out, json_sprintf("%s=%s", key,
						  json_string_value(v)));
		else if (json_is_number(v) || json_is_boolean(v)) {
			char *text = json_dumps(v, JSON_ENCODE_ANY);
			json_array_append_new(out,
					      json_sprintf("%s=%s", key, text));
			free(text);
		}
	}
	return out;
}

static char *
join(const struct strv *v, const char *sep)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < v->n; i++)
		buf_addf(&b, "%s%s", i ? sep : "", v->v[i]);
	return buf_detach(&b, NULL);
}

static const char *
condition_name(enum dep_condition c)
{
	switch (c) {
	case DEP_HEALTHY:
		return "service_healthy";
	case DEP_COMPLETED:
		return "service_completed_successfully";
	default:
		return "service_started";
	}
}

static json_t *
spec_labels(const struct project *p, const struct service *s, int number,
	    const char *image_id)
{
	json_t *labels = json_object();
	const json_t *user = get(s->def, "labels");
	struct buf deps = BUF_INIT;
	const char *key;
	json_t *v, *hashed;
	char *text;

	json_object_foreach ((json_t *)user, key, v) {
		if (json_is_string(v))
			json_object_set(labels, key, v);
	}
	json_object_set_new(labels, LABEL_PROJECT, json_string(p->name));
	json_object_set_new(labels, LABEL_SERVICE, json_string(s->name));
	json_object_set_new(labels, LABEL_NUMBER, json_sprintf("%d", number));
	json_object_set_new(labels, LABEL_ONEOFF, json_string("False"));
	json_object_set_new(labels, LABEL_CONFIG_HASH, json_string(s->hash));
	json_object_set_new(labels, LABEL_BERTH_HASH, json_string(s->hash));
	if (image_id)
		json_object_set_new(labels, LABEL_IMAGE, json_string(image_id));
	for (size_t i = 0; i < s->ndeps; i++)
		buf_addf(&deps, "%s%s:%s:%s", i ? "," : "", s->deps[i].name,
			 condition_name(s->deps[i].condition),
			 s->deps[i].restart ? "true" : "false");
	json_object_set_new(labels, LABEL_DEPENDS_ON, json_string(deps.ptr));
	buf_release(&deps);
	json_object_set_new(labels, LABEL_WORKING_DIR,
			    json_string(p->workdir ? p->workdir : ""));
	text = join(&p->config_files, ",");
	json_object_set_new(labels, LABEL_CONFIG_FILES, json_string(text));
	free(text);
	if (p->env_files.n) {
		text = join(&p->env_files, ",");
		json_object_set_new(labels, LABEL_ENV_FILE, json_string(text));
		free(text);
	}
	json_object_set_new(labels, LABEL_VERSION,
			    json_string(COMPOSE_COMPAT_VERSION));
	hashed = diverge_service_input(s);
	text = json_dumps(hashed, JSON_COMPACT | JSON_SORT_KEYS);
	json_object_set_new(labels, LABEL_BERTH_CONFIG, json_string(text));
	free(text);
	json_decref(hashed);
	return labels;
}

/* ---- ports ---- */

static char *
port_key(const json_t *port)
{
	const json_t *t = get(port, "target");
	const char *proto = str(port, "protocol");

	if (json_is_integer(t))
		return xasprintf("%lld/%s", (long long)json_integer_value(t),
				 proto ? proto : "tcp");
	if (json_is_string(t))
		return xasprintf("%s/%s", json_string_value(t),
				 proto ? proto : "tcp");
	return NULL;
}

static void
spec_ports(const json_t *def, json_t *cfg, json_t *host)
{
	json_t *exposed = json_object();
	json_t *bindings = json_object();
	size_t i;
	json_t *v;

	json_array_foreach (get(def, "ports"), i, v) {
		char *key = port_key(v);
		const json_t *pub = get(v, "published");
		json_t *list;
		char num[32] = "";

		if (key == NULL)
			continue;
		json_object_set_new(exposed, key, json_object());
		if (json_is_integer(pub))
			snprintf(num, sizeof(num), "%lld",
				 (long long)json_integer_value(pub));
		list = json_object_get(bindings, key);
		if (list == NULL) {
			list = json_array();
			json_object_set_new(bindings, key, list);
		}
		json_array_append_new(
			list,
			json_pack("{s:s, s:s}", "HostIp",
				  str(v, "host_ip") ? str(v, "host_ip") : "",
				  "HostPort",
				  json_is_string(pub) ? json_string_value(pub) :
							num));
		free(key);
	}
	json_array_foreach (get(def, "expose"), i, v) {
		char *text =
			json_is_integer(v) ?
				xasprintf("%lld",
					  (long long)json_integer_value(v)) :
				xstrdup(json_string_value(v) ?
						json_string_value(v) :
						"");
		if (*text && strchr(text, '/') == NULL) {
			char *t = xasprintf("%s/tcp", text);
			free(text);
			text = t;
		}
		if (*text)
			json_object_set_new(exposed, text, json_object());
		free(text);
	}
	if (json_object_size(exposed))
		json_object_set(cfg, "ExposedPorts", exposed);
	if (json_object_size(bindings))
		json_object_set(host, "PortBindings", bindings);
	json_decref(exposed);
	json_decref(bindings);
}

/* ---- mounts ---- */

static json_t *
bind_mount(const json_t *v, json_t *binds)
{
	const json_t *bind = get(v, "bind");
	const char *src = str(v, "source");
	const char *target = str(v, "target");
	const char *prop = str(bind, "propagation");
	const char *selinux = str(bind, "selinux");
	bool ro = json_is_true(get(v, "read_only"));
	json_t *m;

	/* -v style binds make the engine create a missing host dir. */
	if (json_is_true(get(bind, "create_host_path"))) {
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s:%s:%s", src, target, ro ? "ro" : "rw");
		if (prop && *prop)
			buf_addf(&b, ",%s", prop);
		if (selinux && *selinux)
			buf_addf(&b, ",%s", selinux);
		json_array_append_new(binds, json_string(b.ptr));
		buf_release(&b);
		return NULL;
	}
	m = json_pack("{s:s, s:s, s:s}", "Type", "bind", "Source", src,
		      "Target", target);
	if (ro)
		json_object_set_new(m, "ReadOnly", json_true());
	if (prop && *prop)
		json_object_set_new(m, "BindOptions",
				    json_pack("{s:s}", "Propagation", prop));
	return m;
}

static json_t *
volume_mount(const struct project *p, const json_t *v)
{
	const char *src = str(v, "source");
	const json_t *opts = get(v, "volume");
	json_t *m = json_pack("{s:s, s:s}", "Type", "volume", "Target",
			      str(v, "target"));
	json_t *vo = json_object();

	if (src && *src) {
		char *name = naming_volume(p, src);
		json_object_set_new(m, "Source", json_string(name));
		free(name);
	}
	if (json_is_true(get(v, "read_only")))
		json_object_set_new(m, "ReadOnly", json_true());
	if (json_is_true(get(opts, "nocopy")))
		json_object_set_new(vo, "NoCopy", json_true());
	if (str(opts, "subpath"))
		set_str(vo, "Subpath", str(opts, "subpath"));
	if (json_object_size(vo))
		json_object_set(m, "VolumeOptions", vo);
	json_decref(vo);
	return m;
}

static json_t *
tmpfs_mount(const json_t *v)
{
	const json_t *opts = get(v, "tmpfs");
	json_t *m = json_pack("{s:s, s:s}", "Type", "tmpfs", "Target",
			      str(v, "target"));
	json_t *to = json_object();
	long long size = size_bytes(get(opts, "size"));
	const json_t *mode = get(opts, "mode");

	if (size >= 0)
		json_object_set_new(to, "SizeBytes", json_integer(size));
	if (json_is_integer(mode))
		json_object_set(to, "Mode", (json_t *)mode);
	if (json_object_size(to))
		json_object_set(m, "TmpfsOptions", to);
	json_decref(to);
	return m;
}

/* Where a config or secret entry v lands in the container. Caller frees. */
static char *
file_target(const json_t *v, const char *src, const char *dir)
{
	const char *target = json_is_object(v) ? str(v, "target") : NULL;

	if (target && *target == '/')
		return xstrdup(target);
	return xasprintf("%s/%s", dir, target && *target ? target : src);
}

static const char *
file_source(const json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : str(v, "source");
}

/* Secrets and configs from files: read-only binds. */
static void
spec_files(const struct project *p, const json_t *def, const char *section,
	   const char *dir, json_t *binds)
{
	const json_t *top = get(p->model, section);
	size_t i;
	json_t *v;

	json_array_foreach (get(def, section), i, v) {
		const char *src = file_source(v);
		const char *file = str(get(top, src ? src : ""), "file");
		char *dst;

		if (src == NULL || file == NULL)
			continue;
		dst = file_target(v, src, dir);
		json_array_append_new(binds,
				      json_sprintf("%s:%s:ro", file, dst));
		free(dst);
	}
}

/* A uid or gid of the long syntax ("1000" or 1000); 0 when unset. */
static long long
id_of(const json_t *v, const char *key, const char *section, const char *src,
      int *ret)
{
	const json_t *x = get(v, key);
	const char *s = json_string_value(x);
	char *end;
	long long n;

	if (json_is_integer(x))
		return json_integer_value(x);
	if (s == NULL || *s == '\0')
		return 0;
	n = strtoll(s, &end, 10);
	if (*end || n < 0) {
		*ret = error("%s \"%s\": %s \"%s\" is not a number", section,
			     src, key, s);
		return 0;
	}
	return n;
}

/* The copies of one section (configs or secrets) of s into out. */
static int
section_copies(const struct project *p, const struct service *s,
	       const char *section, const char *dir, json_t *out)
{
	const json_t *top = get(p->model, section);
	int ret = 0;
	size_t i;
	json_t *v;

	json_array_foreach (get(s->def, section), i, v) {
		const char *src = file_source(v);
		const json_t *def = get(top, src ? src : "");
		const json_t *content = get(def, "content");
		const char *env = str(def, "environment");
		const json_t *mode = json_is_object(v) ? get(v, "mode") : NULL;
		const char *value = NULL;
		json_t *c;
		char *dst;

		if (src == NULL || str(def, "file"))
			continue;
		if (json_is_string(content)) {
			value = json_string_value(content);
		} else if (env) {
			value = project_env_value(p, env);
			if (value == NULL) {
				ret = error("environment variable \"%s\" "
					    "required by %s \"%s\" of service "
					    "\"%s\" is not set",
					    env, section, src, s->name);
				continue;
			}
		} else {
			continue;
		}
		dst = file_target(v, src, dir);
		c = json_pack(
			"{s:s, s:s%, s:I, s:I, s:I}", "path", dst, "content",
			value,
			json_is_string(content) ? json_string_length(content) :
						  strlen(value),
			"mode",
			(json_int_t)(json_is_integer(mode) ?
					     json_integer_value(mode) :
					     0444),
			"uid", (json_int_t)id_of(v, "uid", section, src, &ret),
			"gid", (json_int_t)id_of(v, "gid", section, src, &ret));
		json_array_append_new(out, c);
		free(dst);
	}
	return ret;
}

int
container_spec_copies(const struct project *p, const struct service *s,
		      json_t **out)
{
	json_t *copies = json_array();
	int ret = 0;

	if (section_copies(p, s, "secrets", "/run/secrets", copies) < 0)
		ret = -1;
	if (section_copies(p, s, "configs", "", copies) < 0)
		ret = -1;
	if (ret < 0 || json_array_size(copies) == 0) {
		json_decref(copies);
		copies = NULL;
	}
	*out = copies;
	return ret;
}

static void
spec_mounts(const struct project *p, const json_t *def, json_t *host)
{
	json_t *mounts = json_array();
	json_t *binds = json_array();
	size_t i;
	json_t *v;

	json_array_foreach (get(def, "volumes"), i, v) {
		const char *type = str(v, "type");
		json_t *m = NULL;

		if (type == NULL || str(v, "target") == NULL)
			continue;
		if (strcmp(type, "bind") == 0 && str(v, "source"))
			m = bind_mount(v, binds);
		else if (strcmp(type, "volume") == 0)
			m = volume_mount(p, v);
		else if (strcmp(type, "tmpfs") == 0)
			m = tmpfs_mount(v);
		if (m)
			json_array_append_new(mounts, m);
	}
	spec_files(p, def, "secrets", "/run/secrets", binds);
	spec_files(p, def, "configs", "", binds);
	if (json_array_size(mounts))
		json_object_set(host, "Mounts", mounts);
	if (json_array_size(binds))
		json_object_set(host, "Binds", binds);
	json_decref(mounts);
	json_decref(binds);
}

static bool
anonymous_name(const char *name)
{
	if (name == NULL || strlen(name) != 64)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!isxdigit((unsigned char)name[i]))
			return false;
	return true;
}

static bool
bound_at(const json_t *binds, const char *target)
{
	size_t i, len = strlen(target);
	json_t *v;

	json_array_foreach (binds, i, v) {
		const char *b = json_string_value(v);
		const char *colon = b ? strchr(b, ':') : NULL;
		if (colon && strncmp(colon + 1, target, len) == 0 &&
		    (colon[1 + len] == ':' || colon[1 + len] == '\0'))
			return true;
	}
	return false;
}

void
container_spec_inherit(json_t *spec, const json_t *old_mounts)
{
	json_t *host = json_object_get(spec, "HostConfig");
	json_t *mounts = json_object_get(host, "Mounts");
	size_t i, j;
	json_t *old, *m;

	if (mounts == NULL) {
		mounts = json_array();
		json_object_set_new(host, "Mounts", mounts);
	}
	json_array_foreach (old_mounts, i, old) {
		const char *name = str(old, "Name");
		const char *dst = str(old, "Destination");
		const char *type = str(old, "Type");
		bool taken = false;

		if (type == NULL || strcmp(type, "volume") != 0 ||
		    dst == NULL || !anonymous_name(name) ||
		    bound_at(json_object_get(host, "Binds"), dst))
			continue;
		json_array_foreach (mounts, j, m) {
			const char *t = str(m, "Target");
			if (t == NULL || strcmp(t, dst) != 0)
				continue;
			taken = true;
			/* The service's own anonymous volume: reuse. */
			if (strcmp(str(m, "Type"), "volume") == 0 &&
			    str(m, "Source") == NULL)
				json_object_set_new(m, "Source",
						    json_string(name));
		}
		if (!taken)
			json_array_append_new(
				mounts,
				json_pack("{s:s, s:s, s:s}", "Type", "volume",
					  "Source", name, "Target", dst));
	}
	if (json_array_size(mounts) == 0)
		json_object_del(host, "Mounts");
}

/* ---- host config ---- */

static void
spec_restart(const json_t *def, json_t *host)
{
	const char *r = str(def, "restart");
	const json_t *rp = get(get(def, "deploy"), "restart_policy");
	const char *cond = str(rp, "condition");
	json_t *pol = json_object();

	if (r && *r) {
		const char *colon = strchr(r, ':');
		json_object_set_new(pol, "Name",
				    json_stringn(r,
						 colon ? (size_t)(colon - r) :
							 strlen(r)));
		if (colon)
			json_object_set_new(pol, "MaximumRetryCount",
					    json_integer(atoi(colon + 1)));
	} else if (cond) {
		json_object_set_new(
			pol, "Name",
			json_string(strcmp(cond, "any") == 0  ? "always" :
				    strcmp(cond, "none") == 0 ? "no" :
								cond));
		if (json_is_integer(get(rp, "max_attempts")))
			json_object_set(pol, "MaximumRetryCount",
					(json_t *)get(rp, "max_attempts"));
	}
	if (json_object_size(pol))
		json_object_set(host, "RestartPolicy", pol);
	json_decref(pol);
}

static void
spec_resources(const json_t *def, json_t *host)
{
	const json_t *res = get(get(def, "deploy"), "resources");
	const json_t *lim = get(res, "limits");
	const json_t *rsv = get(res, "reservations");
	double cpus = number_of(get(def, "cpus"));

	set_size(host, "Memory", get(lim, "memory"));
	set_size(host, "Memory", get(def, "mem_limit"));
	set_size(host, "MemoryReservation", get(rsv, "memory"));
	set_size(host, "MemoryReservation", get(def, "mem_reservation"));
	set_size(host, "MemorySwap", get(def, "memswap_limit"));
	set_size(host, "ShmSize", get(def, "shm_size"));
	if (cpus <= 0)
		cpus = number_of(get(lim, "cpus"));
	if (cpus > 0)
		json_object_set_new(
			host, "NanoCpus",
			json_integer((json_int_t)(cpus * 1e9 + 0.5)));
	set_copy(host, "PidsLimit", get(lim, "pids"));
	set_copy(host, "PidsLimit", get(def, "pids_limit"));
	set_copy(host, "CpuShares", get(def, "cpu_shares"));
	set_copy(host, "CpuQuota", get(def, "cpu_quota"));
	set_copy(host, "CpuPeriod", get(def, "cpu_period"));
	set_copy(host, "CpuRealtimePeriod", get(def, "cpu_rt_period"));
	set_copy(host, "CpuRealtimeRuntime", get(def, "cpu_rt_runtime"));
	set_str(host, "CpusetCpus", str(def, "cpuset"));
	set_copy(host, "MemorySwappiness", get(def, "mem_swappiness"));
	set_bool(host, "OomKillDisable", get(def, "oom_kill_disable"));
	set_copy(host, "OomScoreAdj", get(def, "oom_score_adj"));
}

/* blkio_config.weight_device or a throttle list as the engine's list of
 * {Path, Weight} or {Path, Rate}; rates may be sizes ("12mb"). */
static void
spec_blkio_list(json_t *host, const char *field, const json_t *list,
		bool weight)
{
	json_t *out = json_array();
	size_t i;
	json_t *v;

	json_array_foreach (list, i, v) {
		const char *path = str(v, "path");
		long long n = weight ? (long long)number_of(get(v, "weight")) :
				       size_bytes(get(v, "rate"));

		if (path == NULL || n < 0)
			continue;
		json_array_append_new(out, json_pack("{s:s, s:I}", "Path", path,
						     weight ? "Weight" : "Rate",
						     (json_int_t)n));
	}
	if (json_array_size(out))
		json_object_set(host, field, out);
	json_decref(out);
}

static void
spec_blkio(const json_t *def, json_t *host)
{
	const json_t *b = get(def, "blkio_config");
	double w = number_of(get(b, "weight"));

	if (b == NULL)
		return;
	if (w >= 0)
		json_object_set_new(host, "BlkioWeight",
				    json_integer((json_int_t)w));
	spec_blkio_list(host, "BlkioWeightDevice", get(b, "weight_device"),
			true);
	spec_blkio_list(host, "BlkioDeviceReadBps", get(b, "device_read_bps"),
			false);
	spec_blkio_list(host, "BlkioDeviceWriteBps", get(b, "device_write_bps"),
			false);
	spec_blkio_list(host, "BlkioDeviceReadIOps", get(b, "device_read_iops"),
			false);
	spec_blkio_list(host, "BlkioDeviceWriteIOps",
			get(b, "device_write_iops"), false);
}

static json_t *kv_object(const json_t *v, char sep);

/*
 * One device request ({capabilities, driver, count, device_ids, options})
 * as the engine's DeviceRequest. As docker compose: count "all" is -1, and
 * so is a request with neither count nor device_ids; a gpus entry gets the
 * capability "gpu" appended.
 */
static json_t *
device_request(const json_t *d, bool gpu)
{
	const json_t *count = get(d, "count");
	const json_t *ids = get(d, "device_ids");
	json_t *caps = string_list(get(d, "capabilities"));
	json_t *req = json_object();
	json_int_t n = 0;

	if (caps == NULL)
		caps = json_array();
	if (gpu)
		json_array_append_new(caps, json_string("gpu"));
	if (json_is_integer(count))
		n = json_integer_value(count);
	else if (json_is_string(count))
		n = strcmp(json_string_value(count), "all") == 0 ?
			    -1 :
			    (json_int_t)strtoll(json_string_value(count), NULL,
						10);
	else if (count == NULL || json_is_null(count))
		n = ids && !json_is_null(ids) ? 0 : -1;
	json_object_set_new(req, "Driver",
			    json_string(str(d, "driver") ? str(d, "driver") :
							   ""));
	json_object_set_new(req, "Count", json_integer(n));
	if (json_is_array(ids))
		json_object_set_new(req, "DeviceIDs", json_deep_copy(ids));
	json_object_set_new(req, "Capabilities", json_pack("[o]", caps));
	if (json_is_object(get(d, "options")))
		json_object_set_new(req, "Options",
				    kv_object(get(d, "options"), '='));
	return req;
}

/* deploy.resources.reservations.devices, then gpus (compose's order). */
static void
spec_device_requests(const json_t *def, json_t *host)
{
	const json_t *rsv =
		get(get(get(def, "deploy"), "resources"), "reservations");
	const json_t *gpus = get(def, "gpus");
	json_t *out = json_array();
	size_t i;
	json_t *v;

	json_array_foreach (get(rsv, "devices"), i, v)
		json_array_append_new(out, device_request(v, false));
	if (json_is_string(gpus)) {
		/* "all" (compose reads any string so): every GPU. */
		json_t *all = json_pack("{s:s}", "count", "all");
		json_array_append_new(out, device_request(all, true));
		json_decref(all);
	}
	json_array_foreach (gpus, i, v)
		json_array_append_new(out, device_request(v, true));
	if (json_array_size(out))
		json_object_set(host, "DeviceRequests", out);
	json_decref(out);
}

static void
spec_ulimits(const json_t *def, json_t *host)
{
	json_t *out = json_array();
	const char *key;
	json_t *v;

	json_object_foreach ((json_t *)get(def, "ulimits"), key, v) {
		json_int_t soft, hard;
		if (json_is_integer(v)) {
			soft = hard = json_integer_value(v);
		} else {
			soft = json_integer_value(get(v, "soft"));
			hard = json_integer_value(get(v, "hard"));
		}
		json_array_append_new(out,
				      json_pack("{s:s, s:I, s:I}", "Name", key,
						"Soft", soft, "Hard", hard));
	}
	if (json_array_size(out))
		json_object_set(host, "Ulimits", out);
	json_decref(out);
}

/* A map, or a list of "k=v" (or "k:v" with colon), as an object. */
static json_t *
kv_object(const json_t *v, char sep)
{
	json_t *out = json_object();
	const char *key;
	json_t *val;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach ((json_t *)v, key, val) {
			if (json_is_string(val))
				json_object_set(out, key, val);
			else if (!json_is_null(val)) {
				char *t = json_dumps(val, JSON_ENCODE_ANY);
				json_object_set_new(out, key, json_string(t));
				free(t);
			}
		}
		return out;
	}
	json_array_foreach (v, i, val) {
		const char *s = json_string_value(val);
		const char *eq = s ? strchr(s, sep) : NULL;
		if (eq) {
			char *k = xstrndup(s, (size_t)(eq - s));
			json_object_set_new(out, k, json_string(eq + 1));
			free(k);
		}
	}
	return out;
}

static void
spec_extra_hosts(const json_t *def, json_t *host)
{
	const json_t *eh = get(def, "extra_hosts");
	json_t *out = json_array();
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_object(eh)) {
		json_object_foreach ((json_t *)eh, key, v) {
			json_t *ips = string_list(v);
			size_t j;
			json_t *ip;
			json_array_foreach (ips, j, ip) {
				json_array_append_new(
					out,
					json_sprintf("%s:%s", key,
						     json_string_value(ip)));
			}
			json_decref(ips);
		}
	}
	json_array_foreach (eh, i, v) {
		const char *s = json_string_value(v);
		const char *eq = s ? strchr(s, '=') : NULL;
		if (s == NULL)
			continue;
		if (eq)
			json_array_append_new(out, json_sprintf("%.*s:%s",
								(int)(eq - s),
								s, eq + 1));
		else
			json_array_append_new(out, json_string(s));
	}
	if (json_array_size(out))
		json_object_set(host, "ExtraHosts", out);
	json_decref(out);
}

static void
spec_devices(const json_t *def, json_t *host)
{
	json_t *out = json_array();
	size_t i;
	json_t *v;

	json_array_foreach (get(def, "devices"), i, v) {
		const char *s = json_string_value(v);
		const char *src, *dst, *perm;
		char *a = NULL, *b = NULL;

		if (s) {
			const char *c1 = strchr(s, ':');
			const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
			a = c1 ? xstrndup(s, (size_t)(c1 - s)) : xstrdup(s);
			b = c1 ? (c2 ? xstrndup(c1 + 1, (size_t)(c2 - c1 - 1)) :
				       xstrdup(c1 + 1)) :
				 xstrdup(s);
			src = a;
			dst = b;
			perm = c2 ? c2 + 1 : "rwm";
		} else {
			src = str(v, "source");
			dst = str(v, "target") ? str(v, "target") : src;
			perm = str(v, "permissions") ? str(v, "permissions") :
						       "rwm";
		}
		if (src)
			json_array_append_new(
				out,
				json_pack("{s:s, s:s, s:s}", "PathOnHost", src,
					  "PathInContainer", dst ? dst : src,
					  "CgroupPermissions", perm));
		free(a);
		free(b);
	}
	if (json_array_size(out))
		json_object_set(host, "Devices", out);
	json_decref(out);
}

/* "service:db" -> "container:<db's first container>". */
static char *
resolve_service_ref(const struct project *p, const char *v)
{
	int idx;

	if (v == NULL || strncmp(v, "service:", 8) != 0)
		return v ? xstrdup(v) : NULL;
	idx = project_service_index(p, v + 8);
	if (idx < 0)
		return xstrdup(v);
	char *name = naming_container(p, &p->services[idx], 1);
	char *out = xasprintf("container:%s", name);
	free(name);
	return out;
}

static void
spec_namespaces(const struct project *p, const json_t *def, json_t *host)
{
	static const struct {
		const char *key, *field;
	} ns[] = {
		{ "pid", "PidMode" },	      { "ipc", "IpcMode" },
		{ "uts", "UTSMode" },	      { "userns_mode", "UsernsMode" },
		{ "cgroup", "CgroupnsMode" }, { NULL, NULL },
	};

	for (size_t i = 0; ns[i].key; i++) {
		char *v = resolve_service_ref(p, str(def, ns[i].key));
		set_str(host, ns[i].field, v);
		free(v);
	}
}

static void
spec_volumes_from(const struct project *p, const json_t *def, json_t *host)
{
	json_t *out = json_array();
	size_t i;
	json_t *v;

	json_array_foreach (get(def, "volumes_from"), i, v) {
		const char *s = json_string_value(v);
		const char *colon;
		char *svc;
		int idx;

		if (s == NULL)
			continue;
		if (strncmp(s, "container:", 10) == 0) {
			json_array_append_new(out, json_string(s + 10));
			continue;
		}
		colon = strchr(s, ':');
		svc = colon ? xstrndup(s, (size_t)(colon - s)) : xstrdup(s);
		idx = project_service_index(p, svc);
		if (idx >= 0) {
			char *name = naming_container(p, &p->services[idx], 1);
			json_array_append_new(out,
					      json_sprintf("%s%s", name,
							   colon ? colon : ""));
			free(name);
		}
		free(svc);
	}
	if (json_array_size(out))
		json_object_set(host, "VolumesFrom", out);
	json_decref(out);
}

static void
spec_links(const struct project *p, const json_t *def, json_t *host)
{
	json_t *out = json_array();
	size_t i;
	json_t *v;

	json_array_foreach (get(def, "links"), i, v) {
		const char *s = json_string_value(v);
		const char *colon = s ? strchr(s, ':') : NULL;
		char *svc;
		int idx;

		if (s == NULL)
			continue;
		svc = colon ? xstrndup(s, (size_t)(colon - s)) : xstrdup(s);
		idx = project_service_index(p, svc);
		if (idx >= 0) {
			char *name = naming_container(p, &p->services[idx], 1);
			json_array_append_new(
				out, json_sprintf("%s:%s", name,
						  colon ? colon + 1 : svc));
			free(name);
		}
		free(svc);
	}
	json_array_foreach (get(def, "external_links"), i, v) {
		const char *s = json_string_value(v);
		if (s)
			json_array_append_new(out, strchr(s, ':') ?
							   json_string(s) :
							   json_sprintf("%s:%s",
									s, s));
	}
	if (json_array_size(out))
		json_object_set(host, "Links", out);
	json_decref(out);
}

static void
spec_tmpfs(const json_t *def, json_t *host)
{
	json_t *list = string_list(get(def, "tmpfs"));
	json_t *out = json_object();
	size_t i;
	json_t *v;

	json_array_foreach (list, i, v) {
		const char *s = json_string_value(v);
		const char *colon = s ? strchr(s, ':') : NULL;
		if (s == NULL)
			continue;
		if (colon) {
			char *k = xstrndup(s, (size_t)(colon - s));
			json_object_set_new(out, k, json_string(colon + 1));
			free(k);
		} else {
			json_object_set_new(out, s, json_string(""));
		}
	}
	if (json_object_size(out))
		json_object_set(host, "Tmpfs", out);
	json_decref(out);
	json_decref(list);
}

static void
spec_host(const struct project *p, const struct service *s, json_t *host)
{
	const json_t *def = s->def;
	const json_t *log = get(def, "logging");
	json_t *v;

	spec_mounts(p, def, host);
	spec_restart(def, host);
	spec_resources(def, host);
	spec_blkio(def, host);
	spec_device_requests(def, host);
	spec_ulimits(def, host);
	spec_extra_hosts(def, host);
	spec_devices(def, host);
	spec_namespaces(p, def, host);
	spec_volumes_from(p, def, host);
	spec_links(p, def, host);
	spec_tmpfs(def, host);
	set_bool(host, "Init", get(def, "init"));
	set_bool(host, "Privileged", get(def, "privileged"));
	set_bool(host, "ReadonlyRootfs", get(def, "read_only"));
	set_copy(host, "CapAdd", get(def, "cap_add"));
	set_copy(host, "CapDrop", get(def, "cap_drop"));
	set_copy(host, "SecurityOpt", get(def, "security_opt"));
	set_copy(host, "DeviceCgroupRules", get(def, "device_cgroup_rules"));
	set_str(host, "CgroupParent", str(def, "cgroup_parent"));
	set_str(host, "Runtime", str(def, "runtime"));
	set_str(host, "Isolation", str(def, "isolation"));
	set_copy(host, "StorageOpt", get(def, "storage_opt"));
	if ((v = string_list(get(def, "dns"))))
		json_object_set_new(host, "Dns", v);
	if ((v = string_list(get(def, "dns_search"))))
		json_object_set_new(host, "DnsSearch", v);
	if ((v = string_list(get(def, "dns_opt"))))
		json_object_set_new(host, "DnsOptions", v);
	if ((v = string_list(get(def, "group_add")))) {
		/* Numeric group ids come as numbers. */
		json_object_set_new(host, "GroupAdd", v);
	}
	if (get(def, "sysctls")) {
		v = kv_object(get(def, "sysctls"), '=');
		json_object_set_new(host, "Sysctls", v);
	}
	if (log) {
		json_t *lc = json_object();
		set_str(lc, "Type", str(log, "driver"));
		if (json_is_object(get(log, "options")))
			json_object_set_new(lc, "Config",
					    kv_object(get(log, "options"),
						      '='));
		json_object_set_new(host, "LogConfig", lc);
	}
}

/* ---- networks ---- */

static json_t *
endpoint_config(const struct service *s, const char *key, int number,
		const struct project *p)
{
	const json_t *cfg = get(get(s->def, "networks"), key);
	json_t *ep = json_object();
	json_t *aliases = json_array();
	json_t *ipam = json_object();
	size_t i;
	json_t *v;

	json_array_append_new(aliases, json_string(s->name));
	json_array_foreach (get(cfg, "aliases"), i, v) {
		json_array_append(aliases, v);
	}
	json_object_set_new(ep, "Aliases", aliases);
	set_str(ipam, "IPv4Address", str(cfg, "ipv4_address"));
	set_str(ipam, "IPv6Address", str(cfg, "ipv6_address"));
	set_copy(ipam, "LinkLocalIPs", get(cfg, "link_local_ips"));
	if (json_object_size(ipam))
		json_object_set(ep, "IPAMConfig", ipam);
	json_decref(ipam);
	set_str(ep, "MacAddress", str(cfg, "mac_address"));
	(void)number;
	(void)p;
	return ep;
}

static void
spec_network(const struct project *p, const struct service *s, int number,
	     json_t *spec, json_t *host)
{
	const char *mode = str(s->def, "network_mode");
	const char **keys;
	size_t n = naming_service_networks(s, &keys);

	if (mode && *mode) {
		char *m = resolve_service_ref(p, mode);
		json_object_set_new(host, "NetworkMode", json_string(m));
		free(m);
	} else if (n) {
		char *name = naming_network(p, keys[0]);
		json_object_set_new(host, "NetworkMode", json_string(name));
		json_object_set_new(
			spec, "NetworkingConfig",
			json_pack("{s:{s:o}}", "EndpointsConfig", name,
				  endpoint_config(s, keys[0], number, p)));
		free(name);
	}
	free(keys);
}

json_t *
container_spec_extra_networks(const struct project *p, const struct service *s,
			      int number)
{
	const char **keys;
	size_t n = naming_service_networks(s, &keys);
	json_t *out = json_array();

	for (size_t i = 1; i < n; i++) {
		char *name = naming_network(p, keys[i]);
		json_array_append_new(
			out, json_pack("{s:s, s:{s:o}}", "network", name,
				       "body", "EndpointConfig",
				       endpoint_config(s, keys[i], number, p)));
		free(name);
	}
	free(keys);
	return out;
}

/* ---- healthcheck and the rest ---- */

static void
set_ns(json_t *o, const char *key, const json_t *v)
{
	long long ns = duration_ns(v);

	if (ns >= 0)
		json_object_set_new(o, key, json_integer(ns));
}

static void
spec_healthcheck(const json_t *def, json_t *cfg)
{
	const json_t *hc = get(def, "healthcheck");
	const json_t *test = get(hc, "test");
	json_t *out;

	if (hc == NULL)
		return;
	out = json_object();
	if (json_is_true(get(hc, "disable")))
		json_object_set_new(out, "Test", json_pack("[s]", "NONE"));
	else if (json_is_array(test))
		json_object_set(out, "Test", (json_t *)test);
	else if (json_is_string(test))
		json_object_set_new(out, "Test",
				    json_pack("[s,s]", "CMD-SHELL",
					      json_string_value(test)));
	set_ns(out, "Interval", get(hc, "interval"));
	set_ns(out, "Timeout", get(hc, "timeout"));
	set_ns(out, "StartPeriod", get(hc, "start_period"));
	set_ns(out, "StartInterval", get(hc, "start_interval"));
	set_copy(out, "Retries", get(hc, "retries"));
	json_object_set_new(cfg, "Healthcheck", out);
}

json_t *
container_spec(const struct project *p, const struct service *s, int number,
	       const char *image_id)
{
	const json_t *def = s->def;
	json_t *spec = json_object();
	json_t *host = json_object();
	char *image = naming_image(p, s);
	long long grace = duration_ns(get(def, "stop_grace_period"));

	json_object_set_new(spec, "Image", json_string(image));
	free(image);
	json_object_set_new(spec, "Labels",
			    spec_labels(p, s, number, image_id));
	json_object_set_new(spec, "Env", env_list(get(def, "environment")));
	set_command(spec, "Cmd", get(def, "command"));
	set_command(spec, "Entrypoint", get(def, "entrypoint"));
	set_bool(spec, "Tty", get(def, "tty"));
	set_bool(spec, "OpenStdin", get(def, "stdin_open"));
	json_object_set_new(spec, "AttachStdout", json_true());
	json_object_set_new(spec, "AttachStderr", json_true());
	set_str(spec, "WorkingDir", str(def, "working_dir"));
	set_str(spec, "User", str(def, "user"));
	set_str(spec, "Hostname", str(def, "hostname"));
	set_str(spec, "Domainname", str(def, "domainname"));
	set_str(spec, "StopSignal", str(def, "stop_signal"));
	set_str(spec, "MacAddress", str(def, "mac_address"));
	if (grace >= 0)
		json_object_set_new(spec, "StopTimeout",
				    json_integer(grace / 1000000000LL));
	spec_healthcheck(def, spec);
	spec_ports(def, spec, host);
	spec_host(p, s, host);
	spec_network(p, s, number, spec, host);
	json_object_set_new(spec, "HostConfig", host);
	return spec;
}

const char *
container_spec_platform(const struct project *p, const struct service *s)
{
	const char *v = str(s->def, "platform");

	if (v == NULL || *v == '\0')
		v = project_env_value(p, "DOCKER_DEFAULT_PLATFORM");
	return v && *v ? v : NULL;
}

char *
container_spec_create_path(const struct project *p, const struct service *s,
			   const char *name)
{
	const char *platform = s ? container_spec_platform(p, s) : NULL;
	char *esc = engine_escape(name);
	char *path, *pesc;

	if (platform == NULL) {
		path = xasprintf("/containers/create?name=%s", esc);
	} else {
		pesc = engine_escape(platform);
		path = xasprintf("/containers/create?name=%s&platform=%s", esc,
				 pesc);
		free(pesc);
	}
	free(esc);
	return path;
}
