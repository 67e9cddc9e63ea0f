/*
 * watch.c - develop.watch rules applied to running containers (watch.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ev.h>
#include <jansson.h>

#include "archive_lazy.h"
#include "buf.h"
#include "dockerignore.h"
#include "engine.h"
#include "filewatch.h"
#include "hooks.h"
#include "labels.h"
#include "log.h"
#include "logmux.h"
#include "observe.h"
#include "project.h"
#include "strv.h"
#include "up.h"
#include "watch.h"
#include "xalloc.h"

/* Quiet time before a batch is applied, and the longest wait for it. */
#define DEBOUNCE     0.5
#define DEBOUNCE_MAX 5.0

enum watch_action { A_SYNC, A_REBUILD, A_RESTART, A_SYNC_RESTART, A_SYNC_EXEC };

struct rule {
	size_t svc;
	enum watch_action action;
	const char *path;   /* absolute, borrowed from the model */
	const char *target; /* in the container, or NULL */
	json_t *exec;	    /* the sync+exec hook, borrowed */
	bool initial_sync;
	struct dockerignore ignore, include;
	bool has_include;
	const char *ctxdir; /* build context, when path is inside it */
	struct dockerignore ctxignore;
	struct strv pending; /* changed paths (absolute), in arrival order */
	/* What watch_poll applies now: pending when it began. Changes that
	   come while it applies (its engine calls run the loop) wait in
	   pending for the next poll instead of being dropped with it. */
	struct strv batch;
};

struct watch {
	struct up_ctx *ctx;
	struct watch_opts o;
	struct logmux *m;
	struct engine *e;
	struct project *p;
	struct rule *rules;
	size_t nrules, arules;
	struct filewatch *fw;
	ev_timer debounce;
	ev_tstamp first; /* first change of the pending batch */
	bool ready;
};

static const char *const action_names[] = {
	[A_SYNC] = "sync",	     [A_REBUILD] = "rebuild",
	[A_RESTART] = "restart",     [A_SYNC_RESTART] = "sync+restart",
	[A_SYNC_EXEC] = "sync+exec",
};

static bool
syncs(enum watch_action a)
{
	return a == A_SYNC || a == A_SYNC_RESTART || a == A_SYNC_EXEC;
}

/* A line in the output, with docker compose's watch marker. */
static void watch_say(struct watch *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
watch_say(struct watch *w, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (w->m) {
		logmux_printf(w->m, "%s%s",
			      w->o.color ? "\033[92m⦿\033[0m " : "⦿ ", b.ptr);
	} else {
		printf("⦿ %s\n", b.ptr);
		fflush(stdout);
	}
	buf_release(&b);
}

/* path relative to dir, or NULL when it is not inside (dir itself: ""). */
static const char *
rel_to(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	if (strncmp(path, dir, n) != 0)
		return NULL;
	if (path[n] == '\0')
		return "";
	if (path[n] == '/')
		return path + n + 1;
	if (n == 1 && dir[0] == '/')
		return path + 1;
	return NULL;
}

/* Does rule r leave path out (or does it not concern r at all)? */
static bool
rule_ignores(const struct rule *r, const char *path)
{
	const char *rel = rel_to(r->path, path), *base = strrchr(path, '/');

	if (rel == NULL)
		return true;
	if (filewatch_is_temp_file(base ? base + 1 : path))
		return true;
	for (const char *p = path; (p = strstr(p, "/.git"));) {
		p += 5;
		if (*p == '\0' || *p == '/')
			return true;
	}
	if (*rel && dockerignore_excludes(&r->ignore, rel))
		return true;
	if (*rel && r->has_include && !dockerignore_excludes(&r->include, rel))
		return true;
	if (r->ctxdir) {
		const char *crel = rel_to(r->ctxdir, path);
		if (crel && *crel && dockerignore_excludes(&r->ctxignore, crel))
			return true;
	}
	return false;
}

/* A directory no rule wants: leave it unwatched. */
static bool
skip_dir(const char *path, void *arg)
{
	struct watch *w = arg;
	const char *base = strrchr(path, '/');

	if (base && strcmp(base + 1, ".git") == 0)
		return true;
	for (size_t i = 0; i < w->nrules; i++) {
		const struct rule *r = &w->rules[i];
		const char *rel = rel_to(r->path, path);
		if (rel == NULL)
			continue;
		if (!rule_ignores(r, path))
			return false;
		/* Ignored, but an exception might bring a child back. */
		if (*rel && (dockerignore_can_prune(&r->ignore, rel) == false ||
			     r->has_include))
			return false;
	}
	return true;
}

static void
on_debounce(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct watch *w = t->data;

	w->ready = true;
}

static void
on_change(const char *path, enum filewatch_kind kind, bool dir, void *arg)
{
	struct watch *w = arg;
	bool any = false;
	ev_tstamp now = ev_now(engine_loop(w->e));

	for (size_t i = 0; i < w->nrules; i++) {
		struct rule *r = &w->rules[i];
		const char *p = path;

		if (kind == FILEWATCH_RESCAN) {
			/* Events were lost: take the whole tree again. */
			if (rel_to(path, r->path) == NULL)
				continue;
			p = r->path;
		} else if (rule_ignores(r, path)) {
			continue;
		}
		strv_push(&r->pending, p);
		any = true;
	}
	if (!any)
		return;
	if (!ev_is_active(&w->debounce))
		w->first = now;
	/* Quiet for DEBOUNCE, but never wait more than DEBOUNCE_MAX. */
	double after = DEBOUNCE;
	if (now + after > w->first + DEBOUNCE_MAX)
		after = w->first + DEBOUNCE_MAX - now;
	if (after < 0)
		after = 0;
	ev_timer_stop(engine_loop(w->e), &w->debounce);
	ev_timer_set(&w->debounce, after, 0.);
	ev_timer_start(engine_loop(w->e), &w->debounce);
}

/* --- engine calls (synchronous: watch_poll runs at top level) --- */

static void
raw_done(struct engine_req *req, void *arg)
{
	*(bool *)arg = true;
}

/* One request with a raw body; returns 0 or -1 (reported). */
static int
raw_call(struct engine *e, const char *method, const char *path,
	 const char *body, size_t len, const char *ctype)
{
	bool done = false;
	struct engine_req_opts o = {
		.method = method,
		.path = path,
		.body = body,
		.body_len = len,
		.content_type = ctype,
		.on_done = raw_done,
		.arg = &done,
	};
	struct engine_req *req = engine_start(e, &o);
	int ret;

	engine_wait(e, &done);
	ret = engine_req_report(req);
	engine_req_free(req);
	return ret;
}

/*
 * Run an exec (body: the POST /containers/{id}/exec request) in container
 * id and wait for it; *code gets its exit code. Returns 0 or -1
 * (reported).
 */
static int
exec_in(struct engine *e, const char *id, const json_t *body, int *code)
{
	json_t *out = NULL, *start = NULL;
	char *path = xasprintf("/containers/%s/exec", id);
	const char *eid;
	int ret = -1;

	if (engine_call(e, "POST", path, (json_t *)body, &out) < 0)
		goto done;
	eid = json_string_value(json_object_get(out, "Id"));
	if (eid == NULL) {
		error("the engine gave no exec id for %.12s", id);
		goto done;
	}
	free(path);
	path = xasprintf("/exec/%s/start", eid);
	start = json_pack("{s:b, s:b}", "Detach", 0, "Tty", 0);
	/* The answer is the command's output, to its end. */
	if (engine_call(e, "POST", path, start, NULL) < 0)
		goto done;
	free(path);
	path = xasprintf("/exec/%s/json", eid);
	json_decref(out);
	out = NULL;
	if (engine_call(e, "GET", path, NULL, &out) < 0)
		goto done;
	*code = (int)json_integer_value(json_object_get(out, "ExitCode"));
	ret = 0;
done:
	json_decref(start);
	json_decref(out);
	free(path);
	return ret;
}

/* --- the tar of a sync --- */

static la_ssize_t
tar_write(struct archive *a, void *arg, const void *data, size_t len)
{
	buf_add(arg, data, len);
	return (la_ssize_t)len;
}

/* Add file (or tree) src as name, leaving out what r ignores. */
static int
tar_add(struct archive *a, const struct rule *r, const char *src,
	const char *name)
{
	struct stat st;
	struct archive_entry *e;
	int ret = 0;

	if (lstat(src, &st) < 0)
		return 0; /* gone meanwhile: the next batch deletes it */
	e = archive_entry_new();
	archive_entry_copy_stat(e, &st);
	archive_entry_set_pathname(e, name);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlink(src, target, sizeof(target) - 1);
		if (n < 0)
			n = 0;
		target[n] = '\0';
		archive_entry_set_symlink(e, target);
	} else if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		archive_entry_free(e);
		return 0; /* sockets, fifos, devices: not synced */
	}
	if (archive_write_header(a, e) != ARCHIVE_OK) {
		ret = error("cannot archive \"%s\": %s", src,
			    archive_error_string(a));
		goto done;
	}
	if (S_ISREG(st.st_mode)) {
		char data[64 * 1024];
		ssize_t n;
		int fd = open(src, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			ret = error("cannot read \"%s\": %s", src,
				    strerror(errno));
			goto done;
		}
		while ((n = read(fd, data, sizeof(data))) > 0)
			archive_write_data(a, data, (size_t)n);
		close(fd);
	} else if (S_ISDIR(st.st_mode)) {
		struct strv kids = STRV_INIT;
		DIR *d = opendir(src);
		struct dirent *de;
		while (d && (de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				strv_push(&kids, de->d_name);
		if (d)
			closedir(d);
		strv_sort(&kids);
		for (size_t i = 0; i < kids.n && ret == 0; i++) {
			char *s = xasprintf("%s/%s", src, kids.v[i]);
			char *n2 = xasprintf("%s/%s", name, kids.v[i]);
			if (!rule_ignores(r, s))
				ret = tar_add(a, r, s, n2);
			free(s);
			free(n2);
		}
		strv_clear(&kids);
	}
done:
	archive_entry_free(e);
	return ret;
}

/* Container path of host path p under rule r. Caller frees. */
static char *
target_of(const struct rule *r, const char *p)
{
	const char *rel = rel_to(r->path, p);
	size_t n = strlen(r->target);

	while (n > 1 && r->target[n - 1] == '/')
		n--;
	if (rel == NULL || *rel == '\0')
		return xstrndup(r->target, n);
	return xasprintf("%.*s/%s", (int)n, r->target, rel);
}

/* Keep each path once, and drop those inside another one of the set. */
static void
paths_reduce(struct strv *v)
{
	size_t k = 0;

	strv_sort(v);
	for (size_t i = 0; i < v->n; i++) {
		if (k && (strcmp(v->v[k - 1], v->v[i]) == 0 ||
			  rel_to(v->v[k - 1], v->v[i]))) {
			free(v->v[i]);
			continue;
		}
		v->v[k++] = v->v[i];
	}
	v->n = k;
	v->v[k] = NULL;
}

/* The running containers of service svc. */
static size_t
service_containers(const struct observed *o, const char *svc,
		   const struct obs_container ***out)
{
	size_t n = observed_service_containers(o, svc, false, out), k = 0;

	for (size_t i = 0; i < n; i++)
		if ((*out)[i]->state &&
		    strcmp((*out)[i]->state, "running") == 0)
			(*out)[k++] = (*out)[i];
	return k;
}

/* Copy rule r's batch of paths into the service's running containers. */
static int
sync_rule(struct watch *w, struct rule *r, const struct observed *obs)
{
	struct archive *a;
	struct buf tar = BUF_INIT;
	struct strv dels = STRV_INIT;
	const struct obs_container **cs = NULL;
	size_t n, files = 0;
	int ret = 0;

	if (archive_lazy_load() < 0)
		return -1;
	a = archive_write_new();
	paths_reduce(&r->batch);
	archive_write_set_format_pax_restricted(a);
	archive_write_open(a, &tar, NULL, tar_write, NULL);
	for (size_t i = 0; i < r->batch.n && ret == 0; i++) {
		const char *p = r->batch.v[i];
		char *t = target_of(r, p);
		struct stat st;

		if (lstat(p, &st) == 0) {
			ret = tar_add(a, r, p, t[0] == '/' ? t + 1 : t);
			files++;
		} else {
			strv_push(&dels, t);
		}
		free(t);
	}
	archive_write_close(a);
	archive_write_free(a);
	if (ret < 0)
		goto done;
	n = service_containers(obs, w->p->services[r->svc].name, &cs);
	for (size_t i = 0; i < n && ret == 0; i++) {
		if (files) {
			char *path = xasprintf("/containers/%s/archive?path=/",
					       cs[i]->id);
			ret = raw_call(w->e, "PUT", path, tar.ptr, tar.len,
				       "application/x-tar");
			free(path);
		}
		if (dels.n && ret == 0) {
			json_t *body = json_pack("{s:[s, s], s:b, s:b}", "Cmd",
						 "rm", "-rf", "AttachStdout", 1,
						 "AttachStderr", 1);
			json_t *cmd = json_object_get(body, "Cmd");
			int code = 0;
			for (size_t k = 0; k < dels.n; k++)
				json_array_append_new(cmd,
						      json_string(dels.v[k]));
			ret = exec_in(w->e, cs[i]->id, body, &code);
			json_decref(body);
		}
	}
done:
	free(cs);
	strv_clear(&dels);
	buf_release(&tar);
	return ret;
}

/* The exec hook of a sync+exec rule, once per container. */
static int
exec_hook(struct watch *w, struct rule *r, const struct observed *obs)
{
	const char *svc = w->p->services[r->svc].name;
	const struct obs_container **cs = NULL;
	json_t *hook = json_copy(r->exec), *body;
	const json_t *cmd = json_object_get(hook, "command");
	size_t n;
	char *err = NULL;
	int ret = 0;

	/* A string runs in a shell here (a lifecycle hook's is split). */
	if (json_is_string(cmd))
		json_object_set_new(hook, "command",
				    json_pack("[s, s, s]", "/bin/sh", "-c",
					      json_string_value(cmd)));
	body = hooks_exec_body(hook, &err);
	json_decref(hook);
	if (body == NULL) {
		error("the exec hook of \"%s\": %s", svc, err);
		hint("develop.watch exec takes the keys of a post_start hook");
		free(err);
		return -1;
	}
	n = service_containers(obs, svc, &cs);
	for (size_t i = 0; i < n && ret == 0; i++) {
		int code = 0;
		ret = exec_in(w->e, cs[i]->id, body, &code);
		if (ret == 0 && code != 0)
			warning("the exec hook of \"%s\" in %s exited with %d",
				svc, cs[i]->name, code);
	}
	json_decref(body);
	free(cs);
	return ret;
}

static int
restart_service(struct watch *w, size_t svc, const struct observed *obs)
{
	const struct obs_container **cs = NULL;
	size_t n = service_containers(obs, w->p->services[svc].name, &cs);
	int ret = 0;

	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("/containers/%s/restart", cs[i]->id);
		if (engine_call(w->e, "POST", path, NULL, NULL) < 0)
			ret = -1;
		free(path);
	}
	free(cs);
	return ret;
}

/* Build svc's image and recreate its containers: up on it alone. */
static int
rebuild_service(struct watch *w, size_t svc)
{
	struct up_ctx *ctx = w->ctx;
	bool *saved = ctx->selected;
	bool build = ctx->build, no_deps = ctx->no_deps, detach = ctx->detach;
	bool *sel = xcalloc(w->p->nservices + 1, sizeof(*sel));
	int rc;

	sel[svc] = true;
	ctx->selected = sel;
	ctx->build = true;
	ctx->no_deps = true;
	ctx->detach = true;
	rc = up_converge(ctx, w->o.hooks);
	ctx->selected = saved;
	ctx->build = build;
	ctx->no_deps = no_deps;
	ctx->detach = detach;
	free(sel);
	if (rc == 0 && w->o.prune) {
		char *f = xasprintf(
			"{\"dangling\":[\"true\"],\"label\":[\"%s=%s\"]}",
			LABEL_PROJECT, w->p->name);
		char *esc = engine_escape(f);
		char *path = xasprintf("/images/prune?filters=%s", esc);
		engine_call(w->e, "POST", path, NULL, NULL);
		free(path);
		free(esc);
		free(f);
	}
	return rc == 0 ? 0 : -1;
}

static size_t
batch_count(const struct watch *w, size_t svc)
{
	size_t n = 0;

	for (size_t i = 0; i < w->nrules; i++)
		if (w->rules[i].svc == svc)
			n += w->rules[i].batch.n;
	return n;
}

/* Apply the batch of changes of service svc. */
static int
apply_service(struct watch *w, size_t svc, const struct observed *obs)
{
	const char *name = w->p->services[svc].name;
	bool rebuild = false, restart = false;
	size_t changes = 0;
	int ret = 0;

	for (size_t i = 0; i < w->nrules; i++) {
		struct rule *r = &w->rules[i];
		if (r->svc != svc || r->batch.n == 0)
			continue;
		paths_reduce(&r->batch);
		changes += r->batch.n;
		rebuild |= r->action == A_REBUILD;
		restart |= r->action == A_RESTART ||
			   r->action == A_SYNC_RESTART;
	}
	if (rebuild) {
		watch_say(w,
			  "Rebuilding service \"%s\" after changes were "
			  "detected...",
			  name);
		ret = rebuild_service(w, svc);
		if (ret == 0)
			watch_say(w, "service \"%s\" successfully built", name);
		return ret;
	}
	for (size_t i = 0; i < w->nrules && ret == 0; i++) {
		struct rule *r = &w->rules[i];
		if (r->svc != svc || r->batch.n == 0 || !syncs(r->action))
			continue;
		watch_say(w,
			  "Syncing service \"%s\" after %zu changes were "
			  "detected",
			  name, r->batch.n);
		ret = sync_rule(w, r, obs);
	}
	if (ret == 0 && restart) {
		watch_say(w,
			  "Restarting service \"%s\" after changes were "
			  "detected",
			  name);
		ret = restart_service(w, svc, obs);
	}
	for (size_t i = 0; i < w->nrules && ret == 0; i++) {
		struct rule *r = &w->rules[i];
		if (r->svc == svc && r->batch.n && r->action == A_SYNC_EXEC &&
		    r->exec)
			ret = exec_hook(w, r, obs);
	}
	(void)changes;
	return ret;
}

bool
watch_ready(const struct watch *w)
{
	return w->ready;
}

int
watch_poll(struct watch *w)
{
	struct observed obs = { 0 };
	int ret = 0;

	if (!w->ready)
		return 0;
	w->ready = false;
	for (size_t i = 0; i < w->nrules; i++) {
		struct strv t = w->rules[i].batch;
		w->rules[i].batch = w->rules[i].pending;
		w->rules[i].pending = t;
	}
	if (observe_project(w->e, w->p->name, OBSERVE_CONTAINERS, false, &obs) <
	    0) {
		ret = -1;
		goto done;
	}
	for (size_t s = 0; s < w->p->nservices; s++)
		if (batch_count(w, s) && apply_service(w, s, &obs) < 0)
			ret = -1;
done:
	observed_release(&obs);
	for (size_t i = 0; i < w->nrules; i++)
		strv_clear(&w->rules[i].batch);
	return ret;
}

int
watch_initial_sync(struct watch *w)
{
	bool any = false;

	for (size_t i = 0; i < w->nrules; i++) {
		struct rule *r = &w->rules[i];
		if (r->initial_sync && syncs(r->action) && r->target) {
			strv_push(&r->pending, r->path);
			any = true;
		}
	}
	if (!any)
		return 0;
	w->ready = true;
	return watch_poll(w);
}

static int
patterns(struct dockerignore *d, json_t *list, const char *origin)
{
	size_t i;
	json_t *v;

	json_array_foreach (list, i, v) {
		if (json_is_string(v) &&
		    dockerignore_add(d, json_string_value(v), origin) < 0)
			return -1;
	}
	return 0;
}

/* The build context's .dockerignore applies to rules inside it. */
static int
rule_context(struct rule *r, const struct service *s)
{
	const char *ctx = json_string_value(
		json_object_get(json_object_get(s->def, "build"), "context"));
	char *file, *text = NULL;
	FILE *f;
	size_t len = 0;
	int ret = 0;

	if (ctx == NULL || rel_to(ctx, r->path) == NULL)
		return 0;
	r->ctxdir = ctx;
	file = xasprintf("%s/.dockerignore", ctx);
	f = fopen(file, "r");
	if (f) {
		struct buf b = BUF_INIT;
		char chunk[4096];
		size_t n;
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(&b, chunk, n);
		fclose(f);
		text = buf_detach(&b, &len);
		ret = dockerignore_parse(&r->ctxignore, text, len, file);
	}
	free(text);
	free(file);
	return ret;
}

static int
rule_parse(struct watch *w, size_t svc, json_t *j, size_t idx)
{
	const struct service *s = &w->p->services[svc];
	const char *action = json_string_value(json_object_get(j, "action"));
	const char *path = json_string_value(json_object_get(j, "path"));
	struct rule *r;
	char *origin;
	int ret;

	if (action == NULL || path == NULL)
		return error("services.%s.develop.watch[%zu]: action and path "
			     "are required",
			     s->name, idx);
	ALLOC_GROW(w->rules, w->nrules + 1, w->arules);
	r = &w->rules[w->nrules];
	memset(r, 0, sizeof(*r));
	r->svc = svc;
	r->action = A_SYNC;
	while (r->action <= A_SYNC_EXEC &&
	       strcmp(action_names[r->action], action) != 0)
		r->action++;
	if (r->action > A_SYNC_EXEC)
		return error("services.%s.develop.watch[%zu].action: unknown "
			     "action \"%s\"",
			     s->name, idx, action);
	r->path = path;
	r->target = json_string_value(json_object_get(j, "target"));
	r->exec = json_object_get(j, "exec");
	r->initial_sync = json_is_true(json_object_get(j, "initial_sync"));
	dockerignore_init(&r->ignore);
	dockerignore_init(&r->include);
	dockerignore_init(&r->ctxignore);
	strv_init(&r->pending);
	strv_init(&r->batch);
	w->nrules++;
	if (syncs(r->action) && r->target == NULL)
		return error("services.%s.develop.watch[%zu].target: %s needs "
			     "a target",
			     s->name, idx, action);
	if (r->action == A_SYNC_EXEC && r->exec == NULL)
		return error("services.%s.develop.watch[%zu].exec: sync+exec "
			     "needs an exec command",
			     s->name, idx);
	if (r->action == A_REBUILD && json_object_get(s->def, "build") == NULL)
		return error("services.%s.develop.watch[%zu]: rebuild needs "
			     "a build section",
			     s->name, idx);
	origin = xasprintf("services.%s.develop.watch[%zu].ignore", s->name,
			   idx);
	ret = patterns(&r->ignore, json_object_get(j, "ignore"), origin);
	free(origin);
	if (ret == 0 && json_array_size(json_object_get(j, "include"))) {
		r->has_include = true;
		origin = xasprintf("services.%s.develop.watch[%zu].include",
				   s->name, idx);
		ret = patterns(&r->include, json_object_get(j, "include"),
			       origin);
		free(origin);
	}
	if (ret == 0)
		ret = rule_context(r, s);
	return ret;
}

void
watch_free(struct watch *w)
{
	if (w == NULL)
		return;
	filewatch_free(w->fw);
	if (w->e)
		ev_timer_stop(engine_loop(w->e), &w->debounce);
	for (size_t i = 0; i < w->nrules; i++) {
		dockerignore_release(&w->rules[i].ignore);
		dockerignore_release(&w->rules[i].include);
		dockerignore_release(&w->rules[i].ctxignore);
		strv_clear(&w->rules[i].pending);
		strv_clear(&w->rules[i].batch);
	}
	free(w->rules);
	free(w);
}

int
watch_start(struct watch **out, struct up_ctx *ctx, const struct watch_opts *o,
	    struct logmux *m)
{
	struct watch *w = xcalloc(1, sizeof(*w));

	*out = NULL;
	w->ctx = ctx;
	w->o = *o;
	w->m = m;
	w->e = ctx->engine;
	w->p = ctx->project;
	ev_timer_init(&w->debounce, on_debounce, 0., 0.);
	w->debounce.data = w;
	for (size_t i = 0; i < w->p->nservices; i++) {
		json_t *rules = json_object_get(
			json_object_get(w->p->services[i].def, "develop"),
			"watch");
		size_t k;
		json_t *j;
		if (!ctx->selected[i])
			continue;
		json_array_foreach (rules, k, j) {
			if (rule_parse(w, i, j, k) < 0)
				goto fail;
		}
	}
	if (w->nrules == 0) {
		error("none of the selected services is configured for watch");
		hint("add a develop.watch section to a service");
		goto fail;
	}
	w->fw = filewatch_new(engine_loop(w->e), on_change, skip_dir, w);
	for (size_t i = 0; i < w->nrules; i++)
		if (filewatch_add(w->fw, w->rules[i].path) < 0)
			goto fail;
	*out = w;
	return 0;
fail:
	watch_free(w);
	return -1;
}
