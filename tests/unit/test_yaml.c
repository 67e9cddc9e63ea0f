/*
 * test_yaml.c - YAML to JSON trees: typing, positions, anchors, merge
 * keys, tags, errors and the alias budget.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "fixture.h"
#include "log.h"
#include "pos.h"
#include "test.h"
#include "yaml_load.h"

/* Load text as one document; NULL (and messages in errs) on failure. */
static json_t *
load1(const char *text, struct buf *errs)
{
	json_t *docs, *doc = NULL;
	struct buf local = BUF_INIT;

	log_capture(errs ? errs : &local);
	if (yaml_load_string(&docs, text, strlen(text), "c.yaml") == 0) {
		if (json_array_size(docs) == 1)
			doc = json_incref(json_array_get(docs, 0));
		json_decref(docs);
	}
	log_capture(NULL);
	buf_release(&local);
	return doc;
}

/* The document rendered as compact JSON with sorted keys. */
static char *
dump(const json_t *j)
{
	return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

#define CHECK_JSON(j, want)          \
	do {                         \
		char *s_ = dump(j);  \
		CHECK_STR(s_, want); \
		free(s_);            \
	} while (0)

static void
test_scalar_types(void)
{
	json_t *d = load1("a: null\nb: ~\nc:\nd: Null\ne: true\nf: False\n"
			  "g: yes\nh: no\ni: on\nj: off\nk: 42\nl: -7\n"
			  "m: 0x1F\nn: 0o17\no: 0777\np: 1_000\nq: 1.5\n"
			  "r: 1e3\ns: .5\nt: .inf\nu: hello\nv: 08\n"
			  "w: +12\nx: 12abc\ny: 2001-12-14\nz: 1.2.3\n",
			  NULL);
	REQUIRE(d);
	CHECK(json_is_null(json_object_get(d, "a")));
	CHECK(json_is_null(json_object_get(d, "b")));
	CHECK(json_is_null(json_object_get(d, "c")));
	CHECK(json_is_null(json_object_get(d, "d")));
	CHECK(json_is_true(json_object_get(d, "e")));
	CHECK(json_is_false(json_object_get(d, "f")));
	/* YAML 1.2, as yaml.v3: yes/no/on/off are strings */
	CHECK_STR(json_string_value(json_object_get(d, "g")), "yes");
	CHECK_STR(json_string_value(json_object_get(d, "h")), "no");
	CHECK_STR(json_string_value(json_object_get(d, "i")), "on");
	CHECK_STR(json_string_value(json_object_get(d, "j")), "off");
	CHECK_INT(json_integer_value(json_object_get(d, "k")), 42);
	CHECK_INT(json_integer_value(json_object_get(d, "l")), -7);
	CHECK_INT(json_integer_value(json_object_get(d, "m")), 31);
	CHECK_INT(json_integer_value(json_object_get(d, "n")), 15);
	CHECK_INT(json_integer_value(json_object_get(d, "o")), 511);
	CHECK_INT(json_integer_value(json_object_get(d, "p")), 1000);
	CHECK(json_is_real(json_object_get(d, "q")));
	CHECK(json_real_value(json_object_get(d, "q")) == 1.5);
	CHECK(json_real_value(json_object_get(d, "r")) == 1000.0);
	CHECK(json_real_value(json_object_get(d, "s")) == 0.5);
	CHECK_STR(json_string_value(json_object_get(d, "t")), ".inf");
	CHECK_STR(json_string_value(json_object_get(d, "u")), "hello");
	/* not octal, but a float, as Go's parsers see it */
	CHECK(json_is_real(json_object_get(d, "v")));
	CHECK_INT(json_integer_value(json_object_get(d, "w")), 12);
	CHECK_STR(json_string_value(json_object_get(d, "x")), "12abc");
	CHECK_STR(json_string_value(json_object_get(d, "y")), "2001-12-14");
	CHECK_STR(json_string_value(json_object_get(d, "z")), "1.2.3");
	json_decref(d);
}

static void
test_quoted_strings(void)
{
	json_t *d = load1("a: \"42\"\nb: 'true'\nc: |\n  line\nd: >\n  folded\n"
			  "e: !!str 12\nf: !!int \"12\"\ng: plain\n"
			  "h: \"\"\n",
			  NULL);
	const struct pos *p;

	REQUIRE(d);
	CHECK_STR(json_string_value(json_object_get(d, "a")), "42");
	CHECK_STR(json_string_value(json_object_get(d, "b")), "true");
	CHECK_STR(json_string_value(json_object_get(d, "c")), "line\n");
	CHECK_STR(json_string_value(json_object_get(d, "d")), "folded\n");
	CHECK_STR(json_string_value(json_object_get(d, "e")), "12");
	CHECK_INT(json_integer_value(json_object_get(d, "f")), 12);
	CHECK_STR(json_string_value(json_object_get(d, "h")), "");
	for (const char *k = "abcdeh"; *k; k++) {
		char key[2] = { *k, 0 };
		p = pos_get(json_object_get(d, key));
		CHECK(p && (p->flags & POS_QUOTED));
	}
	p = pos_get(json_object_get(d, "g"));
	CHECK(p && !(p->flags & POS_QUOTED));
	json_decref(d);
}

static void
test_positions(void)
{
	json_t *d = load1("services:\n"
			  "  web:\n"
			  "    image: nginx\n"
			  "    ports:\n"
			  "      - \"80:80\"\n"
			  "      - target: 443\n",
			  NULL);
	json_t *web, *ports;
	const struct pos *p;

	REQUIRE(d);
	web = json_object_get(json_object_get(d, "services"), "web");
	ports = json_object_get(web, "ports");
	p = pos_get(json_object_get(web, "image"));
	REQUIRE(p);
	CHECK_STR(p->file, "c.yaml");
	CHECK_INT(p->line, 3);
	CHECK_INT(p->col, 12);
	p = pos_get(web);
	REQUIRE(p);
	CHECK_INT(p->line, 3);
	CHECK_INT(p->col, 5);
	p = pos_get(json_array_get(ports, 0));
	REQUIRE(p);
	CHECK_INT(p->line, 5);
	CHECK_INT(p->col, 9);
	p = pos_get(json_object_get(json_array_get(ports, 1), "target"));
	REQUIRE(p);
	CHECK_INT(p->line, 6);
	CHECK_INT(p->col, 17);
	p = pos_get(ports);
	REQUIRE(p);
	CHECK_INT(p->line, 5);
	CHECK_INT(p->col, 7);
	/* singletons carry no position */
	json_decref(d);
	d = load1("a: true\n", NULL);
	REQUIRE(d);
	CHECK(pos_get(json_object_get(d, "a")) == NULL);
	json_decref(d);
}

static void
test_anchors_aliases(void)
{
	json_t *d = load1("base: &b\n  image: x\n  env: [a, b]\n"
			  "one: *b\ntwo: *b\nstr: &s hello\nref: *s\n",
			  NULL);
	json_t *one, *two;
	const struct pos *p;

	REQUIRE(d);
	one = json_object_get(d, "one");
	two = json_object_get(d, "two");
	CHECK_JSON(one, "{\"env\":[\"a\",\"b\"],\"image\":\"x\"}");
	CHECK_JSON(two, "{\"env\":[\"a\",\"b\"],\"image\":\"x\"}");
	/* deep copies: editing one leaves the others alone */
	CHECK(one != two && one != json_object_get(d, "base"));
	CHECK(json_object_get(one, "env") != json_object_get(two, "env"));
	json_object_set_new(json_object_get(one, "env"), "x", json_null());
	json_array_append_new(json_object_get(one, "env"), json_string("c"));
	CHECK_JSON(json_object_get(two, "env"), "[\"a\",\"b\"]");
	CHECK_STR(json_string_value(json_object_get(d, "ref")), "hello");
	/* copies keep the anchored value's positions */
	p = pos_get(json_object_get(two, "image"));
	REQUIRE(p);
	CHECK_INT(p->line, 2);
	CHECK_INT(p->col, 10);
	json_decref(d);
}

static void
test_merge_keys(void)
{
	json_t *d = load1("a: &a {x: 1, y: 1}\n"
			  "b: &b {y: 2, z: 2}\n"
			  "m1:\n  <<: *a\n  x: 9\n"
			  "m2:\n  x: 9\n  <<: [*a, *b]\n"
			  "m3:\n  <<: [*b, *a]\n"
			  "m4:\n  <<: {k: v}\n  \"<<\": literal\n",
			  NULL);

	REQUIRE(d);
	/* explicit keys win, wherever they are written */
	CHECK_JSON(json_object_get(d, "m1"), "{\"x\":9,\"y\":1}");
	/* earlier sources win */
	CHECK_JSON(json_object_get(d, "m2"), "{\"x\":9,\"y\":1,\"z\":2}");
	CHECK_JSON(json_object_get(d, "m3"), "{\"x\":1,\"y\":2,\"z\":2}");
	/* a quoted << is an ordinary key */
	CHECK_JSON(json_object_get(d, "m4"),
		   "{\"<<\":\"literal\",\"k\":\"v\"}");
	json_decref(d);
}

static void
test_merge_errors(void)
{
	struct buf errs = BUF_INIT;
	json_t *d = load1("a:\n  <<: 3\n", &errs);

	CHECK(d == NULL);
	CHECK_STR(errs.ptr, "berth: c.yaml:2:7: map merge requires map or "
			    "sequence of maps as the value\n");
	buf_release(&errs);
}

static void
test_multi_document(void)
{
	json_t *docs;
	const char *text = "a: 1\n---\nb: &x 2\n---\n---\nc: 3\n...\n";

	REQUIRE(yaml_load_string(&docs, text, strlen(text), "m.yaml") == 0);
	CHECK_INT(json_array_size(docs), 4);
	CHECK_JSON(docs, "[{\"a\":1},{\"b\":2},null,{\"c\":3}]");
	json_decref(docs);
	REQUIRE(yaml_load_string(&docs, "", 0, "e.yaml") == 0);
	CHECK_INT(json_array_size(docs), 0);
	json_decref(docs);
	text = "# only a comment\n";
	REQUIRE(yaml_load_string(&docs, text, strlen(text), "e.yaml") == 0);
	CHECK_INT(json_array_size(docs), 0);
	json_decref(docs);
}

static void
test_anchor_per_document(void)
{
	struct buf errs = BUF_INIT;
	json_t *docs;
	const char *text = "a: &x 1\n---\nb: *x\n";

	log_capture(&errs);
	CHECK(yaml_load_string(&docs, text, strlen(text), "d.yaml") < 0);
	log_capture(NULL);
	CHECK(docs == NULL);
	CHECK_STR(errs.ptr,
		  "berth: d.yaml:3:4: unknown anchor \"x\" referenced\n");
	buf_release(&errs);
}

static void
test_tags(void)
{
	json_t *d = load1("a: !reset null\nb: !reset []\nc: !override\n  x: 1\n"
			  "d: !reset {}\ne: !override [1]\nf: !reset true\n",
			  NULL);
	const struct pos *p;

	REQUIRE(d);
	p = pos_get(json_object_get(d, "a"));
	CHECK(p && p->flags == POS_TAG_RESET);
	CHECK_STR(json_string_value(json_object_get(d, "a")), "null");
	p = pos_get(json_object_get(d, "b"));
	CHECK(p && p->flags == POS_TAG_RESET);
	CHECK(json_is_array(json_object_get(d, "b")));
	p = pos_get(json_object_get(d, "c"));
	CHECK(p && p->flags == POS_TAG_OVERRIDE);
	CHECK_JSON(json_object_get(d, "c"), "{\"x\":1}");
	p = pos_get(json_object_get(d, "d"));
	CHECK(p && p->flags == POS_TAG_RESET);
	p = pos_get(json_object_get(d, "e"));
	CHECK(p && p->flags == POS_TAG_OVERRIDE);
	p = pos_get(json_object_get(d, "f"));
	CHECK(p && p->flags == POS_TAG_RESET);
	/* the shared null singleton was not flagged */
	CHECK(pos_get(json_null()) == NULL);
	json_decref(d);
}

static void
test_tag_errors(void)
{
	struct buf errs = BUF_INIT;
	json_t *d = load1("a: !custom x\nb: !!int abc\nc: !!map [1]\n"
			  "d: !!bool yes\n",
			  &errs);

	CHECK(d == NULL);
	CHECK_STR(errs.ptr,
		  "berth: c.yaml:1:4: unknown tag \"!custom\"\n"
		  "berth: c.yaml:2:4: cannot decode \"abc\" as !!int\n"
		  "berth: c.yaml:3:4: cannot decode a sequence as !!map\n"
		  "berth: c.yaml:4:4: cannot decode \"yes\" as !!bool\n");
	buf_release(&errs);
}

static void
test_duplicate_keys(void)
{
	struct buf errs = BUF_INIT;
	int before = diag_count();
	json_t *d = load1("services:\n  web:\n    image: a\n    image: b\n"
			  "  web:\n    x: 1\n",
			  &errs);

	CHECK(d == NULL);
	/* both reported, each at the second occurrence */
	CHECK_STR(errs.ptr, "berth: c.yaml:4:5: duplicate key \"image\"\n"
			    "berth: c.yaml:5:3: duplicate key \"web\"\n");
	CHECK_INT(diag_count() - before, 2);
	buf_release(&errs);
}

static void
test_non_string_keys(void)
{
	struct buf errs = BUF_INIT;
	json_t *d = load1("80: http\ntrue: yes\n0x10: hex\n~: n\n", NULL);

	REQUIRE(d);
	CHECK_JSON(d, "{\"0x10\":\"hex\",\"80\":\"http\",\"true\":\"yes\","
		      "\"~\":\"n\"}");
	json_decref(d);
	d = load1("? [a, b]\n: c\nok: 1\n", &errs);
	CHECK(d == NULL);
	CHECK_STR(errs.ptr,
		  "berth: c.yaml:1:3: mapping keys must be scalars\n");
	buf_release(&errs);
}

static void
test_syntax_errors(void)
{
	struct buf errs = BUF_INIT;
	json_t *d = load1("services:\n  web:\n    image: nginx\n   bad: [\n",
			  &errs);

	CHECK(d == NULL);
	CHECK_STR(errs.ptr, "berth: c.yaml:4:4: did not find expected key "
			    "while parsing a block mapping\n");
	buf_reset(&errs);
	d = load1("a:\n\t- b\n", &errs);
	CHECK(d == NULL);
	CHECK_STR(errs.ptr, "berth: c.yaml:2:1: found character that cannot "
			    "start any token while scanning for the next "
			    "token\n");
	buf_reset(&errs);
	d = load1("a: \"unterminated\n", &errs);
	CHECK(d == NULL);
	CHECK(strstr(errs.ptr, "berth: c.yaml:2:1: found unexpected end of "
			       "stream") != NULL);
	buf_reset(&errs);
	/* invalid UTF-8 is reported with a position too */
	d = load1("a: b\nc: \xff\n", &errs);
	CHECK(d == NULL);
	CHECK(strncmp(errs.ptr, "berth: c.yaml:2:4: ", 19) == 0);
	buf_release(&errs);
}

static void
test_alias_errors(void)
{
	struct buf errs = BUF_INIT;
	json_t *d = load1("a: *nope\nb: &r [1, *r]\n", &errs);

	CHECK(d == NULL);
	CHECK_STR(errs.ptr,
		  "berth: c.yaml:1:4: unknown anchor \"nope\" referenced\n"
		  "berth: c.yaml:2:11: anchor \"r\" value contains itself\n");
	buf_release(&errs);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
test_billion_laughs(void)
{
	struct buf text = BUF_INIT, errs = BUF_INIT;
	double t0;
	json_t *d;

	buf_adds(&text,
		 "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (int i = 1; i < 10; i++) {
		buf_addf(&text, "l%d: &l%d [", i, i);
		for (int k = 0; k < 9; k++)
			buf_addf(&text, "%s*l%d", k ? ", " : "", i - 1);
		buf_adds(&text, "]\n");
	}
	t0 = now_ms();
	d = load1(text.ptr, &errs);
	CHECK(d == NULL);
	CHECK(now_ms() - t0 < 100);
	CHECK(strstr(errs.ptr, ": too many alias expansions (a \"billion "
			       "laughs\" file?)\n") != NULL);
	CHECK(strncmp(errs.ptr, "berth: c.yaml:", 14) == 0);
	/* the same shape, but small, is fine */
	buf_reset(&text);
	buf_adds(&text, "l0: &l0 [a, b]\nl1: &l1 [*l0, *l0]\nl2: [*l1, *l1]\n");
	d = load1(text.ptr, NULL);
	REQUIRE(d);
	CHECK_JSON(
		json_object_get(d, "l2"),
		"[[[\"a\",\"b\"],[\"a\",\"b\"]],[[\"a\",\"b\"],[\"a\",\"b\"]]]");
	json_decref(d);
	buf_release(&text);
	buf_release(&errs);
}

static void
test_merge_laughs(void)
{
	struct buf text = BUF_INIT, errs = BUF_INIT;
	json_t *d;

	/* merge keys copy too, and count against the same budget */
	buf_adds(&text, "m0: &m0 {");
	for (int k = 0; k < 10; k++)
		buf_addf(&text, "%sk%d: v", k ? ", " : "", k);
	buf_adds(&text, "}\n");
	for (int i = 1; i < 9; i++) {
		buf_addf(&text, "m%d: &m%d {", i, i);
		for (int k = 0; k < 10; k++)
			buf_addf(&text, "%sk%d: {<<: *m%d}", k ? ", " : "", k,
				 i - 1);
		buf_adds(&text, "}\n");
	}
	d = load1(text.ptr, &errs);
	CHECK(d == NULL);
	CHECK(strstr(errs.ptr, "too many alias expansions") != NULL);
	buf_release(&text);
	buf_release(&errs);
}

static void
test_deep_nesting(void)
{
	struct buf text = BUF_INIT, errs = BUF_INIT;
	json_t *d;

	for (int i = 0; i < YAML_MAX_DEPTH + 5; i++)
		buf_addch(&text, '[');
	d = load1(text.ptr, &errs);
	CHECK(d == NULL);
	CHECK(strstr(errs.ptr, "too deeply nested") != NULL);
	buf_release(&text);
	buf_release(&errs);
}

static void
test_load_file(void)
{
	char dir[] = "/tmp/berth-yaml-XXXXXX";
	char *path;
	struct buf errs = BUF_INIT;
	json_t *docs;

	REQUIRE(mkdtemp(dir));
	path = fixture_write(dir, "compose.yaml", "name: demo\n");
	REQUIRE(yaml_load_file(&docs, path) == 0);
	CHECK_JSON(docs, "[{\"name\":\"demo\"}]");
	CHECK_STR(
		pos_get(json_object_get(json_array_get(docs, 0), "name"))->file,
		path);
	json_decref(docs);
	/* "-" reads standard input, which messages call "stdin" */
	REQUIRE(freopen(path, "r", stdin) != NULL);
	REQUIRE(yaml_load_file(&docs, "-") == 0);
	CHECK_JSON(docs, "[{\"name\":\"demo\"}]");
	CHECK_STR(
		pos_get(json_object_get(json_array_get(docs, 0), "name"))->file,
		"stdin");
	json_decref(docs);
	remove(path);
	log_capture(&errs);
	CHECK(yaml_load_file(&docs, path) < 0);
	log_capture(NULL);
	CHECK(docs == NULL);
	CHECK(strstr(errs.ptr, "cannot read '") != NULL);
	CHECK(strstr(errs.ptr, "No such file or directory") != NULL);
	rmdir(dir);
	free(path);
	buf_release(&errs);
}

int
main(void)
{
	TEST_RUN(test_scalar_types);
	TEST_RUN(test_quoted_strings);
	TEST_RUN(test_positions);
	TEST_RUN(test_anchors_aliases);
	TEST_RUN(test_merge_keys);
	TEST_RUN(test_merge_errors);
	TEST_RUN(test_multi_document);
	TEST_RUN(test_anchor_per_document);
	TEST_RUN(test_tags);
	TEST_RUN(test_tag_errors);
	TEST_RUN(test_duplicate_keys);
	TEST_RUN(test_non_string_keys);
	TEST_RUN(test_syntax_errors);
	TEST_RUN(test_alias_errors);
	TEST_RUN(test_billion_laughs);
	TEST_RUN(test_merge_laughs);
	TEST_RUN(test_deep_nesting);
	TEST_RUN(test_load_file);
	pos_reset();
	return test_report();
}
