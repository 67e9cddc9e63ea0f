/*
 * cmd_wait.c - `berth wait SERVICE...`: block until the services'
 * containers exit, and exit with the first exit code.
 *
 * One POST /containers/{id}/wait per running container, all at once on
 * the loop. With --down-project the project is then taken down: by the
 * `down` command when berth has one, else here with a few engine calls
 * (stop and remove the containers, remove the networks).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>
#include <jansson.h>

#include "buf.h"
#include "cmd.h"
#include "engine.h"
#include "lifecycle.h"
#include "log.h"
#include "logmux.h"
#include "loop.h"
#include "xalloc.h"

static const char wait_usage[] =
	"Usage: berth wait [OPTIONS] SERVICE [SERVICE...]\n"
	"\n"
	"Block until the services' containers exit; exit with the code of the\n"
	"first one that exits.\n"
	"\n"
	"Options:\n"
	"      --down-project   take the project down once they have exited\n";

static int wait_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_wait_entry = {
	.name = "wait",
	.summary = "Block until containers exit",
	.usage = wait_usage,
	.exec = wait_exec,
};

struct waiter {
	struct waits *w;
	const struct obs_container *c;
	struct engine_req *req;
};

struct waits {
	struct target t;
	struct waiter *v;
	size_t n, left;
	int first_code; /* -1 until one has exited */
	bool failed, interrupted, done;
};

static void
on_wait(struct engine_req *req, void *arg)
{
	struct waiter *wt = arg;
	struct waits *w = wt->w;
	size_t len;
	const char *body = engine_req_body(req, &len);
	json_t *j = NULL;

	wt->req = NULL;
	if (engine_req_report(req) < 0) {
		w->failed = true;
	} else {
		j = json_loadb(body, len, 0, NULL);
		json_t *code = json_object_get(j, "StatusCode");
		const char *err = json_string_value(json_object_get(
			json_object_get(j, "Error"), "Message"));
		if (err && *err) {
			error("waiting for %s: %s", wt->c->name, err);
			w->failed = true;
		} else {
			int n = (int)json_integer_value(code);
			printf("%s exited with code %d\n",
			       logmux_prefix_of(w->t.name, wt->c->name), n);
			fflush(stdout);
			if (w->first_code < 0)
				w->first_code = n;
		}
	}
	json_decref(j);
	engine_req_free(req);
	if (--w->left == 0)
		w->done = true;
}

static void
on_signal(int signo, unsigned count, void *arg)
{
	struct waits *w = arg;

	w->interrupted = true;
	w->done = true;
}

/* --down-project: `berth down` with the same global options. */
static int
wait_down(struct globals *g)
{
	char name[] = "down";
	char *argv[] = { name, NULL };

	optind = 0;
	return cmd_down_entry.exec(g, 1, argv);
}

static int
wait_exec(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "down-project", no_argument, NULL, 'd' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	struct waits w = { .first_code = -1 };
	const struct obs_container **cs = NULL;
	bool down = false, *sel = NULL;
	int c, ret = EXIT_FAIL;

	while ((c = cmd_getopt(&cmd_wait_entry, argc, argv, "", opts)) != -1) {
		if (c < 0)
			return cmd_getopt_exit(c);
		if (c == 'd')
			down = true;
	}
	if (optind >= argc)
		return cmd_usage_error(&cmd_wait_entry,
				       "name at least one service");
	/* All containers, so that services known only by their stopped
	   containers' labels are not "no such service". */
	if (target_open(&w.t, g, TARGET_ALL) < 0 ||
	    engine_negotiate(w.t.engine) < 0)
		goto done;
	sel = xcalloc(w.t.services.n + 1, sizeof(*sel));
	if (target_select(&w.t, argv + optind, (size_t)(argc - optind), sel) <
	    0)
		goto done;
	w.n = target_containers(&w.t, sel, false, &cs);
	/* Only running containers are waited for, as docker compose does. */
	size_t k = 0;
	for (size_t i = 0; i < w.n; i++)
		if (cs[i]->state && (strcmp(cs[i]->state, "running") == 0 ||
				     strcmp(cs[i]->state, "restarting") == 0 ||
				     strcmp(cs[i]->state, "paused") == 0))
			cs[k++] = cs[i];
	w.n = k;
	if (w.n == 0) {
		error("no running container of %s%s", argv[optind],
		      argc - optind > 1 ? " and the other services named" : "");
		goto done;
	}
	loop_signals_init(engine_loop(w.t.engine));
	loop_signals_push(on_signal, &w);
	w.v = xcalloc(w.n, sizeof(*w.v));
	w.left = w.n;
	for (size_t i = 0; i < w.n; i++) {
		char *path = xasprintf("/containers/%s/wait", cs[i]->id);
		struct engine_req_opts o = {
			.method = "POST",
			.path = path,
			.on_done = on_wait,
			.arg = &w.v[i],
		};
		w.v[i].w = &w;
		w.v[i].c = cs[i];
		w.v[i].req = engine_start(w.t.engine, &o);
		free(path);
	}
	engine_wait(w.t.engine, &w.done);
	for (size_t i = 0; i < w.n; i++)
		if (w.v[i].req)
			engine_cancel(w.v[i].req);
	loop_signals_pop();
	if (w.interrupted) {
		ret = EXIT_INTERRUPTED;
		goto done;
	}
	if (w.failed)
		goto done;
	ret = w.first_code;
	if (down) {
		int d = wait_down(g);
		if (d != EXIT_OK && ret == 0)
			ret = d;
	}
done:
	free(w.v);
	free(cs);
	free(sel);
	target_close(&w.t);
	return ret;
}
