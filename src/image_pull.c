/*
 * image_pull.c - pull and push images on the event loop (image_build.h).
 *
 * POST /images/create?fromImage=NAME&tag=TAG[&platform=P] pulls; POST
 * /images/NAME/push?tag=TAG pushes. Both carry the registry's credentials
 * in X-Registry-Auth and answer with NDJSON progress: {"status", "id",
 * "progressDetail"} lines, and {"errorDetail": {"message"}} when the
 * registry refuses, which can come after a 200.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "image_build.h"
#include "image_output.h"
#include "jsonlines.h"
#include "log.h"
#include "pull_policy.h"
#include "registry_auth.h"
#include "xalloc.h"

struct xfer_job {
	struct engine_req *req;
	struct engine *e;
	char *ref;
	char *prefix;
	const char *verb; /* "pull" or "push" */
	struct jsonlines jl;
	char *error;
	bool quiet;
	image_build_done_fn done;
	void *arg;
};

static void
xfer_free(struct xfer_job *j)
{
	engine_req_free(j->req);
	jsonlines_release(&j->jl);
	free(j->ref);
	free(j->prefix);
	free(j->error);
	free(j);
}

/* Statuses that only repeat progress: shown in the tty line, not as lines. */
static bool
is_progress_status(const char *s, const json_t *v)
{
	static const char *const noisy[] = {
		"Downloading", "Extracting",	     "Pushing", "Waiting",
		"Preparing",   "Verifying Checksum", NULL,
	};

	if (json_object_size(json_object_get(v, "progressDetail")))
		return true;
	for (size_t i = 0; noisy[i]; i++)
		if (strcmp(s, noisy[i]) == 0)
			return true;
	return false;
}

static void
on_xfer_message(json_t *v, const char *raw, size_t len, void *arg)
{
	struct xfer_job *j = arg;
	const char *status, *id, *prog;
	json_t *x;
	char *line;

	if (v == NULL) {
		if (!j->quiet)
			image_output_line(j->prefix, raw, len);
		return;
	}
	x = json_object_get(json_object_get(v, "errorDetail"), "message");
	if (!json_is_string(x))
		x = json_object_get(v, "error");
	if (json_is_string(x) && j->error == NULL)
		j->error = xstrdup(json_string_value(x));
	status = json_string_value(json_object_get(v, "status"));
	if (status == NULL || j->quiet)
		return;
	id = json_string_value(json_object_get(v, "id"));
	prog = json_string_value(json_object_get(v, "progress"));
	line = id ? xasprintf("%s: %s", id, status) : xstrdup(status);
	if (image_output_tty()) {
		char *text = prog ? xasprintf("%s %s", line, prog) :
				    xstrdup(line);
		image_output_status(j->prefix, text, PROGRESS_WORKING);
		free(text);
	} else if (!is_progress_status(status, v)) {
		image_output_line(j->prefix, line, strlen(line));
	}
	free(line);
}

static int
on_xfer_data(struct engine_req *req, const char *data, size_t len, void *arg)
{
	struct xfer_job *j = arg;

	jsonlines_feed(&j->jl, data, len);
	return 0;
}

static void
on_xfer_done(struct engine_req *req, void *arg)
{
	struct xfer_job *j = arg;
	image_build_done_fn done = j->done;
	void *done_arg = j->arg;
	const char *why = NULL;
	char *transport = NULL;
	int result = -1;

	jsonlines_finish(&j->jl);
	if (engine_req_transport_error(req))
		why = transport = xasprintf("cannot reach the Docker engine at "
					    "%s: %s",
					    engine_host(j->e),
					    engine_req_transport_error(req));
	else if (engine_req_status(req) >= 300)
		why = engine_req_message(req);
	else if (j->error)
		why = j->error;
	if (why) {
		if (strcmp(j->prefix, j->ref) != 0)
			image_output_error(j->prefix,
					   "service \"%s\": cannot %s \"%s\": "
					   "%s",
					   j->prefix, j->verb, j->ref, why);
		else
			image_output_error(j->prefix, "cannot %s \"%s\": %s",
					   j->verb, j->ref, why);
	} else {
		if (!j->quiet)
			image_output_status(j->prefix,
					    strcmp(j->verb, "pull") == 0 ?
						    "Pulled" :
						    "Pushed",
					    PROGRESS_DONE);
		result = 0;
	}
	free(transport);
	xfer_free(j);
	done(result, done_arg);
}

static int
xfer_start(struct engine *e, const char *ref, const char *platform, bool quiet,
	   const char *prefix, bool push, image_build_done_fn done, void *arg)
{
	struct xfer_job *j;
	struct image_ref r;
	struct engine_req_opts o = { 0 };
	char *auth = NULL, *header, *name, *tag, *path;

	if (image_ref_parse(ref, &r) < 0)
		return error("empty image reference");
	if (engine_negotiate(e) < 0 ||
	    registry_auth_header(r.registry, &auth) < 0) {
		image_ref_release(&r);
		return -1;
	}
	j = xcalloc(1, sizeof(*j));
	j->e = e;
	j->ref = xstrdup(ref);
	j->prefix = xstrdup(prefix ? prefix : ref);
	j->verb = push ? "push" : "pull";
	j->quiet = quiet;
	j->done = done;
	j->arg = arg;
	jsonlines_init(&j->jl, 1 << 20, on_xfer_message, j);

	header = xasprintf("X-Registry-Auth: %s", auth);
	name = engine_escape(r.name);
	tag = engine_escape(r.digest ? r.digest : r.tag);
	if (push)
		path = xasprintf("/images/%s/push?tag=%s", r.name, tag);
	else
		path = xasprintf("/images/create?fromImage=%s&tag=%s", name,
				 tag);
	if (!push && platform && *platform) {
		char *pesc = engine_escape(platform);
		char *with = xasprintf("%s&platform=%s", path, pesc);
		free(path);
		free(pesc);
		path = with;
	}
	if (!quiet)
		image_output_status(j->prefix, push ? "Pushing" : "Pulling",
				    PROGRESS_WORKING);
	o.method = "POST";
	o.path = path;
	o.on_data = on_xfer_data;
	o.on_done = on_xfer_done;
	o.arg = j;
	o.extra_header = header;
	j->req = engine_start(e, &o);
	free(path);
	free(name);
	free(tag);
	free(header);
	free(auth);
	image_ref_release(&r);
	return 0;
}

int
image_pull_start(struct engine *e, const char *ref, const char *platform,
		 bool quiet, const char *prefix, image_build_done_fn done,
		 void *arg)
{
	return xfer_start(e, ref, platform, quiet, prefix, false, done, arg);
}

int
image_push_start(struct engine *e, const char *ref, const char *platform,
		 bool quiet, const char *prefix, image_build_done_fn done,
		 void *arg)
{
	(void)platform; /* a push sends what is stored */
	return xfer_start(e, ref, NULL, quiet, prefix, true, done, arg);
}

/* "2024-05-01T10:20:30.123456789Z" -> unix seconds; 0 when unset. */
static long long
parse_time(const char *s)
{
	struct tm tm = { 0 };
	int n = 0;

	if (s == NULL ||
	    sscanf(s, "%d-%d-%dT%d:%d:%d%n", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) < 6 ||
	    tm.tm_year < 1971)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm);
}

int
image_pull_wanted(struct engine *e, const char *ref, const char *policy)
{
	char *path;
	json_t *img = NULL;
	long status;
	long long tagged = 0;
	int ret;

	if (pull_needed(policy, false, 0, 0) < 0)
		return error("invalid pull_policy \"%s\"", policy);
	/* Policies that need no look at the image. */
	if (policy &&
	    (strcmp(policy, "always") == 0 || strcmp(policy, "never") == 0 ||
	     strcmp(policy, "build") == 0))
		return pull_needed(policy, false, 0, 0);
	path = xasprintf("/images/%s/json", ref);
	status = engine_call_status(e, "GET", path, NULL, &img);
	free(path);
	if (status < 0) {
		ret = -1;
	} else if (status != 200 && status != 404) {
		const char *m =
			json_string_value(json_object_get(img, "message"));
		ret = error("cannot inspect image \"%s\": %s", ref,
			    m ? m : "unexpected answer from the engine");
	} else {
		if (status == 200)
			tagged = parse_time(json_string_value(json_object_get(
				json_object_get(img, "Metadata"),
				"LastTagTime")));
		ret = pull_needed(policy, status == 200, tagged,
				  (long long)time(NULL));
	}
	json_decref(img);
	return ret;
}
