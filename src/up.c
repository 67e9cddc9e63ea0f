/*
 * up.c - converge a project: observe, decide images, plan, execute
 * (up.h). Shared by `up` (detached and attached), `create` and `plan`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ev.h>

#include "buf.h"
#include "container_spec.h"
#include "engine.h"
#include "image_build.h"
#include "image_output.h"
#include "labels.h"
#include "lock.h"
#include "loop.h"
#include "log.h"
#include "naming.h"
#include "observe.h"
#include "progress.h"
#include "project.h"
#include "pull_policy.h"
#include "reconcile.h"
#include "up.h"
#include "xalloc.h"

/* One GET of many run at once: the answer's status and JSON. */
struct fetch {
	char *path;
	struct engine_req *req;
	long status;
	json_t *body;
	char *error; /* transport error */
};

struct fetch_all {
	size_t pending;
	bool done;
};

static void
fetch_done(struct engine_req *req, void *arg)
{
	struct fetch_all *fa = arg;

	if (--fa->pending == 0)
		fa->done = true;
}

/* Run every fetch in f at once; 0, or -1 when the engine is unreachable. */
static int
fetch_run(struct engine *e, struct fetch *f, size_t n)
{
	struct fetch_all fa = { 0 };
	int ret = 0;

	for (size_t i = 0; i < n; i++) {
		struct engine_req_opts o = {
			.path = f[i].path,
			.on_done = fetch_done,
			.arg = &fa,
			.timeout_ms = 60000,
		};
		fa.pending++;
		f[i].req = engine_start(e, &o);
	}
	if (fa.pending)
		engine_wait(e, &fa.done);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *body = engine_req_body(f[i].req, &len);

		f[i].status = engine_req_status(f[i].req);
		if (engine_req_transport_error(f[i].req)) {
			if (ret == 0)
				engine_req_report(f[i].req);
			ret = -1;
		} else if (len) {
			f[i].body = json_loadb(body, len, 0, NULL);
		}
		engine_req_free(f[i].req);
		f[i].req = NULL;
	}
	return ret;
}

static void
fetch_release(struct fetch *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].path);
		json_decref(f[i].body);
		free(f[i].error);
	}
	free(f);
}

static bool
selected(const struct up_ctx *ctx, size_t i)
{
	return ctx->selected == NULL || ctx->selected[i];
}

/* --scale svc=N into st->scale. */
static int
parse_scale(struct up_ctx *ctx, struct up_state *st)
{
	const struct project *p = ctx->project;
	int ret = 0;

	st->scale = xcalloc(p->nservices + 1, sizeof(int));
	for (size_t i = 0; i < p->nservices; i++)
		st->scale[i] = -1;
	for (size_t k = 0; k < ctx->scale.n; k++) {
		const char *arg = ctx->scale.v[k];
		const char *eq = strchr(arg, '=');
		char *name, *end;
		long n;
		int idx;

		if (eq == NULL) {
			ret = error("invalid --scale \"%s\": use SERVICE=NUM",
				    arg);
			continue;
		}
		name = xstrndup(arg, (size_t)(eq - arg));
		n = strtol(eq + 1, &end, 10);
		idx = project_service_index(p, name);
		if (idx < 0)
			ret = error("--scale: no such service: \"%s\"", name);
		else if (*end || eq[1] == '\0' || n < 0 || n > 10000)
			ret = error("invalid --scale \"%s\": the number must "
				    "be 0 or more",
				    arg);
		else
			st->scale[idx] = (int)n;
		free(name);
	}
	return ret;
}

/*
 * Networks and volumes the project declares but the label-filtered lists
 * did not return (external ones, or made by hand): look them up by name.
 */
static int
observe_by_name(struct up_ctx *ctx, struct up_state *st)
{
	const struct project *p = ctx->project;
	struct fetch *f = NULL;
	size_t n = 0, cap = 0;
	int ret;
	const char *key;
	json_t *v;

	json_object_foreach (json_object_get(p->model, "networks"), key, v) {
		char *name = naming_network(p, key);
		char *esc = engine_escape(name);
		if (observed_network(&st->obs, name) == NULL) {
			ALLOC_GROW(f, n + 1, cap);
			memset(&f[n], 0, sizeof(*f));
			f[n++].path = xasprintf("/networks/%s", esc);
		}
		free(esc);
		free(name);
	}
	json_object_foreach (json_object_get(p->model, "volumes"), key, v) {
		char *name = naming_volume(p, key);
		char *esc = engine_escape(name);
		if (observed_volume(&st->obs, name) == NULL) {
			ALLOC_GROW(f, n + 1, cap);
			memset(&f[n], 0, sizeof(*f));
			f[n++].path = xasprintf("/volumes/%s", esc);
		}
		free(esc);
		free(name);
	}
	ret = fetch_run(ctx->engine, f, n);
	for (size_t i = 0; ret == 0 && i < n; i++) {
		json_t *one;
		if (f[i].status != 200 || f[i].body == NULL)
			continue;
		one = json_pack("[O]", f[i].body);
		if (strncmp(f[i].path, "/networks/", 10) == 0)
			observed_add_networks(&st->obs, one);
		else
			observed_add_volumes(&st->obs, one);
		json_decref(one);
	}
	fetch_release(f, n);
	return ret;
}

/* Containers made by another tool whose hash differs are compared field
 * by field (diverge.h), which needs their inspect data. */
static int
inspect_foreign(struct up_ctx *ctx, struct up_state *st)
{
	const struct project *p = ctx->project;
	struct fetch *f = xcalloc(st->obs.ncontainers + 1, sizeof(*f));
	size_t n = 0;
	int ret;

	for (size_t i = 0; i < st->obs.ncontainers; i++) {
		const struct obs_container *c = &st->obs.containers[i];
		int idx = c->service ? project_service_index(p, c->service) :
				       -1;
		if (idx < 0 || c->berth_hash || c->oneoff ||
		    (c->config_hash &&
		     strcmp(c->config_hash, p->services[idx].hash) == 0))
			continue;
		f[n++].path = xasprintf("/containers/%s/json", c->id);
	}
	ret = fetch_run(ctx->engine, f, n);
	for (size_t i = 0; ret == 0 && i < n; i++) {
		const char *id =
			json_string_value(json_object_get(f[i].body, "Id"));
		if (f[i].status == 200 && id)
			observed_set_inspect(&st->obs, id, f[i].body);
	}
	fetch_release(f, n);
	return ret;
}

static const char *
policy_of(const struct up_ctx *ctx, const struct service *s)
{
	const char *pp =
		json_string_value(json_object_get(s->def, "pull_policy"));

	if (ctx->pull && *ctx->pull && strcmp(ctx->pull, "policy") != 0)
		return ctx->pull;
	return pp;
}

/* The build decision for a service with a build section. */
static int
decide_build(struct up_ctx *ctx, struct up_state *st, size_t i, bool exists)
{
	const struct service *s = &ctx->project->services[i];
	const char *policy = policy_of(ctx, s);
	char *ref = naming_image(ctx->project, s);
	char *reason = NULL;
	int ret = 0, r;

	if (ctx->no_build) {
		if (!exists) {
			ret = error("image \"%s\" of service \"%s\" is missing "
				    "and --no-build was given",
				    ref, s->name);
			hint("run 'berth build %s' first", s->name);
		}
	} else if (ctx->build || (policy && strcmp(policy, "build") == 0)) {
		st->build[i] =
			xstrdup(ctx->build ? "--build" : "pull_policy: build");
	} else if (policy && strcmp(policy, "always") == 0) {
		st->pull[i] = xstrdup("pull_policy: always");
	} else if ((r = image_build_needed(ctx->engine, ctx->project, s,
					   &reason)) < 0) {
		ret = -1;
	} else if (r == 1) {
		st->build[i] = reason;
		reason = NULL;
	}
	free(reason);
	free(ref);
	return ret;
}

static int
decide_pull(struct up_ctx *ctx, struct up_state *st, size_t i, bool exists,
	    long long tagged)
{
	const struct service *s = &ctx->project->services[i];
	const char *policy = policy_of(ctx, s);
	char *ref;
	int r;

	if (pull_policy_check(policy, s->name) < 0)
		return -1;
	r = pull_needed(policy, exists, tagged, (long long)time(NULL));
	if (r == 1) {
		st->pull[i] = exists ? xasprintf("pull_policy: %s",
						 policy ? policy : "missing") :
				       xstrdup("image missing");
		return 0;
	}
	if (!exists) {
		ref = naming_image(ctx->project, s);
		error("image \"%s\" of service \"%s\" is missing and its pull "
		      "policy is \"%s\"",
		      ref, s->name, policy ? policy : "never");
		free(ref);
		return -1;
	}
	return 0;
}

/* Would a and b (same image) be built alike, so decided alike? */
static bool
same_build(const struct up_ctx *ctx, const struct service *a,
	   const struct service *b)
{
	const json_t *ba = json_object_get(a->def, "build");
	const char *pa = policy_of(ctx, a), *pb = policy_of(ctx, b);

	return ba &&
	       json_equal((json_t *)ba, json_object_get(b->def, "build")) &&
	       strcmp(pa ? pa : "", pb ? pb : "") == 0;
}

/* Per selected service: its image id, and whether to build or pull. */
static int
decide_images(struct up_ctx *ctx, struct up_state *st)
{
	const struct project *p = ctx->project;
	struct fetch *dense = xcalloc(p->nservices + 1, sizeof(*dense));
	size_t n = 0, *svc_req = xcalloc(p->nservices + 1, sizeof(*svc_req));
	/* Per distinct image: the first service that decided its build. */
	long *builder = xcalloc(p->nservices + 1, sizeof(*builder));
	int ret;

	/* One request per distinct image: services often share one. */
	for (size_t i = 0; i < p->nservices; i++) {
		char *ref, *esc, *path;
		size_t k;
		if (!selected(ctx, i))
			continue;
		ref = naming_image(p, &p->services[i]);
		esc = engine_escape(ref);
		path = xasprintf("/images/%s/json", esc);
		for (k = 0; k < n; k++)
			if (strcmp(dense[k].path, path) == 0)
				break;
		svc_req[i] = k;
		if (k == n)
			dense[n++].path = path;
		else
			free(path);
		free(esc);
		free(ref);
	}
	ret = fetch_run(ctx->engine, dense, n);
	for (size_t i = 0; ret == 0 && i < p->nservices; i++) {
		size_t k = svc_req[i];
		const struct service *s = &p->services[i];

		if (!selected(ctx, i))
			continue;
		bool exists = dense[k].status == 200;
		const char *id =
			json_string_value(json_object_get(dense[k].body, "Id"));
		const char *tag = json_string_value(json_object_get(
			json_object_get(dense[k].body, "Metadata"),
			"LastTagTime"));
		struct tm tm = { 0 };
		long long tagged = 0;

		if (tag && sscanf(tag, "%d-%d-%dT%d:%d:%d", &tm.tm_year,
				  &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
				  &tm.tm_min, &tm.tm_sec) == 6) {
			tm.tm_year -= 1900;
			tm.tm_mon -= 1;
			tagged = (long long)timegm(&tm);
		}
		if (exists && id)
			st->image_ids[i] = xstrdup(id);
		if (builder[k] &&
		    same_build(ctx, s, &p->services[builder[k] - 1])) {
			/* The same image built the same way: decided. */
			const char *b = st->build[builder[k] - 1];
			const char *pl = st->pull[builder[k] - 1];
			st->build[i] = b ? xstrdup(b) : NULL;
			st->pull[i] = pl ? xstrdup(pl) : NULL;
		} else if (json_object_get(s->def, "build")) {
			if (decide_build(ctx, st, i, exists) < 0)
				ret = -1;
			if (builder[k] == 0)
				builder[k] = (long)i + 1;
		} else if (decide_pull(ctx, st, i, exists, tagged) < 0) {
			ret = -1;
		}
	}
	for (size_t k = 0; k < n; k++) {
		json_decref(dense[k].body);
		free(dense[k].path);
	}
	free(dense);
	free(svc_req);
	free(builder);
	return ret;
}

/* Configs and secrets copied at create must be there (their variables
 * set) before anything changes. */
static int
check_copies(const struct up_ctx *ctx)
{
	const struct project *p = ctx->project;
	int ret = 0;

	for (size_t i = 0; i < p->nservices; i++) {
		json_t *copies = NULL;
		if (selected(ctx, i) &&
		    container_spec_copies(p, &p->services[i], &copies) < 0)
			ret = -1;
		json_decref(copies);
	}
	return ret;
}

int
up_prepare(struct up_ctx *ctx, struct up_state *st)
{
	const struct project *p = ctx->project;
	size_t ns = p->nservices + 1;
	struct reconcile_opts ro = { 0 };

	memset(st, 0, sizeof(*st));
	st->lock_fd = -1;
	strv_init(&st->orphans);
	plan_init(&st->plan);
	st->image_ids = xcalloc(ns, sizeof(char *));
	st->pull = xcalloc(ns, sizeof(char *));
	st->build = xcalloc(ns, sizeof(char *));
	st->named = xcalloc(ns, sizeof(bool));
	naming_set_compat(ctx->g && ctx->g->compatibility);
	for (size_t k = 0; k < ctx->nservices; k++) {
		int idx = project_service_index(p, ctx->services[k]);
		if (idx >= 0)
			st->named[idx] = true;
	}
	if (parse_scale(ctx, st) < 0 || check_copies(ctx) < 0)
		return -1;
	if (!ctx->dry_run) {
		st->lock_fd = project_lock(p->name, 300);
		if (st->lock_fd < 0)
			return -1;
	}
	/* From here Ctrl-C is an event: nothing new starts after it. (While
	 * waiting for the lock, the default action ends berth.) */
	loop_signals_init(engine_loop(ctx->engine));
	if (observe_project(ctx->engine, p->name, OBSERVE_ALL, true, &st->obs) <
		    0 ||
	    observe_by_name(ctx, st) < 0 || inspect_foreign(ctx, st) < 0 ||
	    decide_images(ctx, st) < 0)
		return -1;
	ro.selected = ctx->selected;
	ro.resources_of = ctx->resources_of;
	ro.named = ctx->nservices ? st->named : NULL;
	ro.scale = st->scale;
	ro.image_ids = (const char *const *)st->image_ids;
	ro.pull = (const char *const *)st->pull;
	ro.build = (const char *const *)st->build;
	ro.force_recreate = ctx->force_recreate;
	ro.no_recreate = ctx->no_recreate;
	ro.no_start = ctx->no_start;
	ro.renew_anon = ctx->renew_anon_volumes;
	ro.always_recreate_deps = ctx->always_recreate_deps;
	ro.remove_orphans = ctx->remove_orphans;
	ro.wait = ctx->wait;
	ro.orphans = &st->orphans;
	return reconcile(&st->plan, p, &st->obs, &ro);
}

void
up_state_release(struct up_state *st, size_t nservices)
{
	for (size_t i = 0; i < nservices; i++) {
		if (st->image_ids)
			free(st->image_ids[i]);
		if (st->pull)
			free(st->pull[i]);
		if (st->build)
			free(st->build[i]);
	}
	free(st->image_ids);
	free(st->pull);
	free(st->build);
	free(st->scale);
	free(st->named);
	strv_clear(&st->orphans);
	plan_release(&st->plan);
	observed_release(&st->obs);
	project_unlock(st->lock_fd);
	st->lock_fd = -1;
}

void
up_warn_orphans(const struct strv *orphans, bool remove_orphans)
{
	const char *ignore = getenv("COMPOSE_IGNORE_ORPHANS");
	struct buf b = BUF_INIT;

	if (orphans->n == 0 || remove_orphans ||
	    (ignore &&
	     (strcmp(ignore, "1") == 0 || strcmp(ignore, "true") == 0 ||
	      strcmp(ignore, "True") == 0)))
		return;
	for (size_t i = 0; i < orphans->n; i++)
		buf_addf(&b, "%s%s", i ? ", " : "", orphans->v[i]);
	warning("found orphan containers (%s) for this project", b.ptr);
	hint("if you removed or renamed their service in the compose file, "
	     "run this command with --remove-orphans to clean them up");
	buf_release(&b);
}

/* Is container c the target of some action of the plan? */
static bool
in_plan(const struct plan *plan, const struct obs_container *c)
{
	for (size_t i = 0; i < plan->n; i++)
		if (plan->actions[i].obs == c ||
		    strcmp(plan->actions[i].target, c->name) == 0)
			return true;
	return false;
}

/* " ✔ Container p-web-1  Running" for what is already as wanted. */
static void
show_unchanged(struct up_ctx *ctx, struct up_state *st, struct progress *pg)
{
	for (size_t i = 0; i < st->obs.ncontainers; i++) {
		const struct obs_container *c = &st->obs.containers[i];
		int idx = c->service ? project_service_index(ctx->project,
							     c->service) :
				       -1;
		if (idx < 0 || c->oneoff || !selected(ctx, (size_t)idx) ||
		    in_plan(&st->plan, c))
			continue;
		if (c->state && strcmp(c->state, "running") == 0)
			progress_event(pg, "Container", c->name, "Running",
				       PROGRESS_DONE);
	}
}

/* The widest name of a service with an image action: the prefix column
 * of build and pull output. */
static int
image_width(const struct up_ctx *ctx, const struct plan *plan)
{
	int width = 0;

	for (size_t i = 0; i < plan->n; i++) {
		const struct action *a = &plan->actions[i];
		if ((a->type == ACT_BUILD || a->type == ACT_PULL) &&
		    a->service && (int)strlen(a->service) > width)
			width = (int)strlen(a->service);
	}
	return width;
}

/*
 * Image output (image_output.h) on a terminal goes into the tty block pg
 * as one status line per service: plain "web | Step 1/3" lines would
 * garble it. Elsewhere they stay plain lines.
 */
static void
image_output_begin(const struct up_ctx *ctx, const struct plan *plan,
		   struct progress *pg)
{
	if (progress_is_tty(pg))
		image_output_setup(pg, image_width(ctx, plan));
}

/* After progress_free: report what the tty block held back. */
static void
image_output_end(void)
{
	image_output_setup(NULL, 0);
	image_output_flush();
}

/* Builds run first, each image once, before the containers' display. */
static int
run_builds(struct up_ctx *ctx, struct up_state *st, struct exec_opts *eo)
{
	struct progress *pg = NULL;
	struct buf msgs = BUF_INIT;
	bool any = false;
	int r;

	for (size_t i = 0; i < st->plan.n; i++)
		if (st->plan.actions[i].type == ACT_BUILD)
			any = true;
	if (!any)
		return 0;
	if (!eo->build->quiet)
		pg = progress_new(ctx->g ? ctx->g->progress : NULL,
				  ctx->g ? ctx->g->ansi : NULL, "Building",
				  engine_loop(ctx->engine));
	if (!progress_is_tty(pg)) {
		/* Plain lines tell it all; no progress events besides. */
		progress_free(pg);
		pg = NULL;
	}
	if (pg)
		log_capture(&msgs);
	image_output_begin(ctx, &st->plan, pg);
	eo->only = 1u << ACT_BUILD;
	eo->progress = NULL;
	r = exec_plan(ctx->engine, ctx->project, &st->plan, eo);
	eo->only = 0;
	progress_free(pg);
	log_capture(NULL);
	if (msgs.len) {
		fflush(stdout);
		fputs(msgs.ptr, stderr);
	}
	buf_release(&msgs);
	image_output_end();
	return r;
}

/* --quiet-build, or --progress quiet: no build output. */
static bool
quiet_build(const struct up_ctx *ctx)
{
	return ctx->quiet_build || (ctx->g && ctx->g->progress &&
				    strcmp(ctx->g->progress, "quiet") == 0);
}

int
up_converge(struct up_ctx *ctx, const struct exec_hooks *hooks)
{
	struct up_state st;
	struct exec_opts eo = { 0 };
	struct progress *pg = NULL;
	struct buf msgs = BUF_INIT;
	struct build_opts bo = { .quiet = quiet_build(ctx) };
	int ret;

	if (up_prepare(ctx, &st) < 0) {
		ret = EXIT_FAIL;
		goto done;
	}
	up_warn_orphans(&st.orphans, ctx->remove_orphans);
	if (ctx->dry_run) {
		struct buf b = BUF_INIT;
		plan_print(&st.plan, &b);
		fputs(b.len ? b.ptr : "nothing to do\n", stdout);
		buf_release(&b);
		ret = EXIT_OK;
		goto done;
	}
	eo.parallel = ctx->g ? ctx->g->parallel : 0;
	eo.stop_timeout = ctx->timeout;
	eo.wait_timeout = ctx->wait ? ctx->wait_timeout : 0;
	eo.hooks = hooks;
	eo.image_ids = st.image_ids;
	eo.build = &bo;
	eo.quiet_pull = ctx->quiet_pull;
	ret = run_builds(ctx, &st, &eo);
	if (ret != EXIT_OK)
		goto done;
	if (loop_interrupts()) {
		ret = EXIT_INTERRUPTED;
		goto done;
	}
	pg = progress_new(ctx->g ? ctx->g->progress : NULL,
			  ctx->g ? ctx->g->ansi : NULL, "Running",
			  engine_loop(ctx->engine));
	if (progress_is_tty(pg))
		log_capture(&msgs);
	image_output_begin(ctx, &st.plan, pg);
	show_unchanged(ctx, &st, pg);
	eo.progress = pg;
	ret = exec_plan(ctx->engine, ctx->project, &st.plan, &eo);
	progress_free(pg);
	log_capture(NULL);
	if (msgs.len) {
		fflush(stdout);
		fputs(msgs.ptr, stderr);
	}
	image_output_end();
done:
	buf_release(&msgs);
	up_state_release(&st, ctx->project->nservices);
	return ret;
}

int
up_wait_services(struct engine *e, struct globals *g, const char *project,
		 char *const *services, const bool *completed_ok, size_t n,
		 int timeout)
{
	/* The waits need the project's name only (they find containers by
	 * label), so no compose file is needed either. */
	struct project named = { .name = (char *)project };
	struct exec_opts eo = { .parallel = g ? g->parallel : 0,
				.stop_timeout = -1,
				.wait_timeout = timeout };
	struct plan plan;
	struct progress *pg;
	struct buf msgs = BUF_INIT;
	int ret;

	plan_init(&plan);
	for (size_t i = 0; i < n; i++) {
		bool init = completed_ok && completed_ok[i];
		size_t a = plan_add(&plan, ACT_WAIT_READY, services[i],
				    services[i], -1, 0, "%s",
				    init ? "completed or running" :
					   "running or healthy");
		plan.actions[a].completed_ok = init;
	}
	pg = progress_new(g ? g->progress : NULL, g ? g->ansi : NULL, "Waiting",
			  engine_loop(e));
	if (progress_is_tty(pg))
		log_capture(&msgs);
	eo.progress = pg;
	ret = exec_plan(e, &named, &plan, &eo);
	progress_free(pg);
	log_capture(NULL);
	if (msgs.len) {
		fflush(stdout);
		fputs(msgs.ptr, stderr);
	}
	buf_release(&msgs);
	plan_release(&plan);
	return ret;
}

/* ---- options shared by up, create and plan ---- */

void
up_ctx_init(struct up_ctx *ctx, struct globals *g)
{
	const char *ro = getenv("COMPOSE_REMOVE_ORPHANS");

	memset(ctx, 0, sizeof(*ctx));
	ctx->g = g;
	ctx->timeout = -1;
	strv_init(&ctx->scale);
	strv_init(&ctx->attach);
	strv_init(&ctx->no_attach);
	ctx->dry_run = g && g->dry_run;
	ctx->remove_orphans = ro &&
			      (strcmp(ro, "1") == 0 || strcmp(ro, "true") == 0);
}

int
up_parse_seconds(const char *opt, const char *arg, int *out)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (*arg == '\0' || *end || v < 0 || v > 1000000)
		return error("invalid value \"%s\" for %s: use a number of "
			     "seconds",
			     arg, opt);
	*out = (int)v;
	return 0;
}

int
up_option(struct up_ctx *ctx, int c, const char *arg)
{
	static const char *const pulls[] = { "always", "missing", "never",
					     "build",  "policy",  NULL };

	switch (c) {
	case UPOPT_BUILD:
		ctx->build = true;
		return 1;
	case UPOPT_NO_BUILD:
		ctx->no_build = true;
		return 1;
	case UPOPT_PULL:
		for (size_t i = 0; pulls[i]; i++)
			if (strcmp(arg, pulls[i]) == 0) {
				ctx->pull = arg;
				return 1;
			}
		error("invalid --pull \"%s\"", arg);
		hint("use always, missing, never, build or policy");
		return -1;
	case UPOPT_QUIET_PULL:
		ctx->quiet_pull = true;
		return 1;
	case UPOPT_QUIET_BUILD:
		ctx->quiet_build = true;
		return 1;
	case 'y':
		ctx->yes = true;
		return 1;
	case UPOPT_FORCE_RECREATE:
		ctx->force_recreate = true;
		return 1;
	case UPOPT_NO_RECREATE:
		ctx->no_recreate = true;
		return 1;
	case UPOPT_ALWAYS_RECREATE_DEPS:
		ctx->always_recreate_deps = true;
		return 1;
	case 'V':
		ctx->renew_anon_volumes = true;
		return 1;
	case UPOPT_NO_DEPS:
		ctx->no_deps = true;
		return 1;
	case UPOPT_NO_START:
		ctx->no_start = true;
		return 1;
	case UPOPT_REMOVE_ORPHANS:
		ctx->remove_orphans = true;
		return 1;
	case UPOPT_SCALE:
		strv_push(&ctx->scale, arg);
		return 1;
	case UPOPT_DRY_RUN:
		ctx->dry_run = true;
		return 1;
	case UPOPT_WAIT:
		ctx->wait = true;
		ctx->detach = true;
		return 1;
	case UPOPT_WAIT_TIMEOUT:
		return up_parse_seconds("--wait-timeout", arg,
					&ctx->wait_timeout) < 0 ?
			       -1 :
			       1;
	case 't':
		return up_parse_seconds("--timeout", arg, &ctx->timeout) < 0 ?
			       -1 :
			       1;
	default:
		return 0;
	}
}

int
up_check(const struct up_ctx *ctx)
{
	if (ctx->force_recreate && ctx->no_recreate)
		return error("--force-recreate and --no-recreate are "
			     "incompatible");
	if (ctx->always_recreate_deps && ctx->no_recreate)
		return error("--always-recreate-deps and --no-recreate are "
			     "incompatible");
	if (ctx->build && ctx->no_build)
		return error("--build and --no-build are incompatible");
	if (ctx->detach &&
	    (ctx->abort_on_container_exit || ctx->abort_on_container_failure ||
	     ctx->exit_code_from))
		return error("%s and --%s are incompatible",
			     ctx->wait ? "--wait" : "--detach",
			     ctx->exit_code_from ?
				     "exit-code-from" :
			     ctx->abort_on_container_exit ?
				     "abort-on-container-exit" :
				     "abort-on-container-failure");
	if (ctx->abort_on_container_exit && ctx->abort_on_container_failure)
		return error("--abort-on-container-exit and "
			     "--abort-on-container-failure are incompatible");
	if (ctx->no_start && ctx->wait)
		return error("--no-start and --wait are incompatible");
	return 0;
}

int
up_ctx_load(struct up_ctx *ctx, char *const *services, size_t n)
{
	ctx->services = services;
	ctx->nservices = n;
	if (cmd_load_project(ctx->g, services, n, &ctx->project) < 0)
		return -1;
	ctx->selected = xcalloc(ctx->project->nservices + 1, sizeof(bool));
	if (project_select(ctx->project, services, n, ctx->no_deps,
			   ctx->selected) < 0)
		return -1;
	if (engine_open(&ctx->engine, EV_DEFAULT) < 0)
		return -1;
	return 0;
}

void
up_ctx_release(struct up_ctx *ctx)
{
	strv_clear(&ctx->scale);
	strv_clear(&ctx->attach);
	strv_clear(&ctx->no_attach);
	free(ctx->selected);
	ctx->selected = NULL;
	project_free(ctx->project);
	ctx->project = NULL;
	engine_free(ctx->engine);
	ctx->engine = NULL;
}
