/*
 * image_build.c - build a service's image with the engine's classic
 * builder (image_build.h), and decide whether it is stale.
 *
 * POST /build takes the context as a tar body. We stream it: curl asks
 * for the next piece of the upload, tar_stream produces it from disk. The
 * answer is NDJSON ({"stream": text}, {"aux": {"ID": ...}}, {"error":
 * ..., "errorDetail": ...}), decoded as it arrives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "buf.h"
#include "build_context.h"
#include "build_digest.h"
#include "container_spec.h"
#include "image_build.h"
#include "image_output.h"
#include "jsonlines.h"
#include "labels.h"
#include "log.h"
#include "registry_auth.h"
#include "naming.h"
#include "xalloc.h"

/* Everything a service's build key says, resolved. */
struct build_spec {
	const char *service;
	char *ref;
	struct strv tags; /* more names (build.tags) */
	char *context;
	const char *dockerfile, *inline_text, *target, *network;
	/* The service's platform, or the one entry of build.platforms. */
	const char *platform;
	json_t *args;	/* KEY -> string */
	json_t *labels; /* KEY -> string (the user's) */
	json_t *cache_from;
	struct strv extra_hosts;
	long long shm_size;
	bool no_cache, pull;
	char *stat_cache, *manifest;
};

char *
service_image_ref(const struct project *p, const struct service *s)
{
	/* One rule for everyone, --compatibility's "_" included. */
	return naming_image(p, s);
}

static bool
is_remote_context(const char *c)
{
	return strstr(c, "://") || strncmp(c, "git@", 4) == 0 ||
	       strncmp(c, "github.com/", 11) == 0;
}

/* The value of an environment variable for a bare build arg. */
static const char *
env_lookup(const struct project *p, const char *key)
{
	const char *v = json_string_value(json_object_get(p->environment, key));

	return v ? v : getenv(key);
}

/* Set args[KEY] from "KEY=VAL" or a bare "KEY" (from the environment). */
static void
arg_set(const struct project *p, json_t *args, const char *kv)
{
	const char *eq = strchr(kv, '=');
	char *key = eq ? xstrndup(kv, (size_t)(eq - kv)) : xstrdup(kv);
	const char *v = eq ? eq + 1 : env_lookup(p, key);

	if (v)
		json_object_set_new(args, key, json_string(v));
	else
		json_object_del(args, key);
	free(key);
}

/* A scalar as a string ("3", "true"); NULL for null or a container. */
static char *
scalar_text(const json_t *v)
{
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v))
		return xasprintf("%" JSON_INTEGER_FORMAT,
				 json_integer_value(v));
	if (json_is_real(v))
		return xasprintf("%g", json_real_value(v));
	if (json_is_boolean(v))
		return xstrdup(json_is_true(v) ? "true" : "false");
	return NULL;
}

/* A mapping or a KEY=VAL list, as an object of strings. */
static json_t *
map_of(const struct project *p, const json_t *v, bool from_env)
{
	json_t *out = json_object();
	const char *k;
	json_t *x;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach ((json_t *)v, k, x) {
			char *s = scalar_text(x);
			const char *e = s	 ? s :
					from_env ? env_lookup(p, k) :
						   "";

			if (e)
				json_object_set_new(out, k, json_string(e));
			free(s);
		}
	} else if (json_is_array(v)) {
		json_array_foreach (v, i, x) {
			if (!json_is_string(x))
				continue;
			if (from_env)
				arg_set(p, out, json_string_value(x));
			else {
				const char *kv = json_string_value(x);
				const char *eq = strchr(kv, '=');
				char *key =
					eq ? xstrndup(kv, (size_t)(eq - kv)) :
					     xstrdup(kv);
				json_object_set_new(out, key,
						    json_string(eq ? eq + 1 :
								     ""));
				free(key);
			}
		}
	}
	return out;
}

/* "2g", "512m", 1024 -> bytes; -1 when malformed. */
static long long
size_of(const json_t *v)
{
	const char *s;
	char *end;
	double n;

	if (json_is_integer(v))
		return json_integer_value(v);
	s = json_string_value(v);
	if (s == NULL)
		return -1;
	n = strtod(s, &end);
	if (end == s)
		return -1;
	while (*end == ' ')
		end++;
	switch (*end | 0x20) {
	case 'k':
		n *= 1024;
		break;
	case 'm':
		n *= 1024 * 1024;
		break;
	case 'g':
		n *= 1024 * 1024 * 1024;
		break;
	case 't':
		n *= 1024.0 * 1024 * 1024 * 1024;
		break;
	default:
		break;
	}
	return (long long)n;
}

/* $XDG_CACHE_HOME/berth/<project>/<ref with odd characters replaced>.<ext> */
static char *
cache_file(const struct project *p, const char *ref, const char *ext)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	char *base = xdg && *xdg ? xstrdup(xdg) :
				   xasprintf("%s/.cache",
					     getenv("HOME") ? getenv("HOME") :
							      "/tmp");
	char *name = xstrdup(ref), *path;

	for (char *c = name; *c; c++)
		if (!(*c >= 'a' && *c <= 'z') && !(*c >= 'A' && *c <= 'Z') &&
		    !(*c >= '0' && *c <= '9') && *c != '-' && *c != '.')
			*c = '_';
	path = xasprintf("%s/berth/%s/%s.%s", base, p->name, name, ext);
	free(base);
	free(name);
	return path;
}

static void
build_spec_release(struct build_spec *b)
{
	free(b->ref);
	strv_clear(&b->tags);
	free(b->context);
	json_decref(b->args);
	json_decref(b->labels);
	json_decref(b->cache_from);
	strv_clear(&b->extra_hosts);
	free(b->stat_cache);
	free(b->manifest);
	memset(b, 0, sizeof(*b));
}

/*
 * Read s's build key. Returns 1 when there is none, 0, or -1 after
 * reporting what the classic builder cannot do.
 */
static int
build_spec_load(const struct project *p, const struct service *s,
		const struct build_opts *o, struct build_spec *b)
{
	json_t *def = json_object_get(s->def, "build");
	const char *ctx;
	json_t *v;
	size_t i;
	static const char *const unsupported[] = {
		"ssh", "secrets", "additional_contexts", "entitlements", NULL,
	};

	memset(b, 0, sizeof(*b));
	strv_init(&b->tags);
	strv_init(&b->extra_hosts);
	if (json_is_string(def)) /* not canonical, but cheap to accept */
		def = json_pack("{s:O}", "context", def);
	else if (json_is_object(def))
		json_incref(def);
	else
		return 1;
	b->service = s->name;
	for (i = 0; unsupported[i]; i++) {
		v = json_object_get(def, unsupported[i]);
		if (v && !json_is_null(v) &&
		    !(json_is_array(v) && json_array_size(v) == 0) &&
		    !(json_is_object(v) && json_object_size(v) == 0)) {
			error("service \"%s\": build.%s is not supported by "
			      "the engine's classic builder",
			      s->name, unsupported[i]);
			json_decref(def);
			return -1;
		}
	}
	ctx = json_string_value(json_object_get(def, "context"));
	if (ctx && is_remote_context(ctx)) {
		error("service \"%s\": build context \"%s\": remote contexts "
		      "are not supported yet",
		      s->name, ctx);
		json_decref(def);
		return -1;
	}
	if (ctx == NULL || *ctx == '\0')
		b->context = xstrdup(p->workdir);
	else if (ctx[0] == '/')
		b->context = xstrdup(ctx);
	else
		b->context = xasprintf("%s/%s", p->workdir, ctx);

	/* Borrowed strings stay valid: def shares them with the model. */
	b->dockerfile = json_string_value(json_object_get(def, "dockerfile"));
	b->inline_text =
		json_string_value(json_object_get(def, "dockerfile_inline"));
	b->target = json_string_value(json_object_get(def, "target"));
	b->network = json_string_value(json_object_get(def, "network"));
	b->args = map_of(p, json_object_get(def, "args"), true);
	for (i = 0; o && o->build_args && i < o->build_args->n; i++)
		arg_set(p, b->args, o->build_args->v[i]);
	b->labels = map_of(p, json_object_get(def, "labels"), false);
	v = json_object_get(def, "cache_from");
	b->cache_from = json_is_array(v) ? json_incref(v) : json_array();
	v = json_object_get(def, "extra_hosts");
	if (json_is_object(v)) {
		const char *host;
		json_t *ip;
		json_object_foreach (v, host, ip) {
			size_t k;
			json_t *one;
			if (json_is_string(ip))
				strv_pushf(&b->extra_hosts, "%s:%s", host,
					   json_string_value(ip));
			json_array_foreach (ip, k, one)
				strv_pushf(&b->extra_hosts, "%s:%s", host,
					   json_string_value(one));
		}
	} else if (json_is_array(v)) {
		json_t *h;
		json_array_foreach (v, i, h) {
			char *e = xstrdup(json_string_value(h) ?
						  json_string_value(h) :
						  "");
			char *eq = strchr(e, '=');
			if (eq)
				*eq = ':';
			strv_push_nodup(&b->extra_hosts, e);
		}
	}
	v = json_object_get(def, "shm_size");
	b->shm_size = v ? size_of(v) : 0;
	b->no_cache = json_is_true(json_object_get(def, "no_cache")) ||
		      (o && o->no_cache);
	b->pull = json_is_true(json_object_get(def, "pull")) || (o && o->pull);
	v = json_object_get(def, "tags");
	json_t *t;
	json_array_foreach (v, i, t)
		if (json_is_string(t))
			strv_push(&b->tags, json_string_value(t));
	b->platform = container_spec_platform(p, s);
	v = json_object_get(def, "platforms");
	if (b->platform == NULL && json_array_size(v) == 1)
		b->platform = json_string_value(json_array_get(v, 0));
	b->ref = service_image_ref(p, s);
	b->stat_cache = cache_file(p, b->ref, "stat");
	b->manifest = cache_file(p, b->ref, "manifest");
	json_decref(def);
	return 0;
}

/* Scan the context and compute the digest. */
static int
build_spec_digest(const struct build_spec *b, struct build_context *c,
		  char digest[65])
{
	struct build_params bp = { b->args, b->target, b->labels, b->platform };

	if (build_context_scan(c, b->context, b->dockerfile, b->inline_text) <
	    0)
		return error("service \"%s\": cannot read the build context",
			     b->service);
	if (build_digest_files(c, b->stat_cache) < 0) {
		build_context_release(c);
		return error("service \"%s\": cannot read the build context",
			     b->service);
	}
	build_digest(c, &bp, digest);
	return 0;
}

int
image_exists(struct engine *e, const char *ref, char **id_out)
{
	char *path = xasprintf("/images/%s/json", ref);
	json_t *img = NULL;
	long status = engine_call_status(e, "GET", path, NULL, &img);
	int ret;

	free(path);
	if (id_out)
		*id_out = NULL;
	if (status == 200) {
		const char *id = json_string_value(json_object_get(img, "Id"));
		if (id_out && id)
			*id_out = xstrdup(id);
		ret = 1;
	} else if (status == 404) {
		ret = 0;
	} else if (status < 0) {
		ret = -1;
	} else {
		const char *m =
			json_string_value(json_object_get(img, "message"));
		ret = error("cannot inspect image \"%s\": %s", ref,
			    m ? m : "unexpected answer from the engine");
	}
	json_decref(img);
	return ret;
}

int
image_build_needed(struct engine *e, const struct project *p,
		   const struct service *s, char **reason)
{
	return image_build_needed_opts(e, p, s, NULL, reason);
}

int
image_build_needed_opts(struct engine *e, const struct project *p,
			const struct service *s, const struct build_opts *o,
			char **reason)
{
	struct build_spec b;
	struct build_context c = { 0 };
	struct build_params bp;
	char digest[65];
	char *path = NULL;
	json_t *img = NULL;
	const char *label;
	long status;
	int ret = -1;

	*reason = NULL;
	ret = build_spec_load(p, s, o, &b);
	if (ret != 0)
		return ret > 0 ? 0 : -1;
	ret = -1;
	if (build_spec_digest(&b, &c, digest) < 0)
		goto done;
	path = xasprintf("/images/%s/json", b.ref);
	status = engine_call_status(e, "GET", path, NULL, &img);
	if (status < 0)
		goto done;
	if (status == 404) {
		*reason = xstrdup("image missing");
		ret = 1;
		goto done;
	}
	if (status != 200) {
		const char *m =
			json_string_value(json_object_get(img, "message"));
		error("cannot inspect image \"%s\": %s", b.ref,
		      m ? m : "unexpected answer from the engine");
		goto done;
	}
	label = json_string_value(json_object_get(
		json_object_get(json_object_get(img, "Config"), "Labels"),
		LABEL_BUILD_DIGEST));
	if (label && strcmp(label, digest) == 0) {
		ret = 0;
		goto done;
	}
	ret = 1;
	if (label == NULL) {
		*reason = xstrdup("image has no build digest");
		goto done;
	}
	bp = (struct build_params){ b.args, b.target, b.labels, b.platform };
	*reason = build_manifest_diff(b.manifest, label, &c, &bp);
	if (*reason == NULL)
		*reason = xstrdup("build inputs changed");
done:
	free(path);
	json_decref(img);
	build_context_release(&c);
	build_spec_release(&b);
	return ret;
}

/* ---- the build request ---- */

struct build_job {
	struct engine *e;
	struct engine_req *req;
	struct build_spec spec;
	struct build_context ctx;
	struct tar_stream *tar;
	char digest[65];
	struct jsonlines jl;
	struct buf partial; /* stream text after the last newline */
	char *last_step;
	char *error;
	bool quiet, tar_failed;
	image_build_done_fn done;
	void *arg;
};

static void
job_free(struct build_job *j)
{
	engine_req_free(j->req);
	tar_stream_free(j->tar);
	build_context_release(&j->ctx);
	build_spec_release(&j->spec);
	jsonlines_release(&j->jl);
	buf_release(&j->partial);
	free(j->last_step);
	free(j->error);
	free(j);
}

static size_t
on_read_body(char *buf, size_t size, void *arg)
{
	struct build_job *j = arg;
	long n = tar_stream_read(j->tar, buf, size);

	if (n < 0) {
		j->tar_failed = true;
		return CURL_READFUNC_ABORT;
	}
	return (size_t)n;
}

/* One complete line of build output. */
static void
on_build_line(struct build_job *j, const char *line, size_t len)
{
	while (len && (line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	if (len >= 5 && strncmp(line, "Step ", 5) == 0) {
		free(j->last_step);
		j->last_step = xstrndup(line, len);
		if (!j->quiet)
			image_output_status(j->spec.service, j->last_step,
					    PROGRESS_WORKING);
	}
	if (!j->quiet)
		image_output_line(j->spec.service, line, len);
}

/* Text of a "stream" message: split into lines, keep the tail. */
static void
on_stream_text(struct build_job *j, const char *text)
{
	const char *nl;

	while ((nl = strchr(text, '\n'))) {
		buf_add(&j->partial, text, (size_t)(nl - text));
		on_build_line(j, j->partial.ptr, j->partial.len);
		buf_reset(&j->partial);
		text = nl + 1;
	}
	buf_adds(&j->partial, text);
}

static void
on_message(json_t *v, const char *raw, size_t len, void *arg)
{
	struct build_job *j = arg;
	json_t *x;

	if (v == NULL) {
		on_build_line(j, raw, len);
		return;
	}
	if ((x = json_object_get(v, "stream")) && json_is_string(x))
		on_stream_text(j, json_string_value(x));
	x = json_object_get(json_object_get(v, "errorDetail"), "message");
	if (!json_is_string(x))
		x = json_object_get(v, "error");
	if (json_is_string(x) && j->error == NULL)
		j->error = xstrdup(json_string_value(x));
	/* Base images pulled for FROM report like a pull. */
	x = json_object_get(v, "status");
	if (json_is_string(x) && !j->quiet &&
	    !json_object_size(json_object_get(v, "progressDetail"))) {
		const char *id = json_string_value(json_object_get(v, "id"));
		char *line =
			id ? xasprintf("%s: %s", id, json_string_value(x)) :
			     xstrdup(json_string_value(x));
		image_output_line(j->spec.service, line, strlen(line));
		free(line);
	}
}

static int
on_data(struct engine_req *req, const char *data, size_t len, void *arg)
{
	struct build_job *j = arg;

	jsonlines_feed(&j->jl, data, len);
	return 0;
}

static void
on_done(struct engine_req *req, void *arg)
{
	struct build_job *j = arg;
	const char *svc = j->spec.service;
	image_build_done_fn done = j->done;
	void *done_arg = j->arg;
	int result = -1;

	jsonlines_finish(&j->jl);
	if (j->partial.len)
		on_build_line(j, j->partial.ptr, j->partial.len);
	if (j->tar_failed) {
		/* tar_stream said why; the engine only saw an aborted upload.
		 */
		image_output_error(svc, "service \"%s\": build aborted", svc);
	} else if (engine_req_transport_error(req)) {
		image_output_error(svc,
				   "service \"%s\": build failed: cannot reach "
				   "the Docker engine at %s: %s",
				   svc, engine_host(j->e),
				   engine_req_transport_error(req));
	} else if (engine_req_status(req) >= 300) {
		image_output_error(svc, "service \"%s\": build failed: %s", svc,
				   engine_req_message(req));
	} else if (j->error) {
		if (j->last_step)
			image_output_error(svc,
					   "service \"%s\": build failed at "
					   "\"%s\": %s",
					   svc, j->last_step, j->error);
		else
			image_output_error(svc,
					   "service \"%s\": build failed: %s",
					   svc, j->error);
	} else {
		struct build_params bp = { j->spec.args, j->spec.target,
					   j->spec.labels, j->spec.platform };

		build_manifest_save(j->spec.manifest, j->digest, &j->ctx, &bp);
		if (!j->quiet)
			image_output_status(svc, "Built", PROGRESS_DONE);
		result = 0;
	}
	job_free(j);
	done(result, done_arg);
}

static void
query_add_json(struct buf *q, const char *key, json_t *v)
{
	char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);

	engine_query_add(q, key, text);
	free(text);
}

/* The POST /build path with every parameter. */
static char *
build_path(const struct project *p, struct build_job *j)
{
	struct build_spec *b = &j->spec;
	struct buf q = BUF_INIT;
	json_t *labels = json_deep_copy(b->labels);
	char num[32];

	buf_adds(&q, "/build");
	engine_query_add(&q, "t", b->ref);
	for (size_t i = 0; i < b->tags.n; i++)
		engine_query_add(&q, "t", b->tags.v[i]);
	engine_query_add(&q, "dockerfile", j->ctx.dockerfile);
	engine_query_add(&q, "rm", "1");
	engine_query_add(&q, "forcerm", "1");
	if (json_object_size(b->args))
		query_add_json(&q, "buildargs", b->args);
	if (b->target && *b->target)
		engine_query_add(&q, "target", b->target);
	if (b->platform && *b->platform)
		engine_query_add(&q, "platform", b->platform);
	json_object_set_new(labels, LABEL_PROJECT, json_string(p->name));
	json_object_set_new(labels, LABEL_SERVICE, json_string(b->service));
	json_object_set_new(labels, LABEL_VERSION,
			    json_string(COMPOSE_COMPAT_VERSION));
	json_object_set_new(labels, LABEL_IMAGE_BUILDER,
			    json_string("classic"));
	json_object_set_new(labels, LABEL_BUILD_DIGEST, json_string(j->digest));
	query_add_json(&q, "labels", labels);
	if (b->no_cache || build_manifest_relinked(b->manifest, &j->ctx))
		engine_query_add(&q, "nocache", "1");
	if (b->pull)
		engine_query_add(&q, "pull", "1");
	if (b->network && *b->network)
		engine_query_add(&q, "networkmode", b->network);
	if (b->shm_size > 0) {
		snprintf(num, sizeof(num), "%lld", b->shm_size);
		engine_query_add(&q, "shmsize", num);
	}
	for (size_t i = 0; i < b->extra_hosts.n; i++)
		engine_query_add(&q, "extrahosts", b->extra_hosts.v[i]);
	if (json_array_size(b->cache_from))
		query_add_json(&q, "cachefrom", b->cache_from);
	json_decref(labels);
	return buf_detach(&q, NULL);
}

int
image_build_start(struct engine *e, const struct project *p,
		  const struct service *s, const struct build_opts *o,
		  image_build_done_fn done, void *arg)
{
	struct build_job *j = xcalloc(1, sizeof(*j));
	struct engine_req_opts ro = { 0 };
	char *path, *auth, *header = NULL;
	int r;

	j->e = e;
	j->done = done;
	j->arg = arg;
	j->quiet = o && o->quiet;
	buf_init(&j->partial);
	jsonlines_init(&j->jl, 1 << 20, on_message, j);
	r = build_spec_load(p, s, o, &j->spec);
	if (r != 0) {
		if (r > 0)
			error("service \"%s\" has no build section", s->name);
		job_free(j);
		return -1;
	}
	if (engine_negotiate(e) < 0 ||
	    build_spec_digest(&j->spec, &j->ctx, j->digest) < 0) {
		job_free(j);
		return -1;
	}
	if (!j->quiet)
		image_output_status(s->name, "Building", PROGRESS_WORKING);
	j->tar = tar_stream_new(&j->ctx);
	path = build_path(p, j);
	ro.method = "POST";
	ro.path = path;
	ro.content_type = "application/x-tar";
	ro.read_body = on_read_body;
	ro.on_data = on_data;
	ro.on_done = on_done;
	ro.arg = j;
	if ((auth = registry_auth_build_config()))
		header = xasprintf("X-Registry-Config: %s", auth);
	ro.extra_header = header;
	j->req = engine_start(e, &ro);
	free(path);
	free(header);
	free(auth);
	return 0;
}
