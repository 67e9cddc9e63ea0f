/*
 * hooks.h - the service lifecycle hooks post_start and pre_stop, run as
 * docker compose runs them (pkg/compose/hook.go): each hook of the list
 * is a process started in the container through the exec API, one after
 * another; a hook that exits non-zero ends the list and fails the
 * start or stop it belongs to.
 *
 * Everything is asynchronous on the engine's loop: hooks_run starts the
 * first request and returns; its callback runs once the list is done.
 */
#ifndef BERTH_HOOKS_H
#define BERTH_HOOKS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct engine;
struct hooks_state;

/*
 * Where a hook's output goes while it runs (attached `up` shows it in
 * the log stream as compose does, prefixed "web-1 ->"). key names one
 * exec, unique for the run: begin once the exec starts, data as the
 * engine sends it (multiplexed frames), end once it is over.
 */
struct hooks_sink {
	void (*begin)(const char *key, const char *prefix, const char *service,
		      void *arg);
	void (*data)(const char *key, const char *data, size_t len, void *arg);
	void (*end)(const char *key, void *arg);
	void *arg;
};

/* The hook kinds, as the compose file names them. */
#define HOOKS_POST_START "post_start"
#define HOOKS_PRE_STOP	 "pre_stop"

/*
 * A list ran: err is NULL when every hook exited 0, else one line
 * naming the service, the container and the exit code (or the engine's
 * message), for a progress line; report is then err followed by the
 * hook's last output lines, each "NAME -> | line" on a line of its own
 * (err alone when there was no output or a sink showed it already), for
 * the error message. Both borrowed for the call.
 */
typedef void (*hooks_done_fn)(const char *err, const char *report, void *arg);

struct hooks_opts {
	const char *kind;      /* HOOKS_POST_START or HOOKS_PRE_STOP */
	const char *id;	       /* the container's id */
	const char *container; /* its name, for messages */
	const char *service;
	const char *project; /* stripped from the name in output prefixes,
				as compose shows "web-1 ->"; may be NULL */
	const struct hooks_sink *sink; /* NULL: output kept for errors only;
					  must outlive the run */
	hooks_done_fn done;
	void *arg;
};

/* The service definition's list of hooks of kind, or NULL when empty. */
const json_t *hooks_of(const json_t *def, const char *kind);

/*
 * Run hooks (a JSON array of hook definitions) in container o->id, one
 * at a time; o->done runs exactly once, from a request callback, or at
 * once when hooks is empty or a definition is unusable. The strings of o
 * are copied. Returns the run, valid until o->done runs, for
 * hooks_cancel; NULL when o->done ran already.
 */
struct hooks_state *
hooks_run(struct engine *e, const json_t *hooks, const struct hooks_opts *o);

/*
 * Stop waiting for a run (Ctrl-C): its request is dropped and o->done
 * runs now with an "interrupted" error. The hook's process itself goes
 * on in the container, as with docker compose, until it ends or the
 * container stops.
 */
void hooks_cancel(struct hooks_state *run);

/*
 * The POST /containers/{id}/exec body for one hook definition: Cmd (a
 * string command split as compose splits it), User, Privileged,
 * WorkingDir, Env (map or list), AttachStdout and AttachStderr. NULL
 * with a reason in *err (caller frees) for a missing or bad command.
 */
json_t *hooks_exec_body(const json_t *hook, char **err);

/*
 * The last max non-blank lines of an exec's output (multiplexed frames,
 * or raw bytes from a TTY), each as "prefix | line", joined by newlines.
 * Caller frees.
 */
char *
hooks_output_tail(const char *data, size_t len, const char *prefix, size_t max);

#endif
