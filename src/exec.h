/*
 * exec.h - the executor: runs a plan (planner/plan.h) on the engine's
 * event loop. No decisions are made here: each action is one or a few
 * engine calls. Independent actions run in parallel (bounded), each one
 * once the actions it depends on are done; a failure skips what depends
 * on it and lets the rest finish.
 *
 * depends_on conditions are wait actions in the plan: they watch the
 * project's /events stream (health_status, die, start) and re-check the
 * service's containers when one of them changes, never by polling.
 */
#ifndef BERTH_EXEC_H
#define BERTH_EXEC_H

#include <stdbool.h>

struct hooks_sink;

struct exec_hooks {
	/*
	 * Called after a container is created (or found existing) and
	 * before it is started; attach here so no output is lost. tty: the
	 * container has a TTY.
	 */
	void (*before_start)(const char *id, const char *name,
			     const char *service, bool tty, void *arg);
	void *arg;
	/* Where post_start and pre_stop hooks show their output while
	   they run; NULL: only a failed hook's output, in its error. */
	const struct hooks_sink *hook_output;
};

struct engine;
struct project;
struct plan;
struct progress;
struct build_opts;

struct exec_opts {
	int parallel;	  /* actions at once: > 0, or -1: no limit;
			     0: the default (16) */
	int stop_timeout; /* -t seconds; -1: the container's own */
	int wait_timeout; /* seconds for wait-ready actions; 0: none */
	unsigned only;	  /* bit (1 << enum action_type) to run only
			     those; 0: every pending action */
	const struct exec_hooks *hooks; /* may be NULL */
	struct progress *progress;	/* may be NULL (quiet) */
	char **image_ids; /* per service: image id or NULL; updated
			     after pulls and builds (caller frees) */
	const struct build_opts *build; /* for build actions */
	bool quiet_pull;
};

/*
 * Run the pending actions of plan for project proj (their status is set
 * in the plan). Stops issuing new actions on SIGINT/SIGTERM and waits for
 * those in flight. Returns 0 when every action succeeded, 1 after
 * reporting each failure (once the progress display is done), or
 * EXIT_INTERRUPTED (130).
 */
int exec_plan(struct engine *e, const struct project *proj, struct plan *plan,
	      const struct exec_opts *o);

#endif
