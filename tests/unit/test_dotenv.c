/*
 * test_dotenv.c - .env parsing: every syntax form, quoting, escapes,
 * multi-line values, interpolation order and errors with line numbers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "dotenv.h"
#include "fixture.h"
#include "log.h"
#include "pos.h"
#include "test.h"

static json_t *os_env;

/* Parse text into a fresh object; NULL on failure (messages in errs). */
static json_t *
parse(const char *text, struct buf *errs)
{
	json_t *env = json_object();
	struct buf local = BUF_INIT;
	int r;

	log_capture(errs ? errs : &local);
	r = dotenv_parse(env, text, strlen(text), ".env", os_env);
	log_capture(NULL);
	buf_release(&local);
	if (r < 0) {
		json_decref(env);
		return NULL;
	}
	return env;
}

static const char *
get(const json_t *env, const char *key)
{
	return json_string_value(json_object_get(env, key));
}

static void
test_line_forms(void)
{
	json_t *e = parse("A=1\n"
			  "B = 2\n"
			  "C: 3\n"
			  "export D=4\n"
			  "export\tE=5\n"
			  "  F=6  \n"
			  "G=\n"
			  "a.b-c[0]=7\n"
			  "H=with spaces inside\n"
			  "I=x=y\n"
			  "exported=8\n",
			  NULL);

	REQUIRE(e);
	CHECK_STR(get(e, "A"), "1");
	CHECK_STR(get(e, "B"), "2");
	CHECK_STR(get(e, "C"), "3");
	CHECK_STR(get(e, "D"), "4");
	CHECK_STR(get(e, "E"), "5");
	CHECK_STR(get(e, "F"), "6");
	CHECK_STR(get(e, "G"), "");
	CHECK_STR(get(e, "a.b-c[0]"), "7");
	CHECK_STR(get(e, "H"), "with spaces inside");
	CHECK_STR(get(e, "I"), "x=y");
	CHECK_STR(get(e, "exported"), "8");
	CHECK_INT(json_object_size(e), 11);
	json_decref(e);
}

static void
test_comments(void)
{
	json_t *e = parse("# a comment\n"
			  "   # indented comment\n"
			  "A=1 # trailing\n"
			  "B=2# not a comment\n"
			  "C='3' # after quotes\n"
			  "D=\"4\"# right after quotes\n"
			  "E=#starts with hash\n"
			  "F=a\t#tab is not a comment start\n"
			  "\n\n"
			  "G=\"# in quotes\"\n",
			  NULL);

	REQUIRE(e);
	CHECK_STR(get(e, "A"), "1");
	CHECK_STR(get(e, "B"), "2# not a comment");
	CHECK_STR(get(e, "C"), "3");
	CHECK_STR(get(e, "D"), "4");
	CHECK_STR(get(e, "E"), "#starts with hash");
	CHECK_STR(get(e, "F"), "a\t#tab is not a comment start");
	CHECK_STR(get(e, "G"), "# in quotes");
	CHECK_INT(json_object_size(e), 7);
	json_decref(e);
}

static void
test_quotes(void)
{
	json_t *e = parse("S='single $HOME \\n'\n"
			  "SQ='it\\'s'\n"
			  "D=\"tab\\there\\nnewline\"\n"
			  "DQ=\"say \\\"hi\\\"\"\n"
			  "BS=\"back\\\\slash\"\n"
			  "DOLLAR=\"\\$HOME and $$HOME\"\n"
			  "OCT=\"\\0101\\0102\"\n"
			  "KEEP=\"\\x and \\c\"\n"
			  "U=  unquoted with trailing   \n",
			  NULL);

	REQUIRE(e);
	CHECK_STR(get(e, "S"), "single $HOME \\n");
	CHECK_STR(get(e, "SQ"), "it's");
	CHECK_STR(get(e, "D"), "tab\there\nnewline");
	CHECK_STR(get(e, "DQ"), "say \"hi\"");
	CHECK_STR(get(e, "BS"), "back\\slash");
	CHECK_STR(get(e, "DOLLAR"), "$HOME and $HOME");
	CHECK_STR(get(e, "OCT"), "AB");
	CHECK_STR(get(e, "KEEP"), "\\x and \\c");
	CHECK_STR(get(e, "U"), "unquoted with trailing");
	json_decref(e);
}

static void
test_multiline(void)
{
	struct buf errs = BUF_INIT;
	json_t *e = parse("KEY=\"-----BEGIN-----\n"
			  "abc\n"
			  "-----END-----\"\n"
			  "SINGLE='one\n"
			  "two'\n"
			  "AFTER=ok\n"
			  "BAD=x y!\n",
			  NULL);

	REQUIRE(e);
	CHECK_STR(get(e, "KEY"), "-----BEGIN-----\nabc\n-----END-----");
	CHECK_STR(get(e, "SINGLE"), "one\ntwo");
	CHECK_STR(get(e, "AFTER"), "ok");
	json_decref(e);
	/* line numbers keep counting across multi-line values */
	e = parse("A=\"1\n2\"\nB='x\ny'\nC=3\nD E=4\n", &errs);
	CHECK(e == NULL);
	CHECK_STR(errs.ptr, "berth: .env:6: key cannot contain a space\n");
	buf_release(&errs);
}

static void
test_interpolation(void)
{
	json_t *e = parse("A=a\n"
			  "B=${A}-b\n"
			  "C=\"$B and ${FROM_OS}\"\n"
			  "D='${A}'\n"
			  "SHADOW=file\n"
			  "E=$SHADOW\n"
			  "F=${MISSING:-default}\n"
			  "G=${A:+alt}\n"
			  "A=changed\n"
			  "H=$A\n",
			  NULL);

	REQUIRE(e);
	CHECK_STR(get(e, "B"), "a-b");
	CHECK_STR(get(e, "C"), "a-b and os");
	CHECK_STR(get(e, "D"), "${A}");
	/* the OS environment is looked up first */
	CHECK_STR(get(e, "E"), "os-shadow");
	CHECK_STR(get(e, "SHADOW"), "file");
	CHECK_STR(get(e, "F"), "default");
	CHECK_STR(get(e, "G"), "alt");
	CHECK_STR(get(e, "H"), "changed");
	json_decref(e);
}

static void
test_inherited(void)
{
	json_t *e = parse("FROM_OS\nNOT_IN_OS\nLAST_FROM_OS", NULL);

	REQUIRE(e);
	CHECK_STR(get(e, "FROM_OS"), "os");
	CHECK(json_object_get(e, "NOT_IN_OS") == NULL);
	CHECK_STR(get(e, "LAST_FROM_OS"), "last");
	CHECK_INT(json_object_size(e), 2);
	json_decref(e);
}

static void
test_later_wins(void)
{
	json_t *e = parse("A=1\nA=2\n", NULL);

	REQUIRE(e);
	CHECK_STR(get(e, "A"), "2");
	json_decref(e);
	/* a BOM is skipped */
	e = parse("\xef\xbb\xbfK=v\n", NULL);
	REQUIRE(e);
	CHECK_STR(get(e, "K"), "v");
	json_decref(e);
}

static void
test_errors(void)
{
	struct buf errs = BUF_INIT;
	json_t *e;

	e = parse("OK=1\n\nBAD$KEY=2\n", &errs);
	CHECK(e == NULL);
	CHECK_STR(errs.ptr, "berth: .env:3: unexpected character \"$\" in "
			    "variable name \"BAD$KEY=2\"\n");
	buf_reset(&errs);
	e = parse("A=1\nB=\"open\nC=2\n", &errs);
	CHECK(e == NULL);
	CHECK_STR(errs.ptr, "berth: .env:2: unterminated quoted value "
			    "\"open\n");
	buf_reset(&errs);
	e = parse("A=${NEED:?please set NEED}\n", &errs);
	CHECK(e == NULL);
	CHECK_STR(errs.ptr, "berth: .env:1: required variable NEED is missing "
			    "a value: please set NEED\n");
	buf_reset(&errs);
	e = parse("A=5$\n", &errs);
	CHECK(e == NULL);
	CHECK_STR(errs.ptr,
		  "berth: .env:1: invalid interpolation format for \"5$\"\n");
	buf_reset(&errs);
	e = parse("=value\n", &errs);
	CHECK(e == NULL);
	CHECK_STR(errs.ptr,
		  "berth: .env:1: missing variable name before '='\n");
	buf_release(&errs);
}

static void
test_unset_warning(void)
{
	struct buf log = BUF_INIT;
	json_t *e = parse("A=$NOPE\nB=${NOPE}\n", &log);

	REQUIRE(e);
	CHECK_STR(get(e, "A"), "");
	CHECK_STR(log.ptr, "berth: warning: The \"NOPE\" variable is not set. "
			   "Defaulting to a blank string.\n");
	json_decref(e);
	buf_release(&log);
}

static void
test_load_file(void)
{
	char dir[] = "/tmp/berth-dotenv-XXXXXX";
	char *path;
	struct buf errs = BUF_INIT;
	json_t *e = json_object();

	REQUIRE(mkdtemp(dir));
	path = fixture_write(dir, ".env", "X=1\nY=$X$X\n");
	CHECK(dotenv_load_file(e, path, NULL) == 0);
	CHECK_STR(get(e, "Y"), "11");
	remove(path);
	log_capture(&errs);
	CHECK(dotenv_load_file(e, path, NULL) < 0);
	log_capture(NULL);
	{
		char want[128];
		snprintf(want, sizeof(want),
			 "berth: couldn't find env file: %s\n", path);
		CHECK_STR(errs.ptr, want);
	}
	rmdir(dir);
	free(path);
	json_decref(e);
	buf_release(&errs);
}

int
main(void)
{
	os_env = json_pack("{s:s, s:s, s:s}", "FROM_OS", "os", "SHADOW",
			   "os-shadow", "LAST_FROM_OS", "last");
	TEST_RUN(test_line_forms);
	TEST_RUN(test_comments);
	TEST_RUN(test_quotes);
	TEST_RUN(test_multiline);
	TEST_RUN(test_interpolation);
	TEST_RUN(test_inherited);
	TEST_RUN(test_later_wins);
	TEST_RUN(test_errors);
	TEST_RUN(test_unset_warning);
	TEST_RUN(test_load_file);
	json_decref(os_env);
	pos_reset();
	return test_report();
}
