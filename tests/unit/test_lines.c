/*
 * test_lines.c - line splitting and NDJSON decoding under every split.
 */
#include <stdlib.h>

#include "buf.h"
#include "jsonlines.h"
#include "lines.h"
#include "test.h"

struct seen {
	struct buf text; /* lines joined with '|', flags as P/E */
	int count;
};

static void
on_line(const char *line, size_t len, int flags, void *arg)
{
	struct seen *s = arg;

	buf_add(&s->text, line, len);
	if (flags & LINE_PARTIAL)
		buf_addch(&s->text, 'P');
	if (flags & LINE_NO_EOL)
		buf_addch(&s->text, 'E');
	buf_addch(&s->text, '|');
	s->count++;
}

static void
test_lines_every_split(void)
{
	const char *in = "one\ntwo two\n\nthree";
	size_t n = strlen(in);

	for (size_t cut = 0; cut <= n; cut++) {
		struct seen s = { BUF_INIT, 0 };
		struct lines l;
		lines_init(&l, 1024);
		lines_feed(&l, in, cut, on_line, &s);
		lines_feed(&l, in + cut, n - cut, on_line, &s);
		lines_flush(&l, on_line, &s);
		CHECK_STR(s.text.ptr, "one|two two||threeE|");
		lines_release(&l);
		buf_release(&s.text);
	}
}

static void
test_lines_cap(void)
{
	struct seen s = { BUF_INIT, 0 };
	struct lines l;
	lines_init(&l, 4);
	lines_feed(&l, "abcdefghij\nxy\n", 14, on_line, &s);
	CHECK_STR(s.text.ptr, "abcdP|efghP|ij|xy|");
	lines_release(&l);
	buf_release(&s.text);

	/* The same, fed a byte at a time. */
	struct seen t = { BUF_INIT, 0 };
	lines_init(&l, 4);
	for (const char *p = "abcdefghij\nxy\n"; *p; p++)
		lines_feed(&l, p, 1, on_line, &t);
	CHECK_STR(t.text.ptr, "abcdP|efghP|ij|xy|");
	lines_release(&l);
	buf_release(&t.text);
}

struct events {
	int objects;
	int raw;
	struct buf statuses;
};

static void
on_json(json_t *v, const char *raw, size_t len, void *arg)
{
	struct events *e = arg;

	if (v == NULL) {
		e->raw++;
		return;
	}
	e->objects++;
	buf_adds(&e->statuses, json_string_value(json_object_get(v, "status")));
	buf_addch(&e->statuses, ',');
}

static void
test_jsonlines_every_split(void)
{
	const char *in = "{\"status\":\"create\"}\n"
			 "{\"status\":\"st\\u0061rt\",\"id\":\"a\\nb\"}\r\n"
			 "\n"
			 "not json\n"
			 "{\"status\":\"die\"}";
	size_t n = strlen(in);

	for (size_t cut = 0; cut <= n; cut++) {
		struct events e = { 0, 0, BUF_INIT };
		struct jsonlines j;
		jsonlines_init(&j, 4096, on_json, &e);
		jsonlines_feed(&j, in, cut);
		jsonlines_feed(&j, in + cut, n - cut);
		jsonlines_finish(&j);
		CHECK_INT(e.objects, 3);
		CHECK_INT(e.raw, 1);
		CHECK_STR(e.statuses.ptr, "create,start,die,");
		jsonlines_release(&j);
		buf_release(&e.statuses);
	}
}

int
main(void)
{
	TEST_RUN(test_lines_every_split);
	TEST_RUN(test_lines_cap);
	TEST_RUN(test_jsonlines_every_split);
	return test_report();
}
