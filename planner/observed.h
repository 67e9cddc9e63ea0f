/*
 * observed.h - the actual state of a project: its containers, networks and
 * volumes as the engine listed them (filtered by the project label).
 *
 * Plain data with no engine types, so the planner can be unit-tested from
 * JSON fixtures. src/observe.h fills it from the engine; observed_from_json
 * fills it from list answers (the same JSON the engine gives).
 *
 * Ownership: every string and json_t in these structs belongs to the struct
 * observed; observed_release frees them all.
 */
#ifndef BERTH_OBSERVED_H
#define BERTH_OBSERVED_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct obs_container {
	char *id, *name; /* name without the leading '/' */
	char *service;	 /* com.docker.compose.service */
	int number;	 /* container-number, 0 if none */
	bool oneoff;	 /* oneoff == "True" */
	char *state;  /* created|running|paused|restarting|removing|exited|dead
		       */
	char *status; /* human status text from the list ("Up 3 seconds") */
	char *health; /* healthy|unhealthy|starting or NULL (from
			 status/inspect) */
	char *config_hash; /* com.docker.compose.config-hash or NULL */
	bool berth_hash;   /* dev.berth.config-hash present: berth computed the
			      hash */
	char *image;	   /* image reference as given at create */
	char *image_id;	   /* sha256:... */
	char *replace;	   /* com.docker.compose.replace or NULL */
	long long created; /* unix time */
	json_t *labels;	   /* all labels (owned) */
	json_t *ports;	   /* Ports array from the list (owned) */
	json_t *raw;	   /* the list entry (owned) */
	json_t *inspect;   /* GET /containers/{id}/json, when fetched (owned) */
};

struct obs_network {
	char *id, *name;
	char *key; /* com.docker.compose.network label */
	json_t *labels, *raw;
};

struct obs_volume {
	char *name;
	char *key; /* com.docker.compose.volume label */
	json_t *labels, *raw;
};

struct observed {
	struct obs_container *containers;
	size_t ncontainers;
	struct obs_network *networks;
	size_t nnetworks;
	struct obs_volume *volumes;
	size_t nvolumes;
};

void observed_release(struct observed *o);

/*
 * Containers of service svc (all numbers; one-offs only when
 * include_oneoff), sorted by number. Fills *out with an array of pointers
 * into o (the caller frees the array only); returns its length.
 */
size_t observed_service_containers(const struct observed *o, const char *svc,
				   bool include_oneoff,
				   const struct obs_container ***out);

/*
 * Fill o from engine list answers: containers (GET /containers/json),
 * networks (GET /networks) and volumes (the "Volumes" array of GET
 * /volumes). Any of them may be NULL. Appends to what o holds.
 */
void observed_add_containers(struct observed *o, const json_t *list);
void observed_add_networks(struct observed *o, const json_t *list);
void observed_add_volumes(struct observed *o, const json_t *list);

/* The network or volume with this engine name, or NULL. */
const struct obs_network *
observed_network(const struct observed *o, const char *name);
const struct obs_volume *
observed_volume(const struct observed *o, const char *name);
/* The container with this id or name, or NULL. */
const struct obs_container *
observed_container(const struct observed *o, const char *id_or_name);
/* Keep inspect (a new reference is taken) on the container with id. */
void observed_set_inspect(struct observed *o, const char *id, json_t *inspect);

#endif
