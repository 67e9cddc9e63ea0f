/*
 * exec_wait.c - the executor's waits (exec_int.h): depends_on conditions
 * (service_healthy, service_completed_successfully) and --wait.
 *
 * A wait lists the service's containers and judges each from its inspect
 * data (the list can lag behind the events: a container may still be
 * listed as running after its die event). When not yet satisfied it
 * sleeps until the project's /events stream reports a change for that
 * service (start, die, health_status), then looks again: no polling. The
 * stream is opened before any container starts, so no transition is
 * missed.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "exec_int.h"
#include "labels.h"
#include "log.h"
#include "naming.h"
#include "project.h"
#include "xalloc.h"

static void wait_check(struct job *j);

enum verdict { V_OK, V_WAIT, V_FAIL };

static bool
has_healthcheck(json_t *in)
{
	json_t *test = json_object_get(
		json_object_get(json_object_get(in, "Config"), "Healthcheck"),
		"Test");
	const char *first = json_string_value(json_array_get(test, 0));

	return first && strcmp(first, "NONE") != 0;
}

/* The last health check's output, "; last health check: ..." or "". */
static void
add_health_log(struct buf *b, json_t *health)
{
	json_t *log = json_object_get(health, "Log");
	json_t *last = json_array_get(log, json_array_size(log) - 1);
	const char *out = json_string_value(json_object_get(last, "Output"));

	if (out == NULL || *out == '\0')
		return;
	buf_adds(b, "; last health check: ");
	buf_add(b, out, strcspn(out, "\n"));
	if (json_is_integer(json_object_get(last, "ExitCode")))
		buf_addf(b, " (exit %lld)",
			 (long long)json_integer_value(
				 json_object_get(last, "ExitCode")));
}

/*
 * One container (its inspect data: the list can lag behind the events)
 * against the wait's condition; *why says what it is.
 */
static enum verdict
judge(const struct action *a, json_t *in, char **why)
{
	json_t *st = json_object_get(in, "State");
	const char *state = json_string_value(json_object_get(st, "Status"));
	json_t *health_obj = json_object_get(st, "Health");
	const char *health =
		json_string_value(json_object_get(health_obj, "Status"));
	int code = (int)json_integer_value(json_object_get(st, "ExitCode"));
	bool running = json_is_true(json_object_get(st, "Running")) &&
		       !json_is_true(json_object_get(st, "Restarting"));
	bool exited = state && (strcmp(state, "exited") == 0 ||
				strcmp(state, "dead") == 0);
	bool hc = has_healthcheck(in);
	struct buf b = BUF_INIT;

	*why = NULL;
	if (!state)
		state = "?";
	/* An exited container is told by its exit code, below: the engine
	 * also marks it unhealthy, which says less. */
	if (health && strcmp(health, "unhealthy") == 0 && !exited &&
	    a->type != ACT_WAIT_COMPLETED) {
		buf_adds(&b, "is unhealthy");
		add_health_log(&b, health_obj);
		*why = buf_detach(&b, NULL);
		return V_FAIL;
	}
	switch (a->type) {
	case ACT_WAIT_HEALTHY:
		if (running && health && strcmp(health, "healthy") == 0)
			return V_OK;
		if (exited) {
			*why = xasprintf("exited (%d) before it was healthy",
					 code);
			return V_FAIL;
		}
		if (!hc) {
			*why = xstrdup("has no healthcheck");
			return V_FAIL;
		}
		*why = xasprintf("is %s", running ? "starting" : state);
		return V_WAIT;
	case ACT_WAIT_COMPLETED:
		if (exited && code == 0)
			return V_OK;
		if (exited) {
			*why = xasprintf(
				"didn't complete successfully: exit %d", code);
			return V_FAIL;
		}
		*why = xasprintf("is %s", state);
		return V_WAIT;
	default:
		if (running &&
		    (!hc || (health && strcmp(health, "healthy") == 0)))
			return V_OK;
		if (exited && code == 0 && a->completed_ok)
			return V_OK;
		if (exited) {
			*why = xasprintf("exited with code %d", code);
			return V_FAIL;
		}
		*why = xasprintf("is %s", running ? "starting" : state);
		return V_WAIT;
	}
}

static void
wait_failed(struct job *j, const char *cname, const char *why)
{
	const char *svc = j->a->target;

	if (!j->a->required) {
		warning("service \"%s\" (%s) %s; going on as it is not "
			"required",
			svc, cname, why);
		exec_job_progress(j, "Skipped", PROGRESS_WARNING);
		exec_job_finish(j, ACTION_DONE);
		return;
	}
	if (j->a->type == ACT_WAIT_COMPLETED)
		exec_job_fail(j, "service \"%s\" %s (container %s)", svc, why,
			      cname);
	else
		exec_job_fail(j, "service \"%s\" is not ready: container %s %s",
			      svc, cname, why);
}

static const char *
name_of(json_t *c)
{
	const char *n = json_string_value(json_object_get(c, "Name"));

	if (n == NULL)
		n = json_string_value(
			json_array_get(json_object_get(c, "Names"), 0));
	return n && *n == '/' ? n + 1 : n ? n : "?";
}

static void wait_inspect_next(struct job *j);

/* All containers judged: done, or asleep until the next event. */
static void
wait_settle(struct job *j)
{
	json_decref(j->nets);
	j->nets = NULL;
	if (j->last == NULL) {
		exec_job_done(j, j->a->type == ACT_WAIT_COMPLETED ? "Exited" :
				 j->a->type == ACT_WAIT_HEALTHY	  ? "Healthy" :
								    "Ready");
		return;
	}
	if (j->x->interrupted) {
		/* Ctrl-C came while this check was in flight: give up now,
		   as on_signal does for the waits that were asleep. */
		exec_job_interrupted(j);
		return;
	}
	if (j->again) {
		wait_check(j);
		return;
	}
	/* Asleep until an event: the slot is free meanwhile. */
	j->state = J_WAITING;
	j->x->active--;
	exec_pump(j->x);
}

static void
wait_inspected(struct job *j, struct engine_req *req)
{
	json_t *in;
	char *why;
	enum verdict v;

	if (j->state == J_FINISHED)
		return;
	if (engine_req_status(req) == 404 && !engine_req_transport_error(req)) {
		j->net_i++; /* removed meanwhile: not a member any more */
		wait_inspect_next(j);
		return;
	}
	if (!exec_req_ok(req, 0)) {
		exec_job_fail_req(j, "inspect the containers of", req);
		return;
	}
	in = exec_req_json(req);
	v = judge(j->a, in, &why);
	if (v == V_FAIL) {
		wait_failed(j, name_of(in), why);
	} else {
		if (v == V_WAIT && j->last == NULL)
			j->last = xasprintf("%s %s", name_of(in), why);
		j->net_i++;
		wait_inspect_next(j);
	}
	free(why);
	json_decref(in);
}

static void
wait_inspect_next(struct job *j)
{
	const char *id = json_string_value(json_array_get(j->nets, j->net_i));
	char *path;

	if (id == NULL) {
		wait_settle(j);
		return;
	}
	path = xasprintf("/containers/%s/json", id);
	exec_job_call(j, "GET", path, NULL, wait_inspected);
	free(path);
}

/* The service's containers (not a recreate's temporary ones). */
static void
wait_listed(struct job *j, struct engine_req *req)
{
	json_t *list, *c;
	size_t i;

	if (j->state == J_FINISHED)
		return;
	if (!exec_req_ok(req, 0)) {
		exec_job_fail_req(j, "list the containers of", req);
		return;
	}
	list = exec_req_json(req);
	json_decref(j->nets);
	j->nets = json_array();
	j->net_i = 0;
	free(j->last);
	j->last = NULL;
	json_array_foreach (list, i, c) {
		const char *replace = json_string_value(json_object_get(
			json_object_get(c, "Labels"), LABEL_REPLACE));
		if (replace && naming_is_temporary(name_of(c), replace))
			continue;
		json_array_append(j->nets, json_object_get(c, "Id"));
	}
	json_decref(list);
	wait_inspect_next(j);
}

/* List the service's containers and judge them (again). */
static void
wait_check(struct job *j)
{
	char *filter = xasprintf(
		"{\"label\":[\"%s=%s\",\"%s=%s\",\"%s=False\"]}", LABEL_PROJECT,
		j->x->p->name, LABEL_SERVICE, j->a->target, LABEL_ONEOFF);
	char *esc = engine_escape(filter);
	char *path = xasprintf("/containers/json?all=1&filters=%s", esc);

	j->again = false;
	exec_job_call(j, "GET", path, NULL, wait_listed);
	free(path);
	free(esc);
	free(filter);
}

void
exec_run_wait(struct job *j)
{
	exec_job_progress(j, "Waiting", PROGRESS_WORKING);
	wait_check(j);
}

/*
 * An event for a service: its waits look again. Events come in bursts
 * (die, then stop, then health_status), so waits are only marked here and
 * kicked once from a zero timer on the loop.
 */
static void
on_event(json_t *ev, const char *raw, size_t len, void *arg)
{
	struct exec *x = arg;
	const char *svc = json_string_value(json_object_get(
		json_object_get(json_object_get(ev, "Actor"), "Attributes"),
		LABEL_SERVICE));

	if (svc == NULL)
		return;
	for (size_t i = 0; i < x->plan->n; i++) {
		struct job *j = &x->jobs[i];
		if (j->a->type < ACT_WAIT_HEALTHY ||
		    strcmp(j->a->target, svc) != 0)
			continue;
		if (j->state == J_WAITING || j->state == J_RUNNING) {
			j->kicked = true;
			ev_timer_start(engine_loop(x->e), &x->kick);
		}
	}
}

void
exec_on_kick(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct exec *x = w->data;

	for (size_t i = 0; i < x->plan->n; i++) {
		struct job *j = &x->jobs[i];
		if (!j->kicked)
			continue;
		j->kicked = false;
		if (j->state == J_WAITING) {
			j->state = J_RUNNING;
			x->active++;
			wait_check(j);
		} else if (j->state == J_RUNNING) {
			j->again = true;
		}
	}
}

static int
events_data(struct engine_req *req, const char *data, size_t len, void *arg)
{
	struct exec *x = arg;

	jsonlines_feed(&x->jl, data, len);
	return 0;
}

static void
events_done(struct engine_req *req, void *arg)
{
	struct exec *x = arg;
	char *m = exec_req_error(req);

	/* The stream only ends when the engine goes away. */
	x->events = NULL;
	for (size_t i = 0; i < x->plan->n; i++) {
		struct job *j = &x->jobs[i];
		if (j->state == J_WAITING) {
			j->state = J_RUNNING;
			x->active++;
			exec_job_fail(j,
				      "lost the engine's event stream while "
				      "waiting for service \"%s\": %s",
				      j->a->target, m);
		}
	}
	free(m);
	engine_req_free(req);
}

void
exec_events_open(struct exec *x)
{
	char *filter = xasprintf("{\"label\":[\"%s=%s\"],\"type\":"
				 "[\"container\"]}",
				 LABEL_PROJECT, x->p->name);
	char *esc = engine_escape(filter);
	char *path = xasprintf("/events?filters=%s", esc);
	struct engine_req_opts o = {
		.path = path,
		.on_data = events_data,
		.on_done = events_done,
		.arg = x,
	};

	jsonlines_init(&x->jl, 1 << 20, on_event, x);
	x->events = engine_start(x->e, &o);
	free(path);
	free(esc);
	free(filter);
}

void
exec_on_wait_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct exec *x = w->data;

	x->timed_out = true;
	for (size_t i = 0; i < x->plan->n; i++) {
		struct job *j = &x->jobs[i];
		/* A wait still pending (its container not even started yet on
		   a busy engine) has run out of time as well. */
		if (j->a->type != ACT_WAIT_READY || j->state == J_FINISHED)
			continue;
		if (j->req) {
			engine_cancel(j->req);
			j->req = NULL;
		}
		const char *why = j->last		? j->last :
				  j->state == J_PENDING ? "not started yet" :
							  "still waiting";
		if (j->state != J_RUNNING) {
			j->state = J_RUNNING;
			x->active++;
		}
		exec_job_fail(j, "service \"%s\" not ready after %ds: %s",
			      j->a->target, x->o->wait_timeout, why);
	}
}
