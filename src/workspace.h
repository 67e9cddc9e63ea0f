/*
 * workspace.h - which compose files, which project directory, which
 * environment: everything decided before the first YAML byte is read.
 *
 * Follows compose-go's cli/options.go: -f files, else COMPOSE_FILE, else
 * discovery of compose.yaml & co. in the working directory and its parents
 * (with the matching override file); the project directory is
 * --project-directory or the first file's directory; the environment is
 * the OS environment over the .env file (or the --env-file files).
 */
#ifndef BERTH_WORKSPACE_H
#define BERTH_WORKSPACE_H

#include <stdbool.h>

#include <jansson.h>

#include "loader.h"
#include "strv.h"

struct workspace {
	struct strv files;     /* absolute paths of the compose files, in
				  order; "-" is standard input */
	char *workdir;	       /* absolute project directory */
	json_t *env;	       /* project environment: the OS environment over
				  .env (or --env-file); object of strings,
				  with COMPOSE_PROJECT_NAME set when known */
	struct strv env_files; /* env files actually read, absolute paths */
	char *name_from_cli_or_env; /* -p, else COMPOSE_PROJECT_NAME (from
				       the OS or .env), validated; or NULL */
};

#define WORKSPACE_INIT                                 \
	{                                              \
		STRV_INIT, NULL, NULL, STRV_INIT, NULL \
	}

/*
 * Fill out from o (files, project_dir, env_files, project_name are used).
 * Reports problems (no compose file found, missing --env-file, bad .env
 * line, invalid project name) and returns -1; out is then released.
 */
int workspace_resolve(struct workspace *out, const struct load_opts *o);
void workspace_release(struct workspace *w);

/* docker compose's project name normalisation: lowercase, keep only
   [a-z0-9_-], strip leading '_' and '-'. Caller frees; may return "". */
char *project_name_normalize(const char *in);
/* Is name a valid project name as given to -p or COMPOSE_PROJECT_NAME:
   non-empty and already normal? */
bool project_name_is_valid(const char *name);

#endif
