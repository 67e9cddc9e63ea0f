/*
 * tmpl.h - the subset of Go templates people pass to --format, for any
 * list of JSON objects: {{.Field}}, {{json .Field}}, {{json .}}, "\t" and
 * "\n", and a "table " prefix for a header row and columns aligned as the
 * Docker CLI aligns them (tabwriter 10, 1, 3).
 *
 * The fields a command knows, with their header text, come as a table;
 * an action naming another field is refused up front by tmpl_check.
 */
#ifndef BERTH_TMPL_H
#define BERTH_TMPL_H

#include <stddef.h>

#include <jansson.h>

struct buf;

struct tmpl_field {
	const char *field;  /* "Name" */
	const char *header; /* "VOLUME NAME" */
};

/* Every action of t names one of fields: 0, or -1 (reported). */
int tmpl_check(const char *t, const struct tmpl_field *fields, size_t n);

/*
 * Render t (checked) for each of the n objects rows onto out: one line
 * each, or with "table " a header line and aligned columns.
 */
void
tmpl_render(struct buf *out, const char *t, const struct tmpl_field *fields,
	    size_t nfields, json_t *const *rows, size_t n);

#endif
