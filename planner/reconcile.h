/*
 * reconcile.h - desired project + actual state -> plan (plan.h).
 *
 * Pure decisions, after compose's convergence rules (COMPOSE-REFERENCE
 * §3.4): networks and volumes created when missing (a differing existing
 * one is an error, never silently replaced), per container create /
 * recreate (with the reason: which fields changed) / start / leave alone,
 * scale up and down with stable numbers, orphans, and the dependency
 * conditions as wait actions the executor honours.
 */
#ifndef BERTH_RECONCILE_H
#define BERTH_RECONCILE_H

#include <stdbool.h>

#include "observed.h"
#include "plan.h"
#include "strv.h"

struct project;

struct reconcile_opts {
	/* Arrays of project->nservices entries; any may be NULL. */
	const bool *selected; /* converge these (NULL: all) */
	/* Also create the networks and volumes of these, without
	   converging them (the service of a `run`) */
	const bool *resources_of;
	const bool *named;	      /* named on the command line */
	const int *scale;	      /* replicas override, or -1 */
	const char *const *image_ids; /* local id of each service's image */
	const char *const *pull;      /* reason to pull, or NULL */
	const char *const *build;     /* reason to build, or NULL */

	bool force_recreate, no_recreate, no_start, renew_anon;
	bool always_recreate_deps, remove_orphans, wait;
	/* Out (may be NULL): orphan container names, for the warning. */
	struct strv *orphans;
};

/*
 * Fill plan (initialised by the caller) with what `up` must do. Returns
 * 0, or -1 after reporting every conflict (a network or volume that exists
 * with another configuration, a missing external one, container_name with
 * more than one replica).
 */
int reconcile(struct plan *plan, const struct project *p,
	      const struct observed *o, const struct reconcile_opts *opts);

struct down_opts {
	const bool *selected; /* services whose containers go (NULL: all) */
	bool remove_orphans;
	bool volumes;	      /* -v: named and anonymous volumes too */
	const char *rmi;      /* NULL, "local" or "all" */
	struct strv *orphans; /* out (may be NULL), as above */
};

/*
 * What `down` must do: stop containers in reverse dependency order,
 * remove them, then the project's networks, and with -v its volumes, with
 * --rmi its images. p may be NULL (no compose file: everything labelled
 * with the project goes). Returns 0.
 */
int plan_down(struct plan *plan, const struct project *p,
	      const struct observed *o, const struct down_opts *opts);

#endif
