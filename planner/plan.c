/*
 * plan.c - the plan as data (plan.h): building, printing, JSON.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "plan.h"
#include "xalloc.h"

static const char *const names[ACT__COUNT] = {
	[ACT_PULL] = "pull",
	[ACT_BUILD] = "build",
	[ACT_CREATE_NETWORK] = "create",
	[ACT_CREATE_VOLUME] = "create",
	[ACT_CREATE] = "create",
	[ACT_RECREATE] = "recreate",
	[ACT_RENAME] = "rename",
	[ACT_START] = "start",
	[ACT_STOP] = "stop",
	[ACT_REMOVE] = "remove",
	[ACT_REMOVE_ORPHAN] = "remove",
	[ACT_REMOVE_NETWORK] = "remove",
	[ACT_REMOVE_VOLUME] = "remove",
	[ACT_REMOVE_IMAGE] = "remove",
	[ACT_WAIT_HEALTHY] = "wait-healthy",
	[ACT_WAIT_COMPLETED] = "wait-completed",
	[ACT_WAIT_READY] = "wait-ready",
};

/* The kind prefix of a target in printed plans ("" for containers). */
static const char *
kind_of(enum action_type t)
{
	switch (t) {
	case ACT_PULL:
	case ACT_BUILD:
	case ACT_REMOVE_IMAGE:
		return "image:";
	case ACT_CREATE_NETWORK:
	case ACT_REMOVE_NETWORK:
		return "network:";
	case ACT_CREATE_VOLUME:
	case ACT_REMOVE_VOLUME:
		return "volume:";
	case ACT_WAIT_HEALTHY:
	case ACT_WAIT_COMPLETED:
	case ACT_WAIT_READY:
		return "service:";
	default:
		return "";
	}
}

void
plan_init(struct plan *p)
{
	memset(p, 0, sizeof(*p));
}

void
plan_release(struct plan *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->actions[i].target);
		free(p->actions[i].service);
		free(p->actions[i].reason);
		free(p->actions[i].deps);
	}
	free(p->actions);
	memset(p, 0, sizeof(*p));
}

size_t
plan_add(struct plan *p, enum action_type type, const char *target,
	 const char *service, int svc, int number, const char *fmt, ...)
{
	struct action *a;
	struct buf b = BUF_INIT;
	va_list ap;

	ALLOC_GROW(p->actions, p->n + 1, p->cap);
	a = &p->actions[p->n];
	memset(a, 0, sizeof(*a));
	a->type = type;
	a->target = xstrdup(target ? target : "");
	a->service = service ? xstrdup(service) : NULL;
	a->svc = svc;
	a->number = number;
	a->required = true;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	a->reason = buf_detach(&b, NULL);
	return p->n++;
}

void
plan_depend(struct plan *p, size_t a, size_t on)
{
	struct action *x = &p->actions[a];

	if (a == on)
		return;
	for (size_t i = 0; i < x->ndeps; i++)
		if (x->deps[i] == on)
			return;
	ALLOC_GROW(x->deps, x->ndeps + 1, x->capdeps);
	x->deps[x->ndeps++] = on;
}

const char *
action_name(enum action_type type)
{
	return names[type];
}

bool
action_changes(enum action_type type)
{
	return type < ACT_WAIT_HEALTHY;
}

size_t
plan_changes(const struct plan *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		if (action_changes(p->actions[i].type))
			n++;
	return n;
}

void
plan_print(const struct plan *p, struct buf *out)
{
	size_t width = 0;
	struct buf t = BUF_INIT;

	for (size_t i = 0; i < p->n; i++) {
		const struct action *a = &p->actions[i];
		size_t len = strlen(kind_of(a->type)) + strlen(a->target);
		if (action_changes(a->type) && len > width)
			width = len;
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct action *a = &p->actions[i];
		if (!action_changes(a->type))
			continue;
		buf_reset(&t);
		buf_addf(&t, "%s%s", kind_of(a->type), a->target);
		buf_addf(out, "%-9s %-*s  %s\n", action_name(a->type),
			 (int)width, t.ptr, a->reason);
	}
	buf_release(&t);
}

json_t *
plan_to_json(const struct plan *p)
{
	json_t *actions = json_array();

	for (size_t i = 0; i < p->n; i++) {
		const struct action *a = &p->actions[i];
		json_t *deps = json_array();
		const char *kind = kind_of(a->type);
		json_t *o;

		for (size_t j = 0; j < a->ndeps; j++)
			json_array_append_new(
				deps, json_integer((json_int_t)a->deps[j]));
		/* "network:" -> "network" */
		if (*kind == '\0')
			kind = "container:";
		o = json_pack("{s:s, s:s%, s:s, s:o}", "action",
			      action_name(a->type), "kind", kind,
			      strlen(kind) - 1, "target", a->target,
			      "depends_on", deps);
		if (a->service)
			json_object_set_new(o, "service",
					    json_string(a->service));
		if (a->number)
			json_object_set_new(o, "number",
					    json_integer(a->number));
		json_object_set_new(o, "reason", json_string(a->reason));
		json_object_set_new(o, "changes",
				    json_boolean(action_changes(a->type)));
		json_array_append_new(actions, o);
	}
	return json_pack("{s:I, s:o}", "changes", (json_int_t)plan_changes(p),
			 "actions", actions);
}
