/*
 * tmpl.c - --format templates over JSON objects (see tmpl.h).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "format.h"
#include "log.h"
#include "strv.h"
#include "tmpl.h"
#include "xalloc.h"

/* The field a {{...}} action names ("" for "."); *json set for json. */
static const char *
tmpl_action(const char *in, size_t len, bool *json, size_t *flen)
{
	while (len && *in == ' ')
		in++, len--;
	while (len && in[len - 1] == ' ')
		len--;
	*json = len > 5 && strncmp(in, "json ", 5) == 0;
	if (*json) {
		in += 5, len -= 5;
		while (len && *in == ' ')
			in++, len--;
	}
	if (len == 0 || *in != '.')
		return NULL;
	*flen = len - 1;
	return in + 1;
}

static const struct tmpl_field *
tmpl_find(const char *f, size_t flen, const struct tmpl_field *fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(fields[i].field) == flen &&
		    strncmp(fields[i].field, f, flen) == 0)
			return &fields[i];
	return NULL;
}

int
tmpl_check(const char *t, const struct tmpl_field *fields, size_t n)
{
	const char *open;

	while ((open = strstr(t, "{{"))) {
		const char *close = strstr(open, "}}"), *f;
		size_t flen = 0;
		bool json;

		if (close == NULL)
			return error("unclosed action in --format \"%s\"", t);
		f = tmpl_action(open + 2, (size_t)(close - open - 2), &json,
				&flen);
		if (f == NULL || (flen == 0 && !json) ||
		    (flen && !tmpl_find(f, flen, fields, n)))
			return error("unsupported --format action \"%.*s\"",
				     (int)(close - open + 2), open);
		t = close + 2;
	}
	return 0;
}

/* Expand t for one object, or (obj NULL) its header. */
static void
tmpl_expand(struct buf *out, const char *t, const struct tmpl_field *fields,
	    size_t nfields, const json_t *obj)
{
	while (*t) {
		const char *close, *f;
		size_t flen = 0;
		bool json;

		if (t[0] == '\\' && (t[1] == 't' || t[1] == 'n')) {
			buf_addch(out, t[1] == 't' ? '\t' : '\n');
			t += 2;
			continue;
		}
		if (strncmp(t, "{{", 2) != 0 || !(close = strstr(t, "}}"))) {
			buf_addch(out, *t++);
			continue;
		}
		f = tmpl_action(t + 2, (size_t)(close - t - 2), &json, &flen);
		const struct tmpl_field *fd =
			flen ? tmpl_find(f, flen, fields, nfields) : NULL;
		const json_t *v = fd ? json_object_get(obj, fd->field) : obj;
		if (obj == NULL) {
			if (fd)
				buf_adds(out, fd->header);
		} else if (json || !json_is_string(v)) {
			char *d = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY |
							JSON_PRESERVE_ORDER);
			buf_adds(out, d ? d : "");
			free(d);
		} else {
			buf_adds(out, json_string_value(v));
		}
		t = close + 2;
	}
}

void
tmpl_render(struct buf *out, const char *t, const struct tmpl_field *fields,
	    size_t nfields, json_t *const *rows, size_t n)
{
	bool table = strncmp(t, "table ", 6) == 0;
	struct buf line = BUF_INIT;
	struct strv cells = STRV_INIT;
	size_t ncols = 0;

	if (table)
		t += 6;
	for (size_t i = table ? 0 : 1; i <= n; i++) {
		buf_reset(&line);
		tmpl_expand(&line, t, fields, nfields, i ? rows[i - 1] : NULL);
		if (!table) {
			buf_add(out, line.ptr, line.len);
			buf_addch(out, '\n');
			continue;
		}
		/* tab-separated cells, aligned like the Docker CLI's */
		struct strv row = STRV_INIT;
		strv_split(&row, line.ptr, '\t');
		if (i == 0)
			ncols = row.n ? row.n : 1;
		for (size_t c = 0; c < ncols; c++)
			strv_push(&cells, c < row.n ? row.v[c] : "");
		strv_clear(&row);
	}
	if (table)
		format_table(out, &cells, ncols, 10, 3);
	strv_clear(&cells);
	buf_release(&line);
}
