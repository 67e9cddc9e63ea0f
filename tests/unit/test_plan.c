/*
 * test_plan.c - the planner without a daemon: a desired project (canonical
 * JSON through project_from_model) and an observed state (engine list
 * entries) in, the printed plan out, compared with the expected text.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diverge.h"
#include "labels.h"
#include "log.h"
#include "naming.h"
#include "observed.h"
#include "plan.h"
#include "project.h"
#include "reconcile.h"
#include "test.h"
#include "xalloc.h"

/* A project from canonical JSON text (name "p"). */
static struct project *
load(const char *text)
{
	json_error_t err;
	json_t *model = json_loads(text, 0, &err);
	struct project *p = NULL;

	if (model == NULL) {
		fprintf(stderr, "bad test JSON: %s (line %d)\n", err.text,
			err.line);
		return NULL;
	}
	if (project_from_model(&p, model, "/work") < 0)
		return NULL;
	return p;
}

/* A container list entry as GET /containers/json gives it. */
static json_t *
entry(const struct project *p, const char *svc, int number, const char *state,
      const char *status, const char *hash)
{
	int idx = project_service_index(p, svc);
	json_t *labels = json_pack("{s:s, s:s, s:s, s:s}", LABEL_PROJECT,
				   p->name, LABEL_SERVICE, svc, LABEL_NUMBER,
				   "1", LABEL_ONEOFF, "False");
	char *id = xasprintf("%s%d000000000000000000000000000000000000000000000"
			     "000000000000",
			     svc, number);
	char *name = xasprintf("/%s-%s-%d", p->name, svc, number);
	json_t *e;

	json_object_set_new(labels, LABEL_NUMBER, json_sprintf("%d", number));
	if (hash) {
		json_object_set_new(labels, LABEL_CONFIG_HASH,
				    json_string(hash));
	} else if (idx >= 0) {
		const struct service *s = &p->services[idx];
		json_t *in = diverge_hash_input(s->def);
		char *text = json_dumps(in, JSON_COMPACT | JSON_SORT_KEYS);
		json_object_set_new(labels, LABEL_CONFIG_HASH,
				    json_string(s->hash));
		json_object_set_new(labels, LABEL_BERTH_HASH,
				    json_string(s->hash));
		json_object_set_new(labels, LABEL_BERTH_CONFIG,
				    json_string(text));
		free(text);
		json_decref(in);
	}
	e = json_pack("{s:s, s:[s], s:s, s:s, s:s, s:s, s:I, s:o, s:[]}", "Id",
		      id, "Names", name, "Image", "busybox", "ImageID",
		      "sha256:1111111111111111111111111111", "State", state,
		      "Status", status, "Created", (json_int_t)number, "Labels",
		      labels, "Ports");
	free(id);
	free(name);
	return e;
}

static char *
plan_text(const struct plan *plan)
{
	struct buf b = BUF_INIT;

	plan_print(plan, &b);
	return buf_detach(&b, NULL);
}

/* reconcile p against list (stolen) with opts; returns the printed plan. */
static char *
run(struct project *p, json_t *list, struct reconcile_opts *o,
    struct plan *plan, struct observed *obs)
{
	memset(obs, 0, sizeof(*obs));
	observed_add_containers(obs, list);
	json_decref(list);
	plan_init(plan);
	if (reconcile(plan, p, obs, o) < 0)
		return xstrdup("ERROR");
	return plan_text(plan);
}

static const char two_services[] =
	"{\"name\":\"p\",\"services\":{"
	"\"web\":{\"image\":\"busybox\",\"command\":[\"sleep\",\"1d\"],"
	"\"environment\":{\"FOO\":\"baz\"},"
	"\"depends_on\":{\"db\":{\"condition\":\"service_started\","
	"\"required\":true}},\"networks\":{\"default\":null}},"
	"\"db\":{\"image\":\"busybox\",\"volumes\":[{\"type\":\"volume\","
	"\"source\":\"data\",\"target\":\"/data\"}],"
	"\"networks\":{\"default\":null}}},"
	"\"networks\":{\"default\":{\"name\":\"p_default\"}},"
	"\"volumes\":{\"data\":{\"name\":\"p_data\"}}}";

static void
test_create_from_nothing(void)
{
	struct project *p = load(two_services);
	struct reconcile_opts o = { 0 };
	struct plan plan;
	struct observed obs;
	char *text;

	REQUIRE(p);
	text = run(p, json_array(), &o, &plan, &obs);
	CHECK_STR(text, "create    network:p_default  missing\n"
			"create    volume:p_data      missing\n"
			"create    p-db-1             no container\n"
			"start     p-db-1             created\n"
			"create    p-web-1            no container\n"
			"start     p-web-1            created\n");
	/* web's start waits for db's start (service_started). */
	CHECK_INT(plan.actions[5].ndeps, 3);
	CHECK_INT(plan_changes(&plan), 6);
	free(text);
	plan_release(&plan);
	observed_release(&obs);
	project_free(p);
}

/* Networks and volumes present, so plans show only containers. */
static void
add_resources(struct observed *obs)
{
	json_t *n = json_pack("[{s:s, s:s, s:s, s:{s:s}}]", "Name", "p_default",
			      "Id", "n1", "Driver", "bridge", "Labels",
			      LABEL_PROJECT, "p");
	json_t *v = json_pack("[{s:s, s:s, s:{s:s}}]", "Name", "p_data",
			      "Driver", "local", "Labels", LABEL_PROJECT, "p");

	observed_add_networks(obs, n);
	observed_add_volumes(obs, v);
	json_decref(n);
	json_decref(v);
}

static void
test_noop(void)
{
	struct project *p = load(two_services);
	struct reconcile_opts o = { 0 };
	struct plan plan;
	struct observed obs;
	char *text;
	json_t *list;

	REQUIRE(p);
	list = json_pack("[o,o]",
			 entry(p, "db", 1, "running", "Up 1 hour", NULL),
			 entry(p, "web", 1, "running", "Up 1 hour", NULL));
	text = run(p, list, &o, &plan, &obs);
	/* The network and volume are not in the lists: they get created. */
	CHECK_STR(text, "create    network:p_default  missing\n"
			"create    volume:p_data      missing\n");
	free(text);
	plan_release(&plan);
	add_resources(&obs);
	plan_init(&plan);
	CHECK_INT(reconcile(&plan, p, &obs, &o), 0);
	text = plan_text(&plan);
	CHECK_STR(text, "");
	CHECK_INT(plan_changes(&plan), 0);
	free(text);
	plan_release(&plan);
	observed_release(&obs);
	project_free(p);
}

static char *
replan(struct project *p, struct observed *obs, struct reconcile_opts *o,
       struct plan *plan)
{
	plan_release(plan);
	plan_init(plan);
	add_resources(obs);
	if (reconcile(plan, p, obs, o) < 0)
		return xstrdup("ERROR");
	return plan_text(plan);
}

static void
test_recreate_names_the_field(void)
{
	struct project *p = load(two_services);
	struct project *old;
	struct reconcile_opts o = { 0 };
	struct plan plan;
	struct observed obs;
	char *text, *old_model;

	REQUIRE(p);
	/* The old container was made from FOO=bar. */
	old_model = xstrdup(two_services);
	memcpy(strstr(old_model, "\"baz\""), "\"bar\"", 5);
	old = load(old_model);
	REQUIRE(old);
	json_t *list = json_pack("[o,o]",
				 entry(p, "db", 1, "running", "Up", NULL),
				 entry(old, "web", 1, "running", "Up", NULL));
	free(run(p, list, &o, &plan, &obs));
	text = replan(p, &obs, &o, &plan);
	CHECK_STR(text, "recreate  p-web-1  environment.FOO changed (bar -> "
			"baz)\n"
			"start     p-web-1  recreated\n");
	free(text);

	/* --no-recreate keeps it; --force-recreate replaces both. */
	o.no_recreate = true;
	text = replan(p, &obs, &o, &plan);
	CHECK_STR(text, "");
	free(text);
	o.no_recreate = false;
	o.force_recreate = true;
	text = replan(p, &obs, &o, &plan);
	CHECK_STR(text, "recreate  p-db-1   forced (--force-recreate)\n"
			"start     p-db-1   recreated\n"
			"recreate  p-web-1  forced (--force-recreate)\n"
			"start     p-web-1  recreated\n");
	free(text);
	plan_release(&plan);
	observed_release(&obs);
	free(old_model);
	project_free(old);
	project_free(p);
}

static void
test_always_recreate_deps(void)
{
	struct project *p = load(two_services);
	struct reconcile_opts o = { .always_recreate_deps = true };
	bool named[2] = { false, true }; /* db, web: `up web` */
	struct plan plan;
	struct observed obs;
	char *text;

	REQUIRE(p);
	o.named = named;
	json_t *list = json_pack("[o,o]",
				 entry(p, "db", 1, "running", "Up", NULL),
				 entry(p, "web", 1, "running", "Up", NULL));
	free(run(p, list, &o, &plan, &obs));
	text = replan(p, &obs, &o, &plan);
	CHECK_STR(text, "recreate  p-db-1  forced (--always-recreate-deps)\n"
			"start     p-db-1  recreated\n");
	free(text);
	plan_release(&plan);
	observed_release(&obs);
	project_free(p);
}

static void
test_image_changed_and_stopped(void)
{
	struct project *p = load(two_services);
	struct reconcile_opts o = { 0 };
	const char *ids[] = { "sha256:1111111111111111111111111111",
			      "sha256:2222222222222222222222222222" };
	struct plan plan;
	struct observed obs;
	char *text;

	REQUIRE(p);
	json_t *list = json_pack("[o,o]",
				 entry(p, "db", 1, "exited",
				       "Exited (3) 1 minute ago", NULL),
				 entry(p, "web", 1, "running", "Up", NULL));
	free(run(p, list, &o, &plan, &obs));
	o.image_ids = ids;
	text = replan(p, &obs, &o, &plan);
	CHECK_STR(text, "start     p-db-1   container exited (3)\n"
			"recreate  p-web-1  image changed (sha256:111111111111 "
			"-> sha256:222222222222)\n"
			"start     p-web-1  recreated\n");
	free(text);
	plan_release(&plan);
	observed_release(&obs);
	project_free(p);
}

static const char scaled[] =
	"{\"name\":\"p\",\"services\":{\"w\":{\"image\":\"busybox\","
	"\"scale\":4}}}";

static void
test_scale_numbers(void)
{
	struct project *p = load(scaled);
	struct reconcile_opts o = { 0 };
	struct plan plan;
	struct observed obs;
	char *text;
	int scale[1] = { 1 };

	REQUIRE(p);
	/* Numbers 1 and 3 exist: new ones are 4 and 5, gaps stay. */
	json_t *list = json_pack("[o,o]",
				 entry(p, "w", 3, "running", "Up", NULL),
				 entry(p, "w", 1, "running", "Up", NULL));
	text = run(p, list, &o, &plan, &obs);
	CHECK_STR(text, "create    network:p_default  missing\n"
			"create    p-w-4              scale up\n"
			"start     p-w-4              created\n"
			"create    p-w-5              scale up\n"
			"start     p-w-5              created\n");
	free(text);
	/* Down to 1: the highest number goes. */
	o.scale = scale;
	text = replan(p, &obs, &o, &plan);
	CHECK_STR(text, "remove    p-w-3  scale down\n");
	CHECK(plan.actions[0].running);
	free(text);
	plan_release(&plan);
	observed_release(&obs);
	project_free(p);
}

static void
test_orphans(void)
{
	struct project *p = load(scaled);
	struct reconcile_opts o = { 0 };
	struct strv orphans = STRV_INIT;
	struct plan plan;
	struct observed obs;
	char *text;
	int scale[1] = { 0 };

	REQUIRE(p);
	o.orphans = &orphans;
	o.scale = scale;
	json_t *list =
		json_pack("[o]", entry(p, "gone", 1, "running", "Up", "abc"));
	text = run(p, list, &o, &plan, &obs);
	CHECK_STR(text, "create    network:p_default  missing\n");
	CHECK_INT(orphans.n, 1);
	CHECK_STR(orphans.v[0], "p-gone-1");
	free(text);
	strv_clear(&orphans);
	o.remove_orphans = true;
	text = replan(p, &obs, &o, &plan);
	CHECK_STR(text,
		  "remove    p-gone-1  orphan: service not in the compose "
		  "file\n");
	free(text);
	strv_clear(&orphans);
	plan_release(&plan);
	observed_release(&obs);
	project_free(p);
}

static void
test_foreign_hash(void)
{
	struct project *p = load(two_services);
	struct reconcile_opts o = { 0 };
	struct plan plan;
	struct observed obs;
	char *text;

	REQUIRE(p);
	json_t *list = json_pack("[o,o]",
				 entry(p, "db", 1, "running", "Up", NULL),
				 entry(p, "web", 1, "running", "Up",
				       "f00d-from-docker-compose"));
	free(run(p, list, &o, &plan, &obs));
	/* Without inspect data the foreign hash alone decides. */
	text = replan(p, &obs, &o, &plan);
	CHECK_STR(text, "recreate  p-web-1  config hash differs (created by "
			"another tool)\n"
			"start     p-web-1  recreated\n");
	free(text);
	/* Inspect data that matches the file: nothing to do. */
	json_t *in = json_pack(
		"{s:{s:s, s:[s,s], s:[s,s]}, s:{s:{s:s}}, s:{s:{s:{}}}, s:[]}",
		"Config", "Image", "busybox:latest", "Cmd", "sleep", "1d",
		"Env", "PATH=/bin", "FOO=baz", "HostConfig", "RestartPolicy",
		"Name", "no", "NetworkSettings", "Networks", "p_default",
		"Mounts");
	const char *id = obs.containers[1].id;
	observed_set_inspect(&obs, id, in);
	text = replan(p, &obs, &o, &plan);
	CHECK_STR(text, "");
	free(text);
	/* A real difference is named. */
	json_array_set_new(json_object_get(json_object_get(in, "Config"),
					   "Env"),
			   1, json_string("FOO=old"));
	text = replan(p, &obs, &o, &plan);
	CHECK_STR(text, "recreate  p-web-1  environment.FOO changed (old -> "
			"baz)\n"
			"start     p-web-1  recreated\n");
	free(text);
	json_decref(in);
	plan_release(&plan);
	observed_release(&obs);
	project_free(p);
}

static const char healthy_dep[] =
	"{\"name\":\"p\",\"services\":{"
	"\"app\":{\"image\":\"busybox\",\"depends_on\":{"
	"\"db\":{\"condition\":\"service_healthy\",\"required\":true},"
	"\"init\":{\"condition\":\"service_completed_successfully\","
	"\"required\":false}}},"
	"\"db\":{\"image\":\"busybox\"},\"init\":{\"image\":\"busybox\"}}}";

static void
test_conditions_become_waits(void)
{
	struct project *p = load(healthy_dep);
	struct reconcile_opts o = { .wait = true };
	struct plan plan;
	struct observed obs;
	char *text;
	size_t app_start = 0, wh = 0, wc = 0;

	REQUIRE(p);
	text = run(p, json_array(), &o, &plan, &obs);
	for (size_t i = 0; i < plan.n; i++) {
		struct action *a = &plan.actions[i];
		if (a->type == ACT_START && strcmp(a->target, "p-app-1") == 0)
			app_start = i;
		if (a->type == ACT_WAIT_HEALTHY)
			wh = i;
		if (a->type == ACT_WAIT_COMPLETED)
			wc = i;
	}
	REQUIRE(app_start && wh && wc);
	/* app's start waits for db healthy and init completed. */
	bool on_wh = false, on_wc = false;
	for (size_t k = 0; k < plan.actions[app_start].ndeps; k++) {
		on_wh |= plan.actions[app_start].deps[k] == wh;
		on_wc |= plan.actions[app_start].deps[k] == wc;
	}
	CHECK(on_wh);
	CHECK(on_wc);
	CHECK(plan.actions[wh].required);
	CHECK(!plan.actions[wc].required);
	CHECK_STR(plan.actions[wh].target, "db");
	/* Waits are not printed; --wait adds one per service. */
	CHECK(strstr(text, "wait") == NULL);
	size_t ready = 0;
	for (size_t i = 0; i < plan.n; i++)
		if (plan.actions[i].type == ACT_WAIT_READY) {
			ready++;
			if (strcmp(plan.actions[i].target, "init") == 0)
				CHECK(plan.actions[i].completed_ok);
		}
	CHECK_INT(ready, 3);
	free(text);
	plan_release(&plan);
	observed_release(&obs);
	project_free(p);
}

static void
test_interrupted_recreate(void)
{
	struct project *p = load(scaled);
	struct reconcile_opts o = { 0 };
	int scale[1] = { 1 };
	struct plan plan;
	struct observed obs;
	char *text;

	REQUIRE(p);
	o.scale = scale;
	/* Only the temporary container is left: finish by renaming it. */
	json_t *tmp = entry(p, "w", 1, "created", "Created", NULL);
	json_array_set_new(json_object_get(tmp, "Names"), 0,
			   json_string("/0123456789ab_p-w-1"));
	json_object_set_new(json_object_get(tmp, "Labels"), LABEL_REPLACE,
			    json_string("p-w-1"));
	text = run(p, json_pack("[O]", tmp), &o, &plan, &obs);
	CHECK_STR(text, "create    network:p_default  missing\n"
			"rename    p-w-1              finish an interrupted "
			"recreate\n"
			"start     p-w-1              container is created\n");
	free(text);
	observed_release(&obs);
	plan_release(&plan);
	/* The old one is still there: the temporary one goes. */
	text = run(p,
		   json_pack("[o,O]", entry(p, "w", 1, "running", "Up", NULL),
			     tmp),
		   &o, &plan, &obs);
	CHECK_STR(text, "create    network:p_default   missing\n"
			"remove    0123456789ab_p-w-1  left over from an "
			"interrupted recreate\n");
	free(text);
	json_decref(tmp);
	plan_release(&plan);
	observed_release(&obs);
	project_free(p);
}

static void
test_resource_conflicts(void)
{
	struct project *p =
		load("{\"name\":\"p\",\"services\":{\"w\":{"
		     "\"image\":\"busybox\",\"networks\":{"
		     "\"front\":null,\"ext\":null}}},"
		     "\"networks\":{\"front\":{\"name\":\"p_front\","
		     "\"driver\":\"bridge\"},\"ext\":{\"name\":"
		     "\"shared\",\"external\":true}}}");
	struct reconcile_opts o = { 0 };
	struct plan plan;
	struct observed obs = { 0 };
	struct buf msgs = BUF_INIT;
	json_t *n;

	REQUIRE(p);
	n = json_pack("[{s:s, s:s, s:{s:s}}]", "Name", "p_front", "Driver",
		      "macvlan", "Labels", LABEL_PROJECT, "p");
	observed_add_networks(&obs, n);
	json_decref(n);
	plan_init(&plan);
	log_capture(&msgs);
	CHECK_INT(reconcile(&plan, p, &obs, &o), -1);
	log_capture(NULL);
	CHECK(strstr(msgs.ptr, "berth: network \"p_front\" exists with another "
			       "configuration: its driver is \"macvlan\", the "
			       "compose file says \"bridge\"") != NULL);
	CHECK(strstr(msgs.ptr, "berth: network \"shared\" is declared as "
			       "external, but could not be found") != NULL);
	buf_release(&msgs);
	plan_release(&plan);
	observed_release(&obs);
	project_free(p);
}

static void
test_down_order(void)
{
	struct project *p = load(two_services);
	struct down_opts d = { .volumes = true };
	struct plan plan;
	struct observed obs = { 0 };
	char *text;
	json_t *list;

	REQUIRE(p);
	list = json_pack("[o,o]", entry(p, "db", 1, "running", "Up", NULL),
			 entry(p, "web", 1, "exited", "Exited (0)", NULL));
	observed_add_containers(&obs, list);
	json_decref(list);
	add_resources(&obs);
	plan_init(&plan);
	CHECK_INT(plan_down(&plan, p, &obs, &d), 0);
	text = plan_text(&plan);
	CHECK_STR(text, "stop      p-db-1             down\n"
			"remove    p-db-1             down\n"
			"remove    p-web-1            down\n"
			"remove    network:p_default  down\n"
			"remove    volume:p_data      down -v\n");
	/* db is stopped only after web is removed. */
	CHECK_INT(plan.actions[0].ndeps, 1);
	CHECK_INT(plan.actions[0].deps[0], 2);
	CHECK(plan.actions[2].remove_volumes);
	free(text);
	plan_release(&plan);
	observed_release(&obs);
	project_free(p);
}

static void
test_diverge_paths(void)
{
	json_t *a = json_loads("{\"ports\":[{\"target\":80,\"published\":"
			       "\"8080\"}],\"labels\":{\"x\":\"1\"},"
			       "\"command\":[\"a\"]}",
			       0, NULL);
	json_t *b = json_loads("{\"ports\":[{\"target\":80,\"published\":"
			       "\"8081\"},{\"target\":81}],\"labels\":{},"
			       "\"command\":[\"b\"],\"tty\":true}",
			       0, NULL);
	struct strv r = STRV_INIT;
	char *joined;

	diverge_config(a, b, &r);
	joined = diverge_join(&r, 10);
	CHECK_STR(joined, "command changed ([\"a\"] -> [\"b\"]); labels.x "
			  "removed; ports[0].published changed (8080 -> "
			  "8081); ports[1] added; tty added (true)");
	free(joined);
	joined = diverge_join(&r, 2);
	CHECK_STR(joined, "command changed ([\"a\"] -> [\"b\"]); labels.x "
			  "removed; and 3 more");
	free(joined);
	strv_clear(&r);
	json_decref(a);
	json_decref(b);
}

static void
test_plan_json(void)
{
	struct project *p = load(scaled);
	struct reconcile_opts o = { 0 };
	int scale[1] = { 1 };
	struct plan plan;
	struct observed obs;
	char *text;

	REQUIRE(p);
	o.scale = scale;
	free(run(p, json_array(), &o, &plan, &obs));
	json_t *j = plan_to_json(&plan);
	text = json_dumps(j, JSON_COMPACT);
	CHECK_STR(text,
		  "{\"changes\":3,\"actions\":[{\"action\":\"create\",\"kind\":"
		  "\"network\",\"target\":\"p_default\",\"depends_on\":[],"
		  "\"reason\":\"missing\",\"changes\":true},{\"action\":"
		  "\"create\",\"kind\":\"container\",\"target\":\"p-w-1\","
		  "\"depends_on\":[0],\"service\":\"w\",\"number\":1,"
		  "\"reason\":\"no container\",\"changes\":true},{\"action\":"
		  "\"start\",\"kind\":\"container\",\"target\":\"p-w-1\","
		  "\"depends_on\":[1],\"service\":\"w\",\"number\":1,"
		  "\"reason\":\"created\",\"changes\":true}]}");
	free(text);
	json_decref(j);
	plan_release(&plan);
	observed_release(&obs);
	project_free(p);
}

int
main(void)
{
	TEST_RUN(test_create_from_nothing);
	TEST_RUN(test_noop);
	TEST_RUN(test_recreate_names_the_field);
	TEST_RUN(test_always_recreate_deps);
	TEST_RUN(test_image_changed_and_stopped);
	TEST_RUN(test_scale_numbers);
	TEST_RUN(test_orphans);
	TEST_RUN(test_foreign_hash);
	TEST_RUN(test_conditions_become_waits);
	TEST_RUN(test_interrupted_recreate);
	TEST_RUN(test_resource_conflicts);
	TEST_RUN(test_down_order);
	TEST_RUN(test_diverge_paths);
	TEST_RUN(test_plan_json);
	return test_report();
}
