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
#include "log.h"
#include "project.h"
#include "pull_policy.h"
#include "transfer.h"
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
	struct transfer t = { .start = image_pull_start };
	struct project *p = NULL;
	struct engine *e = NULL;
	bool ignore_failures = false, deps = false, ignore_buildable = false;
	const char *policy = NULL;
	bool *sel = NULL;
	int *results = NULL;
	int c, ret = EXIT_FAIL;

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
			t.quiet = true;
	}
	if (policy && strcmp(policy, "missing") != 0 &&
	    strcmp(policy, "always") != 0)
		return cmd_usage_error(&cmd_pull_entry,
				       "invalid --policy \"%s\": use missing "
				       "or always",
				       policy);
	if (cmd_load_project(g, argv + optind, (size_t)(argc - optind), &p) < 0)
		goto done;
	sel = xcalloc(p->nservices + 1, sizeof(*sel));
	if (project_select(p, argv + optind, (size_t)(argc - optind), !deps,
			   sel) < 0)
		goto done;
	if (engine_open(&e, EV_DEFAULT) < 0 || engine_negotiate(e) < 0)
		goto done;
	t.e = e;
	t.p = p;
	for (size_t i = 0; i < p->nservices; i++) {
		int w;

		if (!sel[i])
			continue;
		w = wanted(e, &p->services[i], policy, ignore_buildable);
		if (w < 0)
			goto done;
		if (w > 0)
			transfer_add(&t, i);
	}
	results = xcalloc(t.n + 1, sizeof(*results));
	transfer_run(&t, g, "Pulling", results);
	ret = EXIT_OK;
	for (size_t k = 0; k < t.n; k++) {
		const struct service *s = &p->services[t.todo[k]];
		json_t *b = json_object_get(s->def, "build");

		if (results[k] == 0)
			continue;
		if (b && !json_is_null(b))
			hint("service \"%s\" can be built instead: berth build "
			     "%s",
			     s->name, s->name);
		else if (!ignore_failures)
			ret = EXIT_FAIL;
	}
done:
	transfer_release(&t);
	engine_free(e);
	project_free(p);
	free(sel);
	free(results);
	return ret;
}
