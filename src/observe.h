/*
 * observe.h - read a project's actual state from the engine.
 *
 * One label-filtered list request per kind (containers, networks, volumes),
 * all started at once on the engine's event loop, parsed into a struct
 * observed (planner/observed.h).
 */
#ifndef BERTH_OBSERVE_H
#define BERTH_OBSERVE_H

#include <stdbool.h>

#include "observed.h"

struct engine;

enum {
	OBSERVE_CONTAINERS = 1,
	OBSERVE_NETWORKS = 2,
	OBSERVE_VOLUMES = 4,
	OBSERVE_ALL = 7,
};

/*
 * List what carries the label com.docker.compose.project=project. all:
 * include stopped containers. out is zeroed first; release it with
 * observed_release (also after a failure). Returns 0 or -1 (reported).
 */
int observe_project(struct engine *e, const char *project, unsigned what,
		    bool all, struct observed *out);

#endif
