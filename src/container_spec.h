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
 * The configs and secrets of s that are not files (`content:` and
 * `environment:` sources): they are copied into the container after it is
 * created and before it starts, as docker compose does. *out gets an
 * array of {"path": absolute target, "content": text, "mode": int,
 * "uid": int, "gid": int} (mode 0444 unless the long syntax says), or
 * NULL when there are none. Returns 0, or -1 after reporting an unset
 * environment variable or a bad uid/gid (*out is then NULL).
 */
int container_spec_copies(const struct project *p, const struct service *s,
			  json_t **out);

/*
 * The platform s's containers run, pull and build for ("linux/amd64"):
 * its platform key, else DOCKER_DEFAULT_PLATFORM of the project
 * environment, as docker compose. NULL for the engine's default
 * (borrowed).
 */
const char *
container_spec_platform(const struct project *p, const struct service *s);

/*
 * The path of POST /containers/create for a container of s named name:
 * "/containers/create?name=NAME", with "&platform=PLATFORM" when s has
 * one (container_spec_platform). s may be NULL. Caller frees.
 */
char *container_spec_create_path(const struct project *p,
				 const struct service *s, const char *name);

/*
 * Container name: <project>-<service>-<N>, or container_name. With
 * naming_set_compat (--compatibility) the separator is "_". Caller
 * frees.
 */
char *
container_name(const struct project *p, const struct service *s, int number);

/*
 * Recreate without loss: mount the anonymous volumes of the old container
 * (old_mounts: the "Mounts" of its list entry or inspect) in spec at the
 * same targets, unless spec mounts something else there.
 */
void container_spec_inherit(json_t *spec, const json_t *old_mounts);

/*
 * POST /networks/{name}/connect bodies for the networks after the first
 * one (API 1.41 creates a container on one network only). Returns an array
 * of {"network": name, "body": {...}} objects without the Container field;
 * the caller owns it.
 */
json_t *container_spec_extra_networks(const struct project *p,
				      const struct service *s, int number);

#endif
