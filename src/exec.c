/*
 * exec.c - run a plan on the engine's event loop (exec.h).
 *
 * Every action is a job: a small chain of engine requests, each step
 * started from the previous one's completion callback. exec_pump starts
 * whatever is ready (all dependencies done, a free slot) and marks as
 * skipped what can no longer run; the loop runs until no job is pending
 * or in flight.
 *
 * Waits (depends_on conditions, --wait) are in exec_wait.c.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>

#include "buf.h"
#include "cmd.h"
#include "container_spec.h"
#include "engine.h"
#include "exec_int.h"
#include "hooks.h"
#include "image_build.h"
#include "labels.h"
#include "log.h"
#include "loop.h"
#include "naming.h"
#include "plan.h"
#include "progress.h"
#include "project.h"
#include "xalloc.h"

/*
 * No limit unless asked, as docker compose: the engine queues what it
 * cannot do at once, and a cap of 16 made a cold up -d of 30 services 12%
 * slower here.
 */
#define DEFAULT_PARALLEL 0

/* ---- helpers ---- */

const struct service *
exec_job_service(const struct job *j)
{
	if (j->a->svc < 0 || (size_t)j->a->svc >= j->x->p->nservices)
		return NULL;
	return &j->x->p->services[j->a->svc];
}

const char *
exec_kind_of(const struct action *a)
{
	switch (a->type) {
	case ACT_PULL:
	case ACT_BUILD:
	case ACT_REMOVE_IMAGE:
		return "Image";
	case ACT_CREATE_NETWORK:
	case ACT_REMOVE_NETWORK:
		return "Network";
	case ACT_CREATE_VOLUME:
	case ACT_REMOVE_VOLUME:
		return "Volume";
	case ACT_WAIT_READY:
	case ACT_WAIT_HEALTHY:
	case ACT_WAIT_COMPLETED:
		return "Service";
	default:
		return "Container";
	}
}

void
exec_job_progress(struct job *j, const char *text, enum progress_state st)
{
	progress_event(j->x->o->progress, exec_kind_of(j->a), j->a->target,
		       text, st);
}

void
exec_job_interrupted(struct job *j)
{
	progress_error(j->x->o->progress, exec_kind_of(j->a), j->a->target,
		       "interrupted");
	exec_job_finish(j, ACTION_SKIPPED);
}

void
exec_job_finish(struct job *j, enum action_status st)
{
	struct exec *x = j->x;

	if (j->state == J_RUNNING)
		x->active--;
	j->state = J_FINISHED;
	j->a->status = st;
	json_decref(j->spec);
	j->spec = NULL;
	json_decref(j->nets);
	j->nets = NULL;
	exec_pump(x);
}

void
exec_job_done(struct job *j, const char *text)
{
	if (text)
		exec_job_progress(j, text, PROGRESS_DONE);
	exec_job_finish(j, ACTION_DONE);
}

void
exec_job_fail(struct job *j, const char *fmt, ...)
{
	struct buf m = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&m, fmt, ap);
	va_end(ap);
	progress_error(j->x->o->progress, exec_kind_of(j->a), j->a->target,
		       m.ptr);
	error("%s", m.ptr);
	buf_release(&m);
	exec_job_finish(j, ACTION_FAILED);
}

/* The engine's answer as one message: transport or HTTP error. */
char *
exec_req_error(struct engine_req *req)
{
	if (engine_req_transport_error(req))
		return xasprintf("cannot reach the Docker engine at %s: %s",
				 engine_host(engine_req_engine(req)),
				 engine_req_transport_error(req));
	return xasprintf("%s (HTTP %ld)", engine_req_message(req),
			 engine_req_status(req));
}

/* Fail the job with "what TARGET: engine message". */
void
exec_job_fail_req(struct job *j, const char *what, struct engine_req *req)
{
	char *m = exec_req_error(req);

	exec_job_fail(j, "cannot %s %s \"%s\": %s", what,
		      strcmp(exec_kind_of(j->a), "Container") == 0 ?
			      "container" :
		      strcmp(exec_kind_of(j->a), "Network") == 0 ? "network" :
		      strcmp(exec_kind_of(j->a), "Volume") == 0	 ? "volume" :
								   "image",
		      j->a->target, m);
	free(m);
}

bool
exec_req_ok(struct engine_req *req, long also_ok)
{
	long st = engine_req_status(req);

	if (engine_req_transport_error(req))
		return false;
	return (st >= 200 && st < 300) || (also_ok && st == also_ok);
}

json_t *
exec_req_json(struct engine_req *req)
{
	size_t len;
	const char *body = engine_req_body(req, &len);

	return json_loadb(body, len, 0, NULL);
}

static void
on_step_done(struct engine_req *req, void *arg)
{
	struct job *j = arg;
	step_fn next = j->next;

	j->req = NULL;
	next(j, req);
	engine_req_free(req);
}

/* Start one request of job j; next runs with its answer. */
void
exec_job_call(struct job *j, const char *method, const char *path,
	      const json_t *body, step_fn next)
{
	j->next = next;
	j->req =
		engine_start_json(j->x->e, method, path, body, on_step_done, j);
}

void
exec_job_call_raw(struct job *j, const char *method, const char *path,
		  const char *ctype, const void *body, size_t len, step_fn next)
{
	struct engine_req_opts o = {
		.method = method,
		.path = path,
		.body = body,
		.body_len = len,
		.content_type = ctype,
		.on_done = on_step_done,
		.arg = j,
	};

	j->next = next;
	j->req = engine_start(j->x->e, &o);
}

/* ---- networks and volumes ---- */

/* The top-level key whose engine name is name, or NULL. */
static const char *
key_for(const struct project *p, const char *section, const char *name)
{
	json_t *top = json_object_get(p->model, section);
	const char *key;
	json_t *v;

	json_object_foreach (top, key, v) {
		char *n = strcmp(section, "networks") == 0 ?
				  naming_network(p, key) :
				  naming_volume(p, key);
		bool same = strcmp(n, name) == 0;
		free(n);
		if (same)
			return key;
	}
	/* The implicit default network. */
	if (strcmp(section, "networks") == 0) {
		char *n = naming_network(p, "default");
		bool same = strcmp(n, name) == 0;
		free(n);
		if (same)
			return "default";
	}
	return NULL;
}

static json_t *
resource_labels(const struct project *p, const char *label, const char *key,
		const json_t *def)
{
	json_t *labels = json_object();
	const char *k;
	json_t *v;

	json_object_foreach (json_object_get(def, "labels"), k, v) {
		if (json_is_string(v))
			json_object_set(labels, k, v);
	}
	json_object_set_new(labels, LABEL_PROJECT, json_string(p->name));
	json_object_set_new(labels, label, json_string(key));
	json_object_set_new(labels, LABEL_VERSION,
			    json_string(COMPOSE_COMPAT_VERSION));
	return labels;
}

static void
created_resource(struct job *j, struct engine_req *req)
{
	/* 409: made meanwhile (by another tool): it is there, fine. */
	if (!exec_req_ok(req, 409)) {
		exec_job_fail_req(j, "create", req);
		return;
	}
	exec_job_done(j, "Created");
}

static json_t *
ipam_of(const json_t *def)
{
	const json_t *ipam = json_object_get(def, "ipam");
	json_t *out = json_object();
	json_t *cfg = json_array();
	size_t i;
	json_t *c;

	if (json_string_value(json_object_get(ipam, "driver")))
		json_object_set(out, "Driver", json_object_get(ipam, "driver"));
	json_array_foreach (json_object_get(ipam, "config"), i, c) {
		json_t *e = json_object();
		static const char *const keys[][2] = {
			{ "subnet", "Subnet" },
			{ "gateway", "Gateway" },
			{ "ip_range", "IPRange" },
		};
		for (size_t k = 0; k < 3; k++)
			if (json_is_string(json_object_get(c, keys[k][0])))
				json_object_set(e, keys[k][1],
						json_object_get(c, keys[k][0]));
		if (json_is_object(json_object_get(c, "aux_addresses")))
			json_object_set(e, "AuxiliaryAddresses",
					json_object_get(c, "aux_addresses"));
		json_array_append_new(cfg, e);
	}
	if (json_array_size(cfg))
		json_object_set(out, "Config", cfg);
	json_decref(cfg);
	if (json_is_object(json_object_get(ipam, "options")))
		json_object_set(out, "Options",
				json_object_get(ipam, "options"));
	return out;
}

static void
run_create_network(struct job *j)
{
	const struct project *p = j->x->p;
	const char *key = key_for(p, "networks", j->a->target);
	const json_t *def =
		key ? json_object_get(json_object_get(p->model, "networks"),
				      key) :
		      NULL;
	const char *driver = json_string_value(json_object_get(def, "driver"));
	json_t *body = json_pack(
		"{s:s, s:s, s:b, s:o}", "Name", j->a->target, "Driver",
		driver ? driver : "bridge", "CheckDuplicate", 1, "Labels",
		resource_labels(p, LABEL_NETWORK, key ? key : j->a->target,
				def));

	if (json_is_object(json_object_get(def, "driver_opts")))
		json_object_set(body, "Options",
				json_object_get(def, "driver_opts"));
	if (json_is_true(json_object_get(def, "internal")))
		json_object_set_new(body, "Internal", json_true());
	if (json_is_true(json_object_get(def, "attachable")))
		json_object_set_new(body, "Attachable", json_true());
	if (json_is_true(json_object_get(def, "enable_ipv6")))
		json_object_set_new(body, "EnableIPv6", json_true());
	json_object_set_new(body, "IPAM", ipam_of(def));
	exec_job_progress(j, "Creating", PROGRESS_WORKING);
	exec_job_call(j, "POST", "/networks/create", body, created_resource);
	json_decref(body);
}

static void
run_create_volume(struct job *j)
{
	const struct project *p = j->x->p;
	const char *key = key_for(p, "volumes", j->a->target);
	const json_t *def =
		key ? json_object_get(json_object_get(p->model, "volumes"),
				      key) :
		      NULL;
	const char *driver = json_string_value(json_object_get(def, "driver"));
	json_t *body =
		json_pack("{s:s, s:s, s:o}", "Name", j->a->target, "Driver",
			  driver ? driver : "local", "Labels",
			  resource_labels(p, LABEL_VOLUME,
					  key ? key : j->a->target, def));

	if (json_is_object(json_object_get(def, "driver_opts")))
		json_object_set(body, "DriverOpts",
				json_object_get(def, "driver_opts"));
	exec_job_progress(j, "Creating", PROGRESS_WORKING);
	exec_job_call(j, "POST", "/volumes/create", body, created_resource);
	json_decref(body);
}

/* ---- images ---- */

static void
image_id_set(struct exec *x, int svc, const char *id)
{
	if (x->o->image_ids == NULL || svc < 0)
		return;
	free(x->o->image_ids[svc]);
	x->o->image_ids[svc] = id ? xstrdup(id) : NULL;
}

/* After a pull or build: every service running that image has its id. */
static void
image_id_set_ref(struct exec *x, const char *ref, const char *id)
{
	for (size_t i = 0; i < x->p->nservices; i++) {
		char *r = naming_image(x->p, &x->p->services[i]);
		if (strcmp(r, ref) == 0)
			image_id_set(x, (int)i, id);
		free(r);
	}
}

static void
image_inspected(struct job *j, struct engine_req *req)
{
	json_t *v;

	if (!exec_req_ok(req, 0)) {
		exec_job_fail_req(j, "inspect", req);
		return;
	}
	v = exec_req_json(req);
	image_id_set_ref(j->x, j->a->target,
			 json_string_value(json_object_get(v, "Id")));
	json_decref(v);
	exec_job_done(j, j->a->type == ACT_BUILD ? "Built" : "Pulled");
}

static void
image_inspect(struct job *j)
{
	char *esc = engine_escape(j->a->target);
	char *path = xasprintf("/images/%s/json", esc);

	exec_job_call(j, "GET", path, NULL, image_inspected);
	free(path);
	free(esc);
}

static void
image_made(int result, void *arg)
{
	struct job *j = arg;

	if (result < 0) {
		progress_error(j->x->o->progress, exec_kind_of(j->a),
			       j->a->target,
			       j->a->type == ACT_BUILD ? "build failed" :
							 "pull failed");
		exec_job_finish(j, ACTION_FAILED);
		return;
	}
	image_inspect(j);
}

static void
run_image(struct job *j)
{
	struct exec *x = j->x;
	const struct service *s = exec_job_service(j);
	int r;

	if (j->a->type == ACT_BUILD) {
		struct build_opts none = { 0 };
		exec_job_progress(j, "Building", PROGRESS_WORKING);
		r = image_build_start(x->e, x->p, s,
				      x->o->build ? x->o->build : &none,
				      image_made, j);
	} else {
		exec_job_progress(j, "Pulling", PROGRESS_WORKING);
		r = image_pull_start(
			x->e, j->a->target,
			s ? container_spec_platform(x->p, s) : NULL, true,
			s ? s->name : j->a->target, image_made, j);
	}
	if (r < 0) {
		progress_error(x->o->progress, exec_kind_of(j->a), j->a->target,
			       "failed");
		exec_job_finish(j, ACTION_FAILED);
	}
}

static void
image_removed(struct job *j, struct engine_req *req)
{
	if (engine_req_status(req) == 404 && !engine_req_transport_error(req)) {
		exec_job_finish(j, ACTION_DONE);
		return;
	}
	if (!exec_req_ok(req, 0)) {
		exec_job_fail_req(j, "remove", req);
		return;
	}
	exec_job_done(j, "Removed");
}

/* ---- containers ---- */

/* The container id a start/stop acts on: the one it names, or the one
 * its create/recreate/rename dependency made. */
static const char *
container_id(const struct job *j)
{
	const struct exec *x = j->x;

	for (size_t i = 0; i < j->a->ndeps; i++) {
		const struct job *d = &x->jobs[j->a->deps[i]];
		if (d->id && strcmp(d->a->target, j->a->target) == 0 &&
		    (d->a->type == ACT_CREATE || d->a->type == ACT_RECREATE ||
		     d->a->type == ACT_RENAME))
			return d->id;
	}
	if (j->a->obs)
		return j->a->obs->id;
	return NULL;
}

static char *
stop_query(const struct exec *x)
{
	if (x->o->stop_timeout >= 0)
		return xasprintf("?t=%d", x->o->stop_timeout);
	return xstrdup("");
}

/* ---- lifecycle hooks (hooks.h) ---- */

/* What a job does once its hooks succeeded. */
typedef void (*job_then_fn)(struct job *j);

struct job_hook {
	struct job *j;
	job_then_fn then;  /* post_start: what follows */
	step_fn stop_next; /* pre_stop: the stop, answered to stop_next */
};

static void stop_now(struct job *j, step_fn next);

static void
job_hooks_done(const char *err, const char *report, void *arg)
{
	struct job_hook *h = arg;
	struct job *j = h->j;
	job_then_fn then = h->then;
	step_fn stop_next = h->stop_next;

	free(h);
	j->hooks = NULL;
	if (j->x->interrupted) {
		/* Cancelled by Ctrl-C (on_signal cancels every running hook,
		   and none starts after it): not the hook's fault. */
		exec_job_interrupted(j);
		return;
	}
	if (err) {
		/* The hook's last lines under the message, as compose
		   carries them in its error. */
		progress_error(j->x->o->progress, exec_kind_of(j->a),
			       j->a->target, err);
		error("%s", report);
		exec_job_finish(j, ACTION_FAILED);
		return;
	}
	if (then)
		then(j);
	else
		stop_now(j, stop_next);
}

/*
 * Run the service's hooks of kind in container id, then then(j) (or,
 * with then NULL, the stop answered to stop_next); false (and nothing
 * run) when the service has none.
 */
static bool
job_hooks(struct job *j, const char *kind, const char *id, job_then_fn then,
	  step_fn stop_next)
{
	const struct service *s = exec_job_service(j);
	const json_t *list = s ? hooks_of(s->def, kind) : NULL;
	struct job_hook *h;

	if (list == NULL || id == NULL)
		return false;
	if (j->x->interrupted) {
		/* After Ctrl-C no new hook starts: it could last forever. */
		exec_job_interrupted(j);
		return true;
	}
	h = xmalloc(sizeof(*h));
	h->j = j;
	h->then = then;
	h->stop_next = stop_next;
	j->hooks = hooks_run(
		j->x->e, list,
		&(struct hooks_opts){
			.kind = kind,
			.id = id,
			.container = j->a->target,
			.service = s->name,
			.project = j->x->p->name,
			.sink = j->x->o->hooks ? j->x->o->hooks->hook_output :
						 NULL,
			.done = job_hooks_done,
			.arg = h,
		});
	return true;
}

static bool
obs_in_state(const struct obs_container *c, const char *state)
{
	return c && c->state && strcmp(c->state, state) == 0;
}

/* POST a stop of j's observed container; next gets the answer. */
static void
stop_now(struct job *j, step_fn next)
{
	char *q = stop_query(j->x);
	char *path = xasprintf("/containers/%s/stop%s", j->a->obs->id, q);

	exec_job_call(j, "POST", path, NULL, next);
	free(path);
	free(q);
}

/*
 * Stop j's observed container, after the service's pre_stop hooks when it
 * runs (compose's hooks exec into the live process tree).
 */
static void
stop_observed(struct job *j, step_fn next)
{
	if (obs_in_state(j->a->obs, "running") &&
	    job_hooks(j, HOOKS_PRE_STOP, j->a->obs->id, NULL, next))
		return;
	stop_now(j, next);
}

static void connect_next(struct job *j);

static void
connected(struct job *j, struct engine_req *req)
{
	if (!exec_req_ok(req, 0)) {
		char *m = exec_req_error(req);
		exec_job_fail(j,
			      "cannot connect container \"%s\" to network: %s",
			      j->a->target, m);
		free(m);
		return;
	}
	j->net_i++;
	connect_next(j);
}

static void recreate_stop_old(struct job *j);

void
exec_created(struct job *j)
{
	if (j->a->type == ACT_RECREATE)
		recreate_stop_old(j);
	else
		exec_job_done(j, "Created");
}

/* Connect the networks after the first; then copy files into it. */
static void
connect_next(struct job *j)
{
	json_t *n = json_array_get(j->nets, j->net_i);
	const char *cid = j->new_id ? j->new_id : j->id;

	if (n == NULL) {
		exec_copy_files(j);
		return;
	}
	char *esc =
		engine_escape(json_string_value(json_object_get(n, "network")));
	char *path = xasprintf("/networks/%s/connect", esc);
	json_t *body = json_deep_copy(json_object_get(n, "body"));
	json_object_set_new(body, "Container", json_string(cid));
	exec_job_call(j, "POST", path, body, connected);
	json_decref(body);
	free(path);
	free(esc);
}

static void
created_container(struct job *j, struct engine_req *req)
{
	json_t *v, *w;
	const char *id;
	size_t i;

	if (!exec_req_ok(req, 0)) {
		exec_job_fail_req(j, "create", req);
		return;
	}
	v = exec_req_json(req);
	id = json_string_value(json_object_get(v, "Id"));
	if (id == NULL) {
		json_decref(v);
		exec_job_fail(j,
			      "the engine created container \"%s\" without "
			      "answering its id",
			      j->a->target);
		return;
	}
	if (j->a->type == ACT_RECREATE)
		j->new_id = xstrdup(id);
	else
		j->id = xstrdup(id);
	/* What the engine discarded (a blkio weight the kernel cannot do),
	   in its words, as compose shows them. */
	json_array_foreach (json_object_get(v, "Warnings"), i, w)
		if (json_is_string(w))
			warning("%s: %s", j->a->target, json_string_value(w));
	json_decref(v);
	j->nets = container_spec_extra_networks(j->x->p, exec_job_service(j),
						j->a->number);
	j->net_i = 0;
	connect_next(j);
}

/* POST /containers/create?name=NAME with spec. */
static void
create_with(struct job *j, const char *name)
{
	char *path =
		container_spec_create_path(j->x->p, exec_job_service(j), name);

	exec_job_call(j, "POST", path, j->spec, created_container);
	free(path);
}

static void create_step(struct job *j);

static void
create_image_known(struct job *j, struct engine_req *req)
{
	json_t *v;

	if (engine_req_status(req) == 404 && !engine_req_transport_error(req)) {
		const struct service *s = exec_job_service(j);
		char *ref = s ? naming_image(j->x->p, s) : xstrdup("?");
		exec_job_fail(j,
			      "image \"%s\" of service \"%s\" is not present "
			      "locally",
			      ref, j->a->service ? j->a->service : "?");
		free(ref);
		return;
	}
	if (!exec_req_ok(req, 0)) {
		exec_job_fail_req(j, "inspect the image of", req);
		return;
	}
	v = exec_req_json(req);
	image_id_set(j->x, j->a->svc,
		     json_string_value(json_object_get(v, "Id")));
	json_decref(v);
	if (j->x->o->image_ids == NULL) {
		exec_job_fail(j, "BUG: no image id table");
		return;
	}
	create_step(j);
}

static void recreate_start(struct job *j, const char *image_id);

/* Create (or recreate) once the image id is known. */
static void
create_step(struct job *j)
{
	struct exec *x = j->x;
	const struct service *s = exec_job_service(j);
	const char *image_id = x->o->image_ids ? x->o->image_ids[j->a->svc] :
						 NULL;

	if (image_id == NULL) {
		char *ref = naming_image(x->p, s);
		char *esc = engine_escape(ref);
		char *path = xasprintf("/images/%s/json", esc);
		exec_job_call(j, "GET", path, NULL, create_image_known);
		free(path);
		free(esc);
		free(ref);
		return;
	}
	if (j->a->type == ACT_RECREATE) {
		recreate_start(j, image_id);
		return;
	}
	j->spec = container_spec(x->p, s, j->a->number, image_id);
	exec_job_progress(j, "Creating", PROGRESS_WORKING);
	create_with(j, j->a->target);
}

/* ---- recreate: new container under a temporary name, then swap ---- */

static void
recreate_renamed(struct job *j, struct engine_req *req)
{
	if (!exec_req_ok(req, 0)) {
		exec_job_fail_req(j, "rename the replacement of", req);
		return;
	}
	free(j->id);
	j->id = j->new_id;
	j->new_id = NULL;
	exec_job_done(j, "Recreated");
}

static void
recreate_removed_old(struct job *j, struct engine_req *req)
{
	char *esc, *path;

	if (!exec_req_ok(req, 404)) {
		exec_job_fail_req(j, "remove", req);
		return;
	}
	esc = engine_escape(j->a->target);
	path = xasprintf("/containers/%s/rename?name=%s", j->new_id, esc);
	exec_job_call(j, "POST", path, NULL, recreate_renamed);
	free(path);
	free(esc);
}

static void
recreate_stopped_old(struct job *j, struct engine_req *req)
{
	char *path;

	if (!exec_req_ok(req, 304)) {
		exec_job_fail_req(j, "stop", req);
		return;
	}
	path = xasprintf("/containers/%s?force=1%s", j->a->obs->id,
			 j->a->renew_anon ? "&v=1" : "");
	exec_job_call(j, "DELETE", path, NULL, recreate_removed_old);
	free(path);
}

static void
recreate_stop_old(struct job *j)
{
	stop_observed(j, recreate_stopped_old);
}

static void
recreate_start(struct job *j, const char *image_id)
{
	struct exec *x = j->x;
	const struct obs_container *old = j->a->obs;
	char *tmp;

	/* A pull or build that changed nothing: keep the container. */
	if (j->a->if_image_changed && old->image_id &&
	    strcmp(old->image_id, image_id) == 0) {
		j->id = xstrdup(old->id);
		exec_job_finish(j, ACTION_DONE);
		return;
	}
	j->spec = container_spec(x->p, exec_job_service(j), j->a->number,
				 image_id);
	json_object_set_new(json_object_get(j->spec, "Labels"), LABEL_REPLACE,
			    json_string(j->a->target));
	if (!j->a->renew_anon)
		container_spec_inherit(j->spec,
				       json_object_get(old->raw, "Mounts"));
	tmp = xasprintf("%.12s_%s", old->id, j->a->target);
	exec_job_progress(j, "Recreate", PROGRESS_WORKING);
	create_with(j, tmp);
	free(tmp);
}

/* ---- start, stop, remove, rename ---- */

static void
started_hooked(struct job *j)
{
	exec_job_done(j, "Started");
}

static void
started(struct job *j, struct engine_req *req)
{
	bool paused = obs_in_state(j->a->obs, "paused");

	if (!exec_req_ok(req, 304)) {
		exec_job_fail_req(j, "start", req);
		return;
	}
	/* Hooks follow a start, not an unpause or a no-op (304); compose
	   reports Started once they are done. */
	if (!paused && engine_req_status(req) != 304 &&
	    job_hooks(j, HOOKS_POST_START, j->id, started_hooked, NULL))
		return;
	exec_job_done(j, "Started");
}

static void
run_start(struct job *j)
{
	const char *id = container_id(j);
	const struct exec_hooks *h = j->x->o->hooks;
	const struct service *s = exec_job_service(j);
	bool paused = obs_in_state(j->a->obs, "paused");
	char *path;

	if (id == NULL) {
		exec_job_fail(j, "no container to start for \"%s\"",
			      j->a->target);
		return;
	}
	j->id = xstrdup(id);
	if (h && h->before_start && s)
		h->before_start(id, j->a->target, s->name,
				json_is_true(json_object_get(s->def, "tty")),
				h->arg);
	exec_job_progress(j, "Starting", PROGRESS_WORKING);
	path = xasprintf("/containers/%s/%s", id, paused ? "unpause" : "start");
	exec_job_call(j, "POST", path, NULL, started);
	free(path);
}

static void
stopped(struct job *j, struct engine_req *req)
{
	if (!exec_req_ok(req, 304) && engine_req_status(req) != 404) {
		exec_job_fail_req(j, "stop", req);
		return;
	}
	exec_job_done(j, "Stopped");
}

static void
run_stop(struct job *j)
{
	exec_job_progress(j, "Stopping", PROGRESS_WORKING);
	stop_observed(j, stopped);
}

/* Another client's removal of the container is over (or never ended). */
static void
removed_elsewhere(struct job *j, struct engine_req *req)
{
	const char *why = engine_removal_wait_error(req);

	if (why) {
		exec_job_fail(j, "cannot remove container \"%s\": %s",
			      j->a->target, why);
		return;
	}
	exec_job_done(j, "Removed");
}

static void
removed(struct job *j, struct engine_req *req)
{
	/* Someone else removes the container this very moment: the end we
	   want, so wait for it rather than fail (engine.h). */
	if (j->a->obs && engine_req_removal_elsewhere(req)) {
		j->next = removed_elsewhere;
		j->req = engine_wait_removed(j->x->e, j->a->obs->id,
					     on_step_done, j);
		return;
	}
	if (!exec_req_ok(req, 404)) {
		exec_job_fail_req(j, "remove", req);
		return;
	}
	exec_job_done(j, "Removed");
}

static void
remove_now(struct job *j)
{
	char *path = xasprintf("/containers/%s?force=1%s", j->a->obs->id,
			       j->a->remove_volumes ? "&v=1" : "");

	exec_job_progress(j, "Removing", PROGRESS_WORKING);
	exec_job_call(j, "DELETE", path, NULL, removed);
	free(path);
}

static void
remove_stopped(struct job *j, struct engine_req *req)
{
	if (!exec_req_ok(req, 304) && engine_req_status(req) != 404) {
		exec_job_fail_req(j, "stop", req);
		return;
	}
	remove_now(j);
}

/* Stop first when running, so the process gets its stop signal and
 * grace period rather than a kill. */
static void
run_remove(struct job *j)
{
	if (j->a->running) {
		exec_job_progress(j, "Stopping", PROGRESS_WORKING);
		stop_observed(j, remove_stopped);
		return;
	}
	remove_now(j);
}

static void
renamed(struct job *j, struct engine_req *req)
{
	if (!exec_req_ok(req, 0)) {
		exec_job_fail_req(j, "rename", req);
		return;
	}
	j->id = xstrdup(j->a->obs->id);
	exec_job_done(j, "Renamed");
}

static void
run_rename(struct job *j)
{
	char *esc = engine_escape(j->a->target);
	char *path =
		xasprintf("/containers/%s/rename?name=%s", j->a->obs->id, esc);

	exec_job_call(j, "POST", path, NULL, renamed);
	free(path);
	free(esc);
}

static void
run_remove_resource(struct job *j)
{
	const char *what = j->a->type == ACT_REMOVE_NETWORK ? "networks" :
			   j->a->type == ACT_REMOVE_VOLUME  ? "volumes" :
							      "images";
	char *esc = engine_escape(j->a->target);
	char *path = xasprintf("/%s/%s", what, esc);

	exec_job_progress(j, "Removing", PROGRESS_WORKING);
	exec_job_call(j, "DELETE", path, NULL,
		      j->a->type == ACT_REMOVE_IMAGE ? image_removed : removed);
	free(path);
	free(esc);
}

/* ---- scheduling ---- */

static void
job_run(struct job *j)
{
	switch (j->a->type) {
	case ACT_PULL:
	case ACT_BUILD:
		run_image(j);
		break;
	case ACT_CREATE_NETWORK:
		run_create_network(j);
		break;
	case ACT_CREATE_VOLUME:
		run_create_volume(j);
		break;
	case ACT_CREATE:
	case ACT_RECREATE:
		create_step(j);
		break;
	case ACT_RENAME:
		run_rename(j);
		break;
	case ACT_START:
		run_start(j);
		break;
	case ACT_STOP:
		run_stop(j);
		break;
	case ACT_REMOVE:
	case ACT_REMOVE_ORPHAN:
		run_remove(j);
		break;
	case ACT_REMOVE_NETWORK:
	case ACT_REMOVE_VOLUME:
	case ACT_REMOVE_IMAGE:
		run_remove_resource(j);
		break;
	case ACT_WAIT_HEALTHY:
	case ACT_WAIT_COMPLETED:
	case ACT_WAIT_READY:
		exec_run_wait(j);
		break;
	default:
		BUG("unknown action type %d", j->a->type);
	}
}

static bool
is_wait(const struct action *a)
{
	return a->type >= ACT_WAIT_HEALTHY;
}

/* 1: ready, 0: not yet, -1: never (a dependency failed). */
static int
job_ready(const struct exec *x, const struct job *j)
{
	int ready = 1;

	for (size_t i = 0; i < j->a->ndeps; i++) {
		enum action_status st = x->plan->actions[j->a->deps[i]].status;
		if (st == ACTION_FAILED || st == ACTION_SKIPPED)
			return -1;
		if (st != ACTION_DONE)
			ready = 0;
	}
	return ready;
}

static bool
selected_type(const struct exec *x, const struct action *a)
{
	return x->o->only == 0 || (x->o->only & (1u << a->type));
}

void
exec_pump(struct exec *x)
{
	bool busy = false;

	if (x->pumping) {
		x->pump_again = true;
		return;
	}
	x->pumping = true;
	do {
		x->pump_again = false;
		busy = false;
		for (size_t i = 0; i < x->plan->n; i++) {
			struct job *j = &x->jobs[i];
			int r;

			if (j->state == J_RUNNING || j->state == J_WAITING)
				busy = true;
			if (j->state != J_PENDING)
				continue;
			if (x->interrupted) {
				j->state = J_FINISHED;
				j->a->status = ACTION_SKIPPED;
				continue;
			}
			r = job_ready(x, j);
			if (r < 0) {
				j->state = J_FINISHED;
				j->a->status = ACTION_SKIPPED;
				x->pump_again = true;
				continue;
			}
			busy = true;
			if (r == 0 || (!is_wait(j->a) && x->limit &&
				       x->active >= x->limit))
				continue;
			j->state = J_RUNNING;
			x->active++;
			job_run(j);
		}
	} while (x->pump_again);
	x->pumping = false;
	if (!busy)
		x->finished = true;
}

static void
on_signal(int signo, unsigned count, void *arg)
{
	struct exec *x = arg;

	x->interrupted = true;
	/* Waits and hooks may last forever: give them up now. */
	for (size_t i = 0; i < x->plan->n; i++) {
		struct job *j = &x->jobs[i];
		if (j->hooks)
			hooks_cancel(j->hooks);
		if (j->state == J_WAITING) {
			j->state = J_RUNNING;
			x->active++;
			exec_job_interrupted(j);
		}
	}
	exec_pump(x);
}

int
exec_plan(struct engine *e, const struct project *proj, struct plan *plan,
	  const struct exec_opts *o)
{
	struct exec x = { .e = e, .p = proj, .plan = plan, .o = o };
	bool waits = false, failed = false;
	struct ev_loop *loop = engine_loop(e);

	if (engine_negotiate(e) < 0)
		return EXIT_FAIL;
	x.limit = o->parallel > 0 ? (size_t)o->parallel : DEFAULT_PARALLEL;
	x.jobs = xcalloc(plan->n + 1, sizeof(*x.jobs));
	for (size_t i = 0; i < plan->n; i++) {
		x.jobs[i].x = &x;
		x.jobs[i].a = &plan->actions[i];
		if (plan->actions[i].status != ACTION_PENDING ||
		    !selected_type(&x, &plan->actions[i]))
			x.jobs[i].state = J_FINISHED;
		else if (is_wait(&plan->actions[i]))
			waits = true;
	}
	ev_timer_init(&x.kick, exec_on_kick, 0., 0.);
	x.kick.data = &x;
	if (waits)
		exec_events_open(&x);
	if (o->wait_timeout > 0) {
		ev_timer_init(&x.wait_timer, exec_on_wait_timeout,
			      (double)o->wait_timeout, 0.);
		x.wait_timer.data = &x;
		ev_timer_start(loop, &x.wait_timer);
	}
	loop_signals_init(loop);
	loop_signals_push(on_signal, &x);
	/* Ctrl-C before we got here (while observing) counts too. */
	if (loop_interrupts())
		x.interrupted = true;
	exec_pump(&x);
	engine_wait(e, &x.finished);
	loop_signals_pop();
	ev_timer_stop(loop, &x.kick);
	if (o->wait_timeout > 0)
		ev_timer_stop(loop, &x.wait_timer);
	if (x.events) {
		engine_cancel(x.events);
		jsonlines_release(&x.jl);
	} else if (waits) {
		jsonlines_release(&x.jl);
	}
	for (size_t i = 0; i < plan->n; i++) {
		if (x.jobs[i].req)
			engine_cancel(x.jobs[i].req);
		if (plan->actions[i].status == ACTION_FAILED)
			failed = true;
		free(x.jobs[i].id);
		free(x.jobs[i].new_id);
		free(x.jobs[i].last);
		json_decref(x.jobs[i].spec);
		json_decref(x.jobs[i].nets);
	}
	free(x.jobs);
	if (x.interrupted)
		return EXIT_INTERRUPTED;
	if (x.timed_out)
		error("application not ready after %ds", o->wait_timeout);
	return failed ? EXIT_FAIL : EXIT_OK;
}
