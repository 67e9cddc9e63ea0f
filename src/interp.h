/*
 * interp.h - compose variable interpolation: $VAR, ${VAR:-default} & co.
 *
 * Forms (compose-go template/template.go): $VAR, ${VAR}, ${VAR:-d},
 * ${VAR-d}, ${VAR:?e}, ${VAR?e}, ${VAR:+a}, ${VAR+a}, with defaults and
 * messages themselves interpolated (${A:-${B:-x}}), and $$ for a literal $.
 * An unset variable used without a default becomes "" with a warning.
 * Names are [_a-zA-Z][_a-zA-Z0-9]* and looked up as written. As in
 * compose-go, any other `$` (a lone `$`, `$1`, `${}`, an unclosed `${`)
 * is an error: "invalid interpolation format".
 *
 * One deliberate difference: compose-go drops an error raised in the text
 * after a `${VAR:-...}` form (`${A:-x} ${B:?set B}` passes when B is
 * unset); berth reports it.
 */
#ifndef BERTH_INTERP_H
#define BERTH_INTERP_H

#include <stdbool.h>

#include <jansson.h>

struct interp_opts {
	const json_t *env; /* the variables: object of strings (NULL: none) */
	const json_t *fallback; /* looked up when env lacks a name (may be
				   NULL); dotenv uses it for earlier lines */
	bool warn_unset;	/* warn once per unset variable via warning() */
	json_t *warned;		/* object used as a set of names already warned
				   about, shared across calls (may be NULL) */
	json_t *used;		/* if not NULL, gets each variable name seen ->
				   its default value (string) or null, for
				   `config --variables` */
};

/*
 * Interpolate one string. Returns 0 and a new string in *out (caller
 * frees), or -1 with a new message in *err (caller frees), such as
 * "required variable FOO is missing a value: set FOO" or
 * "invalid interpolation format for \"${\"". Nothing is printed except
 * unset-variable warnings.
 */
int interp_string(const char *in, const struct interp_opts *o, char **out,
		  char **err);

/*
 * Interpolate every string value in tree in place (mapping keys are left
 * alone). Replaced nodes keep the position and flags of the old ones.
 * Each failure is reported with diag_error as
 * "FILE:LINE:COL: services.web.image: MSG"; all are reported, then -1 is
 * returned.
 */
int interp_tree(json_t *tree, const struct interp_opts *o);

#endif
