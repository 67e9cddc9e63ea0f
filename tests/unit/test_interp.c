/*
 * test_interp.c - variable interpolation: every form, nesting, escapes,
 * warnings, errors with positions and key paths, trees.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "interp.h"
#include "log.h"
#include "pos.h"
#include "test.h"
#include "yaml_load.h"

static json_t *env;

/* Interpolate in with the test environment; the result or "ERR: msg". */
static char *
run(const char *in)
{
	struct interp_opts o = { 0 };
	char *out, *err;

	o.env = env;
	if (interp_string(in, &o, &out, &err) < 0) {
		char *r = malloc(strlen(err) + 6);
		strcpy(r, "ERR: ");
		strcat(r, err);
		free(err);
		return r;
	}
	return out;
}

#define CHECK_INTERP(in, want)       \
	do {                         \
		char *r_ = run(in);  \
		CHECK_STR(r_, want); \
		free(r_);            \
	} while (0)

static void
test_plain_forms(void)
{
	CHECK_INTERP("no variables", "no variables");
	CHECK_INTERP("$SET", "value");
	CHECK_INTERP("${SET}", "value");
	CHECK_INTERP("a-$SET-b", "a-value-b");
	CHECK_INTERP("${SET}s", "values");
	CHECK_INTERP("$SETs", ""); /* the name is SETs */
	CHECK_INTERP("$SET.x", "value.x");
	CHECK_INTERP("$_under", "u");
	CHECK_INTERP("$lower", "l");
	/* names are looked up as written */
	CHECK_INTERP("$set", "");
	CHECK_INTERP("$$", "$");
	CHECK_INTERP("$$SET", "$SET");
	CHECK_INTERP("$${SET}", "${SET}");
	CHECK_INTERP("$$$SET", "$value");
	CHECK_INTERP("", "");
}

static void
test_default_forms(void)
{
	CHECK_INTERP("${UNSET:-d}", "d");
	CHECK_INTERP("${EMPTY:-d}", "d");
	CHECK_INTERP("${SET:-d}", "value");
	CHECK_INTERP("${UNSET-d}", "d");
	CHECK_INTERP("${EMPTY-d}", "");
	CHECK_INTERP("${SET-d}", "value");
	CHECK_INTERP("${UNSET:-}", "");
	CHECK_INTERP("${UNSET:-a b c}", "a b c");
	CHECK_INTERP("${UNSET:+alt}", "");
	CHECK_INTERP("${EMPTY:+alt}", "");
	CHECK_INTERP("${SET:+alt}", "alt");
	CHECK_INTERP("${UNSET+alt}", "");
	CHECK_INTERP("${EMPTY+alt}", "alt");
	CHECK_INTERP("${SET+alt}", "alt");
	CHECK_INTERP("x${UNSET:-d}y${SET}z", "xdyvaluez");
}

static void
test_required_forms(void)
{
	CHECK_INTERP("${SET:?need it}", "value");
	CHECK_INTERP("${SET?need it}", "value");
	CHECK_INTERP("${EMPTY?need it}", "");
	CHECK_INTERP(
		"${EMPTY:?need it}",
		"ERR: required variable EMPTY is missing a value: need it");
	CHECK_INTERP(
		"${UNSET?need it}",
		"ERR: required variable UNSET is missing a value: need it");
	CHECK_INTERP("${UNSET:?}",
		     "ERR: required variable UNSET is missing a value: ");
	/* the message is interpolated too */
	CHECK_INTERP("${UNSET:?set it, not $SET}",
		     "ERR: required variable UNSET is missing a value: set it, "
		     "not value");
}

static void
test_nesting(void)
{
	CHECK_INTERP("${UNSET:-${SET}}", "value");
	CHECK_INTERP("${UNSET:-${UNSET2:-deep}}", "deep");
	CHECK_INTERP("${UNSET:-${UNSET2:-${SET}}}", "value");
	CHECK_INTERP("${UNSET:-x} and ${SET:-y}", "x and value");
	CHECK_INTERP("${UNSET:-${SET}} and ${SET}", "value and value");
	CHECK_INTERP("${SET:+${UNSET:-alt}}", "alt");
	CHECK_INTERP("${UNSET:-$$}", "$");
	CHECK_INTERP("${UNSET:-{x}}", "{x}");
	/* an error in a nested default surfaces */
	CHECK_INTERP("${UNSET:-${UNSET2:?inner}}",
		     "ERR: required variable UNSET2 is missing a value: inner");
	/* and one in the text after a defaulted form (compose-go drops it) */
	CHECK_INTERP("${SET:-x} ${UNSET:?after}",
		     "ERR: required variable UNSET is missing a value: after");
}

static void
test_invalid(void)
{
	CHECK_INTERP("cost: 5$", "ERR: invalid interpolation format for "
				 "\"cost: 5$\"");
	CHECK_INTERP("$1", "ERR: invalid interpolation format for \"$1\"");
	CHECK_INTERP("a $ b",
		     "ERR: invalid interpolation format for \"a $ b\"");
	CHECK_INTERP("${}", "ERR: invalid interpolation format for \"${}\"");
	CHECK_INTERP("${SET",
		     "ERR: invalid interpolation format for \"${SET\"");
	CHECK_INTERP("${ SET}",
		     "ERR: invalid interpolation format for \"${ SET}\"");
	CHECK_INTERP("${SET:x}",
		     "ERR: invalid interpolation format for \"${SET:x}\"");
	CHECK_INTERP("${SET/a/b}",
		     "ERR: invalid interpolation format for \"${SET/a/b}\"");
	CHECK_INTERP("${UNSET:-unclosed",
		     "ERR: invalid interpolation format for "
		     "\"${UNSET:-unclosed\"");
}

static void
test_warn_once(void)
{
	struct buf log = BUF_INIT;
	struct interp_opts o = { 0 };
	char *out, *err;

	o.env = env;
	o.warn_unset = true;
	o.warned = json_object();
	log_capture(&log);
	CHECK(interp_string("$NOPE ${NOPE} ${NOPE:-d} $SET", &o, &out, &err) ==
	      0);
	free(out);
	CHECK(interp_string("${NOPE}${OTHER}", &o, &out, &err) == 0);
	free(out);
	log_capture(NULL);
	CHECK_STR(log.ptr, "berth: warning: The \"NOPE\" variable is not set. "
			   "Defaulting to a blank string.\n"
			   "berth: warning: The \"OTHER\" variable is not set. "
			   "Defaulting to a blank string.\n");
	json_decref(o.warned);
	buf_release(&log);
}

static void
test_used(void)
{
	struct interp_opts o = { 0 };
	char *out, *err;

	o.env = env;
	o.used = json_object();
	CHECK(interp_string("$A ${B:-bee} ${SET:?x} ${D-dee} ${E:+e} "
			    "${F:-${G}} $$H",
			    &o, &out, &err) == 0);
	free(out);
	{
		char *s = json_dumps(o.used, JSON_COMPACT | JSON_SORT_KEYS);
		CHECK_STR(s, "{\"A\":null,\"B\":\"bee\",\"D\":\"dee\","
			     "\"E\":null,\"F\":\"${G}\",\"SET\":null}");
		free(s);
	}
	json_decref(o.used);
}

static json_t *
load_doc(const char *text)
{
	json_t *docs, *doc;

	if (yaml_load_string(&docs, text, strlen(text), "compose.yaml") < 0)
		return NULL;
	doc = json_incref(json_array_get(docs, 0));
	json_decref(docs);
	return doc;
}

static void
test_tree(void)
{
	json_t *d = load_doc("services:\n"
			     "  ${SET}:\n"
			     "    image: \"nginx:${TAG:-latest}\"\n"
			     "    replicas: 3\n"
			     "    enabled: true\n"
			     "    command: [echo, $SET, \"$$HOME\"]\n"
			     "    labels:\n"
			     "      $SET: keep\n");
	struct interp_opts o = { 0 };
	json_t *svc, *image;
	const struct pos *p;
	char *s;

	REQUIRE(d);
	o.env = env;
	CHECK_INT(interp_tree(d, &o), 0);
	s = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	/* keys are not interpolated, values are; numbers and bools kept */
	CHECK_STR(s, "{\"services\":{\"${SET}\":{\"command\":[\"echo\","
		     "\"value\",\"$HOME\"],\"enabled\":true,\"image\":"
		     "\"nginx:latest\",\"labels\":{\"$SET\":\"keep\"},"
		     "\"replicas\":3}}}");
	free(s);
	svc = json_object_get(json_object_get(d, "services"), "${SET}");
	image = json_object_get(svc, "image");
	p = pos_get(image);
	REQUIRE(p);
	CHECK_INT(p->line, 3);
	CHECK_INT(p->col, 12);
	CHECK(p->flags & POS_QUOTED);
	p = pos_get(json_array_get(json_object_get(svc, "command"), 1));
	REQUIRE(p);
	CHECK_INT(p->line, 6);
	CHECK_INT(p->col, 21);
	json_decref(d);
}

static void
test_tree_errors(void)
{
	json_t *d = load_doc("services:\n"
			     "  web:\n"
			     "    image: \"${TAG:?set TAG}\"\n"
			     "    ports:\n"
			     "      - \"${PORT?}\"\n"
			     "      - 80$\n"
			     "    environment:\n"
			     "      OK: $SET\n");
	struct interp_opts o = { 0 };
	struct buf log = BUF_INIT;
	int before = diag_count();

	REQUIRE(d);
	o.env = env;
	log_capture(&log);
	CHECK_INT(interp_tree(d, &o), -1);
	log_capture(NULL);
	CHECK_STR(log.ptr,
		  "berth: compose.yaml:3:12: services.web.image: required "
		  "variable TAG is missing a value: set TAG\n"
		  "berth: compose.yaml:5:9: services.web.ports[0]: required "
		  "variable PORT is missing a value: \n"
		  "berth: compose.yaml:6:9: services.web.ports[1]: invalid "
		  "interpolation format for \"80$\"\n"
		  "hint: you may need to escape any $ with another $\n");
	CHECK_INT(diag_count() - before, 3);
	/* what could be done was done */
	CHECK_STR(
		json_string_value(json_object_get(
			json_object_get(
				json_object_get(json_object_get(d, "services"),
						"web"),
				"environment"),
			"OK")),
		"value");
	json_decref(d);
	buf_release(&log);
}

static void
test_tree_warns_once(void)
{
	json_t *d = load_doc("a: $NOPE\nb:\n  - $NOPE\n  - ${NOPE}\n");
	struct interp_opts o = { 0 };
	struct buf log = BUF_INIT;

	REQUIRE(d);
	o.env = env;
	o.warn_unset = true;
	log_capture(&log);
	CHECK_INT(interp_tree(d, &o), 0);
	log_capture(NULL);
	CHECK_STR(log.ptr, "berth: warning: The \"NOPE\" variable is not set. "
			   "Defaulting to a blank string.\n");
	json_decref(d);
	buf_release(&log);
}

static void
test_fallback(void)
{
	struct interp_opts o = { 0 };
	json_t *fb = json_pack("{s:s, s:s}", "SET", "shadowed", "ONLY", "fb");
	char *out, *err;

	o.env = env;
	o.fallback = fb;
	CHECK(interp_string("$SET $ONLY", &o, &out, &err) == 0);
	CHECK_STR(out, "value fb");
	free(out);
	json_decref(fb);
}

int
main(void)
{
	env = json_pack("{s:s, s:s, s:s, s:s}", "SET", "value", "EMPTY", "",
			"_under", "u", "lower", "l");
	TEST_RUN(test_plain_forms);
	TEST_RUN(test_default_forms);
	TEST_RUN(test_required_forms);
	TEST_RUN(test_nesting);
	TEST_RUN(test_invalid);
	TEST_RUN(test_warn_once);
	TEST_RUN(test_used);
	TEST_RUN(test_tree);
	TEST_RUN(test_tree_errors);
	TEST_RUN(test_tree_warns_once);
	TEST_RUN(test_fallback);
	json_decref(env);
	pos_reset();
	return test_report();
}
