/*
 * down.c - the plan for `down` (reconcile.h): containers stopped in
 * reverse dependency order and removed, then networks, volumes (-v) and
 * images (--rmi).
 */
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "naming.h"
#include "project.h"
#include "reconcile.h"
#include "xalloc.h"

struct down {
	struct plan *plan;
	const struct project *p;
	const struct observed *o;
	const struct down_opts *opts;
	long *first; /* per container: its first action, or -1 */
	long *last;  /* per container: its final action, or -1 */
	size_t *all; /* every container's final action */
	size_t nall;
};

static bool
running(const struct obs_container *c)
{
	return c->state && (strcmp(c->state, "running") == 0 ||
			    strcmp(c->state, "paused") == 0 ||
			    strcmp(c->state, "restarting") == 0);
}

/* Stop (when running) and remove container k. */
static void
down_container(struct down *d, size_t k, int svc, const char *reason)
{
	const struct obs_container *c = &d->o->containers[k];
	long stop = -1;
	size_t rm;

	if (running(c)) {
		stop = (long)plan_add(d->plan, ACT_STOP, c->name, c->service,
				      svc, c->number, "%s", reason);
		d->plan->actions[stop].obs = c;
		d->plan->actions[stop].running = true;
	}
	rm = plan_add(d->plan,
		      c->oneoff || svc < 0 ? ACT_REMOVE_ORPHAN : ACT_REMOVE,
		      c->name, c->service, svc, c->number, "%s", reason);
	d->plan->actions[rm].obs = c;
	d->plan->actions[rm].remove_volumes = d->opts->volumes;
	if (stop >= 0)
		plan_depend(d->plan, rm, (size_t)stop);
	d->first[k] = stop >= 0 ? stop : (long)rm;
	d->last[k] = (long)rm;
	d->all[d->nall++] = rm;
}

/* A service's containers go after those of the services needing it. */
static void
order_by_dependents(struct down *d)
{
	const struct project *p = d->p;

	for (size_t k = 0; k < d->o->ncontainers; k++) {
		const struct obs_container *c = &d->o->containers[k];
		int i = c->service ? project_service_index(p, c->service) : -1;
		if (d->last[k] < 0 || i < 0)
			continue;
		/* Containers of every service t that depends on i. */
		for (size_t t = 0; t < p->nservices; t++) {
			bool needs = false;
			for (size_t j = 0; j < p->services[t].ndeps; j++)
				if ((int)p->services[t].deps[j].index == i)
					needs = true;
			if (!needs)
				continue;
			for (size_t m = 0; m < d->o->ncontainers; m++) {
				const struct obs_container *x =
					&d->o->containers[m];
				if (d->last[m] >= 0 && x->service &&
				    strcmp(x->service, p->services[t].name) ==
					    0)
					plan_depend(d->plan,
						    (size_t)d->first[k],
						    (size_t)d->last[m]);
			}
		}
	}
}

static void
after_containers(struct down *d, size_t a)
{
	for (size_t i = 0; i < d->nall; i++)
		plan_depend(d->plan, a, d->all[i]);
}

static bool
declared_external(const struct project *p, const char *section, const char *key)
{
	if (p == NULL || key == NULL)
		return false;
	return strcmp(section, "networks") == 0 ?
		       naming_network_external(p, key) :
		       naming_volume_external(p, key);
}

static void
add_image(struct down *d, struct strv *done, const char *ref,
	  const char *service, int svc)
{
	if (strv_contains(done, ref))
		return;
	after_containers(d, plan_add(d->plan, ACT_REMOVE_IMAGE, ref, service,
				     svc, 0, "--rmi %s", d->opts->rmi));
	strv_push(done, ref);
}

/* Without a compose file the containers tell the images: local ones are
 * those named after the project, as built images are. */
static void
down_images_by_labels(struct down *d, struct strv *done)
{
	for (size_t k = 0; k < d->o->ncontainers; k++) {
		const struct obs_container *c = &d->o->containers[k];
		const char *project = json_string_value(
			json_object_get(c->labels, LABEL_PROJECT));
		size_t len = project ? strlen(project) : 0;
		bool local = project && c->image && c->service &&
			     strncmp(c->image, project, len) == 0 &&
			     (c->image[len] == '-' || c->image[len] == '_') &&
			     strcmp(c->image + len + 1, c->service) == 0;

		if (c->image && (local || strcmp(d->opts->rmi, "all") == 0))
			add_image(d, done, c->image, c->service, -1);
	}
}

static void
down_images(struct down *d)
{
	struct strv done = STRV_INIT;

	if (d->p == NULL)
		down_images_by_labels(d, &done);

	for (size_t i = 0; d->p && i < d->p->nservices; i++) {
		const struct service *s = &d->p->services[i];
		bool local = json_object_get(s->def, "image") == NULL;
		char *ref;

		if (d->opts->selected && !d->opts->selected[i])
			continue;
		if (strcmp(d->opts->rmi, "all") != 0 && !local)
			continue;
		ref = naming_image(d->p, s);
		add_image(d, &done, ref, s->name, (int)i);
		free(ref);
	}
	strv_clear(&done);
}

int
plan_down(struct plan *plan, const struct project *p, const struct observed *o,
	  const struct down_opts *opts)
{
	struct down d = { .plan = plan, .p = p, .o = o, .opts = opts };
	bool partial = false;

	d.first = xcalloc(o->ncontainers + 1, sizeof(*d.first));
	d.last = xcalloc(o->ncontainers + 1, sizeof(*d.last));
	d.all = xcalloc(o->ncontainers + 1, sizeof(*d.all));
	for (size_t i = 0; p && opts->selected && i < p->nservices; i++)
		if (!opts->selected[i])
			partial = true;
	for (size_t k = 0; k < o->ncontainers; k++) {
		const struct obs_container *c = &o->containers[k];
		int i = p && c->service ? project_service_index(p, c->service) :
					  -1;
		bool known =
			p == NULL || i >= 0 ||
			(c->service && strv_contains(&p->disabled, c->service));
		d.last[k] = -1;
		if (i >= 0 && opts->selected && !opts->selected[i])
			continue;
		if (known && (i >= 0 || p == NULL)) {
			down_container(&d, k, i, "down");
		} else if (!known && !c->oneoff) {
			if (opts->orphans)
				strv_push(opts->orphans, c->name);
			if (opts->remove_orphans && !partial)
				down_container(&d, k, -1, "orphan");
		} else if (c->oneoff && !partial) {
			down_container(&d, k, -1, "one-off container");
		}
	}
	if (p)
		order_by_dependents(&d);
	/* Networks and volumes only when the whole project goes. */
	for (size_t i = 0; !partial && i < o->nnetworks; i++) {
		const struct obs_network *nw = &o->networks[i];
		if (declared_external(p, "networks", nw->key))
			continue;
		after_containers(&d, plan_add(plan, ACT_REMOVE_NETWORK,
					      nw->name, NULL, -1, 0, "down"));
	}
	for (size_t i = 0; !partial && opts->volumes && i < o->nvolumes; i++) {
		const struct obs_volume *v = &o->volumes[i];
		if (declared_external(p, "volumes", v->key))
			continue;
		after_containers(&d, plan_add(plan, ACT_REMOVE_VOLUME, v->name,
					      NULL, -1, 0, "down -v"));
	}
	if (opts->rmi)
		down_images(&d);
	free(d.first);
	free(d.last);
	free(d.all);
	return 0;
}
