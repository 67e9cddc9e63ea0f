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
#include "image_output.h"
#include "image_tasks.h"
#include "log.h"
#include "progress.h"
#include "project.h"
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

struct push_run {
	struct engine *e;
	struct project *p;
	size_t *todo;
	bool quiet;
};

static int
start_one(size_t i, image_build_done_fn done, void *arg, void *ctx)
{
	struct push_run *r = ctx;
	struct service *s = &r->p->services[r->todo[i]];

	return image_push_start(
		r->e, json_string_value(json_object_get(s->def, "image")),
		r->quiet, s->name, done, arg);
}

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
	struct push_run r = { 0 };
	struct progress *prog = NULL;
	bool ignore_failures = false, deps = false;
	bool *sel = NULL;
	int c, width = 0, ret = EXIT_FAIL;
	size_t n = 0, failed;

	while ((c = cmd_getopt(&cmd_push_entry, argc, argv, "q", opts)) != -1) {
		if (c < 0)
			return cmd_getopt_exit(c);
		if (c == OPT_IGNORE)
			ignore_failures = true;
		else if (c == OPT_DEPS)
			deps = true;
		else if (c == 'q')
			r.quiet = true;
	}
	if (g->progress && strcmp(g->progress, "quiet") == 0)
		r.quiet = true;
	if (cmd_load_project(g, argv + optind, (size_t)(argc - optind), &r.p) <
	    0)
		goto done;
	sel = xcalloc(r.p->nservices + 1, sizeof(*sel));
	if (project_select(r.p, argv + optind, (size_t)(argc - optind), !deps,
			   sel) < 0)
		goto done;
	r.todo = xcalloc(r.p->nservices + 1, sizeof(*r.todo));
	for (size_t i = 0; i < r.p->nservices; i++) {
		struct service *s = &r.p->services[i];
		const char *img =
			json_string_value(json_object_get(s->def, "image"));
		json_t *b = json_object_get(s->def, "build");
		bool dup = false;

		if (!sel[i] || img == NULL || *img == '\0' || b == NULL ||
		    json_is_null(b))
			continue;
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
	if (engine_open(&r.e, EV_DEFAULT) < 0 || engine_negotiate(r.e) < 0)
		goto done;
	if (!r.quiet)
		prog = progress_new(g->progress, g->ansi, "Pushing",
				    engine_loop(r.e));
	image_output_setup(prog, width);
	failed = image_tasks_run(r.e, n, g->parallel, start_one, &r, NULL);
	progress_free(prog);
	image_output_setup(NULL, 0);
	image_output_flush();
	ret = failed && !ignore_failures ? EXIT_FAIL : EXIT_OK;
done:
	engine_free(r.e);
	project_free(r.p);
	free(r.todo);
	free(sel);
	return ret;
}
