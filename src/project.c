/*
 * project.c - struct project from a canonical model (project.h).
 *
 * This is the one file that knows both the canonical JSON model and the
 * struct project built on it; everything downstream reads the struct and,
 * for the details of a service, its borrowed canonical JSON.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "buf.h"
#include "log.h"
#include "pos.h"
#include "project.h"
#include "xalloc.h"

static int
cmp_service(const void *a, const void *b)
{
	return strcmp(((const struct service *)a)->name,
		      ((const struct service *)b)->name);
}

int
project_service_index(const struct project *p, const char *name)
{
	size_t lo = 0, hi = p->nservices;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, p->services[mid].name);
		if (c == 0)
			return (int)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* Keys that do not shape the container, left out of the hash. */
static bool
unhashed(const char *key)
{
	static const char *const keys[] = {
		"build", "pull_policy", "scale", "depends_on", "profiles",
	};

	if (strncmp(key, "x-", 2) == 0)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (strcmp(key, keys[i]) == 0)
			return true;
	return false;
}

/* A JSON string as jansson's compact dump writes it. */
static void
dump_string(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t run = 0;

	buf_addch(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7] = { '\\', 0, 0, 0, 0, 0, 0 };
		size_t n = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"':
		case '\\':
			esc[1] = (char)c;
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
			break;
		}
		buf_add(b, esc, n);
	}
	buf_add(b, s + run, len - run);
	buf_addch(b, '"');
}

struct hkey {
	const char *key;
	json_t *val;
};

static int
cmp_hkey(const void *a, const void *b)
{
	return strcmp(((const struct hkey *)a)->key,
		      ((const struct hkey *)b)->key);
}

/*
 * v as json_dumps(v, JSON_SORT_KEYS | JSON_COMPACT) writes it, byte for
 * byte (the hash must not change with the writer), leaving out the keys
 * skip says to at depth 0, and deploy.replicas.
 */
static void
dump_hashed(struct buf *b, const json_t *v, int depth, bool in_deploy,
	    const json_t *extra)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		size_t n = json_object_size(v) + 1, m = 0;
		struct hkey stack[32], *keys = stack;
		const char *k;
		json_t *e;

		if (n > ARRAY_SIZE(stack))
			keys = xcalloc(n, sizeof(*keys));
		json_object_foreach ((json_t *)v, k, e) {
			if (depth == 0 && unhashed(k))
				continue;
			if (in_deploy && strcmp(k, "replicas") == 0)
				continue;
			keys[m].key = k;
			keys[m++].val = e;
		}
		/* The content digests join at the top, where x- keys of the
		   service itself were left out: no clash. */
		if (depth == 0 && extra) {
			keys[m].key = PROJECT_CONTENT_KEY;
			keys[m++].val = (json_t *)extra;
		}
		qsort(keys, m, sizeof(*keys), cmp_hkey);
		buf_addch(b, '{');
		for (size_t i = 0; i < m; i++) {
			if (i)
				buf_addch(b, ',');
			dump_string(b, keys[i].key, strlen(keys[i].key));
			buf_addch(b, ':');
			dump_hashed(b, keys[i].val, depth + 1,
				    depth == 0 &&
					    strcmp(keys[i].key, "deploy") == 0,
				    NULL);
		}
		buf_addch(b, '}');
		if (keys != stack)
			free(keys);
		break;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *e;

		buf_addch(b, '[');
		json_array_foreach (v, i, e) {
			if (i)
				buf_addch(b, ',');
			dump_hashed(b, e, depth + 1, false, NULL);
		}
		buf_addch(b, ']');
		break;
	}
	case JSON_STRING:
		dump_string(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		buf_addf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL: {
		/* jansson's own text for reals (%.17g, then ".0" or not) */
		char text[64];
		size_t n = json_dumpb(v, text, sizeof(text), JSON_ENCODE_ANY);
		buf_add(b, text, n < sizeof(text) ? n : 0);
		break;
	}
	case JSON_TRUE:
		buf_adds(b, "true");
		break;
	case JSON_FALSE:
		buf_adds(b, "false");
		break;
	case JSON_NULL:
		buf_adds(b, "null");
		break;
	}
}

/* The SHA-256 digest, fetched once: a fetch per call is slow. */
static const EVP_MD *
sha256_md(void)
{
	static EVP_MD *sha256;

	if (sha256 == NULL)
		sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (sha256 == NULL)
		die("cannot compute a SHA-256 digest");
	return sha256;
}

static void
hex_of(const unsigned char *md, char out[65])
{
	static const char hex[] = "0123456789abcdef";

	for (unsigned int i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

static void
digest_bytes(const void *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!EVP_Digest(data, len, md, &mdlen, sha256_md(), NULL))
		die("cannot compute a SHA-256 digest");
	hex_of(md, out);
}

/*
 * The digest of a regular file's content; -1 when it cannot be read or is
 * something else (a directory, a device, a FIFO, which opening must not
 * block on: O_NONBLOCK, then fstat).
 */
static int
digest_file(const char *path, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char chunk[16384];
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	EVP_MD_CTX *c = NULL;
	struct stat st;
	ssize_t n = 0;
	int ok;

	if (fd < 0)
		return -1;
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	if (ok) {
		c = EVP_MD_CTX_new();
		ok = c && EVP_DigestInit_ex(c, sha256_md(), NULL);
	}
	while (ok && (n = read(fd, chunk, sizeof(chunk))) > 0)
		ok = EVP_DigestUpdate(c, chunk, (size_t)n);
	ok = ok && n == 0 && EVP_DigestFinal_ex(c, md, &mdlen);
	EVP_MD_CTX_free(c);
	close(fd);
	if (!ok)
		return -1;
	hex_of(md, out);
	return 0;
}

void
project_hash_service_content(const json_t *def, const json_t *content,
			     char out[65])
{
	struct buf text = BUF_INIT;

	dump_hashed(&text, def, 0, false, content);
	digest_bytes(text.ptr, text.len, out);
	buf_release(&text);
}

void
project_hash_service(const json_t *def, char out[65])
{
	project_hash_service_content(def, NULL, out);
}

const char *
project_env_value(const struct project *p, const char *name)
{
	const char *v =
		json_string_value(json_object_get(p->environment, name));

	return v ? v : getenv(name);
}

/*
 * The digest of the content of top-level configs.NAME (or secrets.NAME):
 * its file, its inline content or its environment variable. NULL when
 * there is nothing to read (external, missing file, unset variable: up
 * says so when it mounts it). Computed once per name: cache holds
 * {"configs": {NAME: HEX or null}, ...}.
 */
static const char *
source_digest(const struct project *p, json_t *cache, const char *section,
	      const char *name)
{
	json_t *sec = json_object_get(cache, section);
	json_t *have = json_object_get(sec, name);
	const json_t *def =
		json_object_get(json_object_get(p->model, section), name);
	const char *file = json_string_value(json_object_get(def, "file"));
	const json_t *content = json_object_get(def, "content");
	const char *env =
		json_string_value(json_object_get(def, "environment"));
	const char *value = NULL;
	char hex[65];
	int ok = -1;

	if (have)
		return json_string_value(have);
	if (sec == NULL) {
		sec = json_object();
		json_object_set_new(cache, section, sec);
	}
	if (file) {
		ok = digest_file(file, hex);
	} else if (json_is_string(content)) {
		digest_bytes(json_string_value(content),
			     json_string_length(content), hex);
		ok = 0;
	} else if (env && (value = project_env_value(p, env))) {
		digest_bytes(value, strlen(value), hex);
		ok = 0;
	}
	json_object_set_new(sec, name,
			    ok == 0 ? json_string(hex) : json_null());
	return ok == 0 ? json_string_value(json_object_get(sec, name)) : NULL;
}

/* {"configs": {NAME: HEX}, "secrets": {...}} for what def mounts, or NULL. */
static json_t *
service_content(const struct project *p, const json_t *def, json_t *cache)
{
	static const char *const sections[] = { "configs", "secrets" };
	json_t *out = NULL;

	for (size_t k = 0; k < ARRAY_SIZE(sections); k++) {
		size_t i;
		json_t *v;

		json_array_foreach (json_object_get(def, sections[k]), i, v) {
			const char *src =
				json_is_string(v) ?
					json_string_value(v) :
					json_string_value(
						json_object_get(v, "source"));
			const char *hex = src ? source_digest(p, cache,
							      sections[k],
							      src) :
						NULL;
			json_t *sec;

			if (hex == NULL)
				continue;
			if (out == NULL)
				out = json_object();
			sec = json_object_get(out, sections[k]);
			if (sec == NULL) {
				sec = json_object();
				json_object_set_new(out, sections[k], sec);
			}
			json_object_set_new(sec, src, json_string(hex));
		}
	}
	return out;
}

static int
replicas_of(const json_t *def)
{
	json_t *v = json_object_get(def, "scale");

	if (!json_is_integer(v))
		v = json_object_get(json_object_get(def, "deploy"), "replicas");
	if (json_is_integer(v) && json_integer_value(v) >= 0)
		return (int)json_integer_value(v);
	return 1;
}

static enum dep_condition
condition_of(const char *s)
{
	if (s && strcmp(s, "service_healthy") == 0)
		return DEP_HEALTHY;
	if (s && strcmp(s, "service_completed_successfully") == 0)
		return DEP_COMPLETED;
	return DEP_STARTED;
}

static int
resolve_deps(struct project *p, struct service *s)
{
	json_t *deps = json_object_get(s->def, "depends_on");
	const char *name;
	json_t *d;
	int ret = 0;

	if (!json_is_object(deps))
		return 0;
	s->deps = xcalloc(json_object_size(deps) + 1, sizeof(*s->deps));
	json_object_foreach (deps, name, d) {
		int idx = project_service_index(p, name);
		json_t *req = json_object_get(d, "required");
		bool required = !json_is_false(req);

		if (idx < 0) {
			if (!required)
				continue;
			char *path =
				xasprintf("services.%s.depends_on", s->name);
			if (json_object_get(json_object_get(p->model,
							    "services"),
					    name) == NULL &&
			    !strv_contains(&p->disabled, name))
				ret = diag_error(d, path,
						 "service \"%s\" depends on "
						 "undefined service \"%s\"",
						 s->name, name);
			else
				ret = diag_error(d, path,
						 "service \"%s\" depends on "
						 "service \"%s\", which is "
						 "disabled by its profiles",
						 s->name, name);
			free(path);
			continue;
		}
		struct service_dep *sd = &s->deps[s->ndeps++];
		sd->index = (size_t)idx;
		sd->name = p->services[idx].name;
		sd->condition = condition_of(
			json_string_value(json_object_get(d, "condition")));
		sd->restart = json_is_true(json_object_get(d, "restart"));
		sd->required = required;
		graph_add_edge(&p->graph, (size_t)(s - p->services),
			       (size_t)idx);
	}
	return ret;
}

static int
order_services(struct project *p)
{
	size_t *cycle = NULL, len = 0;
	struct buf b = BUF_INIT;

	p->order = xcalloc(p->nservices + 1, sizeof(size_t));
	if (graph_order(&p->graph, p->order, NULL, &cycle, &len) == 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		buf_addf(&b, "%s%s", i ? " -> " : "",
			 p->services[cycle[i]].name);
	json_t *at = json_object_get(p->services[cycle[0]].def, "depends_on");
	diag_error(at, NULL, "dependency cycle: %s", b.ptr);
	buf_release(&b);
	free(cycle);
	return -1;
}

int
project_from_model(struct project **out, json_t *model, const char *workdir)
{
	return project_from_model_hashed(out, model, workdir, true);
}

int
project_from_model_hashed(struct project **out, json_t *model,
			  const char *workdir, bool hash)
{
	return project_from_model_env(out, model, workdir, NULL, hash);
}

int
project_from_model_env(struct project **out, json_t *model, const char *workdir,
		       json_t *env, bool hash)
{
	struct project *p = xcalloc(1, sizeof(*p));
	json_t *services = json_object_get(model, "services");
	json_t *cache = NULL;
	const char *name;
	json_t *def;
	size_t i = 0;
	int ret = 0;

	*out = NULL;
	p->model = model;
	p->environment = json_incref(env);
	p->workdir = xstrdup(workdir);
	strv_init(&p->config_files);
	strv_init(&p->env_files);
	strv_init(&p->disabled);
	const char *pname = json_string_value(json_object_get(model, "name"));
	p->name = xstrdup(pname ? pname : "");
	p->nservices = json_object_size(services);
	p->services = xcalloc(p->nservices + 1, sizeof(*p->services));
	json_object_foreach (services, name, def) {
		struct service *s = &p->services[i++];
		s->name = name;
		s->def = def;
		s->replicas = replicas_of(def);
		if (!hash)
			continue;
		if (json_array_size(json_object_get(def, "configs")) ||
		    json_array_size(json_object_get(def, "secrets"))) {
			if (cache == NULL)
				cache = json_object();
			s->content = service_content(p, def, cache);
		}
		project_hash_service_content(def, s->content, s->hash);
	}
	json_decref(cache);
	qsort(p->services, p->nservices, sizeof(*p->services), cmp_service);
	graph_init(&p->graph, p->nservices);
	for (i = 0; i < p->nservices; i++)
		if (resolve_deps(p, &p->services[i]) < 0)
			ret = -1;
	if (ret == 0)
		ret = order_services(p);
	if (ret < 0) {
		project_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

void
project_free(struct project *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nservices; i++) {
		free(p->services[i].deps);
		json_decref(p->services[i].content);
	}
	free(p->services);
	free(p->order);
	graph_release(&p->graph);
	strv_clear(&p->config_files);
	strv_clear(&p->env_files);
	strv_clear(&p->disabled);
	json_decref(p->model);
	json_decref(p->environment);
	free(p->name);
	free(p->workdir);
	free(p);
}

int
project_select(const struct project *p, char *const *names, size_t n,
	       bool no_deps, bool *sel)
{
	int ret = 0;

	for (size_t i = 0; i < p->nservices; i++)
		sel[i] = (n == 0);
	for (size_t i = 0; i < n; i++) {
		int idx = project_service_index(p, names[i]);
		if (idx < 0) {
			ret = error("no such service: \"%s\"", names[i]);
			continue;
		}
		sel[idx] = true;
	}
	if (ret == 0 && n && !no_deps)
		graph_close_deps(&p->graph, sel);
	return ret;
}
