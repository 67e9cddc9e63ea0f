/*
 * cmd_top.c - `berth top`: the processes of the services' running
 * containers, one table per container as docker compose prints them.
 * The per-container GET /containers/{id}/top requests run at once.
 */
#include <stdio.h>
#include <stdlib.h>

#include <ev.h>
#include <jansson.h>

#include "buf.h"
#include "cmd.h"
#include "engine.h"
#include "format.h"
#include "lifecycle.h"
#include "log.h"
#include "strv.h"
#include "xalloc.h"

static const char top_usage[] =
	"Usage: berth top [SERVICE...]\n"
	"\n"
	"Show the processes running in the services' containers.\n";

static int top_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_top_entry = {
	.name = "top",
	.summary = "Display the running processes",
	.usage = top_usage,
	.exec = top_exec,
};

struct top_call {
	struct engine_req *req;
	int *pending;
};

static void
top_done(struct engine_req *req, void *arg)
{
	struct top_call *call = arg;

	(*call->pending)--;
}

static void
top_print(const char *name, const json_t *v)
{
	const json_t *titles = json_object_get(v, "Titles");
	const json_t *procs = json_object_get(v, "Processes");
	size_t ncols = json_array_size(titles), i, j;
	struct strv cells = STRV_INIT;
	struct buf out = BUF_INIT;
	json_t *p, *cell;

	json_array_foreach (titles, i, cell)
		strv_push(&cells, json_string_value(cell) ?
					  json_string_value(cell) :
					  "");
	json_array_foreach (procs, i, p)
		for (j = 0; j < ncols; j++) {
			const char *s = json_string_value(json_array_get(p, j));
			strv_push(&cells, s ? s : "");
		}
	printf("%s\n", name);
	format_table(&out, &cells, ncols, 5, 3);
	printf("%s\n", out.ptr);
	buf_release(&out);
	strv_clear(&cells);
}

static int
top_run(struct target *t, const struct obs_container *const *cs, size_t n)
{
	struct top_call *calls = xcalloc(n + 1, sizeof(*calls));
	int pending = (int)n, ret = 0;

	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("/containers/%s/top", cs[i]->id);
		struct engine_req_opts o = {
			.path = path,
			.on_done = top_done,
			.arg = &calls[i],
			.timeout_ms = 60000,
		};
		calls[i].pending = &pending;
		calls[i].req = engine_start(t->engine, &o);
		free(path);
	}
	while (pending > 0)
		ev_run(engine_loop(t->engine), EVRUN_ONCE);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *body = engine_req_body(calls[i].req, &len);
		json_t *v;

		if (engine_req_report(calls[i].req) < 0) {
			ret = -1;
			continue;
		}
		v = json_loadb(body, len, 0, NULL);
		top_print(cs[i]->name, v);
		json_decref(v);
	}
	for (size_t i = 0; i < n; i++)
		engine_req_free(calls[i].req);
	free(calls);
	return ret;
}

static int
top_exec(struct globals *g, int argc, char **argv)
{
	const struct obs_container **cs = NULL;
	struct target t;
	int c, ret = EXIT_FAIL;
	long n;

	if ((c = cmd_getopt_none(&cmd_top_entry, argc, argv)) < 0)
		return cmd_getopt_exit(c);
	n = target_open_named(&t, g, 0, argv + optind, (size_t)(argc - optind),
			      false, &cs);
	if (n >= 0 && top_run(&t, cs, (size_t)n) == 0)
		ret = EXIT_OK;
	free(cs);
	target_close(&t);
	return ret;
}
