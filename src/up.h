/*
 * up.h - `berth up`: converge a project, then (attached mode) follow it.
 *
 * cmd_up.c parses the options into a struct up_ctx. In detached mode it
 * calls up_converge and is done; in attached mode up_attached (src/
 * up_attached.h, helper E) calls up_converge with hooks that attach to each
 * container before it starts, then follows the output.
 */
#ifndef BERTH_UP_H
#define BERTH_UP_H

#include <stdbool.h>
#include <stddef.h>

#include "cmd.h"
#include "exec.h"
#include "observed.h"
#include "plan.h"
#include "strv.h"

struct engine;
struct project;

struct up_ctx {
	struct globals *g;
	struct engine *engine;
	struct project *project;
	char *const *services; /* named on the command line (may be 0) */
	size_t nservices;
	bool *selected; /* project->nservices bools: services to run */
	/* Services whose networks and volumes must exist, not run (the
	   one-off service of `run`); may be NULL */
	bool *resources_of;

	/* plan options */
	bool force_recreate, no_recreate, no_start, renew_anon_volumes;
	bool no_deps, always_recreate_deps, remove_orphans;
	bool build, no_build, quiet_pull, quiet_build;
	bool yes;	   /* -y: accepted; up asks nothing yet */
	const char *pull;  /* --pull policy, or NULL */
	struct strv scale; /* --scale svc=N */
	int timeout;	   /* -t; -1: stop_grace_period */
	bool dry_run;

	/* detached and wait */
	bool detach;
	bool wait;
	int wait_timeout; /* seconds; 0: none */

	/* attached mode (used by up_attached) */
	bool abort_on_container_exit, abort_on_container_failure;
	const char *exit_code_from;
	struct strv attach, no_attach;
	bool attach_dependencies;
	bool no_color, no_log_prefix, timestamps;
	bool menu;
	bool watch; /* -w: develop.watch as well (detached: a background
		       watcher, watch_bg.h) */
};

/*
 * Options shared by up, create and plan. Their option characters are
 * UPOPT_* (or the short letters); up_option handles one of them.
 */
enum {
	UPOPT_BUILD = 1000,
	UPOPT_NO_BUILD,
	UPOPT_PULL,
	UPOPT_QUIET_PULL,
	UPOPT_QUIET_BUILD,
	UPOPT_FORCE_RECREATE,
	UPOPT_NO_RECREATE,
	UPOPT_ALWAYS_RECREATE_DEPS,
	UPOPT_NO_DEPS,
	UPOPT_NO_START,
	UPOPT_REMOVE_ORPHANS,
	UPOPT_SCALE,
	UPOPT_DRY_RUN,
	UPOPT_WAIT,
	UPOPT_WAIT_TIMEOUT,
	UPOPT_YES,
};

/* clang-format off */
#define UP_PLAN_OPTIONS                                                        \
	{ "build", no_argument, NULL, UPOPT_BUILD },                           \
	{ "no-build", no_argument, NULL, UPOPT_NO_BUILD },                     \
	{ "pull", required_argument, NULL, UPOPT_PULL },                       \
	{ "quiet-pull", no_argument, NULL, UPOPT_QUIET_PULL },                 \
	{ "quiet-build", no_argument, NULL, UPOPT_QUIET_BUILD },               \
	{ "force-recreate", no_argument, NULL, UPOPT_FORCE_RECREATE },         \
	{ "no-recreate", no_argument, NULL, UPOPT_NO_RECREATE },               \
	{ "always-recreate-deps", no_argument, NULL,                           \
	  UPOPT_ALWAYS_RECREATE_DEPS },                                        \
	{ "renew-anon-volumes", no_argument, NULL, 'V' },                      \
	{ "no-deps", no_argument, NULL, UPOPT_NO_DEPS },                       \
	{ "remove-orphans", no_argument, NULL, UPOPT_REMOVE_ORPHANS },         \
	{ "scale", required_argument, NULL, UPOPT_SCALE },                     \
	{ "dry-run", no_argument, NULL, UPOPT_DRY_RUN },                       \
	{ "yes", no_argument, NULL, 'y' }
/* clang-format on */

/* Defaults: timeout -1, and COMPOSE_REMOVE_ORPHANS. */
void up_ctx_init(struct up_ctx *ctx, struct globals *g);
/* 1: c was one of the shared options, 0: it was not, -1: bad value. */
int up_option(struct up_ctx *ctx, int c, const char *arg);
/* Flag combinations docker compose refuses; 0 or -1 (reported). */
int up_check(const struct up_ctx *ctx);
/* Load the project (services: the words left in argv), open the engine,
 * select services. 0 or -1 (reported). */
int up_ctx_load(struct up_ctx *ctx, char *const *services, size_t n);
void up_ctx_release(struct up_ctx *ctx);

/*
 * What up_prepare found and decided: the actual state, the plan, and per
 * service the image ids and the reasons to pull or build.
 */
struct up_state {
	struct observed obs;
	struct plan plan;
	char **image_ids; /* per service, or NULL (owned) */
	char **pull;	  /* per service: reason to pull, or NULL (owned) */
	char **build;	  /* per service: reason to build, or NULL (owned) */
	int *scale;	  /* per service: --scale, or -1 */
	bool *named;	  /* per service: named on the command line */
	struct strv orphans;
	int lock_fd; /* -1 unless locked */
};

/*
 * Lock the project (unless dry_run), observe it, decide images, and plan.
 * Fills st (release it with up_state_release in every case). Returns 0 or
 * -1 after reporting.
 */
int up_prepare(struct up_ctx *ctx, struct up_state *st);
void up_state_release(struct up_state *st, size_t nservices);

/* Warn about orphans unless --remove-orphans or COMPOSE_IGNORE_ORPHANS. */
void up_warn_orphans(const struct strv *orphans, bool remove_orphans);

/*
 * Observe, plan and execute: create networks and volumes, build what is
 * stale (when allowed), create/recreate/start containers, remove orphans.
 * hooks (may be NULL) is called for each container before it starts.
 * Returns an exit status: 0, 1 (failure reported), 130 (interrupted).
 * With --wait, also waits until the services are running/healthy.
 */
int up_converge(struct up_ctx *ctx, const struct exec_hooks *hooks);

/*
 * --wait for containers started some other way (`start --wait`): wait
 * until every one of services (n names) of project is running, and
 * healthy when it has a health check, as up --wait does; a service with
 * completed_ok[i] (others depend on it completing) may instead have
 * exited 0. timeout: seconds, 0 for none. Progress as g says. Returns an
 * exit status: 0, 1 (reported: not ready, or timed out), 130.
 */
int up_wait_services(struct engine *e, struct globals *g, const char *project,
		     char *const *services, const bool *completed_ok, size_t n,
		     int timeout);
/* "--wait-timeout" and the like: a number of seconds (0 or more). */
int up_parse_seconds(const char *opt, const char *arg, int *out);

#endif
