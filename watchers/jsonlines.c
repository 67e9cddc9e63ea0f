/*
 * jsonlines.c - newline-delimited JSON on top of the line splitter.
 */
#include "jsonlines.h"

static void
on_line(const char *line, size_t len, int flags, void *arg)
{
	struct jsonlines *j = arg;
	json_t *v = NULL;
	size_t i = 0;

	while (i < len &&
	       (line[i] == ' ' || line[i] == '\r' || line[i] == '\t'))
		i++;
	if (i == len)
		return; /* blank lines separate nothing */
	if (!(flags & LINE_PARTIAL))
		v = json_loadb(line, len, JSON_DECODE_ANY, NULL);
	j->fn(v, line, len, j->arg);
	json_decref(v);
}

void
jsonlines_init(struct jsonlines *j, size_t cap, jsonlines_fn fn, void *arg)
{
	lines_init(&j->lines, cap);
	j->fn = fn;
	j->arg = arg;
}

void
jsonlines_release(struct jsonlines *j)
{
	lines_release(&j->lines);
}

void
jsonlines_feed(struct jsonlines *j, const char *data, size_t len)
{
	lines_feed(&j->lines, data, len, on_line, j);
}

void
jsonlines_finish(struct jsonlines *j)
{
	lines_flush(&j->lines, on_line, j);
}
