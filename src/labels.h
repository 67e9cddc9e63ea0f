/*
 * labels.h - the com.docker.compose.* labels, in one place.
 *
 * berth writes the same labels as docker compose v2 so that either tool
 * sees and manages the other's containers, networks and volumes
 * (COMPOSE-REFERENCE.md §3.1). The project label is the sole ownership key:
 * every query filters on it.
 */
#ifndef BERTH_LABELS_H
#define BERTH_LABELS_H

#define LABEL_PREFIX	    "com.docker.compose."
#define LABEL_PROJECT	    LABEL_PREFIX "project"
#define LABEL_SERVICE	    LABEL_PREFIX "service"
#define LABEL_NUMBER	    LABEL_PREFIX "container-number"
#define LABEL_ONEOFF	    LABEL_PREFIX "oneoff"
#define LABEL_SLUG	    LABEL_PREFIX "slug"
#define LABEL_CONFIG_HASH   LABEL_PREFIX "config-hash"
#define LABEL_IMAGE	    LABEL_PREFIX "image"
#define LABEL_DEPENDS_ON    LABEL_PREFIX "depends_on"
#define LABEL_WORKING_DIR   LABEL_PREFIX "project.working_dir"
#define LABEL_CONFIG_FILES  LABEL_PREFIX "project.config_files"
#define LABEL_ENV_FILE	    LABEL_PREFIX "project.environment_file"
#define LABEL_REPLACE	    LABEL_PREFIX "replace"
#define LABEL_VERSION	    LABEL_PREFIX "version"
#define LABEL_NETWORK	    LABEL_PREFIX "network"
#define LABEL_VOLUME	    LABEL_PREFIX "volume"
#define LABEL_IMAGE_BUILDER LABEL_PREFIX "image.builder"

/* berth's own labels, beyond docker compose's. */
#define LABEL_BERTH_PREFIX "dev.berth."
/* Digest of an image's build inputs: stale-image detection. */
#define LABEL_BUILD_DIGEST LABEL_BERTH_PREFIX "build-digest"
/* Set on containers whose config-hash berth computed itself. */
#define LABEL_BERTH_HASH LABEL_BERTH_PREFIX "config-hash"

/* The compose version berth reports in the version label. */
#define COMPOSE_COMPAT_VERSION "2.40.3"

#endif
