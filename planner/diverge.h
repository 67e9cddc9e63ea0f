/*
 * diverge.h - does an existing container differ from its service, and
 * how? The answers become the reasons printed for a recreate, e.g.
 * "environment.FOO changed (bar -> baz)".
 *
 * berth stores, in the label dev.berth.config, the part of the canonical
 * service that the config hash covers; comparing it with the current one
 * names the changed fields. Containers made by another tool (docker
 * compose hashes differently) are compared field by field with their
 * inspect data instead, so they are only recreated for a real change.
 */
#ifndef BERTH_DIVERGE_H
#define BERTH_DIVERGE_H

#include <jansson.h>

#include "strv.h"

struct project;
struct service;

/* The label holding the hashed part of the service, compact JSON. */
#define LABEL_BERTH_CONFIG "dev.berth.config"

/*
 * The part of a canonical service def the config hash covers: without
 * build, pull_policy, scale, depends_on, profiles, deploy.replicas and
 * x-* keys (as project_hash_service). New reference.
 */
json_t *diverge_hash_input(const json_t *def);
/*
 * What the config hash of s covers, as the label stores it: its hash
 * input and, under PROJECT_CONTENT_KEY (project.h), the digests of the
 * content of its configs and secrets. New reference.
 */
json_t *diverge_service_input(const struct service *s);

/*
 * Append to reasons one line per difference between old and new (both
 * hash inputs): "environment.FOO changed (bar -> baz)", "ports[1] added",
 * "labels.x removed", "configs.app content changed".
 */
void diverge_config(const json_t *old, const json_t *new, struct strv *reasons);

/*
 * Compare a container made by another tool (inspect: GET /containers/{id}
 * /json) with service s field by field: image, command, entrypoint,
 * environment, labels, ports, volumes, networks, restart and the simple
 * flags. Appends one line per difference.
 */
void diverge_foreign(const struct project *p, const struct service *s,
		     const json_t *inspect, struct strv *reasons);

/* "a; b; c; and 2 more" (at most max items). Caller frees. */
char *diverge_join(const struct strv *reasons, size_t max);

#endif
