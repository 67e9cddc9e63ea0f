/*
 * container_spec.h - a canonical service (compose spec long form, as
 * `docker compose config --format json` prints it) turned into the body of
 * POST /containers/create.
 */
#ifndef BERTH_CONTAINER_SPEC_H
#define BERTH_CONTAINER_SPEC_H

#include <stdbool.h>

#include <jansson.h>

#include "project.h"

/*
 * The POST /containers/create body for container number `number` of
 * service s (labels included: project, service, number, oneoff False,
 * config-hash, image, depends_on, working_dir, config_files, version,
 * dev.berth.config-hash). image_id: the id of the image the container
 * runs, for the image label (may be NULL). The caller owns the result.
 */
json_t *container_spec(const struct project *p, const struct service *s,
		       int number, const char *image_id);

/*
 * Container name: <project>-<service>-<N>, or container_name. With
 * container_name_compat (--compatibility) the separator is "_". Caller
 * frees.
 */
char *container_name(const struct project *p, const struct service *s,
		     int number);

/* --compatibility: "_" separators in container names, as compose v1. */
void container_name_compat(bool on);

/* The engine name of top-level network key: its `name`, else
 * <project>_<key>. Caller frees. */
char *project_network_name(const struct project *p, const char *key);
/* Same for top-level volumes. Caller frees. */
char *project_volume_name(const struct project *p, const char *key);

/* The first network a service joins (by priority, then name), or NULL
 * for network_mode services. Borrowed. */
const char *service_first_network(const struct service *s);

#endif
