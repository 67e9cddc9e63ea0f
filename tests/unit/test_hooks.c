/*
 * test_hooks.c - lifecycle hooks: the exec request built from a hook
 * definition, and the output tail a failed hook's message carries.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hooks.h"
#include "test.h"

/* The body for the hook given as JSON text, compact, or the error. */
static char *
body_of(const char *hook_json)
{
	json_t *hook = json_loads(hook_json, 0, NULL);
	char *err = NULL, *text;
	json_t *body;

	if (hook == NULL)
		return strdup("bad test JSON");
	body = hooks_exec_body(hook, &err);
	if (body == NULL) {
		text = err;
	} else {
		text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
		CHECK(err == NULL);
	}
	json_decref(body);
	json_decref(hook);
	return text;
}

static void
check_body(const char *hook_json, const char *want)
{
	char *got = body_of(hook_json);

	CHECK_STR(got, want);
	free(got);
}

static void
test_exec_body(void)
{
	/* A string command is split as a shell would. */
	check_body("{\"command\": \"sh -c 'echo hi there' \\\"x y\\\"\"}",
		   "{\"AttachStderr\":true,\"AttachStdout\":true,"
		   "\"Cmd\":[\"sh\",\"-c\",\"echo hi there\",\"x y\"],"
		   "\"Privileged\":false}");
	/* Every field, the environment as a map (null: the name alone). */
	check_body("{\"command\": [\"touch\", \"/tmp/a\"], \"user\": \"root\","
		   " \"privileged\": true, \"working_dir\": \"/srv\","
		   " \"environment\": {\"A\": \"1\", \"B\": null, \"C\": 2}}",
		   "{\"AttachStderr\":true,\"AttachStdout\":true,"
		   "\"Cmd\":[\"touch\",\"/tmp/a\"],"
		   "\"Env\":[\"A=1\",\"B\",\"C=2\"],\"Privileged\":true,"
		   "\"User\":\"root\",\"WorkingDir\":\"/srv\"}");
	/* The environment as a list is passed as it is. */
	check_body(
		"{\"command\": [\"env\"], \"environment\": [\"X=1\", \"Y\"]}",
		"{\"AttachStderr\":true,\"AttachStdout\":true,"
		"\"Cmd\":[\"env\"],\"Env\":[\"X=1\",\"Y\"],"
		"\"Privileged\":false}");
	/* Empty user and working_dir are left to the container's. */
	check_body("{\"command\": [\"true\"], \"user\": \"\", \"working_dir\": "
		   "\"\", \"environment\": {}}",
		   "{\"AttachStderr\":true,\"AttachStdout\":true,"
		   "\"Cmd\":[\"true\"],\"Privileged\":false}");
	/* Unusable definitions. */
	check_body("{\"user\": \"root\"}", "a hook needs a command");
	check_body("{\"command\": \"\"}", "a hook needs a command");
	check_body("{\"command\": []}", "a hook needs a command");
	check_body("{\"command\": [\"a\", 1]}",
		   "command must be a string or a list of strings");
	check_body("{\"command\": 5}",
		   "command must be a string or a list of strings");
	check_body("{\"command\": \"echo 'unclosed\"}", "unterminated quote");
}

static void
frame(struct buf *b, int stream, const char *payload)
{
	size_t len = strlen(payload);
	unsigned char hdr[8] = { (unsigned char)stream,
				 0,
				 0,
				 0,
				 (unsigned char)(len >> 24),
				 (unsigned char)(len >> 16),
				 (unsigned char)(len >> 8),
				 (unsigned char)len };

	buf_add(b, hdr, 8);
	buf_add(b, payload, len);
}

static void
test_output_tail(void)
{
	struct buf b = BUF_INIT;
	char *t;

	/* Both streams, in order, a line split across frames. */
	frame(&b, 1, "one\ntw");
	frame(&b, 2, "o\n\n  \nthree\r\n");
	frame(&b, 1, "10%\r20%\rdone");
	t = hooks_output_tail(b.ptr, b.len, "web-1 ->", 10);
	CHECK_STR(t, "web-1 -> | one\nweb-1 -> | two\nweb-1 -> | three\n"
		     "web-1 -> | done");
	free(t);
	/* Only the last max lines. */
	t = hooks_output_tail(b.ptr, b.len, "w ->", 2);
	CHECK_STR(t, "w -> | three\nw -> | done");
	free(t);
	/* Nothing printed: nothing to show. */
	t = hooks_output_tail("", 0, "w ->", 10);
	CHECK_STR(t, "");
	free(t);
	/* A TTY's raw bytes are not frames. */
	t = hooks_output_tail("raw text\nmore\n", 14, "w ->", 10);
	CHECK_STR(t, "w -> | raw text\nw -> | more");
	free(t);
	buf_release(&b);
}

static void
test_hooks_of(void)
{
	json_t *def = json_loads("{\"post_start\": [{\"command\": \"x\"}],"
				 " \"pre_stop\": []}",
				 0, NULL);

	CHECK(hooks_of(def, HOOKS_POST_START) != NULL);
	CHECK(hooks_of(def, HOOKS_PRE_STOP) == NULL);
	CHECK(hooks_of(NULL, HOOKS_PRE_STOP) == NULL);
	json_decref(def);
}

int
main(void)
{
	TEST_RUN(test_exec_body);
	TEST_RUN(test_output_tail);
	TEST_RUN(test_hooks_of);
	return test_report();
}
