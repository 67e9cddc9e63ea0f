/*
 * cmd_logs.c - `berth logs`: the output of a project's containers.
 *
 * Every selected container's log stream is opened at once and printed as
 * prefixed whole lines (logmux.h). With -f the command also follows the
 * project: one /events stream (type=container, label project=P) reports
 * containers that start later (scale up, recreate, restart), whose logs
 * are then followed too. A container's stream resumes after the last
 * timestamp printed, so a restart or a lost engine never prints a line
 * twice. -f ends when no followed container is running any more (as in
 * docker compose), on Ctrl-C (130), or when the reader closes stdout (0).
 *
 * When the engine goes away (a stream fails to transfer), berth says so
 * once, probes /_ping with backoff, then reopens the events stream from
 * the last event seen and re-lists the project to resume every stream.
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
#include "jsonlines.h"
#include "lifecycle.h"
#include "log.h"
#include "logmux.h"
#include "loop.h"
#include "observed.h"
#include "project.h"
#include "xalloc.h"

static const char logs_usage[] =
	"Usage: berth logs [OPTIONS] [SERVICE...]\n"
	"\n"
	"Show the output of the project's containers.\n"
	"\n"
	"Options:\n"
	"  -f, --follow          follow: keep printing, and pick up containers\n"
	"                        that start later\n"
	"  -n, --tail N          the last N lines of each container (default: all)\n"
	"      --since TIME      lines since TIME: RFC3339 (2024-01-02T15:04:05Z),\n"
	"                        Unix seconds, or a duration before now (10m, 1h30m)\n"
	"      --until TIME      lines before TIME (same forms)\n"
	"  -t, --timestamps      print the engine's timestamp of each line\n"
	"      --no-color        no colours\n"
	"      --no-log-prefix   no \"service-N | \" prefix\n"
	"      --index N         only container number N of each service\n"
	"      --merge           all lines in timestamp order, across containers\n";

static int logs_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_logs_entry = {
	.name = "logs",
	.summary = "Show the output of containers",
	.usage = logs_usage,
	.exec = logs_exec,
};

/* How long a line may wait for older ones with --merge -f (seconds). */
#define MERGE_WINDOW 0.25
#define BACKOFF_MIN  0.25
#define BACKOFF_MAX  5.0
/*
 * After a reconnect, containers with a restart policy may come back a
 * little later (the engine restores them): keep following that long
 * before deciding that nothing runs any more.
 */
#define SETTLE_TIME 10.0

/* A followed container. */
struct lctr {
	char *id, *prefix, *service;
	bool running; /* running or restarting, as far as we know */
	bool restart; /* it started again while its stream was open */
	bool lost;    /* its stream broke with the engine connection */
	bool initial; /* listed at the beginning: --tail applies */
	struct lctr *next;
};

struct logs {
	struct globals *g;
	struct target t;
	struct engine *e;
	struct logmux *m;
	bool follow;
	bool *sel;  /* per t.services: selected */
	int index;  /* --index, 0: all */
	bool named; /* services were named */
	bool plain; /* no engine timestamps needed: no -f, -t or --merge */
	char *first_query; /* for containers listed at the start */
	char *later_query; /* for containers that appear later */
	struct lctr *ctrs;

	struct engine_req *events;
	struct jsonlines jl;
	int64_t event_ns; /* the newest event seen (or when we began) */

	bool reconnecting;
	double backoff;
	ev_timer retry;
	ev_timer settle; /* after a reconnect: wait for restarts */
	struct engine_req *probe, *list;
	size_t inspects;

	bool done;
	bool failed;
	int status;
};

static void logs_check_done(struct logs *l);
static void start_events(struct logs *l);
static void begin_reconnect(struct logs *l);

static int64_t
now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static struct lctr *
lctr_find(struct logs *l, const char *id)
{
	for (struct lctr *c = l->ctrs; c; c = c->next)
		if (strcmp(c->id, id) == 0)
			return c;
	return NULL;
}

/* Does the selection take a container of service svc, number num? */
static bool
logs_wants(struct logs *l, const char *svc, int num)
{
	int k;

	if (svc == NULL)
		return false;
	if (l->index > 0 && num != l->index)
		return false;
	k = target_service(&l->t, svc);
	if (k < 0)
		/* A service the project lacks: only without a compose file
		   and without names (everything labelled with the project). */
		return l->t.project == NULL && !l->named;
	return l->sel == NULL || l->sel[k];
}

static struct lctr *
lctr_add(struct logs *l, const char *id, const char *name, const char *svc,
	 bool initial)
{
	struct lctr *c = xcalloc(1, sizeof(*c));

	c->id = xstrdup(id);
	c->prefix = xstrdup(logmux_prefix_of(l->t.name, name));
	c->service = xstrdup(svc);
	c->initial = initial;
	c->next = l->ctrs;
	l->ctrs = c;
	logmux_register(l->m, c->prefix, c->service);
	return c;
}

static void
lctr_stream(struct logs *l, struct lctr *c)
{
	struct logmux_stream st = {
		.id = c->id,
		.prefix = c->prefix,
		.service = c->service,
		.mode = "logs",
		.query = c->initial ? l->first_query : l->later_query,
		.resume = true,
		.no_timestamps = l->plain,
	};

	c->lost = false;
	logmux_add_stream(l->m, &st);
}

static void
on_stream_end(struct logmux *m, const char *id, int err, void *arg)
{
	struct logs *l = arg;
	struct lctr *c = lctr_find(l, id);

	if (err == -1 && !l->follow)
		l->failed = true;
	if (c == NULL || l->done)
		goto done;
	if (err == -2) {
		/* The engine may be gone: probe it, then resume. */
		c->lost = true;
		if (l->follow) {
			begin_reconnect(l);
		} else if (!l->reconnecting) {
			l->failed = true;
			error("lost the engine connection while reading the "
			      "logs of %s",
			      c->prefix);
		}
	} else if (c->restart && l->follow) {
		c->restart = false;
		lctr_stream(l, c);
	}
done:
	logs_check_done(l);
}

static void
on_broken(struct logmux *m, void *arg)
{
	struct logs *l = arg;

	/* `berth logs | head`: the reader has what it wanted. */
	l->status = EXIT_OK;
	l->done = true;
}

static void
on_signal(int signo, unsigned count, void *arg)
{
	struct logs *l = arg;

	l->status = EXIT_INTERRUPTED;
	l->done = true;
}

static void
logs_check_done(struct logs *l)
{
	if (l->done)
		return;
	if (logmux_active(l->m))
		return;
	if (l->follow) {
		if (l->reconnecting || l->inspects || ev_is_active(&l->settle))
			return;
		for (struct lctr *c = l->ctrs; c; c = c->next)
			if (c->running || c->restart)
				return;
	}
	l->done = true;
}

struct inspect {
	struct logs *l;
	char *id;
};

/* After a die: is the container restarting (keep following) or done? */
static void
on_inspect(struct engine_req *req, void *arg)
{
	struct inspect *in = arg;
	struct logs *l = in->l;
	struct lctr *c = lctr_find(l, in->id);
	size_t len;
	const char *body = engine_req_body(req, &len);
	json_t *j = json_loadb(body, len, 0, NULL);
	json_t *state = json_object_get(j, "State");

	if (c)
		c->running = json_is_true(json_object_get(state, "Running")) ||
			     json_is_true(json_object_get(state, "Restarting"));
	json_decref(j);
	engine_req_free(req);
	free(in->id);
	free(in);
	l->inspects--;
	logs_check_done(l);
}

static void
inspect_start(struct logs *l, const char *id)
{
	struct inspect *in = xcalloc(1, sizeof(*in));
	char *path = xasprintf("/containers/%s/json", id);
	struct engine_req_opts o = {
		.path = path,
		.on_done = on_inspect,
		.arg = in,
		.timeout_ms = 30000,
	};

	in->l = l;
	in->id = xstrdup(id);
	l->inspects++;
	engine_start(l->e, &o);
	free(path);
}

static void
on_event(json_t *ev, const char *raw, size_t len, void *arg)
{
	struct logs *l = arg;
	struct container_event e;
	struct lctr *c;

	if (ev == NULL || !container_event_parse(ev, &e) || l->done)
		return;
	debug("event %s %.12s", e.action, e.id);
	if (e.time_ns > l->event_ns)
		l->event_ns = e.time_ns;
	c = lctr_find(l, e.id);
	if (strcmp(e.action, "start") == 0) {
		if (c == NULL) {
			if (e.name == NULL || e.oneoff ||
			    !logs_wants(l, e.service, e.number))
				return;
			c = lctr_add(l, e.id, e.name, e.service, false);
		}
		c->running = true;
		if (logmux_streaming(l->m, e.id))
			c->restart = true; /* reopen when this one ends */
		else
			lctr_stream(l, c);
	} else if (c && strcmp(e.action, "die") == 0) {
		inspect_start(l, e.id);
	} else if (c && strcmp(e.action, "destroy") == 0) {
		c->running = false;
		c->restart = false;
		logs_check_done(l);
	}
}

static int
on_events_data(struct engine_req *req, const char *data, size_t len, void *arg)
{
	struct logs *l = arg;

	jsonlines_feed(&l->jl, data, len);
	return 0;
}

static void
on_events_done(struct engine_req *req, void *arg)
{
	struct logs *l = arg;
	bool answered = engine_req_transport_error(req) == NULL;
	long status = engine_req_status(req);

	jsonlines_finish(&l->jl);
	if (answered && status >= 300) {
		engine_req_report(req);
		l->failed = true;
		l->done = true;
	}
	engine_req_free(req);
	l->events = NULL;
	if (!l->done)
		begin_reconnect(l);
}

static void
start_events(struct logs *l)
{
	char *path = container_events_path(l->t.name, false, l->event_ns);
	struct engine_req_opts o = {
		.path = path,
		.on_data = on_events_data,
		.on_done = on_events_done,
		.arg = l,
	};

	jsonlines_release(&l->jl);
	jsonlines_init(&l->jl, 1 << 20, on_event, l);
	l->events = engine_start(l->e, &o);
	free(path);
}

/* The project's containers again, after a reconnect: resume them all. */
static void
on_list(struct engine_req *req, void *arg)
{
	struct logs *l = arg;
	size_t len;
	const char *body = engine_req_body(req, &len);
	json_t *list = NULL;
	struct observed o = { 0 };

	l->list = NULL;
	if (engine_req_transport_error(req) || engine_req_status(req) >= 300 ||
	    (list = json_loadb(body, len, 0, NULL)) == NULL) {
		engine_req_free(req);
		l->reconnecting = false;
		begin_reconnect(l);
		return;
	}
	engine_req_free(req);
	observed_add_containers(&o, list);
	json_decref(list);
	for (size_t i = 0; i < o.ncontainers; i++) {
		const struct obs_container *oc = &o.containers[i];
		struct lctr *c = lctr_find(l, oc->id);
		bool running = strcmp(oc->state, "running") == 0 ||
			       strcmp(oc->state, "restarting") == 0;

		if (oc->oneoff)
			continue;
		if (c == NULL) {
			if (!running || !logs_wants(l, oc->service, oc->number))
				continue;
			c = lctr_add(l, oc->id, oc->name, oc->service, false);
		}
		c->running = running;
		if (!logmux_streaming(l->m, c->id) && (running || c->lost))
			lctr_stream(l, c);
	}
	observed_release(&o);
	/* Containers gone while we were away: nothing left to follow. */
	for (struct lctr *c = l->ctrs; c; c = c->next)
		if (c->lost && !logmux_streaming(l->m, c->id)) {
			c->lost = false;
			c->running = false;
		}
	l->reconnecting = false;
	l->backoff = 0;
	if (l->events == NULL) {
		/* The events stream failed again meanwhile. */
		begin_reconnect(l);
		return;
	}
	ev_timer_set(&l->settle, SETTLE_TIME, 0.);
	ev_timer_start(engine_loop(l->e), &l->settle);
	logs_check_done(l);
}

static void
on_settle(struct ev_loop *loop, ev_timer *w, int revents)
{
	logs_check_done(w->data);
}

static void
relist(struct logs *l)
{
	char *esc = target_filter(&l->t);
	char *path = xasprintf("/containers/json?all=1&filters=%s", esc);
	struct engine_req_opts o = {
		.path = path,
		.on_done = on_list,
		.arg = l,
		.timeout_ms = 30000,
	};

	l->list = engine_start(l->e, &o);
	free(path);
	free(esc);
}

static void
on_probe(struct engine_req *req, void *arg)
{
	struct logs *l = arg;
	bool up = engine_req_transport_error(req) == NULL &&
		  engine_req_status(req) == 200;

	engine_req_free(req);
	l->probe = NULL;
	if (!up) {
		l->backoff = l->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX :
							    l->backoff * 2;
		ev_timer_set(&l->retry, l->backoff, 0.);
		ev_timer_start(engine_loop(l->e), &l->retry);
		return;
	}
	if (l->events == NULL)
		start_events(l);
	relist(l);
}

static void
on_retry(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct logs *l = w->data;
	struct engine_req_opts o = {
		.path = "/_ping",
		.on_done = on_probe,
		.arg = l,
		.timeout_ms = 2000,
	};

	l->probe = engine_start(l->e, &o);
}

static void
begin_reconnect(struct logs *l)
{
	if (l->reconnecting || l->done)
		return;
	l->reconnecting = true;
	error("lost the engine connection; reconnecting");
	if (l->backoff < BACKOFF_MIN)
		l->backoff = BACKOFF_MIN;
	ev_timer_set(&l->retry, l->backoff, 0.);
	ev_timer_start(engine_loop(l->e), &l->retry);
}

/* The query parts common to every stream. */
static int
logs_queries(struct logs *l, const char *tail, const char *since,
	     const char *until)
{
	struct buf q = BUF_INIT, tmp = BUF_INIT;
	int64_t now = now_ns();

	if (l->follow)
		buf_adds(&q, "follow=1");
	if (since) {
		if (logmux_time_arg(since, now, &tmp) < 0)
			goto bad_since;
		buf_addf(&q, "%ssince=%s", q.len ? "&" : "", tmp.ptr);
		buf_reset(&tmp);
	}
	if (until) {
		if (logmux_time_arg(until, now, &tmp) < 0) {
			error("invalid value \"%s\" for --until", until);
			goto fail;
		}
		buf_addf(&q, "%suntil=%s", q.len ? "&" : "", tmp.ptr);
	}
	l->later_query = xstrdup(q.ptr);
	if (tail && strcmp(tail, "all") != 0)
		buf_addf(&q, "%stail=%s", q.len ? "&" : "", tail);
	l->first_query = buf_detach(&q, NULL);
	buf_release(&tmp);
	return 0;
bad_since:
	error("invalid value \"%s\" for --since", since);
fail:
	hint("use RFC3339 (2024-01-02T15:04:05Z), Unix seconds, or a "
	     "duration such as 10m or 1h30m");
	buf_release(&q);
	buf_release(&tmp);
	return -1;
}

/* `attach: false` services are left out unless named. */
static void
logs_unselect_unattached(struct logs *l)
{
	const struct project *p = l->t.project;

	if (p == NULL)
		return;
	for (size_t i = 0; i < l->t.services.n; i++) {
		int k = project_service_index(p, l->t.services.v[i]);
		if (k >= 0 && json_is_false(json_object_get(p->services[k].def,
							    "attach")))
			l->sel[i] = false;
	}
}

static bool
valid_tail(const char *s)
{
	return strcmp(s, "all") == 0 ||
	       (*s && strspn(s, "0123456789") == strlen(s)) ||
	       strcmp(s, "-1") == 0;
}

static int
logs_run(struct logs *l, char *const *names, size_t n)
{
	const struct obs_container **cs = NULL;
	size_t nc;

	l->named = n > 0;
	if (l->t.services.n) {
		l->sel = xcalloc(l->t.services.n, sizeof(*l->sel));
		if (target_select(&l->t, names, n, l->sel) < 0)
			return EXIT_FAIL;
		if (n == 0)
			logs_unselect_unattached(l);
	} else if (n) {
		return error("no such service: %s", names[0]), EXIT_FAIL;
	}
	logmux_set_services(l->m, l->t.services.v, l->t.services.n);
	nc = target_containers(&l->t, l->sel, false, &cs);
	/* Register every prefix first: one width from the start. */
	for (size_t i = 0; i < nc; i++)
		if (logs_wants(l, cs[i]->service, cs[i]->number))
			lctr_add(l, cs[i]->id, cs[i]->name, cs[i]->service,
				 true);
	if (l->follow)
		start_events(l);
	for (size_t i = 0; i < nc; i++) {
		struct lctr *c = lctr_find(l, cs[i]->id);
		if (c == NULL)
			continue;
		c->running = strcmp(cs[i]->state, "running") == 0 ||
			     strcmp(cs[i]->state, "restarting") == 0 ||
			     strcmp(cs[i]->state, "paused") == 0;
		lctr_stream(l, c);
	}
	free(cs);
	logs_check_done(l);
	engine_wait(l->e, &l->done);
	return l->failed && l->status == EXIT_OK ? EXIT_FAIL : l->status;
}

static void
logs_release(struct logs *l)
{
	struct lctr *c, *next;

	if (l->events)
		engine_cancel(l->events);
	if (l->probe)
		engine_cancel(l->probe);
	if (l->list)
		engine_cancel(l->list);
	if (l->e) {
		ev_timer_stop(engine_loop(l->e), &l->retry);
		ev_timer_stop(engine_loop(l->e), &l->settle);
	}
	jsonlines_release(&l->jl);
	logmux_free(l->m);
	for (c = l->ctrs; c; c = next) {
		next = c->next;
		free(c->id);
		free(c->prefix);
		free(c->service);
		free(c);
	}
	free(l->sel);
	free(l->first_query);
	free(l->later_query);
	target_close(&l->t);
}

static int
logs_exec(struct globals *g, int argc, char **argv)
{
	enum {
		OPT_SINCE = 256,
		OPT_UNTIL,
		OPT_NO_COLOR,
		OPT_NO_PREFIX,
		OPT_INDEX,
		OPT_MERGE
	};
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "tail", required_argument, NULL, 'n' },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "timestamps", no_argument, NULL, 't' },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "no-log-prefix", no_argument, NULL, OPT_NO_PREFIX },
		{ "index", required_argument, NULL, OPT_INDEX },
		{ "merge", no_argument, NULL, OPT_MERGE },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	struct logs l = { .g = g, .status = EXIT_OK };
	const char *tail = "all", *since = NULL, *until = NULL;
	bool timestamps = false, no_color = false, no_prefix = false;
	bool merge = false;
	int c, ret = EXIT_FAIL;

	while ((c = cmd_getopt(&cmd_logs_entry, argc, argv, "fn:t", opts)) !=
	       -1) {
		switch (c) {
		case 'f':
			l.follow = true;
			break;
		case 'n':
			tail = optarg;
			break;
		case 't':
			timestamps = true;
			break;
		case OPT_SINCE:
			since = optarg;
			break;
		case OPT_UNTIL:
			until = optarg;
			break;
		case OPT_NO_COLOR:
			no_color = true;
			break;
		case OPT_NO_PREFIX:
			no_prefix = true;
			break;
		case OPT_INDEX:
			if (target_parse_index(&cmd_logs_entry, optarg,
					       &l.index) < 0)
				return EXIT_USAGE;
			break;
		case OPT_MERGE:
			merge = true;
			break;
		default:
			return cmd_getopt_exit(c);
		}
	}
	if (!valid_tail(tail))
		return cmd_usage_error(&cmd_logs_entry,
				       "invalid --tail \"%s\": use a number "
				       "or \"all\"",
				       tail);
	l.event_ns = now_ns();
	if (logs_queries(&l, tail, since, until) < 0)
		goto done;
	if (target_open(&l.t, g, TARGET_ALL) < 0)
		goto done;
	l.e = l.t.engine;
	ev_timer_init(&l.retry, on_retry, 0., 0.);
	l.retry.data = &l;
	ev_timer_init(&l.settle, on_settle, 0., 0.);
	l.settle.data = &l;
	jsonlines_init(&l.jl, 1 << 20, on_event, &l);
	loop_signals_init(engine_loop(l.e));
	loop_signals_push(on_signal, &l);
	struct logmux_opts mo = {
		.color = logmux_want_color(g->ansi, no_color, STDOUT_FILENO),
		.timestamps = timestamps,
		.no_prefix = no_prefix,
		.merge = merge,
		.merge_window = l.follow ? MERGE_WINDOW : 0,
		.on_end = on_stream_end,
		.on_broken = on_broken,
		.arg = &l,
	};
	l.plain = !l.follow && !timestamps && !merge;
	l.m = logmux_new(l.e, &mo);
	ret = logs_run(&l, argv + optind, (size_t)(argc - optind));
	loop_signals_pop();
done:
	logs_release(&l);
	return ret;
}
