/*
 * plan.h - a plan is data: the list of engine actions that turn the
 * actual state (observed.h) into the desired one (project.h), each with
 * the reason it is needed and the actions it must wait for.
 *
 * reconcile() makes one for `up`/`create`/`plan`, plan_down() one for
 * `down`; plan_print and plan_to_json show it (`berth plan`, --dry-run);
 * src/exec.c runs it. Nothing here talks to the engine.
 *
 * Ownership: a plan owns its actions and their strings; `obs` pointers are
 * borrowed from the struct observed the plan was made from, which must
 * outlive the plan.
 */
#ifndef BERTH_PLAN_H
#define BERTH_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "observed.h"

struct buf;
struct project;

enum action_type {
	ACT_PULL,	    /* pull a service's image */
	ACT_BUILD,	    /* build a service's image */
	ACT_CREATE_NETWORK, /* create a project network */
	ACT_CREATE_VOLUME,  /* create a project volume */
	ACT_CREATE,	    /* create a container */
	ACT_RECREATE,	    /* replace a container, keeping its volumes */
	ACT_RENAME,	    /* finish an interrupted recreate */
	ACT_START,	    /* start (or unpause) a container */
	ACT_STOP,	    /* stop a container */
	ACT_REMOVE,	    /* remove a container */
	ACT_REMOVE_ORPHAN,  /* stop and remove a container of no service */
	ACT_REMOVE_NETWORK,
	ACT_REMOVE_VOLUME,
	ACT_REMOVE_IMAGE,
	/* Waits change nothing: they order actions on container state. */
	ACT_WAIT_HEALTHY,   /* a dependency's containers are healthy */
	ACT_WAIT_COMPLETED, /* a dependency's containers exited 0 */
	ACT_WAIT_READY,	    /* --wait: a service is running/healthy */
	ACT__COUNT
};

enum action_status {
	ACTION_PENDING,
	ACTION_DONE,
	ACTION_FAILED,
	ACTION_SKIPPED, /* a dependency failed, or interrupted */
};

struct action {
	enum action_type type;
	char *target;  /* container, network, volume or image name */
	char *service; /* service name, or NULL */
	int svc;       /* index in project->services, or -1 */
	int number;    /* container number, or 0 */
	char *reason;  /* why, for people */
	size_t *deps;  /* indices of actions this one waits for */
	size_t ndeps, capdeps;
	const struct obs_container *obs; /* the container acted on */
	bool running;			 /* obs was running (recreate, stop) */
	bool renew_anon;	   /* recreate/remove: drop anonymous volumes */
	bool if_image_changed;	   /* recreate only if the pulled id differs */
	bool required;		   /* waits: a failure fails the plan */
	bool completed_ok;	   /* ACT_WAIT_READY: exit 0 counts as ready */
	bool remove_volumes;	   /* remove: also its anonymous volumes */
	enum action_status status; /* set by the executor */
};

struct plan {
	struct action *actions;
	size_t n, cap;
};

void plan_init(struct plan *p);
void plan_release(struct plan *p);

/* Append an action; returns its index. reason is printf-style. */
size_t plan_add(struct plan *p, enum action_type type, const char *target,
		const char *service, int svc, int number, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
/* Action a waits for action on (repeats are kept once). */
void plan_depend(struct plan *p, size_t a, size_t on);

/* "create", "recreate", "wait-healthy"... */
const char *action_name(enum action_type type);
/* Does this action change anything (waits do not)? */
bool action_changes(enum action_type type);
/* How many actions change something: 0 means up to date. */
size_t plan_changes(const struct plan *p);

/*
 * One line per changing action: "recreate  web-1   REASON". Networks,
 * volumes and images are prefixed with their kind ("network:p_default").
 */
void plan_print(const struct plan *p, struct buf *out);
/* {"changes": N, "actions": [{action, target, service, number, reason,
 * depends_on}]} with every action (waits included). */
json_t *plan_to_json(const struct plan *p);

#endif
