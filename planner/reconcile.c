/*
 * reconcile.c - the plan for `up` (reconcile.h).
 *
 * Services are visited dependencies first. Each gets its image action,
 * then one decision per container; the dependency conditions of
 * depends_on become edges to the dependencies' start actions or to wait
 * actions. The executor runs whatever is ready, so the plan's edges are
 * the only ordering.
 */
#include <stdlib.h>
#include <string.h>

#include "diverge.h"
#include "labels.h"
#include "log.h"
#include "naming.h"
#include "project.h"
#include "reconcile.h"
#include "xalloc.h"

/* Indices of actions, growable. */
struct idxv {
	size_t *v;
	size_t n, cap;
};

static void
idxv_push(struct idxv *x, size_t i)
{
	ALLOC_GROW(x->v, x->n + 1, x->cap);
	x->v[x->n++] = i;
}

/* What the plan holds for one service so far. */
struct svc_state {
	struct idxv creates; /* create, recreate, rename */
	struct idxv starts;
	struct idxv recreates;
	struct idxv keep_running; /* running containers left alone */
	long img;		  /* pull/build action, or -1 */
	long wait[2][2];	  /* [healthy|completed][required] */
};

/* Named resources (networks, volumes) and the action creating them. */
struct res {
	char *name;
	long action; /* -1: exists already */
};

struct rec {
	struct plan *plan;
	const struct project *p;
	const struct observed *o;
	const struct reconcile_opts *opts;
	struct svc_state *st;
	struct res *nets, *vols;
	size_t nnets, nvols, capnets, capvols;
	struct idxv orphan_removals;
	int ret;
};

static bool
selected(const struct rec *r, size_t i)
{
	return r->opts->selected == NULL || r->opts->selected[i];
}

static void
depend_all(struct plan *plan, size_t a, const struct idxv *on)
{
	for (size_t i = 0; i < on->n; i++)
		plan_depend(plan, a, on->v[i]);
}

/* ---- networks and volumes ---- */

static const char *
label_value(const json_t *labels, const char *key)
{
	return json_string_value(json_object_get(labels, key));
}

/* The user labels an existing resource lacks or has with another value. */
static char *
labels_differ(const json_t *want, const json_t *have)
{
	const char *key;
	json_t *v;

	json_object_foreach ((json_t *)want, key, v) {
		const char *w = json_string_value(v);
		const char *h = label_value(have, key);
		if (w && (h == NULL || strcmp(w, h) != 0))
			return xasprintf("label %s is %s%s%s, the compose file "
					 "says \"%s\"",
					 key, h ? "\"" : "", h ? h : "unset",
					 h ? "\"" : "", w);
	}
	return NULL;
}

/* An existing network or volume must match what the file declares. */
static int
check_existing(struct rec *r, const char *kind, const char *name,
	       const json_t *def, const json_t *labels, const char *driver,
	       const char *default_driver)
{
	const char *owner = label_value(labels, LABEL_PROJECT);
	const char *want = json_string_value(json_object_get(def, "driver"));
	char *why = NULL;

	if (owner == NULL)
		warning("%s \"%s\" exists but was not created by compose; "
			"using it (declare it external: true to say so)",
			kind, name);
	if (owner && strcmp(owner, r->p->name) != 0)
		why = xasprintf("it belongs to project \"%s\"", owner);
	else if (driver && strcmp(driver, want ? want : default_driver) != 0)
		why = xasprintf("its driver is \"%s\", the compose file says "
				"\"%s\"",
				driver, want ? want : default_driver);
	else
		why = labels_differ(json_object_get(def, "labels"), labels);
	if (why == NULL)
		return 0;
	error("%s \"%s\" exists with another configuration: %s", kind, name,
	      why);
	hint("remove it (berth down%s) or declare it external: true",
	     strcmp(kind, "volume") == 0 ? " -v" : "");
	free(why);
	return -1;
}

static long
ensure_network(struct rec *r, const char *key)
{
	json_t *def =
		json_object_get(json_object_get(r->p->model, "networks"), key);
	char *name = naming_network(r->p, key);
	const struct obs_network *nw;
	long act = -1;

	for (size_t i = 0; i < r->nnets; i++) {
		if (strcmp(r->nets[i].name, name) == 0) {
			free(name);
			return r->nets[i].action;
		}
	}
	nw = observed_network(r->o, name);
	if (naming_network_external(r->p, key)) {
		if (nw == NULL) {
			r->ret = error("network \"%s\" is declared as "
				       "external, but could not be found",
				       name);
			hint("create it first: docker network create %s", name);
		}
	} else if (nw == NULL) {
		act = (long)plan_add(r->plan, ACT_CREATE_NETWORK, name, NULL,
				     -1, 0, "missing");
	} else if (check_existing(r, "network", name, def, nw->labels,
				  json_string_value(
					  json_object_get(nw->raw, "Driver")),
				  "bridge") < 0) {
		r->ret = -1;
	}
	ALLOC_GROW(r->nets, r->nnets + 1, r->capnets);
	r->nets[r->nnets].name = name;
	r->nets[r->nnets++].action = act;
	return act;
}

static long
ensure_volume(struct rec *r, const char *key)
{
	json_t *def =
		json_object_get(json_object_get(r->p->model, "volumes"), key);
	char *name = naming_volume(r->p, key);
	const struct obs_volume *v;
	long act = -1;

	for (size_t i = 0; i < r->nvols; i++) {
		if (strcmp(r->vols[i].name, name) == 0) {
			free(name);
			return r->vols[i].action;
		}
	}
	v = observed_volume(r->o, name);
	if (naming_volume_external(r->p, key)) {
		if (v == NULL) {
			r->ret = error("volume \"%s\" is declared as external, "
				       "but could not be found",
				       name);
			hint("create it first: docker volume create %s", name);
		}
	} else if (v == NULL) {
		act = (long)plan_add(r->plan, ACT_CREATE_VOLUME, name, NULL, -1,
				     0, "missing");
	} else if (check_existing(
			   r, "volume", name, def, v->labels,
			   json_string_value(json_object_get(v->raw, "Driver")),
			   "local") < 0) {
		r->ret = -1;
	}
	ALLOC_GROW(r->vols, r->nvols + 1, r->capvols);
	r->vols[r->nvols].name = name;
	r->vols[r->nvols++].action = act;
	return act;
}

/* Make action a (unless -1) wait for the networks and volumes s uses,
 * planning their creation when missing. */
static void
depend_resources(struct rec *r, long a, const struct service *s)
{
	const char **keys;
	size_t n = naming_service_networks(s, &keys);
	size_t i;
	json_t *v;

	for (size_t k = 0; k < n; k++) {
		long act = ensure_network(r, keys[k]);
		if (act >= 0 && a >= 0)
			plan_depend(r->plan, (size_t)a, (size_t)act);
	}
	free(keys);
	json_array_foreach (json_object_get(s->def, "volumes"), i, v) {
		const char *type =
			json_string_value(json_object_get(v, "type"));
		const char *src =
			json_string_value(json_object_get(v, "source"));
		long act;

		if (type == NULL || strcmp(type, "volume") != 0 ||
		    src == NULL || *src == '\0')
			continue;
		act = ensure_volume(r, src);
		if (act >= 0 && a >= 0)
			plan_depend(r->plan, (size_t)a, (size_t)act);
	}
}

/* ---- containers ---- */

/* "sha256:0123456789abcdef..." -> "sha256:0123456789ab" */
static const char *
short_id(const char *id, char *buf, size_t size)
{
	snprintf(buf, size, "%.19s", id);
	return buf;
}

/* Does s share a namespace or volumes with dep (service:dep)? */
static const char *
shares_with(const struct service *s, const char *dep)
{
	static const char *const keys[] = { "network_mode", "ipc", "pid",
					    NULL };
	char *ref = xasprintf("service:%s", dep);
	const char *found = NULL;
	size_t i;
	json_t *v;

	for (size_t k = 0; keys[k] && !found; k++) {
		const char *val =
			json_string_value(json_object_get(s->def, keys[k]));
		if (val && strcmp(val, ref) == 0)
			found = keys[k];
	}
	json_array_foreach (json_object_get(s->def, "volumes_from"), i, v) {
		const char *val = json_string_value(v);
		if (!found && val &&
		    (strcmp(val, dep) == 0 ||
		     (strncmp(val, dep, strlen(dep)) == 0 &&
		      val[strlen(dep)] == ':')))
			found = "volumes_from";
	}
	free(ref);
	return found;
}

/* Why the configuration of c differs from s; empty when it does not. */
static void
config_reasons(const struct rec *r, const struct service *s,
	       const struct obs_container *c, struct strv *reasons)
{
	const char *stored;
	json_t *old, *cur;

	if (c->config_hash && strcmp(c->config_hash, s->hash) == 0)
		return;
	if (!c->berth_hash) {
		if (c->inspect)
			diverge_foreign(r->p, s, c->inspect, reasons);
		else
			strv_push(reasons, "config hash differs (created by "
					   "another tool)");
		return;
	}
	stored = label_value(c->labels, LABEL_BERTH_CONFIG);
	old = stored ? json_loads(stored, 0, NULL) : NULL;
	if (old) {
		cur = diverge_service_input(s);
		diverge_config(old, cur, reasons);
		json_decref(cur);
		json_decref(old);
	}
	if (reasons->n == 0)
		strv_push(reasons, "config hash changed");
}

/* A running container must be on every network of its service. */
static void
network_reasons(const struct rec *r, const struct service *s,
		const struct obs_container *c, struct strv *reasons)
{
	json_t *have = json_object_get(
		json_object_get(c->raw, "NetworkSettings"), "Networks");
	const char **keys;
	size_t n;

	if (c->state == NULL || strcmp(c->state, "running") != 0 ||
	    !json_is_object(have))
		return;
	n = naming_service_networks(s, &keys);
	for (size_t i = 0; i < n; i++) {
		char *name = naming_network(r->p, keys[i]);
		if (json_object_get(have, name) == NULL)
			strv_pushf(reasons, "not connected to network %s",
				   name);
		free(name);
	}
	free(keys);
}

/* Why container c of service i must be recreated; NULL to keep it. */
static char *
recreate_reason(struct rec *r, size_t i, const struct obs_container *c,
		bool *if_image_changed)
{
	const struct service *s = &r->p->services[i];
	const struct reconcile_opts *o = r->opts;
	struct strv reasons = STRV_INIT;
	char *out = NULL;
	char a[32], b[32];

	*if_image_changed = false;
	if (o->no_recreate)
		return NULL;
	if (o->force_recreate)
		return xstrdup("forced (--force-recreate)");
	if (o->always_recreate_deps && o->named && !o->named[i])
		return xstrdup("forced (--always-recreate-deps)");
	if (o->renew_anon)
		return xstrdup("renew anonymous volumes (-V)");
	config_reasons(r, s, c, &reasons);
	if (o->image_ids && o->image_ids[i] && c->image_id &&
	    strcmp(o->image_ids[i], c->image_id) != 0)
		strv_pushf(&reasons, "image changed (%s -> %s)",
			   short_id(c->image_id, a, sizeof(a)),
			   short_id(o->image_ids[i], b, sizeof(b)));
	for (size_t d = 0; d < s->ndeps; d++) {
		const char *how = shares_with(s, s->deps[d].name);
		if (how && r->st[s->deps[d].index].recreates.n)
			strv_pushf(&reasons, "%s is recreated (%s)",
				   s->deps[d].name, how);
	}
	if (reasons.n == 0)
		network_reasons(r, s, c, &reasons);
	if (reasons.n == 0 && o->build && o->build[i]) {
		strv_pushf(&reasons, "image rebuilt (%s)", o->build[i]);
		*if_image_changed = true;
	} else if (reasons.n == 0 && o->pull && o->pull[i]) {
		strv_push(&reasons, "image pulled, if it changed");
		*if_image_changed = true;
	}
	if (reasons.n)
		out = diverge_join(&reasons, 4);
	strv_clear(&reasons);
	return out;
}

/* "exited (1)" from "Exited (1) 3 seconds ago"; the state otherwise. */
static char *
stopped_reason(const struct obs_container *c)
{
	int code;

	if (c->status && sscanf(c->status, "Exited (%d)", &code) == 1)
		return xasprintf("container exited (%d)", code);
	return xasprintf("container is %s", c->state ? c->state : "stopped");
}

/* Common edges of a create/recreate of service i. */
static void
depend_create(struct rec *r, size_t a, size_t i)
{
	const struct service *s = &r->p->services[i];

	depend_resources(r, (long)a, s);
	if (r->st[i].img >= 0)
		plan_depend(r->plan, a, (size_t)r->st[i].img);
	depend_all(r->plan, a, &r->orphan_removals);
	for (size_t d = 0; d < s->ndeps; d++)
		if (selected(r, s->deps[d].index))
			depend_all(r->plan, a,
				   &r->st[s->deps[d].index].creates);
}

static size_t
add_start(struct rec *r, size_t i, const char *name, int number, long after,
	  const struct obs_container *c, const char *reason)
{
	const struct service *s = &r->p->services[i];
	size_t a = plan_add(r->plan, ACT_START, name, s->name, (int)i, number,
			    "%s", reason);

	r->plan->actions[a].obs = c;
	if (after >= 0)
		plan_depend(r->plan, a, (size_t)after);
	idxv_push(&r->st[i].starts, a);
	return a;
}

/* The decision for existing container c (final name `name`). */
static void
plan_existing(struct rec *r, size_t i, const struct obs_container *c,
	      const char *name, long after)
{
	const struct service *s = &r->p->services[i];
	bool if_changed;
	char *why = recreate_reason(r, i, c, &if_changed);
	bool running = c->state && strcmp(c->state, "running") == 0;

	if (why) {
		/* The replacement gets the name the file gives now. */
		char *want = naming_container(r->p, s, c->number);
		size_t a = plan_add(r->plan, ACT_RECREATE, want, s->name,
				    (int)i, c->number, "%s", why);
		struct action *act = &r->plan->actions[a];
		act->obs = c;
		act->running = running;
		act->renew_anon = r->opts->renew_anon;
		act->if_image_changed = if_changed;
		if (after >= 0)
			plan_depend(r->plan, a, (size_t)after);
		depend_create(r, a, i);
		idxv_push(&r->st[i].creates, a);
		idxv_push(&r->st[i].recreates, a);
		if (!r->opts->no_start)
			add_start(r, i, want, c->number, (long)a, NULL,
				  "recreated");
		free(want);
		free(why);
		return;
	}
	if (after >= 0)
		idxv_push(&r->st[i].creates, (size_t)after);
	if (r->opts->no_start || c->state == NULL)
		return;
	if (running) {
		idxv_push(&r->st[i].keep_running,
			  (size_t)(c - r->o->containers));
		return;
	}
	if (strcmp(c->state, "restarting") == 0 ||
	    strcmp(c->state, "removing") == 0)
		return;
	if (strcmp(c->state, "paused") == 0) {
		add_start(r, i, name, c->number, after, c,
			  "container is paused");
		return;
	}
	why = stopped_reason(c);
	add_start(r, i, name, c->number, after, c, why);
	free(why);
}

/* A leftover <id>_<name> container of an interrupted recreate. */
static bool
is_temporary(const struct obs_container *c)
{
	return c->replace && naming_is_temporary(c->name, c->replace);
}

static bool
has_final(const struct obs_container **v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i]->name, name) == 0)
			return true;
	return false;
}

static void
plan_service(struct rec *r, size_t i)
{
	const struct service *s = &r->p->services[i];
	const struct obs_container **v;
	size_t n = observed_service_containers(r->o, s->name, false, &v);
	int want = r->opts->scale && r->opts->scale[i] >= 0 ?
			   r->opts->scale[i] :
			   s->replicas;
	int kept = 0, maxnum = 0, prev = -1;
	const char *cname =
		json_string_value(json_object_get(s->def, "container_name"));

	if (cname && want > 1) {
		r->ret = error("service \"%s\" sets container_name \"%s\" and "
			       "cannot have %d replicas",
			       s->name, cname, want);
		free(v);
		return;
	}
	for (size_t k = 0; k < n; k++)
		if (v[k]->number > maxnum)
			maxnum = v[k]->number;
	for (size_t k = 0; k < n; k++) {
		const struct obs_container *c = v[k];
		const char *name = c->name;
		long after = -1;

		if (is_temporary(c)) {
			if (has_final(v, n, c->replace)) {
				plan_add(r->plan, ACT_REMOVE, c->name, s->name,
					 (int)i, c->number,
					 "left over from an interrupted "
					 "recreate");
				r->plan->actions[r->plan->n - 1].obs = c;
				continue;
			}
			after = (long)plan_add(
				r->plan, ACT_RENAME, c->replace, s->name,
				(int)i, c->number,
				"finish an interrupted recreate");
			r->plan->actions[after].obs = c;
			name = c->replace;
		}
		if (kept >= want || c->number == prev) {
			size_t a = plan_add(r->plan, ACT_REMOVE, name, s->name,
					    (int)i, c->number, "%s",
					    c->number == prev ?
						    "duplicate number" :
						    "scale down");
			r->plan->actions[a].obs = c;
			r->plan->actions[a].running =
				c->state && strcmp(c->state, "running") == 0;
			if (after >= 0)
				plan_depend(r->plan, a, (size_t)after);
			continue;
		}
		prev = c->number;
		kept++;
		plan_existing(r, i, c, name, after);
	}
	for (int k = kept; k < want; k++) {
		int number = ++maxnum;
		char *name = naming_container(r->p, s, number);
		size_t a = plan_add(r->plan, ACT_CREATE, name, s->name, (int)i,
				    number, "%s",
				    kept ? "scale up" : "no container");
		depend_create(r, a, i);
		idxv_push(&r->st[i].creates, a);
		if (!r->opts->no_start)
			add_start(r, i, name, number, (long)a, NULL, "created");
		free(name);
	}
	free(v);
}

static size_t
wait_action(struct rec *r, size_t d, enum dep_condition cond, bool required)
{
	int c = cond == DEP_HEALTHY ? 0 : 1;
	long *slot = &r->st[d].wait[c][required];
	const struct service *ds = &r->p->services[d];

	if (*slot < 0) {
		*slot = (long)plan_add(
			r->plan, c == 0 ? ACT_WAIT_HEALTHY : ACT_WAIT_COMPLETED,
			ds->name, ds->name, (int)d, 0, "%s",
			c == 0 ? "service_healthy" :
				 "service_completed_successfully");
		r->plan->actions[*slot].required = required;
		depend_all(r->plan, (size_t)*slot, &r->st[d].starts);
		depend_all(r->plan, (size_t)*slot, &r->st[d].creates);
	}
	return (size_t)*slot;
}

/* restart: true - a running dependent is stopped before the dependency
 * is recreated and started after it. */
static void
restart_dependent(struct rec *r, size_t i, size_t d)
{
	const struct service *s = &r->p->services[i];
	struct idxv *keep = &r->st[i].keep_running;

	for (size_t k = 0; k < keep->n; k++) {
		const struct obs_container *c = &r->o->containers[keep->v[k]];
		size_t stop = plan_add(r->plan, ACT_STOP, c->name, s->name,
				       (int)i, c->number,
				       "%s is recreated (restart: true)",
				       r->p->services[d].name);
		r->plan->actions[stop].obs = c;
		r->plan->actions[stop].running = true;
		for (size_t j = 0; j < r->st[d].recreates.n; j++)
			plan_depend(r->plan, r->st[d].recreates.v[j], stop);
		add_start(r, i, c->name, c->number, (long)stop, c,
			  "restart after its dependency");
	}
	keep->n = 0;
}

/* Edges from s's starts to what its depends_on conditions need. */
static void
plan_conditions(struct rec *r, size_t i)
{
	const struct service *s = &r->p->services[i];

	for (size_t k = 0; k < s->ndeps; k++) {
		const struct service_dep *dep = &s->deps[k];
		size_t d = dep->index;

		if (!selected(r, d))
			continue;
		if (dep->restart && r->st[d].recreates.n &&
		    r->st[i].keep_running.n)
			restart_dependent(r, i, d);
		if (r->st[i].starts.n == 0)
			continue;
		for (size_t j = 0; j < r->st[i].starts.n; j++) {
			size_t a = r->st[i].starts.v[j];
			if (dep->condition == DEP_STARTED) {
				depend_all(r->plan, a, &r->st[d].starts);
				depend_all(r->plan, a, &r->st[d].creates);
			} else {
				plan_depend(r->plan, a,
					    wait_action(r, d, dep->condition,
							dep->required));
			}
		}
	}
}

static bool
service_known(const struct project *p, const char *svc)
{
	return svc && (project_service_index(p, svc) >= 0 ||
		       strv_contains(&p->disabled, svc));
}

static void
plan_orphans(struct rec *r)
{
	for (size_t i = 0; i < r->o->ncontainers; i++) {
		const struct obs_container *c = &r->o->containers[i];
		bool orphan = !c->oneoff && !service_known(r->p, c->service);
		bool oneoff_done = c->oneoff && c->state &&
				   strcmp(c->state, "running") != 0;

		if (orphan && r->opts->orphans)
			strv_push(r->opts->orphans, c->name);
		if (!r->opts->remove_orphans || !(orphan || oneoff_done))
			continue;
		size_t a = plan_add(r->plan, ACT_REMOVE_ORPHAN, c->name,
				    c->service, -1, c->number, "%s",
				    orphan ? "orphan: service not in the "
					     "compose file" :
					     "finished one-off container");
		r->plan->actions[a].obs = c;
		r->plan->actions[a].running = c->state &&
					      strcmp(c->state, "running") == 0;
		idxv_push(&r->orphan_removals, a);
	}
}

/* --wait: every selected service running, healthy or (init) done. */
static void
plan_ready(struct rec *r)
{
	for (size_t i = 0; i < r->p->nservices; i++) {
		const struct service *s = &r->p->services[i];
		bool init = false;
		if (!selected(r, i))
			continue;
		for (size_t j = 0; j < r->p->nservices; j++)
			for (size_t k = 0; k < r->p->services[j].ndeps; k++)
				if (selected(r, j) &&
				    r->p->services[j].deps[k].index == i &&
				    r->p->services[j].deps[k].condition ==
					    DEP_COMPLETED)
					init = true;
		size_t a = plan_add(r->plan, ACT_WAIT_READY, s->name, s->name,
				    (int)i, 0, "%s",
				    init ? "completed or running" :
					   "running or healthy");
		r->plan->actions[a].completed_ok = init;
		depend_all(r->plan, a, &r->st[i].starts);
		depend_all(r->plan, a, &r->st[i].creates);
	}
}

/* The pull or build action already planned for image ref img, or -1. */
static long
image_action(const struct rec *r, const char *img)
{
	for (size_t k = 0; k < r->plan->n; k++) {
		const struct action *a = &r->plan->actions[k];
		if ((a->type == ACT_BUILD || a->type == ACT_PULL) &&
		    strcmp(a->target, img) == 0)
			return (long)k;
	}
	return -1;
}

/*
 * The image action of service i, whose image is img. Services sharing an
 * image share one action: an image is built (or pulled) once, and every
 * service using it waits for that. Building wins over pulling: a pull
 * planned for another service of the same image becomes this build.
 */
static void
plan_image(struct rec *r, size_t i, const char *img)
{
	const struct reconcile_opts *opts = r->opts;
	const struct service *s = &r->p->services[i];
	bool build = opts->build && opts->build[i];
	long k;

	if (!build && !(opts->pull && opts->pull[i]))
		return;
	k = image_action(r, img);
	if (k >= 0 && build && r->plan->actions[k].type == ACT_PULL) {
		struct action *a = &r->plan->actions[k];
		a->type = ACT_BUILD;
		free(a->service);
		a->service = xstrdup(s->name);
		a->svc = (int)i;
		free(a->reason);
		a->reason = xstrdup(opts->build[i]);
	}
	if (k < 0)
		k = (long)plan_add(r->plan, build ? ACT_BUILD : ACT_PULL, img,
				   s->name, (int)i, 0, "%s",
				   build ? opts->build[i] : opts->pull[i]);
	r->st[i].img = k;
}

/*
 * Project networks and volumes are created only once every image is there:
 * a build or pull that fails then leaves a new project with nothing made
 * (every container waits on its networks), so bad input changes nothing.
 */
static void
gate_resources_on_images(struct plan *plan)
{
	for (size_t a = 0; a < plan->n; a++) {
		enum action_type t = plan->actions[a].type;
		if (t != ACT_CREATE_NETWORK && t != ACT_CREATE_VOLUME)
			continue;
		for (size_t b = 0; b < plan->n; b++) {
			enum action_type u = plan->actions[b].type;
			if (u == ACT_PULL || u == ACT_BUILD)
				plan_depend(plan, a, b);
		}
	}
}

int
reconcile(struct plan *plan, const struct project *p, const struct observed *o,
	  const struct reconcile_opts *opts)
{
	struct rec r = { .plan = plan, .p = p, .o = o, .opts = opts };
	char *img;

	r.st = xcalloc(p->nservices + 1, sizeof(*r.st));
	for (size_t i = 0; i < p->nservices; i++) {
		r.st[i].img = -1;
		for (int c = 0; c < 2; c++)
			r.st[i].wait[c][0] = r.st[i].wait[c][1] = -1;
	}
	plan_orphans(&r);
	/* Networks and volumes first, also for services scaled to 0. */
	for (size_t k = 0; k < p->nservices; k++)
		if (selected(&r, p->order[k]) ||
		    (opts->resources_of && opts->resources_of[p->order[k]]))
			depend_resources(&r, -1, &p->services[p->order[k]]);
	for (size_t k = 0; k < p->nservices; k++) {
		size_t i = p->order[k];
		const struct service *s = &p->services[i];
		if (!selected(&r, i))
			continue;
		img = naming_image(p, s);
		plan_image(&r, i, img);
		free(img);
		plan_service(&r, i);
		plan_conditions(&r, i);
	}
	if (opts->wait && !opts->no_start)
		plan_ready(&r);
	gate_resources_on_images(plan);
	for (size_t i = 0; i < p->nservices; i++) {
		free(r.st[i].creates.v);
		free(r.st[i].starts.v);
		free(r.st[i].recreates.v);
		free(r.st[i].keep_running.v);
	}
	for (size_t i = 0; i < r.nnets; i++)
		free(r.nets[i].name);
	for (size_t i = 0; i < r.nvols; i++)
		free(r.vols[i].name);
	free(r.nets);
	free(r.vols);
	free(r.st);
	free(r.orphan_removals.v);
	return r.ret;
}
