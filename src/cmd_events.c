/*
 * cmd_events.c - `berth events`: the project's container events, live.
 *
 * One /events stream filtered by type=container and the project label,
 * printed as docker compose does: a line per event, or with --json one
 * JSON object per line {time, type, action, id, service, attributes}.
 * The attributes leave out the com.docker.compose.* labels (they are in
 * every event and say nothing new). Runs until Ctrl-C (130) or until the
 * reader closes stdout (0).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>
#include <jansson.h>

#include "buf.h"
#include "cmd.h"
#include "engine.h"
#include "events.h"
#include "jsonlines.h"
#include "labels.h"
#include "lifecycle.h"
#include "log.h"
#include "logmux.h"
#include "loop.h"
#include "outbuf.h"
#include "strv.h"
#include "xalloc.h"

static const char events_usage[] =
	"Usage: berth events [OPTIONS] [SERVICE...]\n"
	"\n"
	"Print the project's container events as they happen.\n"
	"\n"
	"Options:\n"
	"      --json   one JSON object per line\n";

static int events_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_events_entry = {
	.name = "events",
	.summary = "Print container events in real time",
	.usage = events_usage,
	.exec = events_exec,
};

struct events {
	struct target t;
	struct outbuf out;
	struct jsonlines jl;
	struct engine_req *req;
	char *const *services;
	size_t nservices;
	bool json;
	bool done;
	int status;
	struct buf line;
};

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The attributes worth printing, keys sorted: name and image first. */
static size_t
event_keys(json_t *attrs, const char ***out)
{
	const char *key, **v;
	json_t *val;
	size_t n = 0, first = 0;

	v = xcalloc(json_object_size(attrs) + 1, sizeof(*v));
	if (json_is_string(json_object_get(attrs, "name")))
		v[n++] = "name";
	if (json_is_string(json_object_get(attrs, "image")))
		v[n++] = "image";
	first = n;
	json_object_foreach (attrs, key, val) {
		if (strncmp(key, LABEL_PREFIX, strlen(LABEL_PREFIX)) == 0 ||
		    strcmp(key, "name") == 0 || strcmp(key, "image") == 0 ||
		    !json_is_string(val))
			continue;
		v[n++] = key;
	}
	qsort(v + first, n - first, sizeof(*v), cmp_key);
	*out = v;
	return n;
}

static void
event_print(struct events *ev, json_t *e)
{
	struct container_event ce;
	struct buf *b = &ev->line;
	const char **keys;
	size_t nkeys;

	if (!container_event_parse(e, &ce))
		return;
	json_t *attrs = ce.attrs;
	const char *type = "container", *action = ce.action, *id = ce.id;
	const char *svc = ce.service;
	int64_t ns = ce.time_ns;

	if (ev->nservices) {
		bool hit = false;
		for (size_t i = 0; i < ev->nservices && svc; i++)
			hit |= strcmp(ev->services[i], svc) == 0;
		if (!hit)
			return;
	}
	buf_reset(b);
	nkeys = event_keys(attrs, &keys);
	if (ev->json) {
		struct buf t = BUF_INIT;
		logmux_format_ts(&t, ns);
		json_t *a = json_object();
		for (size_t i = 0; i < nkeys; i++)
			json_object_set(a, keys[i],
					json_object_get(attrs, keys[i]));
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:o}", "time",
				      t.ptr, "type", type, "action", action,
				      "id", id, "service", svc, "attributes",
				      a);
		char *text = json_dumps(o, JSON_COMPACT);
		buf_adds(b, text);
		free(text);
		json_decref(o);
		buf_release(&t);
	} else {
		logmux_format_ts(b, ns);
		buf_addf(b, " %s %s %s (", type, action, id);
		for (size_t i = 0; i < nkeys; i++)
			buf_addf(b, "%s%s=%s", i ? ", " : "", keys[i],
				 json_string_value(
					 json_object_get(attrs, keys[i])));
		buf_addch(b, ')');
	}
	buf_addch(b, '\n');
	outbuf_add(&ev->out, b->ptr, b->len);
	free(keys);
}

static void
on_event(json_t *e, const char *raw, size_t len, void *arg)
{
	if (e)
		event_print(arg, e);
}

static int
on_data(struct engine_req *req, const char *data, size_t len, void *arg)
{
	struct events *ev = arg;

	jsonlines_feed(&ev->jl, data, len);
	return 0;
}

static void
on_done(struct engine_req *req, void *arg)
{
	struct events *ev = arg;

	jsonlines_finish(&ev->jl);
	if (!ev->done) {
		if (engine_req_report(req) == 0)
			error("the engine closed the events stream");
		ev->status = EXIT_FAIL;
		ev->done = true;
	}
	engine_req_free(req);
	ev->req = NULL;
}

static void
on_broken(void *arg)
{
	struct events *ev = arg;

	ev->done = true;
}

static void
on_signal(int signo, unsigned count, void *arg)
{
	struct events *ev = arg;

	ev->status = EXIT_INTERRUPTED;
	ev->done = true;
}

static void
events_start(struct events *ev)
{
	char *path = container_events_path(ev->t.name, true, 0);
	struct engine_req_opts o = {
		.path = path,
		.on_data = on_data,
		.on_done = on_done,
		.arg = ev,
	};

	ev->req = engine_start(ev->t.engine, &o);
	free(path);
}

static int
events_exec(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	struct events ev = { .status = EXIT_OK, .line = BUF_INIT };
	bool *sel = NULL;
	int c;

	while ((c = cmd_getopt(&cmd_events_entry, argc, argv, "", opts)) !=
	       -1) {
		if (c < 0)
			return cmd_getopt_exit(c);
		if (c == 'j')
			ev.json = true;
	}
	ev.services = argv + optind;
	ev.nservices = (size_t)(argc - optind);
	if (target_open(&ev.t, g, TARGET_NO_LIST) < 0) {
		target_close(&ev.t);
		return EXIT_FAIL;
	}
	if (ev.t.project && ev.nservices) {
		sel = xcalloc(ev.t.services.n + 1, sizeof(*sel));
		if (target_select(&ev.t, ev.services, ev.nservices, sel) < 0) {
			ev.status = EXIT_FAIL;
			goto done;
		}
	}
	if (engine_negotiate(ev.t.engine) < 0) {
		ev.status = EXIT_FAIL;
		goto done;
	}
	struct ev_loop *loop = engine_loop(ev.t.engine);
	loop_signals_init(loop);
	loop_signals_push(on_signal, &ev);
	outbuf_init(&ev.out, loop, STDOUT_FILENO, 0);
	ev.out.on_broken = on_broken;
	ev.out.arg = &ev;
	jsonlines_init(&ev.jl, 1 << 20, on_event, &ev);
	events_start(&ev);
	engine_wait(ev.t.engine, &ev.done);
	if (ev.req)
		engine_cancel(ev.req);
	jsonlines_release(&ev.jl);
	outbuf_release(&ev.out);
	loop_signals_pop();
done:
	buf_release(&ev.line);
	free(sel);
	target_close(&ev.t);
	return ev.status;
}
