/*
 * test_plan_images.c - image actions of the plan: services sharing one
 * image are built (or pulled) once, and every one of them waits for that
 * one action; a build wins over a pull of the same image.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "observed.h"
#include "plan.h"
#include "project.h"
#include "reconcile.h"
#include "test.h"
#include "xalloc.h"

/* api, worker and cron run image "app"; other runs "other"; api depends
 * on cron, so cron is planned first. */
static const char shared[] =
	"{\"name\":\"p\",\"services\":{"
	"\"api\":{\"image\":\"app\",\"build\":{\"context\":\"/w\"},"
	"\"depends_on\":{\"cron\":{\"condition\":\"service_started\","
	"\"required\":true}}},"
	"\"worker\":{\"image\":\"app\",\"build\":{\"context\":\"/w\"}},"
	"\"cron\":{\"image\":\"app\"},"
	"\"other\":{\"image\":\"other\",\"build\":{\"context\":\"/o\"}}},"
	"\"networks\":{\"default\":{\"name\":\"p_default\"}}}";

static struct project *
load(void)
{
	json_t *model = json_loads(shared, 0, NULL);
	struct project *p = NULL;

	if (model == NULL || project_from_model(&p, model, "/w") < 0)
		return NULL;
	return p;
}

/* The index of the one action of type t on target, or -1 (also for two). */
static long
only(const struct plan *plan, enum action_type t, const char *target)
{
	long found = -1;

	for (size_t i = 0; i < plan->n; i++) {
		if (plan->actions[i].type != t ||
		    strcmp(plan->actions[i].target, target) != 0)
			continue;
		if (found >= 0)
			return -1;
		found = (long)i;
	}
	return found;
}

static bool
depends_on(const struct plan *plan, long a, long on)
{
	for (size_t i = 0; i < plan->actions[a].ndeps; i++)
		if ((long)plan->actions[a].deps[i] == on)
			return true;
	return false;
}

static void
plan_with(struct project *p, const char *const *build, const char *const *pull,
	  struct plan *plan)
{
	struct reconcile_opts o = { 0 };
	struct observed obs;

	memset(&obs, 0, sizeof(obs));
	o.build = build;
	o.pull = pull;
	plan_init(plan);
	CHECK_INT(reconcile(plan, p, &obs, &o), 0);
	observed_release(&obs);
}

static void
test_one_build_per_image(void)
{
	struct project *p = load();
	struct plan plan;
	const char *build[5] = { 0 };
	long b, o;

	REQUIRE(p);
	build[project_service_index(p, "api")] = "image missing";
	build[project_service_index(p, "worker")] = "image missing";
	build[project_service_index(p, "other")] = "image missing";
	plan_with(p, build, NULL, &plan);
	b = only(&plan, ACT_BUILD, "app");
	o = only(&plan, ACT_BUILD, "other");
	CHECK(b >= 0);
	CHECK(o >= 0);
	CHECK(only(&plan, ACT_PULL, "app") < 0);
	if (b >= 0) {
		/* Both services' containers wait for the one build. */
		CHECK(depends_on(&plan, only(&plan, ACT_CREATE, "p-api-1"), b));
		CHECK(depends_on(&plan, only(&plan, ACT_CREATE, "p-worker-1"),
				 b));
		CHECK(!depends_on(&plan, only(&plan, ACT_CREATE, "p-other-1"),
				  b));
	}
	plan_release(&plan);
	project_free(p);
}

/* cron (no build section) would pull "app", which api builds. */
static void
test_build_wins_over_pull(void)
{
	struct project *p = load();
	struct plan plan;
	const char *build[5] = { 0 }, *pull[5] = { 0 };
	long b;

	REQUIRE(p);
	/* cron comes first (api depends on it): its pull is planned before
	   api's build. */
	pull[project_service_index(p, "cron")] = "image missing";
	build[project_service_index(p, "api")] = "--build";
	plan_with(p, build, pull, &plan);
	b = only(&plan, ACT_BUILD, "app");
	REQUIRE(b >= 0);
	CHECK(only(&plan, ACT_PULL, "app") < 0);
	CHECK_STR(plan.actions[b].service, "api");
	CHECK_STR(plan.actions[b].reason, "--build");
	CHECK(depends_on(&plan, only(&plan, ACT_CREATE, "p-cron-1"), b));
	CHECK(depends_on(&plan, only(&plan, ACT_CREATE, "p-api-1"), b));
	plan_release(&plan);
	project_free(p);
}

static void
test_one_pull_per_image(void)
{
	struct project *p = load();
	struct plan plan;
	const char *pull[5] = { 0 };

	REQUIRE(p);
	pull[project_service_index(p, "api")] = "pull_policy: always";
	pull[project_service_index(p, "cron")] = "pull_policy: always";
	plan_with(p, NULL, pull, &plan);
	CHECK(only(&plan, ACT_PULL, "app") >= 0);
	plan_release(&plan);
	project_free(p);
}

int
main(void)
{
	TEST_RUN(test_one_build_per_image);
	TEST_RUN(test_build_wins_over_pull);
	TEST_RUN(test_one_pull_per_image);
	return test_report();
}
