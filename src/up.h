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
#include "strv.h"

struct engine;
struct project;

struct up_ctx {
	struct globals *g;
	struct engine *engine;
	struct project *project;
	char *const *services; /* named on the command line (may be 0) */
	size_t nservices;
	bool *selected;        /* project->nservices bools: services to run */

	/* plan options */
	bool force_recreate, no_recreate, no_start, renew_anon_volumes;
	bool no_deps, always_recreate_deps, remove_orphans;
	bool build, no_build, quiet_pull;
	const char *pull;      /* --pull policy, or NULL */
	struct strv scale;     /* --scale svc=N */
	int timeout;           /* -t; -1: stop_grace_period */
	bool dry_run;

	/* detached and wait */
	bool detach;
	bool wait;
	int wait_timeout;      /* seconds; 0: none */

	/* attached mode (used by up_attached) */
	bool abort_on_container_exit, abort_on_container_failure;
	const char *exit_code_from;
	struct strv attach, no_attach;
	bool attach_dependencies;
	bool no_color, no_log_prefix, timestamps;
	bool menu;
};

/*
 * Observe, plan and execute: create networks and volumes, build what is
 * stale (when allowed), create/recreate/start containers, remove orphans.
 * hooks (may be NULL) is called for each container before it starts.
 * Returns an exit status: 0, 1 (failure reported), 130 (interrupted).
 * With --wait, also waits until the services are running/healthy.
 */
int up_converge(struct up_ctx *ctx, const struct exec_hooks *hooks);

#endif
