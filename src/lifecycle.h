/*
 * lifecycle.h - what ps, start, stop, restart, kill, rm, pause, unpause,
 * top, port, images, exec and run share: finding the project and its
 * containers, choosing them by service, and acting on them concurrently
 * in dependency order.
 *
 * The project is found as docker compose does (projectOrName): with -p
 * and no -f, the name alone is enough and the services and their
 * dependencies come from the containers' labels (service, depends_on), so
 * these commands work where no compose file exists; otherwise the compose
 * file is loaded and its graph is used (COMPOSE_PROJECT_NAME is the
 * fallback name when no file is found).
 */
#ifndef BERTH_LIFECYCLE_H
#define BERTH_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>

#include "graph.h"
#include "observed.h"
#include "strv.h"

struct cmd_entry;
struct engine;
struct globals;
struct project;

enum {
	TARGET_ALL = 1,	    /* list stopped containers too */
	TARGET_ONEOFF = 2,  /* keep one-off (run) containers */
	TARGET_PROJECT = 4, /* a compose file is required (run) */
	TARGET_NO_LIST = 8, /* do not list containers */
};

struct target {
	struct globals *g;
	struct engine *engine;
	unsigned flags;		   /* TARGET_* given to target_open */
	char *name;		   /* project name */
	struct project *project;   /* the compose project, or NULL: name only */
	struct observed obs;	   /* the project's containers */
	struct strv services;	   /* service names, sorted */
	struct graph graph;	   /* over services: a depends on b */
	struct graph restart;	   /* only the depends_on edges with restart */
	struct target_cond *conds; /* depends_on edges with a condition */
	size_t nconds;
};

/* A service waits for another to be healthy, or to have completed. */
struct target_cond {
	size_t svc, dep; /* indices into services */
	int condition;	 /* enum dep_condition (project.h) */
	bool required;
};

/*
 * Open the engine, find the project, list its containers (one request).
 * Returns 0, or -1 after reporting; target_close in both cases.
 */
int target_open(struct target *t, struct globals *g, unsigned flags);
void target_close(struct target *t);

/*
 * {"label":["com.docker.compose.project=NAME"]}, escaped for a
 * ?filters= query: every container (or network) of the project. Caller
 * frees.
 */
char *target_filter(const struct target *t);

/* Index of service name in t->services, or -1. */
int target_service(const struct target *t, const char *name);

/*
 * Mark in sel (t->services.n bools) the services named (all when n is
 * 0). An unknown name is reported ("no such service: NAME"): -1.
 */
int
target_select(const struct target *t, char *const *names, size_t n, bool *sel);

/*
 * The containers of the selected services (sel NULL: every container
 * whose service is in the project), sorted by name. With orphans, also
 * those whose service the project does not define. Caller frees the array
 * (not the containers).
 */
size_t target_containers(const struct target *t, const bool *sel, bool orphans,
			 const struct obs_container ***out);

/*
 * target_select then target_containers: the containers of the services
 * named (all when n is 0). Returns their count, or -1 (reported); *out
 * is then NULL.
 */
long target_named(const struct target *t, char *const *names, size_t n,
		  bool orphans, const struct obs_container ***out);

/*
 * target_open, then target_named: how most commands start. Returns the
 * count, or -1 (reported; *out is then NULL); target_close in both cases.
 */
long target_open_named(struct target *t, struct globals *g, unsigned flags,
		       char *const *names, size_t n, bool orphans,
		       const struct obs_container ***out);

/*
 * The container SERVICE --index N names, as exec and port find it: the
 * running (or, with all, any) container of the service with that number,
 * else the lowest number, one-offs last. NULL after reporting
 * ("service "web" is not running").
 */
const struct obs_container *
target_pick(const struct target *t, const char *service, int index);

/*
 * --index N of exec, port and logs: a replica number from 1. Returns 0,
 * or -1 after a usage error message.
 */
int target_parse_index(const struct cmd_entry *e, const char *arg, int *out);

enum lc_order {
	LC_ANY_ORDER,	    /* all at once */
	LC_DEPS_FIRST,	    /* start: a service after its dependencies */
	LC_DEPENDENTS_FIRST /* stop: a service after its dependents */
};

/* One engine call per container, with its progress texts. */
struct lc_action {
	const char *title;   /* progress header: "Stopping" */
	const char *what;    /* for errors: "stop" */
	const char *method;  /* "POST", "DELETE" */
	const char *suffix;  /* after /containers/{id}: "/stop", "" */
	const char *query;   /* "t=10", or NULL */
	const char *working; /* "Stopping" */
	const char *done;    /* "Stopped" */
	long also_ok;	     /* another status that means success: 304 */
	bool wait_deps;	     /* LC_DEPS_FIRST: a service waits until its
				dependencies meet their depends_on condition
				(healthy, completed) */
};

/* POST /containers/{id}/stop, "already stopped" (304) included. */
extern const struct lc_action lc_stop;

/*
 * -t/--timeout SECONDS of stop and restart as the query "t=N" (*query
 * replaced, caller frees). Returns 0, or -1 after a usage error message.
 */
int lc_timeout_query(const struct cmd_entry *e, const char *arg, char **query);

/*
 * Run a on the n containers cs, concurrently (at most --parallel at
 * once), in order by the service graph g (NULL: t->graph). Failures are
 * reported after the progress display; the first one stops launching
 * more. Returns 0 or -1.
 */
int lc_run(struct target *t, const struct lc_action *a,
	   const struct obs_container *const *cs, size_t n, enum lc_order order,
	   const struct graph *g);

/* Ask "msg [y/N]"-style on stdout, read a line from stdin: yes? */
bool lc_confirm(const char *msg);

#endif
