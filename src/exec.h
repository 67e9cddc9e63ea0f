/*
 * exec.h - the executor: runs a plan (planner/plan.h) on the engine's
 * event loop, independent actions in parallel, each service only once its
 * dependencies are satisfied.
 */
#ifndef BERTH_EXEC_H
#define BERTH_EXEC_H

#include <stdbool.h>

struct exec_hooks {
	/*
	 * Called after a container is created (or found existing) and
	 * before it is started; attach here so no output is lost. tty: the
	 * container has a TTY.
	 */
	void (*before_start)(const char *id, const char *name,
			     const char *service, bool tty, void *arg);
	void *arg;
};

struct engine;
struct project;
struct plan;
struct progress;

struct exec_opts {
	int parallel;          /* at most this many requests; <= 0: 16 */
	int stop_timeout;      /* -t; -1: the service's stop_grace_period */
	bool renew_anon;       /* -V: do not carry anonymous volumes over */
	const struct exec_hooks *hooks;
	struct progress *progress;
};

/*
 * Run plan p for project proj. Stops issuing new actions on SIGINT/SIGTERM
 * (waits for those in flight) and returns EXIT_INTERRUPTED (130) then.
 * Returns 0 when every action succeeded, else 1 after reporting each
 * failure.
 */
int exec_plan(struct engine *e, const struct project *proj, struct plan *p,
	      const struct exec_opts *o);

#endif
