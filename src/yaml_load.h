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
 * scalars (and !!str ones) carry POS_QUOTED, and !reset / !override carry
 * POS_TAG_RESET / POS_TAG_OVERRIDE. Exception: null, true and false are
 * jansson singletons, shared by every tree, so they carry no position or
 * flags (report problems with them on their parent). A `!reset` scalar
 * that would be null or a boolean (`x: !reset null`) is therefore loaded
 * as the string of its text, flagged POS_TAG_RESET. Mapping keys always
 * become strings, as written (`80: x` has key "80").
 *
 * Aliases are deep copies (positions included) and `<<` merges copy too,
 * so no node is shared within or between the trees returned.
 */
#ifndef BERTH_YAML_LOAD_H
#define BERTH_YAML_LOAD_H

#include <stddef.h>

#include <jansson.h>

/*
 * Alias budget (a "billion laughs" guard, as yaml.v3 has one): the nodes
 * copied through aliases and merge keys may not exceed
 * YAML_ALIAS_BASE + YAML_ALIAS_RATIO * (nodes parsed so far), nor
 * YAML_ALIAS_MAX. The size of each anchored value is known before it is
 * copied, so an oversized expansion fails before any memory is spent.
 */
#define YAML_ALIAS_BASE	 100000
#define YAML_ALIAS_RATIO 10
#define YAML_ALIAS_MAX	 2000000
#define YAML_MAX_DEPTH	 1000

/*
 * Parse the YAML stream in text into *out: a new JSON array holding one
 * tree per document (an empty stream gives an empty array). name is used in
 * positions and messages. Returns 0, or -1 after reporting every error as
 * "NAME:LINE:COL: MSG" (through diag_error, so diag_count counts them);
 * *out is NULL on failure.
 */
int
yaml_load_string(json_t **out, const char *text, size_t len, const char *name);

/*
 * The same for a file. path "-" reads standard input, and messages then
 * name it "stdin". A file that cannot be read is reported as
 * "cannot read 'PATH': REASON".
 */
int yaml_load_file(json_t **out, const char *path);

/*
 * The same, also setting *tags (when the load succeeds) to the compose
 * tags the stream uses: POS_TAG_RESET and POS_TAG_OVERRIDE. A stream
 * without them can be merged without a copy (merge_tree_move).
 */
int yaml_load_string_tags(json_t **out, const char *text, size_t len,
			  const char *name, unsigned *tags);
int yaml_load_file_tags(json_t **out, const char *path, unsigned *tags);

#endif
