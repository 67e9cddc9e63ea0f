/*
 * hooks.c - run a service's post_start or pre_stop hooks in a container
 * (hooks.h).
 *
 * One hook is three engine requests, chained from their callbacks:
 * POST /containers/{id}/exec, POST /exec/{id}/start without detaching
 * (its answer is the hook's output, to its end), GET /exec/{id}/json for
 * the exit code. With a sink (attached `up`) the output streams to it as
 * it comes; else it is kept for the error message of a failed hook and a
 * hook that succeeds stays silent, as with `docker compose up -d`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "canon.h"
#include "engine.h"
#include "hooks.h"
#include "logframe.h"
#include "strv.h"
#include "xalloc.h"

/* Output lines a failed hook's message carries. */
#define TAIL_LINES 10

struct hooks_state {
	struct engine *e;
	json_t *list;
	size_t i; /* the hook running */
	char *kind, *id, *container, *service, *prefix;
	char *exec_id;
	char *tail; /* the running hook's output tail */
	bool gone_ok;
	const struct hooks_sink *sink;
	bool sink_open;		/* begin told for exec_id, end not yet */
	struct engine_req *req; /* in flight */
	bool *ended;		/* set by finish while hooks_run runs */
	hooks_done_fn done;
	void *arg;
};

const json_t *
hooks_of(const json_t *def, const char *kind)
{
	const json_t *l = json_object_get(def, kind);

	return json_array_size(l) ? l : NULL;
}

/* Cmd: a list as is, a string split as compose-go splits it. */
static json_t *
hook_cmd(const json_t *cmd, char **err)
{
	json_t *out = NULL;
	size_t i;
	json_t *v;

	if (json_is_string(cmd)) {
		if (canon_shell_split(json_string_value(cmd), &out, err) < 0)
			return NULL;
	} else if (json_is_array(cmd)) {
		json_array_foreach (cmd, i, v) {
			if (!json_is_string(v)) {
				*err = xstrdup("command must be a string or "
					       "a list of strings");
				return NULL;
			}
		}
		out = json_deep_copy(cmd);
	} else {
		*err = xstrdup(cmd ? "command must be a string or a list of "
				     "strings" :
				     "a hook needs a command");
		return NULL;
	}
	if (json_array_size(out) == 0) {
		json_decref(out);
		*err = xstrdup("a hook needs a command");
		return NULL;
	}
	return out;
}

/* Env: KEY=VALUE entries; a map's null value gives KEY alone, as
   compose's ToMobyEnv (the engine then drops KEY). */
static json_t *
hook_env(const json_t *env)
{
	json_t *out = json_array();
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_object(env)) {
		json_object_foreach ((json_t *)env, k, v) {
			if (json_is_null(v))
				json_array_append_new(out, json_string(k));
			else if (json_is_string(v))
				json_array_append_new(
					out,
					json_sprintf("%s=%s", k,
						     json_string_value(v)));
			else if (json_is_integer(v))
				json_array_append_new(
					out,
					json_sprintf("%s=%" JSON_INTEGER_FORMAT,
						     k, json_integer_value(v)));
			else if (json_is_real(v))
				json_array_append_new(
					out, json_sprintf("%s=%g", k,
							  json_real_value(v)));
			else if (json_is_boolean(v))
				json_array_append_new(
					out, json_sprintf("%s=%s", k,
							  json_is_true(v) ?
								  "true" :
								  "false"));
		}
	} else if (json_is_array(env)) {
		json_array_foreach (env, i, v)
			if (json_is_string(v))
				json_array_append(out, v);
	}
	return out;
}

json_t *
hooks_exec_body(const json_t *hook, char **err)
{
	json_t *cmd, *body, *env;
	const char *user = json_string_value(json_object_get(hook, "user"));
	const char *wd =
		json_string_value(json_object_get(hook, "working_dir"));

	*err = NULL;
	if (!json_is_object(hook)) {
		*err = xstrdup("a hook must be a mapping");
		return NULL;
	}
	cmd = hook_cmd(json_object_get(hook, "command"), err);
	if (cmd == NULL)
		return NULL;
	body = json_pack("{s:o, s:b, s:b, s:b}", "Cmd", cmd, "AttachStdout", 1,
			 "AttachStderr", 1, "Privileged",
			 json_is_true(json_object_get(hook, "privileged")));
	if (user && *user)
		json_object_set_new(body, "User", json_string(user));
	if (wd && *wd)
		json_object_set_new(body, "WorkingDir", json_string(wd));
	env = hook_env(json_object_get(hook, "environment"));
	if (json_array_size(env))
		json_object_set_new(body, "Env", env);
	else
		json_decref(env);
	return body;
}

static void
collect(int stream, const char *data, size_t len, void *arg)
{
	if (stream == LOGFRAME_STDOUT || stream == LOGFRAME_STDERR)
		buf_add(arg, data, len);
}

char *
hooks_output_tail(const char *data, size_t len, const char *prefix, size_t max)
{
	struct buf text = BUF_INIT, out = BUF_INIT;
	struct logframe f;
	struct strv lines = STRV_INIT;
	char *p, *end;

	logframe_init(&f);
	if (logframe_feed(&f, data, len, collect, &text) < 0) {
		/* Not multiplexed: a TTY's raw bytes. */
		buf_reset(&text);
		buf_add(&text, data, len);
	}
	buf_addch(&text, '\n');
	for (p = text.ptr; (end = memchr(p, '\n', text.ptr + text.len - p));
	     p = end + 1) {
		char *line = p, *e = end, *cr;
		*e = '\0';
		/* A progress bar's \r: what was last drawn on the line. */
		while (e > line && e[-1] == '\r')
			*--e = '\0';
		cr = strrchr(line, '\r');
		if (cr)
			line = cr + 1;
		if (strspn(line, " \t") == strlen(line))
			continue;
		strv_push(&lines, line);
	}
	for (size_t i = lines.n > max ? lines.n - max : 0; i < lines.n; i++)
		buf_addf(&out, "%s%s | %s", out.len ? "\n" : "", prefix,
			 lines.v[i]);
	strv_clear(&lines);
	buf_release(&text);
	return buf_detach(&out, NULL);
}

static void
state_free(struct hooks_state *st)
{
	json_decref(st->list);
	free(st->kind);
	free(st->id);
	free(st->container);
	free(st->service);
	free(st->prefix);
	free(st->exec_id);
	free(st->tail);
	free(st);
}

/* The exec's output is over: tell the sink. */
static void
sink_close(struct hooks_state *st)
{
	if (st->sink_open) {
		st->sink_open = false;
		st->sink->end(st->exec_id, st->sink->arg);
	}
}

/* The list is over: tell the caller, then free everything. */
static void
finish(struct hooks_state *st, const char *err)
{
	char *report = err && st->tail && *st->tail ?
			       xasprintf("%s\n%s", err, st->tail) :
			       NULL;

	sink_close(st);
	if (st->ended)
		*st->ended = true;
	st->done(err, report ? report : err, st->arg);
	free(report);
	state_free(st);
}

static void
finishf(struct hooks_state *st, const char *what, struct engine_req *req)
{
	char *m;

	if (engine_req_transport_error(req))
		m = xasprintf("cannot reach the Docker engine at %s: %s",
			      engine_host(st->e),
			      engine_req_transport_error(req));
	else
		m = xasprintf("%s hook of service \"%s\": cannot %s in "
			      "container \"%s\": %s (HTTP %ld)",
			      st->kind, st->service, what, st->container,
			      engine_req_message(req), engine_req_status(req));
	finish(st, m);
	free(m);
}

static bool
answered(struct engine_req *req)
{
	long s = engine_req_status(req);

	return !engine_req_transport_error(req) && s >= 200 && s < 300;
}

static void run_next(struct hooks_state *st);

static void
start_req(struct hooks_state *st, const char *method, const char *path,
	  const json_t *body, engine_done_fn fn)
{
	st->req = engine_start_json(st->e, method, path, body, fn, st);
}

static void
inspected(struct engine_req *req, void *arg)
{
	struct hooks_state *st = arg;
	size_t len;
	const char *body = engine_req_body(req, &len);
	json_t *v;
	long long code;

	st->req = NULL;
	if (!answered(req)) {
		finishf(st, "inspect the exec", req);
		engine_req_free(req);
		return;
	}
	v = json_loadb(body, len, 0, NULL);
	code = json_integer_value(json_object_get(v, "ExitCode"));
	json_decref(v);
	engine_req_free(req);
	if (code != 0) {
		char *m = xasprintf("%s hook of service \"%s\" exited with "
				    "status %lld in container \"%s\"",
				    st->kind, st->service, code, st->container);
		finish(st, m);
		free(m);
		return;
	}
	st->i++;
	run_next(st);
}

static void
started(struct engine_req *req, void *arg)
{
	struct hooks_state *st = arg;
	size_t len;
	const char *body = engine_req_body(req, &len);
	char *path;

	st->req = NULL;
	if (!answered(req)) {
		finishf(st, "start the exec", req);
		engine_req_free(req);
		return;
	}
	sink_close(st);
	free(st->tail);
	st->tail = st->sink ?
			   NULL :
			   hooks_output_tail(body, len, st->prefix, TAIL_LINES);
	engine_req_free(req);
	path = xasprintf("/exec/%s/json", st->exec_id);
	start_req(st, "GET", path, NULL, inspected);
	free(path);
}

static int
on_output(struct engine_req *req, const char *data, size_t len, void *arg)
{
	struct hooks_state *st = arg;

	(void)req;
	st->sink->data(st->exec_id, data, len, st->sink->arg);
	return 0;
}

/* POST /exec/{id}/start, attached: the answer is the output. */
static void
start_exec(struct hooks_state *st)
{
	char *path = xasprintf("/exec/%s/start", st->exec_id);
	json_t *start = json_pack("{s:b, s:b}", "Detach", 0, "Tty", 0);
	char *text = json_dumps(start, JSON_COMPACT);
	struct engine_req_opts o = {
		.method = "POST",
		.path = path,
		.body = text,
		.body_len = strlen(text),
		.on_data = st->sink ? on_output : NULL,
		.on_done = started,
		.arg = st,
	};

	if (st->sink) {
		st->sink->begin(st->exec_id, st->prefix, st->service,
				st->sink->arg);
		st->sink_open = true;
	}
	st->req = engine_start(st->e, &o);
	free(text);
	json_decref(start);
	free(path);
}

static void
created(struct engine_req *req, void *arg)
{
	struct hooks_state *st = arg;
	size_t len;
	const char *body = engine_req_body(req, &len);
	long status = engine_req_status(req);
	json_t *v;
	const char *eid;

	st->req = NULL;
	if (st->gone_ok && !engine_req_transport_error(req) &&
	    (status == 404 || status == 409)) {
		/* Gone or stopped meanwhile: nothing left to hook. */
		engine_req_free(req);
		finish(st, NULL);
		return;
	}
	if (!answered(req)) {
		finishf(st, "create the exec", req);
		engine_req_free(req);
		return;
	}
	v = json_loadb(body, len, 0, NULL);
	eid = json_string_value(json_object_get(v, "Id"));
	free(st->exec_id);
	st->exec_id = eid ? xstrdup(eid) : NULL;
	json_decref(v);
	engine_req_free(req);
	if (st->exec_id == NULL) {
		char *m = xasprintf("%s hook of service \"%s\": the engine "
				    "gave no exec id for container \"%s\"",
				    st->kind, st->service, st->container);
		finish(st, m);
		free(m);
		return;
	}
	start_exec(st);
}

static void
run_next(struct hooks_state *st)
{
	const json_t *hook = json_array_get(st->list, st->i);
	json_t *body;
	char *err = NULL, *path;

	if (hook == NULL) {
		finish(st, NULL);
		return;
	}
	body = hooks_exec_body(hook, &err);
	if (body == NULL) {
		char *m = xasprintf("%s hook of service \"%s\": %s", st->kind,
				    st->service, err);
		finish(st, m);
		free(m);
		free(err);
		return;
	}
	path = xasprintf("/containers/%s/exec", st->id);
	start_req(st, "POST", path, body, created);
	free(path);
	json_decref(body);
}

struct hooks_state *
hooks_run(struct engine *e, const json_t *hooks, const struct hooks_opts *o)
{
	struct hooks_state *st = xcalloc(1, sizeof(*st));
	const char *name = o->container ? o->container : o->id;
	size_t plen = o->project ? strlen(o->project) : 0;
	bool ended = false;

	st->e = e;
	st->list = json_incref((json_t *)hooks);
	st->kind = xstrdup(o->kind);
	st->id = xstrdup(o->id);
	st->container = xstrdup(name);
	st->service = xstrdup(o->service ? o->service : "?");
	if (plen && strncmp(name, o->project, plen) == 0 && name[plen] == '-' &&
	    name[plen + 1])
		name += plen + 1;
	st->prefix = xasprintf("%s ->", name);
	/* pre_stop: a container gone or no longer running (404, 409 at the
	   exec create) is nothing to run hooks in, not a failure. */
	st->gone_ok = strcmp(o->kind, HOOKS_PRE_STOP) == 0;
	st->sink = o->sink;
	st->done = o->done;
	st->arg = o->arg;
	st->ended = &ended;
	run_next(st);
	if (ended)
		return NULL;
	st->ended = NULL;
	return st;
}

void
hooks_cancel(struct hooks_state *st)
{
	char *m = xasprintf("%s hook of service \"%s\" interrupted in "
			    "container \"%s\"",
			    st->kind, st->service, st->container);

	engine_cancel(st->req);
	st->req = NULL;
	free(st->tail);
	st->tail = NULL;
	finish(st, m);
	free(m);
}
