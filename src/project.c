/*
 * project.c - struct project from a canonical model (project.h).
 *
 * This is the one file that knows both the canonical JSON model and the
 * struct project built on it; everything downstream reads the struct and,
 * for the details of a service, its borrowed canonical JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
dump_hashed(struct buf *b, const json_t *v, int depth, bool in_deploy)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		size_t n = json_object_size(v), m = 0;
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
		qsort(keys, m, sizeof(*keys), cmp_hkey);
		buf_addch(b, '{');
		for (size_t i = 0; i < m; i++) {
			if (i)
				buf_addch(b, ',');
			dump_string(b, keys[i].key, strlen(keys[i].key));
			buf_addch(b, ':');
			dump_hashed(b, keys[i].val, depth + 1,
				    depth == 0 &&
					    strcmp(keys[i].key, "deploy") == 0);
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
			dump_hashed(b, e, depth + 1, false);
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

void
project_hash_service(const json_t *def, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	static EVP_MD *sha256; /* fetched once: a fetch per call is slow */
	struct buf text = BUF_INIT;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (sha256 == NULL)
		sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	dump_hashed(&text, def, 0, false);
	if (sha256 == NULL ||
	    !EVP_Digest(text.ptr, text.len, md, &mdlen, sha256, NULL))
		die("cannot compute a SHA-256 digest");
	for (unsigned int i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
	buf_release(&text);
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
	struct project *p = xcalloc(1, sizeof(*p));
	json_t *services = json_object_get(model, "services");
	const char *name;
	json_t *def;
	size_t i = 0;
	int ret = 0;

	*out = NULL;
	p->model = model;
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
		if (hash)
			project_hash_service(def, s->hash);
	}
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
	for (size_t i = 0; i < p->nservices; i++)
		free(p->services[i].deps);
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
