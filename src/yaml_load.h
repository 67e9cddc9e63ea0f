/*
 * yaml_load.h - YAML text in, jansson trees out, with positions.
 *
 * The compose loader works on generic JSON trees (as compose-go works on
 * map[string]any). This module turns a YAML stream into those trees the way
 * compose-go's yaml.v3 reads it: YAML 1.2 core schema for plain scalars
 * (so yes/no/on/off stay strings), anchors and aliases (deep-copied, with
 * a cap against "billion laughs" files), `<<` merge keys, duplicate-key
 * errors, and the compose tags !reset and !override.
 *
 * Every node made gets a position (pos.h) at its value; quoted and block
 * scalars carry POS_QUOTED, and !reset / !override carry POS_TAG_RESET /
 * POS_TAG_OVERRIDE. Mapping keys always become strings (`80: x` has key
 * "80").
 */
#ifndef BERTH_YAML_LOAD_H
#define BERTH_YAML_LOAD_H

#include <stddef.h>

#include <jansson.h>

/* Most nodes one load may produce through aliases (yaml.v3 caps alias
   expansion the same way). */
#define YAML_MAX_ALIAS_NODES 1000000

/*
 * Parse the YAML stream in text into *out: a new JSON array holding one
 * tree per document (an empty stream gives an empty array). name is used in
 * positions and messages. Returns 0, or -1 after reporting every error as
 * "NAME:LINE:COL: MSG" (through diag_error, so diag_count counts them);
 * *out is NULL on failure.
 */
int yaml_load_string(json_t **out, const char *text, size_t len,
		     const char *name);

/*
 * The same for a file. path "-" reads standard input, and messages then
 * name it "stdin". A file that cannot be read is reported as
 * "cannot read 'PATH': REASON".
 */
int yaml_load_file(json_t **out, const char *path);

#endif
