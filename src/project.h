/*
 * project.h - the loaded, validated project: what every command works on.
 *
 * The loader (loader.h) produces the canonical model: one jansson tree in
 * the shape `docker compose config --format json` prints (compose spec long
 * syntax, absolute paths, environment as a map, top-level name), and from
 * it a struct project: the enabled services in name order with their
 * dependencies resolved to indices, their dependency graph and order, and
 * each one's config hash.
 *
 * Ownership: project_free frees everything. struct service fields point
 * into project->model (borrowed); nothing here outlives the project.
 */
#ifndef BERTH_PROJECT_H
#define BERTH_PROJECT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "graph.h"
#include "strv.h"

enum dep_condition {
	DEP_STARTED,   /* service_started */
	DEP_HEALTHY,   /* service_healthy */
	DEP_COMPLETED, /* service_completed_successfully */
};

struct service_dep {
	size_t index;	  /* into project->services */
	const char *name; /* borrowed */
	enum dep_condition condition;
	bool restart;
	bool required;
};

struct service {
	const char *name; /* borrowed from the model */
	json_t *def;	  /* borrowed: model.services.<name> */
	int replicas;	  /* scale > deploy.replicas > 1 */
	struct service_dep *deps;
	size_t ndeps;
	char hash[65];	 /* config hash, hex sha256 (see project_hash) */
	json_t *content; /* digests of its configs' and secrets' content:
			    {"configs": {NAME: HEX}, "secrets": {...}}, or
			    NULL (owned; set when hashing) */
};

/*
 * The key under which a service's content digests join its hashed JSON
 * (an x- key, so it can never be one of the service's own: those are left
 * out of the hash).
 */
#define PROJECT_CONTENT_KEY "x-berth-content"

struct project {
	char *name;
	char *workdir;		  /* absolute project directory */
	struct strv config_files; /* absolute paths, in load order */
	struct strv env_files;	  /* .env / --env-file files read */
	json_t *model;		  /* canonical model (owned) */
	json_t *environment;	  /* project env used to interpolate (owned) */
	struct service *services; /* enabled services, sorted by name */
	size_t nservices;
	struct strv disabled; /* services off by profile: not orphans */
	struct graph graph;   /* edges from services[i].deps */
	size_t *order;	      /* dependencies first (start order) */
};

/*
 * Build a project from a canonical model. Takes ownership of model (also
 * on failure). Checks references and cycles in depends_on, reporting each
 * problem through diag_error; returns 0 or -1.
 */
int
project_from_model(struct project **out, json_t *model, const char *workdir);
/* The same; with hash false, services[].hash stays empty (a model only
   printed needs no hashes, and they cost a digest each). */
int project_from_model_hashed(struct project **out, json_t *model,
			      const char *workdir, bool hash);
/* The same with the project environment env (borrowed; the project keeps a
   reference as p->environment): `environment:` config and secret sources
   are read from it for the hash. */
int project_from_model_env(struct project **out, json_t *model,
			   const char *workdir, json_t *env, bool hash);
void project_free(struct project *p);

/* Index of the service called name, or -1. */
int project_service_index(const struct project *p, const char *name);

/*
 * The config hash of a service: sha256 over its canonical JSON with sorted
 * keys, leaving out what does not shape the container (build, pull_policy,
 * scale, deploy.replicas, depends_on, profiles, x-* keys), as docker compose
 * does. Written to out as 64 hex digits.
 */
void project_hash_service(const json_t *def, char out[65]);
/*
 * The same with the digests of the content of its configs and secrets
 * (content: may be NULL) as the key PROJECT_CONTENT_KEY, so that editing
 * a config file changes the hash (docker compose does not do that).
 */
void project_hash_service_content(const json_t *def, const json_t *content,
				  char out[65]);

/*
 * The value of a config's or secret's `environment:` source: from the
 * project environment, else the process's. NULL when unset (borrowed).
 */
const char *project_env_value(const struct project *p, const char *name);

/*
 * Select services: names (may be empty: all) and, unless no_deps, all
 * their dependencies. sel gets nservices bools. Unknown names are reported
 * and give -1.
 */
int project_select(const struct project *p, char *const *names, size_t n,
		   bool no_deps, bool *sel);

#endif
