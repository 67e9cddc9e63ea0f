/*
 * test_yaml_write.c - the YAML writer against go-yaml v3's output, the
 * style `docker compose config` prints.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "test.h"
#include "yaml_write.h"

/* YAML text of the JSON text in, or NULL. Caller frees. */
static char *
yaml_of(const char *json_text)
{
	json_error_t err;
	json_t *v = json_loads(json_text, JSON_DECODE_ANY, &err);
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (v == NULL) {
		fprintf(stderr, "bad test JSON: %s\n", err.text);
		return NULL;
	}
	f = open_memstream(&text, &len);
	if (yaml_write(f, v) < 0) {
		fclose(f);
		free(text);
		json_decref(v);
		return NULL;
	}
	fclose(f);
	json_decref(v);
	return text;
}

static void
check_yaml(const char *json_text, const char *want)
{
	char *got = yaml_of(json_text);

	CHECK_STR(got, want);
	free(got);
}

static void
test_typed_strings(void)
{
	static const char *const typed[] = {
		"",
		"8080",
		"-1",
		"+1",
		"0x1F",
		"0o17",
		"0b101",
		"0777",
		"09",
		"1_000",
		"1.5",
		".5",
		"1e3",
		"-.5",
		"true",
		"False",
		"null",
		"~",
		"yes",
		"no",
		"On",
		"OFF",
		"y",
		"N",
		"1:20",
		"8:30",
		"-1:30:59.5",
		".inf",
		"-.Inf",
		".nan",
		"2024-01-02",
		"2024-2-29",
		"2001-12-14t21:59:43.10-05:00",
		"2001-12-14 21:59:43.10",
		"2001-12-14T21:59:43Z",
		"<<",
		NULL,
	};
	static const char *const plain[] = {
		"web",
		"8080/tcp",
		"0.0.0.0",
		"1.2.3",
		"v1",
		"-",
		"+",
		".",
		"0x",
		"1:60",
		"1:2:3:",
		"nulls",
		"yess",
		"2023-02-29",
		"2024-13-01",
		"2024-01-02x",
		"2001-12-14T21:59:43",
		"1e",
		"12:30:00am",
		"/data",
		"80:80",
		NULL,
	};

	for (size_t i = 0; typed[i]; i++) {
		test_current = typed[i];
		CHECK(yaml_plain_is_typed(typed[i]));
	}
	for (size_t i = 0; plain[i]; i++) {
		test_current = plain[i];
		CHECK(!yaml_plain_is_typed(plain[i]));
	}
}

static void
test_scalars(void)
{
	check_yaml(
		"{\"a\": \"8080\", \"b\": 8080, \"c\": true, \"d\": null,"
		" \"e\": \"no\", \"f\": \"\", \"g\": 0.5, \"h\": 1e21,"
		" \"i\": \"web\", \"j\": \"a: b\", \"k\": \"-x\","
		" \"l\": \"- x\", \"m\": \"tab\\there\", \"o\": \"it's\", \"n\": 1}",
		"a: \"8080\"\n"
		"b: 8080\n"
		"c: true\n"
		"d: null\n"
		"e: \"no\"\n"
		"f: \"\"\n"
		"g: 0.5\n"
		"h: 1e+21\n"
		"i: web\n"
		"j: 'a: b'\n"
		"k: -x\n"
		"l: '- x'\n"
		"m: \"tab\\there\"\n"
		"o: it's\n\"n\": 1\n");
	check_yaml("{\"80\": \"x\", \"true\": 1, \"a b\": 2}",
		   "\"80\": x\n\"true\": 1\na b: 2\n");
}

static void
test_sequences_indented(void)
{
	check_yaml(
		"{\"services\": {\"web\": {\"command\": [\"sh\", \"-c\","
		" \"echo hi\"], \"ports\": [{\"target\": 80,"
		" \"published\": \"8080\"}], \"volumes\": [], \"labels\": {}}},"
		" \"name\": \"p\"}",
		"services:\n"
		"  web:\n"
		"    command:\n"
		"      - sh\n"
		"      - -c\n"
		"      - echo hi\n"
		"    ports:\n"
		"      - target: 80\n"
		"        published: \"8080\"\n"
		"    volumes: []\n"
		"    labels: {}\n"
		"name: p\n");
	/* Sequences in sequence items and in mappings inside them. */
	check_yaml("{\"a\": [[1, 2], {\"b\": [3, {\"c\": [4]}], \"d\": 5}],"
		   " \"e\": 6}",
		   "a:\n"
		   "  - - 1\n"
		   "    - 2\n"
		   "  - b:\n"
		   "      - 3\n"
		   "      - c:\n"
		   "          - 4\n"
		   "    d: 5\n"
		   "e: 6\n");
}

static void
test_block_scalars(void)
{
	/* Content that looks like YAML structure stays untouched. */
	check_yaml("{\"s\": {\"cmd\": [\"one\\ntwo:\\n- x\\n\"],"
		   " \"k\": \"a\\nb\", \"z\": [\"y\"]}}",
		   "s:\n"
		   "  cmd:\n"
		   "    - |\n"
		   "      one\n"
		   "      two:\n"
		   "      - x\n"
		   "  k: |-\n"
		   "    a\n"
		   "    b\n"
		   "  z:\n"
		   "    - \"y\"\n");
	check_yaml("{\"k\": \"  lead\\nx\"}", "k: |2-\n    lead\n  x\n");
	check_yaml("{\"k\": \"a\\n\\nb\"}", "k: |-\n  a\n\n  b\n");
}

static void
test_float_format(void)
{
	check_yaml("[0.1, 1.5, 100.0, 123456.0, 1234567.0, 0.0001, 0.00001,"
		   " -2.5]",
		   "- 0.1\n- 1.5\n- 100\n- 123456\n- 1.234567e+06\n- 0.0001\n"
		   "- 1e-05\n- -2.5\n");
}

static void
test_indent_four(void)
{
	json_t *v =
		json_loads("{\"PORT\": {\"name\": \"PORT\","
			   " \"defaultvalue\": \"8080\", \"required\": false},"
			   " \"l\": [1, 2]}",
			   0, NULL);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	CHECK_INT(yaml_write_indent(f, v, 4), 0);
	fclose(f);
	CHECK_STR(text, "PORT:\n"
			"    name: PORT\n"
			"    defaultvalue: \"8080\"\n"
			"    required: false\n"
			"l:\n"
			"    - 1\n"
			"    - 2\n");
	free(text);
	json_decref(v);
}

/* The direct writer and libyaml's emitter agree on v. */
static bool
writers_agree(const json_t *v)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	bool same;

	yaml_write_buf(&a, v, 2);
	yaml_write_emitter(&b, v, 2);
	same = strcmp(a.ptr, b.ptr) == 0;
	if (!same) {
		char *j = json_dumps(v, JSON_ENCODE_ANY);
		fprintf(stderr,
			"writers differ on %s:\n--- direct\n%s--- "
			"libyaml\n%s",
			j, a.ptr, b.ptr);
		free(j);
	}
	buf_release(&a);
	buf_release(&b);
	return same;
}

/* A pseudo-random string over characters that decide YAML styles. */
static json_t *
random_string(unsigned *seed, size_t maxlen)
{
	static const char alphabet[] = " :#-?'\"\\\n|>.a1*&!%@`,[]{}~";
	char s[16];
	size_t n = (size_t)rand_r(seed) % (maxlen + 1);

	for (size_t i = 0; i < n; i++)
		s[i] = alphabet[(size_t)rand_r(seed) % (sizeof(alphabet) - 1)];
	s[n] = '\0';
	return json_string(s);
}

/* A random tree: mappings and sequences (some empty) down to depth,
   strings, numbers, booleans and null. */
static json_t *
random_tree(unsigned *seed, int depth)
{
	int kind = rand_r(seed) % (depth > 0 ? 9 : 6);
	int n = rand_r(seed) % 4;
	json_t *v;

	switch (kind) {
	case 0:
	case 1:
		return random_string(seed, 8);
	case 2:
		return json_integer(rand_r(seed) % 2000 - 1000);
	case 3:
		return json_real((rand_r(seed) % 1000) / 8.0);
	case 4:
		return rand_r(seed) % 2 ? json_true() : json_null();
	case 5:
		return json_string("plain text");
	case 6:
	case 7:
		v = json_object();
		for (int i = 0; i < n; i++) {
			json_t *k = random_string(seed, 5);
			json_object_set_new(v, json_string_value(k),
					    random_tree(seed, depth - 1));
			json_decref(k);
		}
		return v;
	default:
		v = json_array();
		for (int i = 0; i < n; i++)
			json_array_append_new(v, random_tree(seed, depth - 1));
		return v;
	}
}

/* Random strings as keys, values and items, nested: the direct writer
   must write what libyaml writes, or leave it to libyaml. */
static void
test_direct_matches_emitter(void)
{
	unsigned seed = 42;
	static const char *const fixed[] = {
		"",	  "a",	 "a\n",	  "a\nb",     "a\nb\n", "a\n\n",
		"\n",	  "\na", " a\nb", "a \nb",    "a\n b",	"---x",
		"...",	  "- x", "-x",	  "-",	      "? x",	"?x",
		": x",	  ":x",	 "a: b",  "a:b",      "a #b",	"a#b",
		"a:",	  "x |", "8080",  "true",     "it's",	"\"q\"",
		"back\\", "é",	 "a\tb",  "a\u2028b", "\u00a0", "😀",
	};
	size_t failures = 0;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		json_t *s = json_string(fixed[i]);
		json_t *v = json_pack("{s:O, s:[O, {s:O}], s:{s:O}}", "k", s,
				      "l", s, "m", s, "n", "o", s);
		json_object_set(v, fixed[i], s);
		if (!writers_agree(v))
			failures++;
		json_decref(v);
		json_decref(s);
	}
	/* keys longer than 128 bytes are not simple keys ("? key") */
	for (size_t n = 127; n <= 130; n++) {
		char key[200];
		json_t *v;
		memset(key, 'k', n);
		key[n] = '\0';
		v = json_pack("{s:s, s:[{s:i}]}", key, "v", "l", key, 1);
		if (!writers_agree(v))
			failures++;
		json_decref(v);
	}
	for (int round = 0; round < 3000; round++) {
		json_t *v = json_object(), *seq = json_array(),
		       *m = json_object();
		for (int i = 0; i < 4; i++) {
			json_t *k = random_string(&seed, 6);
			json_object_set_new(v, json_string_value(k),
					    random_string(&seed, 8));
			json_array_append_new(seq, random_string(&seed, 8));
			json_object_set_new(m, json_string_value(k),
					    random_string(&seed, 8));
			json_decref(k);
		}
		json_array_append(seq, m);
		json_object_set_new(v, "seq", seq);
		json_object_set_new(v, "map", m);
		if (!writers_agree(v))
			failures++;
		json_decref(v);
	}
	for (int round = 0; round < 3000; round++) {
		json_t *v = json_object();
		json_object_set_new(v, "root", random_tree(&seed, 4));
		json_object_set_new(v, "more", random_tree(&seed, 4));
		if (!writers_agree(v))
			failures++;
		json_decref(v);
	}
	CHECK_INT(failures, 0);
}

int
main(void)
{
	TEST_RUN(test_typed_strings);
	TEST_RUN(test_scalars);
	TEST_RUN(test_sequences_indented);
	TEST_RUN(test_block_scalars);
	TEST_RUN(test_float_format);
	TEST_RUN(test_indent_four);
	TEST_RUN(test_direct_matches_emitter);
	return test_report();
}
