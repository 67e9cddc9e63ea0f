/*
 * loader.h - compose files in, one validated project out.
 *
 * The pipeline, per file: YAML (yaml_load.h) -> interpolation (interp.h)
 * -> include -> extends -> then all files merged in order -> profiles ->
 * normalisation to the canonical long form -> validation -> struct project
 * (project.h). Every problem is reported as FILE:LINE:COL: KEYPATH: MSG
 * (pos.h), all of them, before the load fails.
 */
#ifndef BERTH_LOADER_H
#define BERTH_LOADER_H

#include <stdbool.h>

#include "project.h"
#include "strv.h"

struct load_opts {
	const struct strv *files;     /* -f; empty: COMPOSE_FILE, discovery */
	const char *project_name;     /* -p, or NULL */
	const char *project_dir;      /* --project-directory, or NULL */
	const struct strv *env_files; /* --env-file; empty: COMPOSE_ENV_FILES,
					 .env */
	const struct strv *profiles;  /* --profile; empty: COMPOSE_PROFILES */
	char *const *services;	      /* named on the command line: their */
	size_t nservices;	      /* profiles are enabled */
	bool no_interpolate;	      /* config --no-interpolate */
	bool no_normalize;	      /* config --no-normalize */
	bool no_path_resolution;      /* config --no-path-resolution */
	bool no_env_resolution;	      /* config --no-env-resolution */
	bool quiet_warnings;	      /* no unset-variable warnings */
	bool no_hash;		      /* services[].hash left empty */
};

int project_load(struct project **out, const struct load_opts *opts);
/*
 * The same with the one compose file in memory (the fuzzer, tests):
 * text stands where standard input ("-f -") would, and messages name it
 * "stdin"; opts->files is not used. Relative paths are resolved against
 * opts->project_dir, or the working directory.
 */
int project_load_buffer(struct project **out, const char *text, size_t len,
			const struct load_opts *opts);

#endif
