/*
 * dotenv.h - `.env` files, read the way docker compose reads them.
 *
 * The syntax follows compose-go's dotenv parser: `KEY=VALUE`, `KEY: VALUE`,
 * `export KEY=VALUE`, a bare `KEY` (taken from the environment), `#`
 * comments, single-quoted literal values, double-quoted values with
 * escapes that may span lines, and unquoted values with ` #` comments.
 * Unquoted and double-quoted values are interpolated (interp.h).
 */
#ifndef BERTH_DOTENV_H
#define BERTH_DOTENV_H

#include <stddef.h>

#include <jansson.h>

/*
 * Parse text as a .env file and set each KEY in env (a JSON object of
 * string values; later lines override earlier ones). Variables in values
 * are looked up in lookup first (the OS environment; may be NULL), then in
 * env itself (earlier lines and files). A bare `KEY` line takes its value
 * from lookup and is skipped if lookup lacks it. Errors are reported as
 * "NAME:LINE: MSG"; returns 0 or -1 (env may then hold the lines before
 * the error).
 */
int dotenv_parse(json_t *env, const char *text, size_t len, const char *name,
		 const json_t *lookup);

/* The same for a file; a missing or unreadable file is an error. */
int dotenv_load_file(json_t *env, const char *path, const json_t *lookup);

#endif
