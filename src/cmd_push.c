/*
 * cmd_push.c - `berth push`: push the services' images to their
 * registries.
 *
 * As docker compose, only services that build an image named by image:
 * are pushed: an image that is only pulled already lives in a registry,
 * and one without image: has no name a registry would take.
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
#include "transfer.h"
#include "xalloc.h"

static const char push_usage[] =
	"Usage: berth push [OPTIONS] [SERVICE...]\n"
	"\n"
	"Push the images of the services that build an image named by\n"
	"image: (all of them when none is named). Registry credentials come\n"
	"from the docker CLI's config.json ($DOCKER_CONFIG or ~/.docker).\n"
	"\n"
	"Options:\n"
	"      --ignore-push-failures  go on, and succeed, when a push fails\n"
	"      --include-deps          also push the services they depend on\n"
	"  -q, --quiet                 print nothing but errors\n";

static int push_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_push_entry = {
	.name = "push",
	.summary = "Push the services' images",
	.usage = push_usage,
	.exec = push_exec,
};

static int
push_exec(struct globals *g, int argc, char **argv)
{
	enum { OPT_IGNORE = 256, OPT_DEPS };
	static const struct option opts[] = {
		{ "ignore-push-failures", no_argument, NULL, OPT_IGNORE },
		{ "include-deps", no_argument, NULL, OPT_DEPS },
		{ "quiet", no_argument, NULL, 'q' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	struct transfer t = { .start = image_push_start };
	struct project *p = NULL;
	struct engine *e = NULL;
	bool ignore_failures = false, deps = false;
	bool *sel = NULL;
	int c, ret = EXIT_FAIL;

	while ((c = cmd_getopt(&cmd_push_entry, argc, argv, "q", opts)) != -1) {
		if (c < 0)
			return cmd_getopt_exit(c);
		if (c == OPT_IGNORE)
			ignore_failures = true;
		else if (c == OPT_DEPS)
			deps = true;
		else if (c == 'q')
			t.quiet = true;
	}
	if (cmd_load_project(g, argv + optind, (size_t)(argc - optind), &p) < 0)
		goto done;
	sel = xcalloc(p->nservices + 1, sizeof(*sel));
	if (project_select(p, argv + optind, (size_t)(argc - optind), !deps,
			   sel) < 0)
		goto done;
	t.p = p;
	for (size_t i = 0; i < p->nservices; i++) {
		const struct service *s = &p->services[i];
		const char *img =
			json_string_value(json_object_get(s->def, "image"));
		json_t *b = json_object_get(s->def, "build");

		if (sel[i] && img && *img && b && !json_is_null(b))
			transfer_add(&t, i);
	}
	if (engine_open(&e, EV_DEFAULT) < 0 || engine_negotiate(e) < 0)
		goto done;
	t.e = e;
	ret = transfer_run(&t, g, "Pushing", NULL) && !ignore_failures ?
		      EXIT_FAIL :
		      EXIT_OK;
done:
	transfer_release(&t);
	engine_free(e);
	project_free(p);
	free(sel);
	return ret;
}
