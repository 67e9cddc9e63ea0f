/*
 * cmd_pull.c - `berth pull`: pull the services' images.
 *
 * As docker compose: a service without image: has nothing to pull; one
 * whose pull_policy is never or build is skipped, as is one whose policy
 * is missing/if_not_present when the image is already here; otherwise
 * the image is pulled. --policy replaces every service's pull_policy. A
 * failure for a service that can be built instead is only a warning.
 */
#include <ev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "engine.h"
#include "image_build.h"
#include "image_output.h"
#include "image_tasks.h"
#include "log.h"
#include "progress.h"
#include "project.h"
#include "pull_policy.h"
#include "xalloc.h"

static const char pull_usage[] =
	"Usage: berth pull [OPTIONS] [SERVICE...]\n"
	"\n"
	"Pull the images of the services (all of them when none is named).\n"
	"Registry credentials come from the docker CLI's config.json\n"
	"($DOCKER_CONFIG or ~/.docker) and its credential helpers.\n"
	"\n"
	"Options:\n"
	"      --ignore-pull-failures  go on, and succeed, when a pull fails\n"
	"      --include-deps          also pull the services they depend on\n"
	"      --ignore-buildable      skip services that have a build section\n"
	"      --policy POLICY         missing (only absent images) or always\n"
	"  -q, --quiet                 print nothing but errors\n";

static int pull_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_pull_entry = {
	.name = "pull",
	.summary = "Pull the services' images",
	.usage = pull_usage,
	.exec = pull_exec,
};

struct pull_run {
	struct engine *e;
	struct project *p;
	size_t *todo;
	bool quiet;
};

static int
start_one(size_t i, image_build_done_fn done, void *arg, void *ctx)
{
	struct pull_run *r = ctx;
	struct service *s = &r->p->services[r->todo[i]];

	return image_pull_start(
		r->e, json_string_value(json_object_get(s->def, "image")),
		r->quiet, s->name, done, arg);
}

/* Should service s be pulled? 1 yes, 0 skip, -1 error. */
static int
wanted(struct engine *e, const struct service *s, const char *policy,
       bool ignore_buildable)
{
	const char *img = json_string_value(json_object_get(s->def, "image"));
	json_t *b = json_object_get(s->def, "build");
	const char *pol = policy;

	if (img == NULL || *img == '\0')
		return 0; /* built only: nothing to pull */
	if (ignore_buildable && b && !json_is_null(b))
		return 0;
	if (pol == NULL)
		pol = json_string_value(json_object_get(s->def, "pull_policy"));
	if (pull_policy_check(pol, s->name) < 0)
		return -1;
	if (pol && (strcmp(pol, "never") == 0 || strcmp(pol, "build") == 0))
		return 0;
	/* Asked to pull, berth pulls, unless the policy says only when missing.
	 */
	if (pol == NULL ||
	    (strcmp(pol, "missing") != 0 && strcmp(pol, "if_not_present") != 0))
		return 1;
	return image_pull_wanted(e, img, pol);
}

static int
pull_exec(struct globals *g, int argc, char **argv)
{
	enum { OPT_IGNORE = 256, OPT_DEPS, OPT_BUILDABLE, OPT_POLICY };
	static const struct option opts[] = {
		{ "ignore-pull-failures", no_argument, NULL, OPT_IGNORE },
		{ "include-deps", no_argument, NULL, OPT_DEPS },
		{ "ignore-buildable", no_argument, NULL, OPT_BUILDABLE },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "quiet", no_argument, NULL, 'q' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	struct pull_run r = { 0 };
	struct progress *prog = NULL;
	bool ignore_failures = false, deps = false, ignore_buildable = false;
	const char *policy = NULL;
	bool *sel = NULL;
	int *results = NULL;
	int c, width = 0, ret = EXIT_FAIL;
	size_t n = 0;

	while ((c = cmd_getopt(&cmd_pull_entry, argc, argv, "q", opts)) != -1) {
		if (c < 0)
			return cmd_getopt_exit(c);
		if (c == OPT_IGNORE)
			ignore_failures = true;
		else if (c == OPT_DEPS)
			deps = true;
		else if (c == OPT_BUILDABLE)
			ignore_buildable = true;
		else if (c == OPT_POLICY)
			policy = optarg;
		else if (c == 'q')
			r.quiet = true;
	}
	if (g->progress && strcmp(g->progress, "quiet") == 0)
		r.quiet = true;
	if (policy && strcmp(policy, "missing") != 0 &&
	    strcmp(policy, "always") != 0)
		return cmd_usage_error(&cmd_pull_entry,
				       "invalid --policy \"%s\": use missing "
				       "or always",
				       policy);
	if (cmd_load_project(g, argv + optind, (size_t)(argc - optind), &r.p) <
	    0)
		goto done;
	sel = xcalloc(r.p->nservices + 1, sizeof(*sel));
	if (project_select(r.p, argv + optind, (size_t)(argc - optind), !deps,
			   sel) < 0)
		goto done;
	if (engine_open(&r.e, EV_DEFAULT) < 0 || engine_negotiate(r.e) < 0)
		goto done;
	r.todo = xcalloc(r.p->nservices + 1, sizeof(*r.todo));
	for (size_t i = 0; i < r.p->nservices; i++) {
		struct service *s = &r.p->services[i];
		const char *img;
		bool dup = false;
		int w;

		if (!sel[i])
			continue;
		w = wanted(r.e, s, policy, ignore_buildable);
		if (w < 0)
			goto done;
		if (w == 0)
			continue;
		/* One pull per image, whichever services share it. */
		img = json_string_value(json_object_get(s->def, "image"));
		for (size_t k = 0; k < n && !dup; k++)
			dup = strcmp(img, json_string_value(json_object_get(
						  r.p->services[r.todo[k]].def,
						  "image"))) == 0;
		if (dup)
			continue;
		r.todo[n++] = i;
		if ((int)strlen(s->name) > width)
			width = (int)strlen(s->name);
	}
	if (!r.quiet)
		prog = progress_new(g->progress, g->ansi, "Pulling",
				    engine_loop(r.e));
	image_output_setup(prog, width);
	results = xcalloc(n + 1, sizeof(*results));
	image_tasks_run(r.e, n, g->parallel, start_one, &r, results);
	progress_free(prog);
	image_output_setup(NULL, 0);
	image_output_flush();
	ret = EXIT_OK;
	for (size_t k = 0; k < n; k++) {
		json_t *b =
			json_object_get(r.p->services[r.todo[k]].def, "build");
		if (results[k] == 0)
			continue;
		if (b && !json_is_null(b))
			hint("service \"%s\" can be built instead: berth build "
			     "%s",
			     r.p->services[r.todo[k]].name,
			     r.p->services[r.todo[k]].name);
		else if (!ignore_failures)
			ret = EXIT_FAIL;
	}
done:
	engine_free(r.e);
	project_free(r.p);
	free(r.todo);
	free(sel);
	free(results);
	return ret;
}
