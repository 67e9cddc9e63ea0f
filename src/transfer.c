/*
 * transfer.c - run pulls or pushes of the services' images, one per
 * distinct image, at most --parallel at once.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "container_spec.h"
#include "engine.h"
#include "image_output.h"
#include "image_tasks.h"
#include "progress.h"
#include "project.h"
#include "transfer.h"
#include "xalloc.h"

static const char *
transfer_image(const struct transfer *t, size_t svc)
{
	return json_string_value(
		json_object_get(t->p->services[svc].def, "image"));
}

void
transfer_add(struct transfer *t, size_t i)
{
	const char *img = transfer_image(t, i);
	int w = (int)strlen(t->p->services[i].name);

	for (size_t k = 0; k < t->n; k++)
		if (strcmp(img, transfer_image(t, t->todo[k])) == 0)
			return;
	if (t->todo == NULL)
		t->todo = xcalloc(t->p->nservices + 1, sizeof(*t->todo));
	t->todo[t->n++] = i;
	if (w > t->width)
		t->width = w;
}

static int
transfer_start_one(size_t i, image_build_done_fn done, void *arg, void *ctx)
{
	struct transfer *t = ctx;
	size_t svc = t->todo[i];

	/* A pull is for the service's platform, as compose's. */
	return t->start(t->e, transfer_image(t, svc),
			container_spec_platform(t->p, &t->p->services[svc]),
			t->quiet, t->p->services[svc].name, done, arg);
}

size_t
transfer_run(struct transfer *t, const struct globals *g, const char *title,
	     int *results)
{
	struct progress *prog = NULL;
	size_t failed;

	if (g->progress && strcmp(g->progress, "quiet") == 0)
		t->quiet = true;
	if (!t->quiet)
		prog = progress_new(g->progress, g->ansi, title,
				    engine_loop(t->e));
	image_output_setup(prog, t->width);
	failed = image_tasks_run(t->e, t->n, g->parallel, transfer_start_one, t,
				 results);
	progress_free(prog);
	image_output_setup(NULL, 0);
	image_output_flush();
	return failed;
}

void
transfer_release(struct transfer *t)
{
	free(t->todo);
	t->todo = NULL;
	t->n = 0;
}
