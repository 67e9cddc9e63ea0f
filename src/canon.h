/*
 * canon.h - compose trees to the canonical long form.
 *
 * After merging, the model is put in the shape `docker compose config
 * --format json` prints (compose-go transform/, loader/normalize.go,
 * types/): every short syntax in its long form (ports, volumes,
 * depends_on, networks, build, secrets, env_file...), relative paths made
 * absolute, environment resolved and env_file folded into it, durations
 * and byte sizes in compose's text, resources named, the implicit default
 * network added when used, and keys in compose's order. Nodes made here
 * carry the position of the node they came from.
 *
 * The passes are separate so the loader can run them on pieces: an
 * included project or an extended service from another directory gets its
 * paths resolved against its own directory before it is merged.
 */
#ifndef BERTH_CANON_H
#define BERTH_CANON_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct canon_opts {
	const char *workdir;	  /* absolute project directory */
	const char *project_name; /* for resource names */
	const json_t *env;	  /* project environment (may be NULL) */
	bool keep_paths;	  /* config --no-path-resolution */
	bool keep_env_files;	  /* config --no-env-resolution */
};

/* Cast strings at paths compose types (ports[].target, tty, scale,
   ulimits...) to ints and booleans, as compose-go does after
   interpolation. Strings that do not convert are left for validation,
   and so are !reset markers (`tty: !reset true`, yaml_load.h). */
void canon_cast(json_t *doc);

/* Short syntax to long syntax, for every service of model, or one. */
int canon_syntax(json_t *model);
int canon_service_syntax(json_t *service, const char *name);
/* Relative paths (build context and named contexts, bind sources,
   env_file, secret and config files, the device of a local bind-mount
   volume) made absolute against dir; ~ is $HOME. Run after
   canon_syntax. */
void canon_paths(json_t *model, const char *dir);
void canon_service_paths(json_t *service, const char *dir);
/* Resolve valueless environment and build.args entries from env; with
   fold, read env_file (through dotenv, env as lookup) under environment
   and drop env_file. Reports unreadable required files; returns 0/-1. */
int canon_environment(json_t *model, const json_t *env, bool fold);
/* Names, the default network, implicit depends_on, defaults (scale fills
   in a missing deploy.replicas) and compose's key order. */
void canon_normalize(json_t *model, const char *project_name);
/* All of it: syntax, paths, environment, label_file (read into labels,
   which win, then dropped), normalize. keep_paths leaves relative paths
   as written (files are still read against workdir); keep_env_files
   leaves env_file unfolded, in the output. */
int canon_project(json_t *model, const struct canon_opts *o);

/*
 * Parsers shared with merge and validation. Each returns 0, or -1 with a
 * reason in *err (caller frees).
 */
/* "SRC:DST:OPTS" -> {type, source, target, read_only, bind|volume}. */
int canon_volume_parse(const char *spec, json_t **out, char **err);
/* "[IP:][PUB:]TARGET[/PROTO]" with ranges -> long entries appended to
   arr (positioned like from); arr NULL only checks the syntax. */
int canon_ports_parse(const char *spec, json_t *arr, const json_t *from,
		      char **err);
/* Go duration text ("1m30s", "500ms") -> nanoseconds. */
int canon_duration_parse(const char *s, long long *ns);
/* Nanoseconds -> Go's Duration.String() ("1m30s", "1h0m0s", "0s"). */
void canon_duration_format(long long ns, char *out, size_t n);
/* "512m", "1g", "1024" -> bytes (binary units, as docker's go-units). */
int canon_bytes_parse(const char *s, long long *out);
/* Split a command line as compose does (shellwords: quotes, escapes).
   New array in *out. */
int canon_shell_split(const char *s, json_t **out, char **err);

#endif
