/*
 * image_tasks.c - bounded concurrent image jobs (image_tasks.h).
 */
#include <stdbool.h>
#include <stdlib.h>

#include "image_tasks.h"
#include "xalloc.h"

struct runner {
	size_t n, next, running, failed, finished;
	bool all_done; /* finished == n: the flag engine_wait watches */
	int limit;
	image_task_fn start;
	void *ctx;
	int *results;
	struct slot *slots;
};

struct slot {
	struct runner *r;
	size_t i;
};

static void start_more(struct runner *r);

static void
on_task_done(int result, void *arg)
{
	struct slot *s = arg;
	struct runner *r = s->r;

	r->results[s->i] = result;
	if (result < 0)
		r->failed++;
	r->running--;
	r->finished++;
	start_more(r);
	r->all_done = r->finished == r->n;
}

/* Start tasks until the limit is reached; ones failing at once count as done.
 */
static void
start_more(struct runner *r)
{
	while (r->next < r->n &&
	       (r->limit <= 0 || r->running < (size_t)r->limit)) {
		struct slot *s = &r->slots[r->next++];

		r->running++;
		if (r->start(s->i, on_task_done, s, r->ctx) < 0) {
			r->running--;
			r->results[s->i] = -1;
			r->failed++;
			r->finished++;
		}
	}
}

size_t
image_tasks_run(struct engine *e, size_t n, int limit, image_task_fn start,
		void *ctx, int *results)
{
	struct runner r = { .n = n, .limit = limit, .start = start, .ctx = ctx };

	r.results = results ? results : xcalloc(n ? n : 1, sizeof(int));
	r.slots = xcalloc(n ? n : 1, sizeof(*r.slots));
	for (size_t i = 0; i < n; i++) {
		r.slots[i].r = &r;
		r.slots[i].i = i;
	}
	start_more(&r);
	r.all_done = r.finished == n;
	engine_wait(e, &r.all_done);
	free(r.slots);
	if (results == NULL)
		free(r.results);
	return r.failed;
}
