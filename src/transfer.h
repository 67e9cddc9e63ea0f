/*
 * transfer.h - what pull and push share: one engine transfer per
 * distinct image of the chosen services, run side by side under one
 * progress display.
 */
#ifndef BERTH_TRANSFER_H
#define BERTH_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>

#include "image_build.h"

struct globals;
struct project;

/* image_pull_start or image_push_start (platform: the service's). */
typedef int (*transfer_start_fn)(struct engine *e, const char *ref,
				 const char *platform, bool quiet,
				 const char *prefix, image_build_done_fn done,
				 void *arg);

struct transfer {
	struct engine *e;  /* borrowed */
	struct project *p; /* borrowed */
	transfer_start_fn start;
	bool quiet;
	size_t *todo; /* service indices, one per distinct image */
	size_t n;
	int width; /* the longest service name among todo */
};

/* Queue service i, unless a queued service has the same image. */
void transfer_add(struct transfer *t, size_t i);

/*
 * Run the queued transfers with the progress title ("Pulling"). results
 * (t->n ints, may be NULL) receives 0 or -1 per transfer. Returns the
 * number that failed.
 */
size_t transfer_run(struct transfer *t, const struct globals *g,
		    const char *title, int *results);

void transfer_release(struct transfer *t);

#endif
