/*
 * image_tasks.h - run image jobs (builds, pulls, pushes) side by side on
 * the event loop, at most `limit` at once (--parallel), and wait for all.
 */
#ifndef BERTH_IMAGE_TASKS_H
#define BERTH_IMAGE_TASKS_H

#include <stddef.h>

#include "image_build.h"

/*
 * Start task i: call one of the image_*_start functions with done and
 * arg, and return what it returns (0 started, -1 reported: done will not
 * be called).
 */
typedef int (*image_task_fn)(size_t i, image_build_done_fn done, void *arg,
			     void *ctx);

/*
 * Run tasks 0..n-1 with at most limit at once (<= 0: no limit). results
 * (n ints, may be NULL) receives 0 or -1 per task. Returns the number of
 * tasks that failed.
 */
size_t image_tasks_run(struct engine *e, size_t n, int limit,
		       image_task_fn start, void *ctx, int *results);

#endif
