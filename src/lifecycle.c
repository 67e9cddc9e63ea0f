/*
 * lifecycle.c - the project, its containers and the concurrent runner of
 * lifecycle.h.
 *
 * The runner walks the service graph like compose's InDependencyOrder:
 * every service waits for its prerequisites (its dependencies, or its
 * dependents when stopping) to finish, then all its containers are acted
 * on at once. A service without containers finishes as soon as it may
 * start, so the order still holds through it.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>

#include "buf.h"
#include "cmd.h"
#include "engine.h"
#include "hooks.h"
#include "labels.h"
#include "lifecycle.h"
#include "log.h"
#include "observe.h"
#include "progress.h"
#include "project.h"
#include "xalloc.h"

/*
 * Which project: docker compose's projectOrName. -p without -f needs no
 * file. Otherwise the file is loaded; when that fails and
 * COMPOSE_PROJECT_NAME is set, the name alone does (the loader's
 * messages, held back meanwhile, are then dropped).
 */
static int
target_find(struct target *t, unsigned flags)
{
	struct globals *g = t->g;
	struct buf msgs = BUF_INIT;
	const char *env = getenv("COMPOSE_PROJECT_NAME");
	int ret;

	if (g->project_name && g->files.n == 0 && !(flags & TARGET_PROJECT)) {
		t->name = xstrdup(g->project_name);
		return 0;
	}
	bool fallback = !(flags & TARGET_PROJECT) && g->files.n == 0 && env &&
			*env;
	if (fallback)
		log_capture(&msgs);
	ret = cmd_load_project(g, NULL, 0, &t->project);
	if (fallback)
		log_capture(NULL);
	if (ret == 0) {
		t->name = xstrdup(t->project->name);
	} else if (fallback) {
		t->name = xstrdup(env);
		ret = 0;
	}
	buf_release(&msgs);
	return ret;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
target_service(const struct target *t, const char *name)
{
	char *const *v;

	if (name == NULL || t->services.n == 0)
		return -1;
	v = bsearch(&name, t->services.v, t->services.n, sizeof(char *),
		    str_cmp);
	return v ? (int)(v - t->services.v) : -1;
}

static void
cond_add(struct target *t, size_t svc, size_t dep, int condition, bool required)
{
	if (condition == DEP_STARTED)
		return;
	for (size_t i = 0; i < t->nconds; i++)
		if (t->conds[i].svc == svc && t->conds[i].dep == dep)
			return;
	t->conds = xreallocarray(t->conds, t->nconds + 1, sizeof(*t->conds));
	t->conds[t->nconds++] =
		(struct target_cond){ svc, dep, condition, required };
}

/* The graph from the compose file: its services and depends_on. */
static void
graph_from_project(struct target *t)
{
	const struct project *p = t->project;

	for (size_t i = 0; i < p->nservices; i++)
		strv_push(&t->services, p->services[i].name);
	graph_init(&t->graph, p->nservices);
	graph_init(&t->restart, p->nservices);
	for (size_t i = 0; i < p->nservices; i++)
		for (size_t d = 0; d < p->services[i].ndeps; d++) {
			const struct service_dep *dep = &p->services[i].deps[d];
			graph_add_edge(&t->graph, i, dep->index);
			if (dep->restart)
				graph_add_edge(&t->restart, i, dep->index);
			cond_add(t, i, dep->index, (int)dep->condition,
				 dep->required);
		}
}

/*
 * The graph from the containers alone: services from their service
 * labels, edges from their depends_on labels ("db:service_healthy:true,
 * cache:service_started:false").
 */
static void
graph_from_labels(struct target *t)
{
	const struct observed *o = &t->obs;

	for (size_t i = 0; i < o->ncontainers; i++) {
		const char *svc = o->containers[i].service;
		if (svc && !strv_contains(&t->services, svc))
			strv_push(&t->services, svc);
	}
	strv_sort(&t->services);
	graph_init(&t->graph, t->services.n);
	graph_init(&t->restart, t->services.n);
	for (size_t i = 0; i < o->ncontainers; i++) {
		const struct obs_container *c = &o->containers[i];
		const char *deps = json_string_value(
			json_object_get(c->labels, LABEL_DEPENDS_ON));
		struct strv parts = STRV_INIT;
		int a = target_service(t, c->service);

		if (a < 0 || deps == NULL)
			continue;
		strv_split(&parts, deps, ',');
		for (size_t k = 0; k < parts.n; k++) {
			char *f1 = strchr(parts.v[k], ':');
			char *f2 = f1 ? strchr(f1 + 1, ':') : NULL;
			if (f1)
				*f1 = '\0';
			if (f2)
				*f2 = '\0';
			int b = target_service(t, parts.v[k]);
			if (b < 0 || b == a)
				continue;
			graph_add_edge(&t->graph, (size_t)a, (size_t)b);
			if (f2 && strcmp(f2 + 1, "true") == 0)
				graph_add_edge(&t->restart, (size_t)a,
					       (size_t)b);
			if (f1 && strcmp(f1 + 1, "service_healthy") == 0)
				cond_add(t, (size_t)a, (size_t)b, DEP_HEALTHY,
					 true);
			else if (f1 &&
				 strcmp(f1 + 1,
					"service_completed_successfully") == 0)
				cond_add(t, (size_t)a, (size_t)b, DEP_COMPLETED,
					 true);
		}
		strv_clear(&parts);
	}
}

int
target_open(struct target *t, struct globals *g, unsigned flags)
{
	memset(t, 0, sizeof(*t));
	t->g = g;
	t->flags = flags;
	strv_init(&t->services);
	if (target_find(t, flags) < 0)
		return -1;
	if (engine_open(&t->engine, EV_DEFAULT) < 0)
		return -1;
	if (!(flags & TARGET_NO_LIST) &&
	    observe_project(t->engine, t->name, OBSERVE_CONTAINERS,
			    (flags & TARGET_ALL) != 0, &t->obs) < 0)
		return -1;
	if (t->project)
		graph_from_project(t);
	else
		graph_from_labels(t);
	return 0;
}

void
target_close(struct target *t)
{
	observed_release(&t->obs);
	graph_release(&t->graph);
	graph_release(&t->restart);
	free(t->conds);
	strv_clear(&t->services);
	project_free(t->project);
	engine_free(t->engine);
	free(t->name);
	memset(t, 0, sizeof(*t));
}

int
target_select(const struct target *t, char *const *names, size_t n, bool *sel)
{
	for (size_t i = 0; i < t->services.n; i++)
		sel[i] = n == 0;
	for (size_t i = 0; i < n; i++) {
		int k = target_service(t, names[i]);
		if (k < 0)
			return error("no such service: %s", names[i]);
		sel[k] = true;
	}
	return 0;
}

static int
container_cmp(const void *a, const void *b)
{
	const struct obs_container *x = *(const struct obs_container *const *)a;
	const struct obs_container *y = *(const struct obs_container *const *)b;

	return strcmp(x->name, y->name);
}

size_t
target_containers(const struct target *t, const bool *sel, bool orphans,
		  const struct obs_container ***out)
{
	const struct obs_container **v;
	size_t n = 0;

	v = xcalloc(t->obs.ncontainers + 1, sizeof(*v));
	for (size_t i = 0; i < t->obs.ncontainers; i++) {
		const struct obs_container *c = &t->obs.containers[i];
		int k = target_service(t, c->service);

		if (c->oneoff && !(t->flags & TARGET_ONEOFF))
			continue;
		if (k < 0 ? !orphans : (sel && !sel[k]))
			continue;
		v[n++] = c;
	}
	qsort(v, n, sizeof(*v), container_cmp);
	*out = v;
	return n;
}

long
target_named(const struct target *t, char *const *names, size_t n, bool orphans,
	     const struct obs_container ***out)
{
	bool *sel = xcalloc(t->services.n + 1, sizeof(bool));
	long ret = -1;

	*out = NULL;
	if (target_select(t, names, n, sel) == 0)
		ret = (long)target_containers(t, sel, orphans, out);
	free(sel);
	return ret;
}

char *
target_filter(const struct target *t)
{
	char *label = xasprintf(LABEL_PROJECT "=%s", t->name);
	json_t *f = json_pack("{s:[s]}", "label", label);
	char *text = json_dumps(f, JSON_COMPACT);
	char *esc = engine_escape(text);

	free(text);
	json_decref(f);
	free(label);
	return esc;
}

long
target_open_named(struct target *t, struct globals *g, unsigned flags,
		  char *const *names, size_t n, bool orphans,
		  const struct obs_container ***out)
{
	*out = NULL;
	if (target_open(t, g, flags) < 0)
		return -1;
	return target_named(t, names, n, orphans, out);
}

const struct obs_container *
target_pick(const struct target *t, const char *service, int index)
{
	const struct obs_container *best = NULL;

	for (size_t i = 0; i < t->obs.ncontainers; i++) {
		const struct obs_container *c = &t->obs.containers[i];

		if (c->service == NULL || strcmp(c->service, service) != 0)
			continue;
		if (index > 0 && c->number != index)
			continue;
		/* The lowest number first, one-offs after all others. */
		if (best == NULL || (best->oneoff && !c->oneoff) ||
		    (best->oneoff == c->oneoff && c->number < best->number))
			best = c;
	}
	if (best)
		return best;
	if (t->project && project_service_index(t->project, service) < 0) {
		error("no such service: %s", service);
		return NULL;
	}
	if (index > 0)
		error("service \"%s\" is not running container #%d", service,
		      index);
	else
		error("service \"%s\" is not running", service);
	return NULL;
}

/* The runner's state for one lc_run. */
struct lc_state {
	struct target *t;
	const struct lc_action *a;
	const struct graph *g;
	enum lc_order order;
	size_t nsvc;
	size_t *waiting; /* per service: prerequisites still running */
	size_t *left;	 /* per service: its containers not yet done */
	bool *readied;	 /* per service: node_ready ran */
	size_t **next;	 /* per service: who waits for it */
	size_t *nnext;
	const struct obs_container *const *cs;
	size_t n;
	size_t *svc_of; /* per container: its service, or nsvc */
	size_t *queue;	/* containers ready to go */
	size_t qhead, qtail;
	size_t finished; /* containers done (or skipped) */
	size_t nodes_done;
	int inflight, limit;
	bool failed;
	int gating;	  /* services waiting on dependency conditions */
	const char *kind; /* "Container", or the dry-run form */
	struct strv warnings;
	struct progress *prog;
	struct strv errors;
};

struct lc_call {
	struct lc_state *s;
	size_t i;
};

static void node_done(struct lc_state *s, size_t k);
static void node_ready(struct lc_state *s, size_t k);

static void pump(struct lc_state *s);

/* Container i is done: ok (msg NULL), or failed with msg on the progress
   display and report (taken) among the errors told at the end. */
static void
item_end(struct lc_state *s, size_t i, const char *msg, char *report)
{
	const struct obs_container *c = s->cs[i];

	s->inflight--;
	s->finished++;
	if (msg == NULL) {
		progress_event(s->prog, s->kind, c->name, s->a->done,
			       PROGRESS_DONE);
	} else {
		progress_error(s->prog, s->kind, c->name, msg);
		strv_push_nodup(&s->errors, report);
		s->failed = true;
	}
	if (s->svc_of[i] < s->nsvc && --s->left[s->svc_of[i]] == 0)
		node_done(s, s->svc_of[i]);
}

/* Container i is done: ok, or failed with msg (a transport error when
   terr). */
static void
item_done(struct lc_state *s, size_t i, const char *msg, bool terr)
{
	char *report = NULL;

	if (msg && terr)
		report = xasprintf("cannot reach the Docker engine at %s: %s",
				   engine_host(s->t->engine), msg);
	else if (msg)
		report = xasprintf("cannot %s \"%s\": %s", s->a->what,
				   s->cs[i]->name, msg);
	item_end(s, i, msg, report);
}

/*
 * Lifecycle hooks (hooks.h), as compose runs them around these calls:
 * pre_stop before a stop or restart of a running container, post_start
 * after a start (not of one already running: 304) or a restart. Only
 * with a compose file: the containers' labels do not carry hooks.
 */
static const json_t *
lc_hooks(const struct lc_state *s, size_t i, const char *kind)
{
	const struct project *p = s->t->project;
	const char *sfx = s->a->suffix;
	bool stop = strcmp(sfx, "/stop") == 0, start = !strcmp(sfx, "/start");
	bool restart = strcmp(sfx, "/restart") == 0;
	int k;

	if (p == NULL || s->t->g->dry_run || s->cs[i]->service == NULL)
		return NULL;
	if (strcmp(kind, HOOKS_PRE_STOP) == 0 ? !(stop || restart) :
						!(start || restart))
		return NULL;
	k = project_service_index(p, s->cs[i]->service);
	return k < 0 ? NULL : hooks_of(p->services[k].def, kind);
}

/* A hook failed: the container counts as failed, with the hook's last
   output lines under the message (report, hooks.h). */
static void
item_hook_failed(struct lc_state *s, size_t i, const char *err,
		 const char *report)
{
	item_end(s, i, err, xstrdup(report));
}

static void
post_hooks_done(const char *err, const char *report, void *arg)
{
	struct lc_call *call = arg;
	struct lc_state *s = call->s;

	if (err)
		item_hook_failed(s, call->i, err, report);
	else
		item_done(s, call->i, NULL, false);
	free(call);
	pump(s);
}

static void
lc_hooks_run(struct lc_state *s, size_t i, const json_t *list, const char *kind,
	     hooks_done_fn done)
{
	const struct obs_container *c = s->cs[i];
	struct lc_call *call = xmalloc(sizeof(*call));

	call->s = s;
	call->i = i;
	hooks_run(s->t->engine, list,
		  &(struct hooks_opts){
			  .kind = kind,
			  .id = c->id,
			  .container = c->name,
			  .service = c->service,
			  .project = s->t->name,
			  .done = done,
			  .arg = call,
		  });
}

/* Another client's removal of the container is over (or never ended). */
static void
removal_waited(struct engine_req *req, void *arg)
{
	struct lc_call *call = arg;
	struct lc_state *s = call->s;

	item_done(s, call->i, engine_removal_wait_error(req), false);
	engine_req_free(req);
	free(call);
	pump(s);
}

/* A DELETE that someone else's removal overtook: wait for that one. */
static bool
removal_elsewhere(struct lc_call *call, struct engine_req *req)
{
	struct lc_state *s = call->s;

	if (strcmp(s->a->method, "DELETE") != 0 ||
	    !engine_req_removal_elsewhere(req))
		return false;
	engine_wait_removed(s->t->engine, s->cs[call->i]->id, removal_waited,
			    call);
	return true;
}

static void
call_done(struct engine_req *req, void *arg)
{
	struct lc_call *call = arg;
	struct lc_state *s = call->s;
	long status = engine_req_status(req);
	const char *terr = engine_req_transport_error(req);
	const json_t *post;

	if (!terr && removal_elsewhere(call, req)) {
		engine_req_free(req);
		return;
	} else if (terr) {
		item_done(s, call->i, terr, true);
	} else if ((status >= 200 && status < 300) || status == s->a->also_ok) {
		post = status == 304 ? NULL :
				       lc_hooks(s, call->i, HOOKS_POST_START);
		if (post) {
			lc_hooks_run(s, call->i, post, HOOKS_POST_START,
				     post_hooks_done);
			engine_req_free(req);
			free(call);
			return;
		}
		item_done(s, call->i, NULL, false);
	} else {
		item_done(s, call->i, engine_req_message(req), false);
	}
	engine_req_free(req);
	free(call);
	pump(s);
}

static void launch_call(struct lc_state *s, size_t i);

static void
pre_hooks_done(const char *err, const char *report, void *arg)
{
	struct lc_call *call = arg;
	struct lc_state *s = call->s;

	if (err)
		item_hook_failed(s, call->i, err, report);
	else
		launch_call(s, call->i);
	free(call);
	pump(s);
}

static void
launch(struct lc_state *s, size_t i)
{
	const struct obs_container *c = s->cs[i];
	const json_t *pre;

	s->inflight++;
	progress_event(s->prog, s->kind, c->name, s->a->working,
		       PROGRESS_WORKING);
	if (s->t->g->dry_run) {
		/* --dry-run: the same order and display, no engine call. */
		item_done(s, i, NULL, false);
		return;
	}
	pre = c->state && strcmp(c->state, "running") == 0 ?
		      lc_hooks(s, i, HOOKS_PRE_STOP) :
		      NULL;
	if (pre) {
		lc_hooks_run(s, i, pre, HOOKS_PRE_STOP, pre_hooks_done);
		return;
	}
	launch_call(s, i);
}

/* The engine call of action a for container i. */
static void
launch_call(struct lc_state *s, size_t i)
{
	const struct obs_container *c = s->cs[i];
	struct lc_call *call;
	char *path;

	call = xmalloc(sizeof(*call));
	call->s = s;
	call->i = i;
	path = xasprintf("/containers/%s%s%s%s", c->id, s->a->suffix,
			 s->a->query ? "?" : "",
			 s->a->query ? s->a->query : "");
	struct engine_req_opts o = {
		.method = s->a->method,
		.path = path,
		.on_done = call_done,
		.arg = call,
	};
	engine_start(s->t->engine, &o);
	free(path);
}

static void
pump(struct lc_state *s)
{
	while (s->qhead < s->qtail &&
	       (s->limit <= 0 || s->inflight < s->limit)) {
		size_t i = s->queue[s->qhead++];
		if (s->failed) {
			/* After a failure nothing new starts. */
			s->finished++;
			if (s->svc_of[i] < s->nsvc &&
			    --s->left[s->svc_of[i]] == 0)
				node_done(s, s->svc_of[i]);
			continue;
		}
		launch(s, i);
	}
}

/* Service k goes: queue its containers (or finish it at once). */
static void
node_launch(struct lc_state *s, size_t k)
{
	if (s->left[k] == 0) {
		node_done(s, k);
		return;
	}
	for (size_t i = 0; i < s->n; i++)
		if (s->svc_of[i] == k)
			s->queue[s->qtail++] = i;
}

/*
 * Waiting for dependency conditions (`start`, as compose's
 * waitDependencies): every 500 ms the dependencies' containers are
 * inspected until each is healthy (service_healthy) or has exited 0
 * (service_completed_successfully).
 */
struct lc_gate {
	ev_timer timer;
	struct lc_state *s;
	size_t k;
	int pending;
	bool waiting, failed;
};

struct lc_probe {
	struct lc_gate *gate;
	const struct target_cond *cond;
	const struct obs_container *c;
};

static void gate_check(struct lc_gate *gate);

/* Judge one dependency container; NULL when met, "" while waiting. */
static char *
probe_judge(const struct lc_probe *p, const json_t *info)
{
	const json_t *st = json_object_get(info, "State");
	const char *state = json_string_value(json_object_get(st, "Status"));
	const char *health = json_string_value(
		json_object_get(json_object_get(st, "Health"), "Status"));
	long long code = json_integer_value(json_object_get(st, "ExitCode"));
	bool ended = state &&
		     (!strcmp(state, "exited") || !strcmp(state, "dead"));

	if (p->cond->condition == DEP_COMPLETED) {
		if (!ended)
			return xstrdup("");
		return code == 0 ? NULL :
				   xasprintf("service \"%s\" didn't complete "
					     "successfully: exit %lld",
					     p->c->service, code);
	}
	if (health && strcmp(health, "healthy") == 0)
		return NULL;
	if (health && strcmp(health, "unhealthy") == 0)
		return xasprintf("container %s is unhealthy", p->c->name);
	if (ended)
		return xasprintf("container %s exited (%lld)", p->c->name,
				 code);
	if (health == NULL)
		return xasprintf("container %s has no healthcheck configured",
				 p->c->name);
	return xstrdup("");
}

static void
gate_finish(struct lc_gate *gate)
{
	struct lc_state *s = gate->s;

	s->gating--;
	if (gate->failed)
		s->failed = true;
	node_launch(s, gate->k);
	free(gate);
	pump(s);
}

static void
gate_decide(struct lc_gate *gate)
{
	if (gate->waiting && !gate->failed) {
		ev_timer_set(&gate->timer, 0.5, 0.);
		ev_timer_start(engine_loop(gate->s->t->engine), &gate->timer);
		return;
	}
	gate_finish(gate);
}

static void
probe_done(struct engine_req *req, void *arg)
{
	struct lc_probe *p = arg;
	struct lc_gate *gate = p->gate;
	struct lc_state *s = gate->s;
	size_t len;
	const char *body = engine_req_body(req, &len);
	json_t *info = json_loadb(body, len, 0, NULL);
	char *why;

	if (engine_req_transport_error(req) || engine_req_status(req) >= 300)
		why = xasprintf("cannot inspect container %s", p->c->name);
	else
		why = probe_judge(p, info);
	if (why && *why == '\0') {
		gate->waiting = true;
	} else if (why && p->cond->required) {
		progress_error(s->prog, s->kind, p->c->name, why);
		strv_pushf(&s->errors, "dependency failed to start: %s", why);
		gate->failed = true;
	} else if (why) {
		strv_pushf(&s->warnings, "optional dependency: %s", why);
	} else {
		progress_event(s->prog, s->kind, p->c->name,
			       p->cond->condition == DEP_COMPLETED ? "Exited" :
								     "Healthy",
			       PROGRESS_DONE);
	}
	free(why);
	json_decref(info);
	engine_req_free(req);
	free(p);
	if (--gate->pending == 0)
		gate_decide(gate);
}

static void
gate_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	gate_check((struct lc_gate *)w);
}

static void
gate_check(struct lc_gate *gate)
{
	struct lc_state *s = gate->s;
	const struct target *t = s->t;

	gate->waiting = false;
	gate->pending = 1; /* held until every probe is out */
	for (size_t i = 0; i < t->nconds; i++) {
		const struct target_cond *cond = &t->conds[i];
		if (cond->svc != gate->k)
			continue;
		for (size_t j = 0; j < t->obs.ncontainers; j++) {
			const struct obs_container *c = &t->obs.containers[j];
			if (c->oneoff ||
			    target_service(t, c->service) != (int)cond->dep)
				continue;
			struct lc_probe *p = xmalloc(sizeof(*p));
			char *path = xasprintf("/containers/%s/json", c->id);
			struct engine_req_opts o = {
				.path = path,
				.on_done = probe_done,
				.arg = p,
				.timeout_ms = 30000,
			};
			*p = (struct lc_probe){ gate, cond, c };
			gate->pending++;
			engine_start(t->engine, &o);
			free(path);
		}
	}
	if (--gate->pending == 0)
		gate_decide(gate);
}

/* Service k may go once its conditions are met. */
static void
node_ready(struct lc_state *s, size_t k)
{
	bool gated = false;

	if (s->readied[k])
		return;
	s->readied[k] = true;
	for (size_t i = 0; i < s->t->nconds; i++)
		if (s->t->conds[i].svc == k)
			gated = true;
	if (!gated || !s->a->wait_deps || s->order != LC_DEPS_FIRST ||
	    s->left[k] == 0 || s->failed || s->t->g->dry_run) {
		node_launch(s, k);
		return;
	}
	struct lc_gate *gate = xcalloc(1, sizeof(*gate));
	ev_timer_init(&gate->timer, gate_tick, 0.5, 0.);
	gate->s = s;
	gate->k = k;
	s->gating++;
	gate_check(gate);
}

static void
node_done(struct lc_state *s, size_t k)
{
	s->nodes_done++;
	for (size_t j = 0; j < s->nnext[k]; j++) {
		size_t m = s->next[k][j];
		if (--s->waiting[m] == 0)
			node_ready(s, m);
	}
}

/* Who waits for whom, per the order. */
static void
lc_edges(struct lc_state *s)
{
	const struct graph *g = s->g;

	s->next = xcalloc(s->nsvc + 1, sizeof(*s->next));
	s->nnext = xcalloc(s->nsvc + 1, sizeof(*s->nnext));
	if (s->order == LC_ANY_ORDER)
		return;
	for (size_t a = 0; a < s->nsvc; a++)
		for (size_t d = 0; d < g->ndeps[a]; d++) {
			size_t b = g->deps[a][d];
			/* deps first: a waits for b; else b waits for a */
			size_t first = s->order == LC_DEPS_FIRST ? b : a;
			size_t then = s->order == LC_DEPS_FIRST ? a : b;
			s->next[first] = xreallocarray(s->next[first],
						       s->nnext[first] + 1,
						       sizeof(size_t));
			s->next[first][s->nnext[first]++] = then;
			s->waiting[then]++;
		}
}

int
lc_run(struct target *t, const struct lc_action *a,
       const struct obs_container *const *cs, size_t n, enum lc_order order,
       const struct graph *g)
{
	struct lc_state s = {
		.t = t,
		.a = a,
		.g = g ? g : &t->graph,
		.order = order,
		.nsvc = t->services.n,
		.cs = cs,
		.n = n,
		.limit = t->g->parallel,
		.kind = t->g->dry_run ? "DRY-RUN MODE -  Container" :
					"Container",
	};
	int ret = 0;

	if (n == 0)
		return 0;
	strv_init(&s.errors);
	strv_init(&s.warnings);
	s.waiting = xcalloc(s.nsvc + 1, sizeof(size_t));
	s.left = xcalloc(s.nsvc + 1, sizeof(size_t));
	s.readied = xcalloc(s.nsvc + 1, sizeof(bool));
	s.svc_of = xcalloc(n, sizeof(size_t));
	s.queue = xcalloc(n, sizeof(size_t));
	lc_edges(&s);
	s.prog = progress_new(t->g->progress, t->g->ansi, a->title,
			      engine_loop(t->engine));
	for (size_t i = 0; i < n; i++) {
		int k = target_service(t, cs[i]->service);
		s.svc_of[i] = k < 0 ? s.nsvc : (size_t)k;
		if (k < 0)
			s.queue[s.qtail++] = i; /* orphans: no order */
		else
			s.left[k]++;
	}
	for (size_t k = 0; k < s.nsvc; k++)
		if (s.waiting[k] == 0)
			node_ready(&s, k);
	pump(&s);
	while (s.finished < n) {
		if (s.inflight == 0 && s.qhead == s.qtail && s.gating == 0) {
			/* A cycle in hand-made depends_on labels: no order. */
			for (size_t k = 0; k < s.nsvc; k++)
				node_ready(&s, k);
			pump(&s);
			continue;
		}
		ev_run(engine_loop(t->engine), EVRUN_ONCE);
	}
	progress_free(s.prog);
	for (size_t i = 0; i < s.warnings.n; i++)
		warning("%s", s.warnings.v[i]);
	for (size_t i = 0; i < s.errors.n; i++)
		ret = error("%s", s.errors.v[i]);
	for (size_t k = 0; k < s.nsvc; k++)
		free(s.next[k]);
	free(s.next);
	free(s.nnext);
	free(s.waiting);
	free(s.left);
	free(s.readied);
	free(s.svc_of);
	free(s.queue);
	strv_clear(&s.errors);
	strv_clear(&s.warnings);
	return ret;
}

bool
lc_confirm(const char *msg)
{
	char line[64];

	printf("%s [yN] ", msg);
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL) {
		putchar('\n');
		return false;
	}
	return line[0] == 'y' || line[0] == 'Y';
}

int
target_parse_index(const struct cmd_entry *e, const char *arg, int *out)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (*arg == '\0' || *end || v < 1 || v > INT_MAX) {
		cmd_usage_error(e,
				"invalid --index \"%s\": give a replica "
				"number, 1 or more",
				arg);
		return -1;
	}
	*out = (int)v;
	return 0;
}

const struct lc_action lc_stop = {
	.title = "Stopping",
	.what = "stop",
	.method = "POST",
	.suffix = "/stop",
	.working = "Stopping",
	.done = "Stopped",
	.also_ok = 304,
};

int
lc_timeout_query(const struct cmd_entry *e, const char *arg, char **query)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (*arg == '\0' || *end || v < 0) {
		cmd_usage_error(e, "invalid timeout \"%s\": give whole seconds",
				arg);
		return -1;
	}
	free(*query);
	*query = xasprintf("t=%ld", v);
	return 0;
}
