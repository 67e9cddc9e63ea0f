/*
 * exec_int.h - what exec.c (scheduling, engine actions) and exec_wait.c
 * (depends_on conditions, --wait, the /events stream) share. Private to
 * the executor: nothing else includes it.
 */
#ifndef BERTH_EXEC_INT_H
#define BERTH_EXEC_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <ev.h>
#include <jansson.h>

#include "engine.h"
#include "exec.h"
#include "jsonlines.h"
#include "plan.h"
#include "progress.h"

enum job_state { J_PENDING, J_RUNNING, J_WAITING, J_FINISHED };

struct exec;
struct job;
/* The next step of a job, with the answer to its last request. */
typedef void (*step_fn)(struct job *j, struct engine_req *req);

/* One action being run: a chain of engine requests. */
struct job {
	struct exec *x;
	struct action *a;
	enum job_state state;
	struct engine_req *req;
	step_fn next;
	char *id;     /* the container (or network) acted on */
	char *new_id; /* recreate: the replacement */
	json_t *spec;
	json_t *nets; /* networks to connect, or container ids to judge */
	size_t net_i;
	bool again;  /* an event came while a check was in flight */
	bool kicked; /* an event came: check again from the loop */
	char *last;  /* waits: what the last check saw */
	struct hooks_state *hooks; /* lifecycle hooks running, or NULL */
};

struct exec {
	struct engine *e;
	const struct project *p;
	struct plan *plan;
	const struct exec_opts *o;
	struct job *jobs;
	size_t active; /* running jobs (waits not counted) */
	size_t limit;
	bool interrupted;
	bool timed_out;
	bool finished;
	bool pumping, pump_again;
	struct engine_req *events;
	struct jsonlines jl;
	ev_timer wait_timer;
	ev_timer kick; /* checks waits after events, outside curl */
};

/* exec.c */
void exec_pump(struct exec *x);
const struct service *exec_job_service(const struct job *j);
const char *exec_kind_of(const struct action *a);
void exec_job_progress(struct job *j, const char *text, enum progress_state st);
void exec_job_finish(struct job *j, enum action_status st);
/* Given up on after Ctrl-C: shown "interrupted", skipped. */
void exec_job_interrupted(struct job *j);
void exec_job_done(struct job *j, const char *text);
/* Fail with a message (printf-style), reported and shown. */
void exec_job_fail(struct job *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Fail with "cannot WHAT KIND "TARGET": engine message". */
void exec_job_fail_req(struct job *j, const char *what, struct engine_req *req);
/* The engine's answer as one message (caller frees). */
char *exec_req_error(struct engine_req *req);
/* A 2xx answer, or also_ok (304, 404...) when given. */
bool exec_req_ok(struct engine_req *req, long also_ok);
json_t *exec_req_json(struct engine_req *req);
/* Start one request of job j; next runs with its answer. */
void exec_job_call(struct job *j, const char *method, const char *path,
		   const json_t *body, step_fn next);
/* The same with a raw body of content type ctype (copied). */
void exec_job_call_raw(struct job *j, const char *method, const char *path,
		       const char *ctype, const void *body, size_t len,
		       step_fn next);
/* A create or recreate has its container, networks and files: go on. */
void exec_created(struct job *j);

/* exec_files.c */
/* Copy the service's content/environment configs and secrets into the
   new container, then exec_created (or fail the job). */
void exec_copy_files(struct job *j);

/* exec_wait.c */
void exec_run_wait(struct job *j);
void exec_events_open(struct exec *x);
void exec_on_kick(struct ev_loop *loop, ev_timer *w, int revents);
void exec_on_wait_timeout(struct ev_loop *loop, ev_timer *w, int revents);

#endif
