/*
 * watch.h - develop.watch: keep running containers in step with the
 * source tree (`berth watch`, `berth up --watch`).
 *
 * Each service's develop.watch rules (action, path, target, ignore,
 * include, initial_sync, exec) are watched with filewatch.h. Changes are
 * filtered (the rule's ignore and include patterns, the build context's
 * .dockerignore, .git/ and editor temporary files), batched until the tree
 * has been quiet for 500 ms, de-duplicated, then applied per service:
 *   sync          tar the changed files, PUT /containers/{id}/archive;
 *                 deleted paths are removed with `rm -rf` through exec
 *   restart       POST /containers/{id}/restart
 *   sync+restart  both
 *   sync+exec     sync, then run the rule's exec command once
 *   rebuild       build the service's image and recreate its containers
 *                 (up_converge on that service alone)
 *
 * Batches are applied from top-level code (watch_poll), never inside a
 * loop callback, because applying them makes synchronous engine calls.
 */
#ifndef BERTH_WATCH_H
#define BERTH_WATCH_H

#include <stdbool.h>

struct up_ctx;
struct logmux;
struct watch;

struct exec_hooks;

struct watch_opts {
	bool quiet; /* no build output */
	bool prune; /* remove dangling images of the project after a rebuild */
	bool color; /* the watch marker in colour */
	/* Given to up_converge when a rebuild recreates containers. */
	const struct exec_hooks *hooks;
};

/*
 * Set up the watches for the selected services of ctx (their containers
 * must exist: call after up_converge). Messages go through m when given
 * (in order with container output), else to stdout. Returns 0, or -1
 * after reporting (no service has develop.watch, bad patterns).
 */
int watch_start(struct watch **out, struct up_ctx *ctx,
		const struct watch_opts *o, struct logmux *m);
/* Sync the initial_sync rules' trees. 0 or -1 (reported). */
int watch_initial_sync(struct watch *w);
/* Is a batch ready to be applied? */
bool watch_ready(const struct watch *w);
/* Apply the batch the debounce released, if any. 0 or -1 (reported). */
int watch_poll(struct watch *w);
void watch_free(struct watch *w);

#endif
