/*
 * up_attached.c - `berth up` without -d: converge, then follow the output
 * until the attached containers have exited (up_attached.h).
 *
 * Order of operations, as docker compose (COMPOSE-REFERENCE §4):
 *   1. open one /events stream for the project, so no start or die is
 *      missed from here on;
 *   2. print "Attaching to a-1, b-1" (the names the run will have);
 *   3. converge with a before_start hook that notes where the log of
 *      each container of an attached service ends (logend.h); at its
 *      start event the container's logs are followed from there, read
 *      from its log by the engine, so no line is lost however soon it
 *      prints. Only a container whose log cannot be read (logging driver
 *      "none") is attached to before its start instead;
 *   4. follow attached containers that were already running;
 *   5. follow: each container is finished only once both its stream has
 *      ended and its die has been seen (either order, like tmux's job.c);
 *      then "web-1 exited with code N" is printed after its last line. A
 *      restarting container prints "(restarting)" and is followed again
 *      from its die time when it starts.
 *
 * Exit rules: --abort-on-container-exit (and --exit-code-from, which
 * implies it) stops everything at the first exit, --abort-on-container-
 * failure at the first non-zero one; the status is that container's code,
 * or --exit-code-from's service's first code. Ctrl-C (or SIGTERM) once
 * stops the services named on the command line (all when none were)
 * gracefully; twice kills them; the status is then 130.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>
#include <jansson.h>

#include "buf.h"
#include "cmd.h"
#include "container_spec.h"
#include "engine.h"
#include "events.h"
#include "exec.h"
#include "hooks.h"
#include "jsonlines.h"
#include "labels.h"
#include "log.h"
#include "logend.h"
#include "logmux.h"
#include "loop.h"
#include "observe.h"
#include "progress.h"
#include "project.h"
#include "up.h"
#include "up_attached.h"
#include "watch.h"
#include "xalloc.h"

/* How long the hook waits for the engine to accept an attach. */
#define ATTACH_TIMEOUT 30.0

/* One container of the run. */
struct uctr {
	char *id, *name, *prefix, *service;
	int svc;       /* index in the project, or -1 */
	bool attached; /* its output is followed */
	bool tty;
	bool follow_at_start; /* follow its logs at its start event */
	bool closed;	      /* its stream ended since it last started */
	bool die_seen;	      /* a die event came since it last started */
	bool died;	      /* ... and the inspect after it answered */
	bool restarting;
	bool restart_pending; /* started again before the last exit was told */
	bool waiting_start;   /* told "(restarting)": follow at its start */
	bool finished;	      /* exited for good */
	bool kill_sent;	      /* a kill is on its way: it tells the end */
	int exit_code;
	bool die_code_known; /* exit_code is the last die event's */
	int64_t die_ns;
	struct uctr *next;
};

struct ua {
	struct up_ctx *ctx;
	struct project *p;
	struct engine *e;
	struct logmux *m;
	bool *attach;	/* per service: attached */
	bool *stop_set; /* per service: stopped by Ctrl-C */
	struct uctr *ctrs;

	struct engine_req *events;
	struct jsonlines jl;
	int64_t since_ns;
	struct hooks_sink hook_output; /* hooks' output into m */

	bool converging;
	unsigned interrupts; /* Ctrl-C seen by us */
	bool stopping, killing, aborting;
	size_t requests; /* stop/kill calls in flight */
	size_t inspects; /* inspect calls in flight */
	size_t *stop_level;
	size_t stop_wave, max_level;
	struct progress *prog;

	bool exit_code_set;
	int exit_code;
	bool from_seen; /* --exit-code-from's service has exited */
	int from_code;
	bool done;
};

static void ua_check_done(struct ua *u);
static void ua_stop(struct ua *u, bool all);
static void ua_kill(struct ua *u);

static int64_t
now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static struct uctr *
uctr_find(struct ua *u, const char *id)
{
	for (struct uctr *c = u->ctrs; c; c = c->next)
		if (strcmp(c->id, id) == 0)
			return c;
	return NULL;
}

static struct uctr *
uctr_get(struct ua *u, const char *id, const char *name, const char *service)
{
	struct uctr *c = uctr_find(u, id);

	if (c)
		return c;
	c = xcalloc(1, sizeof(*c));
	c->id = xstrdup(id);
	c->name = xstrdup(name);
	c->prefix = xstrdup(logmux_prefix_of(u->p->name, name));
	c->service = xstrdup(service ? service : "");
	c->svc = project_service_index(u->p, c->service);
	c->attached = c->svc >= 0 && u->attach[c->svc];
	c->next = u->ctrs;
	u->ctrs = c;
	return c;
}

static bool
strv_has(const struct strv *v, const char *s)
{
	return strv_contains(v, s);
}

/* Which services' output is shown (docker compose's attach rules). */
static void
ua_attach_set(struct ua *u)
{
	struct up_ctx *ctx = u->ctx;
	const struct project *p = u->p;

	for (size_t i = 0; i < p->nservices; i++) {
		const char *name = p->services[i].name;
		bool on;

		if (ctx->attach.n) {
			on = strv_has(&ctx->attach, name);
		} else if (ctx->nservices) {
			on = false;
			for (size_t k = 0; k < ctx->nservices; k++)
				on |= strcmp(ctx->services[k], name) == 0;
		} else {
			on = ctx->selected[i];
		}
		if (ctx->attach_dependencies)
			on |= ctx->selected[i];
		if (strv_has(&ctx->no_attach, name))
			on = false;
		if (json_is_false(
			    json_object_get(p->services[i].def, "attach")) &&
		    !strv_has(&ctx->attach, name))
			on = false;
		u->attach[i] = on && ctx->selected[i];

		/* Ctrl-C stops what was named, or everything. */
		if (ctx->nservices) {
			bool named = false;
			for (size_t k = 0; k < ctx->nservices; k++)
				named |= strcmp(ctx->services[k], name) == 0;
			u->stop_set[i] = named;
		} else {
			u->stop_set[i] = ctx->selected[i];
		}
	}
}

/* --scale svc=N for service name, else its replicas. */
static int
ua_replicas(struct ua *u, const struct service *s)
{
	size_t len = strlen(s->name);
	int n = s->replicas;

	for (size_t i = 0; i < u->ctx->scale.n; i++) {
		const char *v = u->ctx->scale.v[i];
		if (strncmp(v, s->name, len) == 0 && v[len] == '=')
			n = atoi(v + len + 1);
	}
	return n;
}

/* "Attaching to a-1, b-1": the names this run gives its containers. */
static void
ua_print_attaching(struct ua *u)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < u->p->nservices; i++) {
		const struct service *s = &u->p->services[i];
		int n = u->attach[i] ? ua_replicas(u, s) : 0;
		for (int k = 1; k <= n; k++) {
			char *name = container_name(u->p, s, k);
			const char *prefix = logmux_prefix_of(u->p->name, name);
			logmux_register(u->m, prefix, s->name);
			buf_addf(&b, "%s%s", b.len ? ", " : "", prefix);
			free(name);
		}
	}
	if (b.len)
		logmux_printf(u->m, "Attaching to %s", b.ptr);
	buf_release(&b);
}

static void
ua_stream(struct ua *u, struct uctr *c, const char *mode, const char *query,
	  bool tty)
{
	struct logmux_stream st = {
		.id = c->id,
		.prefix = c->prefix,
		.service = c->service,
		.tty = tty,
		.mode = mode,
		.query = query,
		.resume = true,
	};

	c->closed = c->died = c->die_seen = false;
	c->waiting_start = false;
	logmux_add_stream(u->m, &st);
}

/* Follow a container that (re)started after we attached to the run. */
static void
ua_follow_again(struct ua *u, struct uctr *c)
{
	char *q = NULL;

	/* Nothing is written between a die and the next start. */
	if (c->die_ns && !logmux_seen(u->m, c->id))
		q = xasprintf("follow=1&since=%lld.%09lld",
			      (long long)(c->die_ns / 1000000000),
			      (long long)(c->die_ns % 1000000000));
	ua_stream(u, c, "logs", q ? q : "follow=1", c->tty);
	free(q);
}

static void
before_start(const char *id, const char *name, const char *service, bool tty,
	     void *arg)
{
	struct ua *u = arg;
	struct uctr *c = uctr_get(u, id, name, service);
	int64_t end;
	int r;

	c->finished = false;
	c->tty = tty;
	if (!c->attached || u->interrupts || logmux_streaming(u->m, id))
		return;
	/* Asked even of a container created just now: the answer also
	   says whether its log can be read at all (driver "none"). */
	r = logend_fetch(u->e, id, &end);
	if (r == -2) {
		/* No end mark: this machine's clock now is the next best (the
		   engine stamps lines with the same clock when it is local; a
		   remote one may show a line twice or lose one), better than
		   an attach, which can lose a first line. */
		r = 1;
		end = now_ns();
		warning("cannot tell where %s's log ends; showing it from now",
			c->prefix);
	}
	if (r >= 0) {
		if (r == 1)
			logmux_skip_until(u->m, id, c->prefix, c->service, end);
		c->follow_at_start = true;
		return;
	}
	/* Its log cannot be read: attach, before the start. */
	ua_stream(u, c, "attach", NULL, tty);
	if (logmux_wait_attached(u->m, id, ATTACH_TIMEOUT) < 0) {
		warning("could not attach to %s before it started", c->prefix);
		return;
	}
	/*
	 * Under load a start that follows the attach at once has lost a
	 * first line (logend.h); a short grace narrows that window.
	 */
	struct timespec grace = { 0, 15 * 1000 * 1000 };
	nanosleep(&grace, NULL);
}

/* Both the stream's end and the die are in: say how it exited. */
static void
ua_settle(struct ua *u, struct uctr *c)
{
	struct up_ctx *ctx = u->ctx;

	if (!c->closed || !c->died || c->finished)
		return;
	if (c->restarting) {
		logmux_status(u->m, c->prefix,
			      "exited with code %d (restarting)", c->exit_code);
		c->closed = c->died = c->die_seen = false;
		if (c->restart_pending) {
			c->restart_pending = false;
			ua_follow_again(u, c);
		} else {
			c->waiting_start = true;
		}
		return;
	}
	c->finished = true;
	logmux_status(u->m, c->prefix, "exited with code %d", c->exit_code);
	if (ctx->exit_code_from &&
	    strcmp(c->service, ctx->exit_code_from) == 0 && !u->from_seen) {
		u->from_seen = true;
		u->from_code = c->exit_code;
	}
	if (!u->aborting && !u->stopping &&
	    (ctx->abort_on_container_exit || ctx->exit_code_from ||
	     (ctx->abort_on_container_failure && c->exit_code != 0))) {
		u->aborting = true;
		if (!u->exit_code_set) {
			u->exit_code_set = true;
			u->exit_code = c->exit_code;
		}
		logmux_printf(u->m, "Aborting on container exit...");
		ua_stop(u, true);
	}
	ua_check_done(u);
}

static void
on_stream_end(struct logmux *m, const char *id, int err, void *arg)
{
	struct ua *u = arg;
	struct uctr *c = uctr_find(u, id);

	if (c == NULL)
		return;
	c->closed = true;
	ua_settle(u, c);
}

struct call {
	struct ua *u;
	char *id;
	bool kill; /* a POST .../kill */
};

static void
on_inspect(struct engine_req *req, void *arg)
{
	struct call *k = arg;
	struct ua *u = k->u;
	struct uctr *c = uctr_find(u, k->id);
	size_t len;
	const char *body = engine_req_body(req, &len);
	json_t *j = json_loadb(body, len, 0, NULL);
	json_t *st = json_object_get(j, "State");

	if (c && engine_req_status(req) == 200) {
		/* Running after a die: its policy restarted it before we
		 * looked (the engine then reset its ExitCode to 0, so the
		 * die event's code is the one to tell). */
		c->restarting =
			json_is_true(json_object_get(st, "Restarting")) ||
			json_is_true(json_object_get(st, "Running"));
		if (!c->die_code_known)
			c->exit_code = (int)json_integer_value(
				json_object_get(st, "ExitCode"));
		/* A stop or kill by us is final, whatever the policy says. */
		if (u->stopping || u->killing || u->aborting)
			c->restarting = false;
		c->died = true;
	} else if (c) {
		c->died = true; /* gone: removed meanwhile */
		c->closed = true;
	}
	json_decref(j);
	engine_req_free(req);
	free(k->id);
	free(k);
	u->inspects--;
	if (c)
		ua_settle(u, c);
	ua_check_done(u);
}

static void
ua_call(struct ua *u, const char *method, const char *path, const char *id,
	engine_done_fn done, size_t *counter)
{
	struct call *k = xcalloc(1, sizeof(*k));
	struct engine_req_opts o = {
		.method = method,
		.path = path,
		.on_done = done,
		.arg = k,
	};

	k->u = u;
	k->id = xstrdup(id);
	k->kill = strstr(path, "/kill") != NULL;
	(*counter)++;
	engine_start(u->e, &o);
}

static void
on_event(json_t *ev, const char *raw, size_t len, void *arg)
{
	struct ua *u = arg;
	struct container_event e;
	struct uctr *c;

	if (ev == NULL || !container_event_parse(ev, &e))
		return;
	c = uctr_find(u, e.id);
	if (c && c->follow_at_start && strcmp(e.action, "start") == 0) {
		/* The start we prepared for: its log from where it ended. */
		c->follow_at_start = false;
		ua_stream(u, c, "logs", "follow=1", c->tty);
		return;
	}
	if (strcmp(e.action, "start") == 0) {
		bool fresh = c == NULL;
		if (c == NULL) {
			int k = e.service ?
					project_service_index(u->p, e.service) :
					-1;
			/* A container of the run we did not create: follow. */
			if (k < 0 || !u->ctx->selected[k] || e.name == NULL ||
			    u->converging)
				return;
			c = uctr_get(u, e.id, e.name, e.service);
		}
		if (!c->attached || u->converging)
			return;
		if (fresh && !logmux_streaming(u->m, e.id)) {
			/* Started by someone else (scale, recreate). */
			ua_stream(u, c, "logs", "follow=1", false);
		} else if (c->finished || c->waiting_start) {
			/* Restarted (by its policy, or by someone else). */
			c->finished = false;
			ua_follow_again(u, c);
		} else if (c->die_seen) {
			/* Its exit is not told yet: follow once it is. */
			c->restart_pending = true;
		}
		/* Else the start we attached for (or saw) already. */
	} else if (c && strcmp(e.action, "die") == 0) {
		char *path = xasprintf("/containers/%s/json", e.id);
		c->die_ns = e.time_ns;
		c->die_seen = true;
		c->die_code_known = e.exit_code >= 0;
		if (c->die_code_known)
			c->exit_code = e.exit_code;
		ua_call(u, "GET", path, e.id, on_inspect, &u->inspects);
		free(path);
	} else if (c && strcmp(e.action, "destroy") == 0 && !c->finished &&
		   c->attached && !logmux_streaming(u->m, e.id)) {
		c->closed = c->died = true;
		c->restarting = false;
		ua_settle(u, c);
	}
}

static int
on_events_data(struct engine_req *req, const char *data, size_t len, void *arg)
{
	struct ua *u = arg;

	jsonlines_feed(&u->jl, data, len);
	return 0;
}

static void
on_events_done(struct engine_req *req, void *arg)
{
	struct ua *u = arg;

	jsonlines_finish(&u->jl);
	if (!u->done)
		engine_req_report(req) == 0 ?
			(void)error("the engine closed the events stream") :
			(void)0;
	engine_req_free(req);
	u->events = NULL;
	/* Without events no exit can be seen: nothing more to wait for. */
	u->done = true;
}

static void
ua_events(struct ua *u)
{
	char *path = container_events_path(u->p->name, false, u->since_ns);
	struct engine_req_opts o = {
		.path = path,
		.on_data = on_events_data,
		.on_done = on_events_done,
		.arg = u,
	};

	jsonlines_init(&u->jl, 1 << 20, on_event, u);
	u->events = engine_start(u->e, &o);
	free(path);
}

/* Stop and kill answers: progress lines, then the next wave. */
static void
on_stopped(struct engine_req *req, void *arg)
{
	struct call *k = arg;
	struct ua *u = k->u;
	struct uctr *c = uctr_find(u, k->id);
	long st = engine_req_status(req);
	bool ok = engine_req_transport_error(req) == NULL &&
		  ((st >= 200 && st < 300) || st == 304 || st == 404 ||
		   st == 409);

	/* A stop overtaken by a kill: the kill's answer tells. */
	if (c && u->prog && !(ok && c->kill_sent && !k->kill))
		progress_event(u->prog, "Container", c->name,
			       ok ? (k->kill ? "Killed" : "Stopped") : "Error",
			       ok ? PROGRESS_DONE : PROGRESS_ERROR);
	if (!ok && st != 0)
		engine_req_report(req);
	engine_req_free(req);
	free(k->id);
	free(k);
	u->requests--;
	if (u->requests == 0 && u->stopping && !u->killing &&
	    u->stop_wave < u->max_level) {
		u->stop_wave++;
		ua_stop(u, u->aborting);
	}
	ua_check_done(u);
}

/* A stop that waits for the service's pre_stop hooks first. */
struct hooked_stop {
	struct ua *u;
	char *id, *path;
};

static void
on_pre_stop_done(const char *err, const char *report, void *arg)
{
	struct hooked_stop *h = arg;
	struct ua *u = h->u;

	/* Ctrl-C means stop: a failed hook is told, the stop goes on. */
	if (err)
		error("%s", report);
	if (!u->killing)
		ua_call(u, "POST", h->path, h->id, on_stopped, &u->requests);
	u->requests--;
	free(h->id);
	free(h->path);
	free(h);
	ua_check_done(u);
}

/*
 * A hook's output in the log stream, as compose shows it: "web-1 ->"
 * lines between the containers' own, from an exec's multiplexed frames.
 */
static void
hook_begin(const char *key, const char *prefix, const char *service, void *arg)
{
	struct ua *u = arg;
	struct logmux_stream st = {
		.id = key,
		.prefix = prefix,
		.service = service,
		.mode = "attach", /* frames without engine timestamps */
	};

	logmux_add_fake(u->m, &st);
}

static void
hook_data(const char *key, const char *data, size_t len, void *arg)
{
	struct ua *u = arg;

	logmux_feed(u->m, key, data, len);
}

static void
hook_end(const char *key, void *arg)
{
	struct ua *u = arg;

	logmux_end(u->m, key, 0);
}

/* POST path (a stop of c), after c's pre_stop hooks when it has any. */
static void
ua_stop_one(struct ua *u, struct uctr *c, const char *path)
{
	const json_t *pre =
		hooks_of(u->p->services[c->svc].def, HOOKS_PRE_STOP);
	struct hooked_stop *h;

	if (pre == NULL) {
		ua_call(u, "POST", path, c->id, on_stopped, &u->requests);
		return;
	}
	h = xcalloc(1, sizeof(*h));
	h->u = u;
	h->id = xstrdup(c->id);
	h->path = xstrdup(path);
	u->requests++;
	struct hooks_opts o = {
		.kind = HOOKS_PRE_STOP,
		.id = c->id,
		.container = c->name,
		.service = c->service,
		.project = u->p->name,
		.sink = &u->hook_output,
		.done = on_pre_stop_done,
		.arg = h,
	};
	hooks_run(u->e, pre, &o);
}

static bool
ua_running(const struct uctr *c)
{
	return !c->finished;
}

/*
 * Stop the containers of the stop set (all: every service of the run),
 * dependents before their dependencies: one wave per graph level,
 * deepest first.
 */
static void
ua_stop(struct ua *u, bool all)
{
	struct buf q = BUF_INIT;
	size_t level;

	if (!u->stopping) {
		u->stopping = true;
		u->stop_wave = 0;
		if (u->prog == NULL) {
			const char *mode = u->ctx->g->progress;
			if (mode == NULL || strcmp(mode, "json") != 0)
				mode = strcmp(mode ? mode : "", "quiet") == 0 ?
					       "quiet" :
					       "plain";
			u->prog = progress_new(mode, u->ctx->g->ansi,
					       "Stopping", NULL);
		}
	}
	if (u->ctx->timeout >= 0)
		buf_addf(&q, "?t=%d", u->ctx->timeout);
	level = u->max_level - u->stop_wave;
	for (struct uctr *c = u->ctrs; c; c = c->next) {
		if (c->svc < 0 || !ua_running(c))
			continue;
		if (!(all ? u->ctx->selected[c->svc] :
			    u->stop_set[c->svc] || u->attach[c->svc]))
			continue;
		if (u->stop_level[c->svc] != level)
			continue;
		char *path = xasprintf("/containers/%s/stop%s", c->id, q.ptr);
		progress_event(u->prog, "Container", c->name, "Stopping",
			       PROGRESS_WORKING);
		ua_stop_one(u, c, path);
		free(path);
	}
	buf_release(&q);
	/* An empty wave: go on to the next level at once. */
	if (u->requests == 0 && u->stop_wave < u->max_level) {
		u->stop_wave++;
		ua_stop(u, all);
	}
}

static void
ua_kill(struct ua *u)
{
	u->killing = true;
	for (struct uctr *c = u->ctrs; c; c = c->next) {
		if (c->svc < 0 || !ua_running(c) || !u->ctx->selected[c->svc])
			continue;
		char *path = xasprintf("/containers/%s/kill", c->id);
		c->kill_sent = true;
		progress_event(u->prog, "Container", c->name, "Killing",
			       PROGRESS_WORKING);
		ua_call(u, "POST", path, c->id, on_stopped, &u->requests);
		free(path);
	}
}

static void
on_signal(int signo, unsigned count, void *arg)
{
	struct ua *u = arg;

	u->interrupts = count;
	if (u->interrupts == 1) {
		logmux_printf(u->m, "Gracefully stopping... (press Ctrl+C "
				    "again to force)");
		/* While converging, the executor winds down first. */
		if (!u->converging)
			ua_stop(u, false);
	} else if (u->interrupts == 2) {
		ua_kill(u);
	} else {
		logmux_flush(u->m);
		exit(EXIT_INTERRUPTED);
	}
}

static void
on_broken(struct logmux *m, void *arg)
{
	/* Nobody reads our output: the containers go on regardless. */
}

static void
ua_check_done(struct ua *u)
{
	if (u->done || u->converging)
		return;
	if (u->requests || u->inspects)
		return;
	for (struct uctr *c = u->ctrs; c; c = c->next)
		if (c->attached && !c->finished)
			return;
	u->done = true;
}

/* Attach to attached containers that converge left running as they were. */
static int
ua_attach_running(struct ua *u)
{
	struct observed o = { 0 };

	if (observe_project(u->e, u->p->name, OBSERVE_CONTAINERS, false, &o) <
	    0) {
		observed_release(&o);
		return -1;
	}
	for (size_t i = 0; i < o.ncontainers; i++) {
		const struct obs_container *oc = &o.containers[i];
		int k = oc->service ? project_service_index(u->p, oc->service) :
				      -1;
		if (oc->oneoff || k < 0 || !u->ctx->selected[k])
			continue;
		struct uctr *c = uctr_get(u, oc->id, oc->name, oc->service);
		if (!c->attached || logmux_streaming(u->m, c->id) ||
		    c->finished || c->closed)
			continue;
		if (c->follow_at_start) {
			/* Started by this run, its start event not read yet:
			   from where its log ended before the start. */
			c->follow_at_start = false;
			ua_stream(u, c, "logs", "follow=1", c->tty);
		} else {
			ua_stream(u, c, "logs", "follow=1&tail=0", c->tty);
		}
	}
	observed_release(&o);
	return 0;
}

/* The stop level of each service: the deepest dependents stop first. */
static void
ua_levels(struct ua *u)
{
	size_t n = u->p->nservices;
	size_t *order = xcalloc(n + 1, sizeof(*order));
	size_t *level = xcalloc(n + 1, sizeof(*level));
	size_t *cycle = NULL, cycle_len = 0;

	u->stop_level = xcalloc(n + 1, sizeof(*u->stop_level));
	if (graph_order(&u->p->graph, order, level, &cycle, &cycle_len) < 0)
		memset(level, 0, n * sizeof(*level));
	for (size_t i = 0; i < n; i++)
		if (level[i] > u->max_level)
			u->max_level = level[i];
	/* Wave 0 is the deepest level: stop_level = max - level. */
	for (size_t i = 0; i < n; i++)
		u->stop_level[i] = level[i];
	free(order);
	free(level);
	free(cycle);
}

static int
ua_status(struct ua *u, int converge)
{
	if (u->interrupts || converge == EXIT_INTERRUPTED)
		return EXIT_INTERRUPTED;
	if (converge != EXIT_OK)
		return converge;
	if (u->ctx->exit_code_from)
		return u->from_seen ? u->from_code : EXIT_OK;
	if (u->exit_code_set)
		return u->exit_code;
	return EXIT_OK;
}

static int
ua_run(struct up_ctx *ctx, const struct watch_opts *wopts)
{
	struct ua u = { .ctx = ctx, .p = ctx->project, .e = ctx->engine };
	struct exec_hooks hooks = {
		.before_start = before_start,
		.arg = &u,
		.hook_output = &u.hook_output,
	};
	struct watch *w = NULL;
	struct uctr *c, *next;
	int rc;

	if (ctx->exit_code_from &&
	    project_service_index(u.p, ctx->exit_code_from) < 0) {
		error("no such service: %s", ctx->exit_code_from);
		return EXIT_USAGE;
	}
	if (engine_negotiate(u.e) < 0)
		return EXIT_FAIL;
	u.attach = xcalloc(u.p->nservices + 1, sizeof(*u.attach));
	u.stop_set = xcalloc(u.p->nservices + 1, sizeof(*u.stop_set));
	ua_attach_set(&u);
	ua_levels(&u);

	struct logmux_opts mo = {
		.color = logmux_want_color(ctx->g->ansi, ctx->no_color,
					   STDOUT_FILENO),
		.timestamps = ctx->timestamps,
		.no_prefix = ctx->no_log_prefix,
		.err = stderr,
		.on_end = on_stream_end,
		.on_broken = on_broken,
		.arg = &u,
	};
	u.m = logmux_new(u.e, &mo);
	u.hook_output = (struct hooks_sink){
		.begin = hook_begin,
		.data = hook_data,
		.end = hook_end,
		.arg = &u,
	};
	{
		char **names = xcalloc(u.p->nservices + 1, sizeof(*names));
		for (size_t i = 0; i < u.p->nservices; i++)
			names[i] = (char *)u.p->services[i].name;
		logmux_set_services(u.m, names, u.p->nservices);
		free(names);
	}
	loop_signals_init(engine_loop(u.e));
	loop_signals_push(on_signal, &u);

	u.since_ns = now_ns();
	ua_events(&u);
	ua_print_attaching(&u);

	u.converging = true;
	rc = up_converge(ctx, &hooks);
	u.converging = false;
	/* The executor had the signals while converging: count them here. */
	if (loop_interrupts() > u.interrupts)
		u.interrupts = loop_interrupts();
	if (rc == EXIT_INTERRUPTED && u.interrupts == 0)
		u.interrupts = 1;
	if (u.interrupts)
		logmux_printf(u.m, "Gracefully stopping... (press Ctrl+C "
				   "again to force)");
	if (rc != EXIT_OK && rc != EXIT_INTERRUPTED) {
		logmux_cancel_all(u.m);
		goto done;
	}
	if (u.interrupts == 0 && ua_attach_running(&u) < 0) {
		rc = EXIT_FAIL;
		goto done;
	}
	if (wopts && u.interrupts == 0) {
		struct watch_opts wo = *wopts;
		wo.hooks = &hooks; /* recreated containers are attached too */
		wo.color = mo.color;
		if (watch_start(&w, ctx, &wo, u.m) < 0 ||
		    watch_initial_sync(w) < 0) {
			ua_stop(&u, true);
			u.interrupts = 1;
		}
	}
	if (u.interrupts == 1)
		ua_stop(&u, false);
	else if (u.interrupts >= 2)
		ua_kill(&u);
	ua_check_done(&u);
	while (!u.done) {
		/* Applied here, at top level: it makes synchronous calls;
		   a batch that became ready meanwhile goes before blocking. */
		if (w && watch_ready(w) && !u.stopping) {
			watch_poll(w);
			continue;
		}
		ev_run(engine_loop(u.e), EVRUN_ONCE);
	}
	rc = ua_status(&u, rc);
done:
	watch_free(w);
	loop_signals_pop();
	if (u.events)
		engine_cancel(u.events);
	jsonlines_release(&u.jl);
	logmux_free(u.m);
	progress_free(u.prog);
	for (c = u.ctrs; c; c = next) {
		next = c->next;
		free(c->id);
		free(c->name);
		free(c->prefix);
		free(c->service);
		free(c);
	}
	free(u.attach);
	free(u.stop_set);
	free(u.stop_level);
	return rc;
}

int
up_attached(struct up_ctx *ctx)
{
	return ua_run(ctx, NULL);
}

int
up_attached_watch(struct up_ctx *ctx, const struct watch_opts *wo)
{
	return ua_run(ctx, wo);
}
