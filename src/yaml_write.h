/*
 * yaml_write.h - a JSON tree out as YAML, the way `docker compose config`
 * prints it.
 *
 * docker compose renders its model with go-yaml v3 (indent 2, block style,
 * no line folding). This writer drives libyaml's emitter to the same
 * result: mappings and sequences in block style (empty ones as {} and []),
 * sequences under a mapping key indented, strings plain unless a YAML
 * reader would take them for something else ("8080", "true", "no", "",
 * "1:20", "2024-01-02"), then double-quoted; strings with line breaks as
 * literal blocks; key order as in the tree.
 */
#ifndef BERTH_YAML_WRITE_H
#define BERTH_YAML_WRITE_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

/* Write v as one YAML document to f. Returns 0, or -1 after reporting. */
int yaml_write(FILE *f, const json_t *v);
/* The same with indent spaces a level (2 to 9; yaml_write uses 2, go-yaml's
   yaml.Marshal 4). Beyond 2, go-yaml's output is matched for mappings and
   flat sequences only: go-yaml puts a collection inside a sequence item
   right after "- ", libyaml at the next indent. */
int yaml_write_indent(FILE *f, const json_t *v, int indent);

struct buf;
/* The same, appended to out. */
int yaml_write_buf(struct buf *out, const json_t *v, int indent);
/* The same through libyaml's emitter only: the general way, which
   yaml_write takes for what its direct writer leaves (tests compare the
   two). */
int yaml_write_emitter(struct buf *out, const json_t *v, int indent);

/*
 * Would go-yaml v3 read the plain scalar s as anything but a string (null,
 * bool, int, float, timestamp, merge key, or a YAML 1.1 bool or base-60
 * number that it quotes for other readers)? Such strings are quoted.
 */
bool yaml_plain_is_typed(const char *s);

#endif
