/*
 * cmd_build.c - `berth build`: build the services' images.
 *
 * Asked explicitly, berth builds whether or not the image is stale, as
 * docker compose does (the engine's layer cache makes an unchanged build
 * cheap); `up` is where staleness decides. Services sharing one image
 * name and build section are built once; independent builds run at once.
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

static const char build_usage[] =
	"Usage: berth build [OPTIONS] [SERVICE...]\n"
	"\n"
	"Build the images of the services that have a build section (all of\n"
	"them when none is named). The context is sent as .dockerignore\n"
	"filters it; each image is labelled with the digest of its build\n"
	"inputs, so `berth up` rebuilds exactly the stale ones.\n"
	"\n"
	"Options:\n"
	"      --build-arg KEY=VAL   set a build argument (repeatable; KEY alone\n"
	"                            takes the value from the environment)\n"
	"      --no-cache            do not use the engine's build cache\n"
	"      --pull                always pull newer versions of base images\n"
	"  -q, --quiet               print nothing but errors\n"
	"      --with-dependencies   also build the services they depend on\n"
	"      --dry-run             say what would be built, and why, and stop\n";

static int build_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_build_entry = {
	.name = "build",
	.summary = "Build the services' images",
	.usage = build_usage,
	.exec = build_exec,
};

struct build_run {
	struct engine *e;
	struct project *p;
	size_t *todo; /* service indices */
	struct build_opts o;
};

static int
start_one(size_t i, image_build_done_fn done, void *arg, void *ctx)
{
	struct build_run *r = ctx;

	return image_build_start(r->e, r->p, &r->p->services[r->todo[i]], &r->o,
				 done, arg);
}

/* Pick the services to build: selected, with a build section, one per image. */
static size_t
pick(struct project *p, const bool *sel, size_t *todo, int *width)
{
	size_t n = 0;

	*width = 0;
	for (size_t i = 0; i < p->nservices; i++) {
		struct service *s = &p->services[i];
		json_t *b = json_object_get(s->def, "build");
		char *ref;
		bool dup = false;

		if (!sel[i] || b == NULL || json_is_null(b))
			continue;
		ref = service_image_ref(p, s);
		for (size_t k = 0; k < n && !dup; k++) {
			struct service *o = &p->services[todo[k]];
			char *oref = service_image_ref(p, o);

			if (strcmp(ref, oref) == 0) {
				dup = true;
				if (!json_equal(b, json_object_get(o->def,
								   "build")))
					warning("services \"%s\" and \"%s\" "
						"build the same image \"%s\" "
						"differently; building \"%s\"",
						o->name, s->name, ref, o->name);
			}
			free(oref);
		}
		free(ref);
		if (dup)
			continue;
		todo[n++] = i;
		if ((int)strlen(s->name) > *width)
			*width = (int)strlen(s->name);
	}
	return n;
}

static int
dry_run(struct engine *e, struct project *p, const size_t *todo, size_t n,
	const struct build_opts *o)
{
	int ret = EXIT_OK;

	for (size_t i = 0; i < n; i++) {
		struct service *s = &p->services[todo[i]];
		char *ref = service_image_ref(p, s), *why = NULL;
		int r = image_build_needed_opts(e, p, s, o, &why);

		if (r < 0)
			ret = EXIT_FAIL;
		else
			printf("would build service \"%s\" as \"%s\": %s\n",
			       s->name, ref, r ? why : "up to date");
		free(why);
		free(ref);
	}
	return ret;
}

static int
build_exec(struct globals *g, int argc, char **argv)
{
	enum {
		OPT_BUILD_ARG = 256,
		OPT_NO_CACHE,
		OPT_PULL,
		OPT_WITH_DEPS,
		OPT_DRY_RUN
	};
	static const struct option opts[] = {
		{ "build-arg", required_argument, NULL, OPT_BUILD_ARG },
		{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
		{ "pull", no_argument, NULL, OPT_PULL },
		{ "quiet", no_argument, NULL, 'q' },
		{ "with-dependencies", no_argument, NULL, OPT_WITH_DEPS },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	struct strv args = STRV_INIT;
	struct build_run r = { 0 };
	struct progress *prog = NULL;
	bool with_deps = false, dry = g->dry_run;
	bool *sel = NULL;
	int c, width, ret = EXIT_FAIL;
	size_t n;

	while ((c = cmd_getopt(&cmd_build_entry, argc, argv, "q", opts)) !=
	       -1) {
		if (c < 0) {
			strv_clear(&args);
			return cmd_getopt_exit(c);
		}
		switch (c) {
		case OPT_BUILD_ARG:
			strv_push(&args, optarg);
			break;
		case OPT_NO_CACHE:
			r.o.no_cache = true;
			break;
		case OPT_PULL:
			r.o.pull = true;
			break;
		case 'q':
			r.o.quiet = true;
			break;
		case OPT_WITH_DEPS:
			with_deps = true;
			break;
		case OPT_DRY_RUN:
			dry = true;
			break;
		}
	}
	r.o.build_args = &args;
	if (g->progress && strcmp(g->progress, "quiet") == 0)
		r.o.quiet = true;
	if (cmd_load_project(g, argv + optind, (size_t)(argc - optind), &r.p) <
	    0)
		goto done;
	sel = xcalloc(r.p->nservices + 1, sizeof(*sel));
	if (project_select(r.p, argv + optind, (size_t)(argc - optind),
			   !with_deps, sel) < 0)
		goto done;
	r.todo = xcalloc(r.p->nservices + 1, sizeof(*r.todo));
	n = pick(r.p, sel, r.todo, &width);
	if (engine_open(&r.e, EV_DEFAULT) < 0 || engine_negotiate(r.e) < 0)
		goto done;
	if (dry) {
		ret = dry_run(r.e, r.p, r.todo, n, &r.o);
		goto done;
	}
	if (!r.o.quiet)
		prog = progress_new(g->progress, g->ansi, "Building",
				    engine_loop(r.e));
	image_output_setup(prog, width);
	ret = image_tasks_run(r.e, n, g->parallel, start_one, &r, NULL) ?
		      EXIT_FAIL :
		      EXIT_OK;
	progress_free(prog);
	image_output_setup(NULL, 0);
	image_output_flush();
done:
	engine_free(r.e);
	project_free(r.p);
	free(r.todo);
	free(sel);
	strv_clear(&args);
	return ret;
}
