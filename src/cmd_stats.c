/*
 * cmd_stats.c - `berth stats`: a live table of the project's containers'
 * resource use, as `docker compose stats` (the Docker CLI's `docker stats`
 * over the containers with the project's label) prints it.
 *
 * One GET /containers/{id}/stats stream per container, all at once on the
 * engine's loop; each keeps its latest sample, and a 500 ms timer (the
 * CLI's ticker) prints the table of the latest ones: over the previous one
 * on a terminal, one after the other otherwise. The first table waits for
 * every container's first sample (at most 2 s, as the CLI does). A
 * /events stream (type=container, label project=P), opened before the
 * containers are listed so none is missed, adds the containers that start
 * later (with --all, also those created) and drops those that die (with
 * --all, those removed).
 *
 * --no-stream asks each container for one sample with stream=0: the engine
 * then takes two a second apart, so CPU % is measured (a stream's first
 * sample has no previous one to measure against), prints one table and
 * exits. Ctrl-C ends the stream with 130, as in docker compose.
 *
 * The numbers and text of a row come from stats_calc.h, the table from
 * tmpl.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>
#include <jansson.h>

#include "buf.h"
#include "cmd.h"
#include "engine.h"
#include "events.h"
#include "format.h"
#include "jsonlines.h"
#include "lifecycle.h"
#include "log.h"
#include "loop.h"
#include "stats_calc.h"
#include "tmpl.h"
#include "xalloc.h"

static const char stats_usage[] =
	"Usage: berth stats [OPTIONS] [SERVICE]\n"
	"\n"
	"Display a live stream of the containers' resource usage.\n"
	"\n"
	"Options:\n"
	"  -a, --all           also stopped containers\n"
	"      --no-stream     print one sample, then exit\n"
	"      --no-trunc      do not truncate the container IDs\n"
	"      --format FORMAT table (default), json (one object a line),\n"
	"                      or a template: '{{.Name}} {{.CPUPerc}}',\n"
	"                      'table {{.Name}}\\t{{.MemUsage}}', {{json .}}\n";

static int stats_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_stats_entry = {
	.name = "stats",
	.summary = "Display a live stream of container resource usage",
	.usage = stats_usage,
	.exec = stats_exec,
};

/* The CLI's redraw interval, and how long it waits for first samples. */
#define TICK	   0.5
#define FIRST_WAIT 2.0
/* --no-stream: the engine takes two samples a second apart. */
#define ONE_SHOT_TIMEOUT_MS 30000

struct stats;

/* A followed container. */
struct sctr {
	struct stats *s;
	char *id;
	json_t *sample;	 /* the latest, or NULL */
	bool answered;	 /* a first sample came, or the request failed */
	bool failed;	 /* the stream failed or ended: "--" */
	bool gone;	 /* dropped: cancelled at the next tick */
	ev_tstamp added; /* when it was added */
	struct engine_req *req;
	struct jsonlines jl;
};

struct stats {
	struct target t;
	struct engine *e;
	bool all, no_stream, trunc, redraw;
	const char *format; /* a template for tmpl_render */
	const char *service;
	struct sctr **v;
	size_t n, alloc;
	size_t pending; /* --no-stream: answers still awaited */

	struct engine_req *events;
	struct jsonlines ejl;
	int64_t since_ns;

	ev_timer tick;
	ev_tstamp started;
	bool drawing; /* the first table is out */
	bool cleared; /* the screen, before the first table */
	struct buf out;

	bool done;
	int status;
};

static int64_t
now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static struct sctr *
sctr_find(struct stats *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (!s->v[i]->gone && strcmp(s->v[i]->id, id) == 0)
			return s->v[i];
	return NULL;
}

static void
sctr_free(struct sctr *c)
{
	if (c == NULL)
		return;
	if (c->req)
		engine_cancel(c->req);
	jsonlines_release(&c->jl);
	json_decref(c->sample);
	free(c->id);
	free(c);
}

static void
on_sample(json_t *v, const char *raw, size_t len, void *arg)
{
	struct sctr *c = arg;

	if (v == NULL || !json_is_object(v) || c->gone)
		return;
	json_decref(c->sample);
	c->sample = json_incref(v);
	c->answered = true;
	c->failed = false;
}

static int
on_stream_data(struct engine_req *req, const char *data, size_t len, void *arg)
{
	struct sctr *c = arg;

	/* An error answer is a JSON message, not a sample. */
	if (engine_req_status(req) < 300)
		jsonlines_feed(&c->jl, data, len);
	return 0;
}

static void
on_stream_done(struct engine_req *req, void *arg)
{
	struct sctr *c = arg;
	struct stats *s = c->s;

	jsonlines_finish(&c->jl);
	if (engine_req_transport_error(req) || engine_req_status(req) >= 300)
		debug("stats of %.12s: %s", c->id,
		      engine_req_transport_error(req) ?
			      engine_req_transport_error(req) :
			      engine_req_message(req));
	if (s->no_stream) {
		size_t len;
		const char *body = engine_req_body(req, &len);
		json_t *v = NULL;

		if (engine_req_status(req) == 200)
			v = json_loadb(body, len, 0, NULL);
		on_sample(v, NULL, 0, c);
		json_decref(v);
		if (s->pending && --s->pending == 0)
			s->done = true;
	}
	/* A stream ends when the engine goes or the container is removed. */
	c->failed = c->sample == NULL || !s->no_stream;
	c->answered = true;
	engine_req_free(req);
	c->req = NULL;
}

static void
sctr_add(struct stats *s, const char *id)
{
	struct sctr *c = xcalloc(1, sizeof(*c));
	char *path = xasprintf("/containers/%s/stats?stream=%d", id,
			       s->no_stream ? 0 : 1);
	struct engine_req_opts o = {
		.path = path,
		.on_data = s->no_stream ? NULL : on_stream_data,
		.on_done = on_stream_done,
		.arg = c,
		.timeout_ms = s->no_stream ? ONE_SHOT_TIMEOUT_MS : 0,
	};

	debug("stats of %.12s", id);
	c->s = s;
	c->id = xstrdup(id);
	c->added = ev_now(engine_loop(s->e));
	jsonlines_init(&c->jl, 1 << 20, on_sample, c);
	ALLOC_GROW(s->v, s->n + 1, s->alloc);
	s->v[s->n++] = c;
	if (s->no_stream)
		s->pending++;
	c->req = engine_start(s->e, &o);
	free(path);
}

/* Free the dropped containers (not from a curl callback: from the tick). */
static void
sweep(struct stats *s)
{
	size_t k = 0;

	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i]->gone)
			sctr_free(s->v[i]);
		else
			s->v[k++] = s->v[i];
	}
	s->n = k;
}

/* Write out all of s->out; a closed stdout ends the command (status 0). */
static void
flush_out(struct stats *s)
{
	if (fwrite(s->out.ptr, 1, s->out.len, stdout) != s->out.len ||
	    fflush(stdout) == EOF) {
		s->done = true;
		s->status = EXIT_OK;
	}
	buf_reset(&s->out);
}

/* The table of the latest samples. */
static void
render(struct stats *s)
{
	json_t **rows = xcalloc(s->n + 1, sizeof(*rows));
	struct buf table = BUF_INIT;
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++) {
		const struct sctr *c = s->v[i];
		/* One that started meanwhile shows with its first sample. */
		if (!c->answered && s->drawing &&
		    ev_now(engine_loop(s->e)) - c->added < FIRST_WAIT)
			continue;
		if (!c->gone)
			rows[n++] = stats_row(c->id, c->sample, c->failed,
					      s->trunc);
	}
	tmpl_render(&table, s->format, stats_fields, stats_nfields, rows, n);
	if (s->redraw) {
		/* Over the last table, line by line, as the CLI redraws:
		   home, each line then erase-to-end, then clear below. */
		const char *p = table.ptr, *nl;
		if (!s->cleared)
			buf_adds(&s->out, "\033[2J");
		s->cleared = true;
		buf_adds(&s->out, "\033[H");
		while ((nl = strchr(p, '\n'))) {
			buf_add(&s->out, p, (size_t)(nl - p));
			buf_adds(&s->out, "\033[K\n");
			p = nl + 1;
		}
		buf_adds(&s->out, "\033[J");
	} else {
		buf_add(&s->out, table.ptr, table.len);
	}
	flush_out(s);
	for (size_t i = 0; i < n; i++)
		json_decref(rows[i]);
	free(rows);
	buf_release(&table);
}

static void
on_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct stats *s = w->data;

	sweep(s);
	if (s->done)
		return;
	if (!s->drawing) {
		bool all = true;
		for (size_t i = 0; i < s->n; i++)
			all = all && s->v[i]->answered;
		if (!all && ev_now(loop) - s->started < FIRST_WAIT)
			return;
		s->drawing = true;
	}
	render(s);
}

/* Does the command follow a container of service svc? */
static bool
stats_wants(const struct stats *s, const char *svc)
{
	if (s->service)
		return svc && strcmp(svc, s->service) == 0;
	return true;
}

static void
on_event(json_t *ev, const char *raw, size_t len, void *arg)
{
	struct stats *s = arg;
	struct container_event e;
	struct sctr *c;

	if (ev == NULL || !container_event_parse(ev, &e) || s->done)
		return;
	c = sctr_find(s, e.id);
	if (strcmp(e.action, "start") == 0 ||
	    (s->all && strcmp(e.action, "create") == 0)) {
		if (c == NULL && stats_wants(s, e.service))
			sctr_add(s, e.id);
	} else if (c && (strcmp(e.action, "destroy") == 0 ||
			 (!s->all && strcmp(e.action, "die") == 0))) {
		c->gone = true;
	}
}

static int
on_events_data(struct engine_req *req, const char *data, size_t len, void *arg)
{
	struct stats *s = arg;

	if (engine_req_status(req) < 300)
		jsonlines_feed(&s->ejl, data, len);
	return 0;
}

static void
on_events_done(struct engine_req *req, void *arg)
{
	struct stats *s = arg;

	jsonlines_finish(&s->ejl);
	if (!s->done) {
		/* The engine went away (the CLI ends quietly then), or
		   refused the stream. */
		if (engine_req_transport_error(req) == NULL &&
		    engine_req_status(req) >= 300) {
			engine_req_report(req);
			s->status = EXIT_FAIL;
		}
		s->done = true;
	}
	engine_req_free(req);
	s->events = NULL;
}

static void
start_events(struct stats *s)
{
	char *path = container_events_path(s->t.name, true, s->since_ns);
	struct engine_req_opts o = {
		.path = path,
		.on_data = on_events_data,
		.on_done = on_events_done,
		.arg = s,
	};

	s->events = engine_start(s->e, &o);
	free(path);
}

static void
on_signal(int signo, unsigned count, void *arg)
{
	struct stats *s = arg;

	s->status = EXIT_INTERRUPTED;
	s->done = true;
}

static int
stats_parse(struct stats *s, const struct globals *g, int argc, char **argv)
{
	enum { OPT_NO_STREAM = 256, OPT_NO_TRUNC, OPT_FORMAT };
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "no-stream", no_argument, NULL, OPT_NO_STREAM },
		{ "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
		{ "format", required_argument, NULL, OPT_FORMAT },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	s->format = stats_table_format;
	while ((c = cmd_getopt(&cmd_stats_entry, argc, argv, "a", opts)) !=
	       -1) {
		switch (c) {
		case 'a':
			s->all = true;
			break;
		case OPT_NO_STREAM:
			s->no_stream = true;
			break;
		case OPT_NO_TRUNC:
			s->trunc = false;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "table") == 0 || *optarg == '\0') {
				s->format = stats_table_format;
			} else if (strcmp(optarg, "json") == 0) {
				s->format = "{{json .}}";
			} else if (strstr(optarg, "{{")) {
				if (tmpl_check(optarg, stats_fields,
					       stats_nfields) < 0)
					return EXIT_USAGE;
				s->format = optarg;
			} else {
				return cmd_usage_error(&cmd_stats_entry,
						       "unknown format \"%s\"",
						       optarg);
			}
			break;
		default:
			return cmd_getopt_exit(c);
		}
	}
	if (argc - optind > 1)
		return cmd_usage_error(&cmd_stats_entry,
				       "one service at most, not %d",
				       argc - optind);
	s->service = optind < argc ? argv[optind] : NULL;
	/* Redraw in place on a terminal (or with --ansi always). */
	s->redraw = !s->no_stream &&
		    (g->ansi && !strcmp(g->ansi, "always") ?
			     true :
			     isatty(STDOUT_FILENO) &&
				     !(g->ansi && !strcmp(g->ansi, "never")));
	return -1;
}

static int
stats_run(struct stats *s)
{
	const struct obs_container **cs = NULL;
	bool *sel = NULL;
	size_t n;

	if (s->service) {
		char *names[] = { (char *)s->service };
		sel = xcalloc(s->t.services.n + 1, sizeof(*sel));
		if (target_select(&s->t, names, 1, sel) < 0) {
			free(sel);
			return EXIT_FAIL;
		}
	}
	/* Orphans and one-offs too: compose filters by the label only. */
	n = target_containers(&s->t, sel, s->service == NULL, &cs);
	free(sel);
	if (!s->no_stream)
		start_events(s);
	for (size_t i = 0; i < n; i++)
		sctr_add(s, cs[i]->id);
	free(cs);
	if (s->no_stream) {
		s->done = s->pending == 0;
		engine_wait(s->e, &s->done);
		/* Nothing at all to show: the CLI prints nothing. */
		if (s->status == EXIT_OK && s->n)
			render(s);
		return s->status;
	}
	s->started = ev_now(engine_loop(s->e));
	ev_timer_start(engine_loop(s->e), &s->tick);
	engine_wait(s->e, &s->done);
	return s->status;
}

static int
stats_exec(struct globals *g, int argc, char **argv)
{
	struct stats s = { .trunc = true, .status = EXIT_OK, .out = BUF_INIT };
	int r, ret = EXIT_FAIL;

	if ((r = stats_parse(&s, g, argc, argv)) >= 0)
		return r;
	jsonlines_init(&s.ejl, 1 << 20, on_event, &s);
	ev_timer_init(&s.tick, on_tick, TICK, TICK);
	s.tick.data = &s;
	s.since_ns = now_ns();
	if (target_open(&s.t, g, (s.all ? TARGET_ALL : 0) | TARGET_ONEOFF) < 0)
		goto done;
	s.e = s.t.engine;
	loop_signals_init(engine_loop(s.e));
	loop_signals_push(on_signal, &s);
	ret = stats_run(&s);
	loop_signals_pop();
done:
	if (s.e)
		ev_timer_stop(engine_loop(s.e), &s.tick);
	if (s.events)
		engine_cancel(s.events);
	jsonlines_release(&s.ejl);
	for (size_t i = 0; i < s.n; i++)
		sctr_free(s.v[i]);
	free(s.v);
	buf_release(&s.out);
	target_close(&s.t);
	return ret;
}
