/*
 * test_progress.c - what the progress printer writes to stderr in each
 * mode: plain lines, JSON lines, the redrawn tty block, nothing when
 * quiet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "progress.h"
#include "test.h"

/* Run fn with stderr sent to a temporary file; its text into out. */
static void
capture(void (*fn)(const char *mode), const char *mode, struct buf *out)
{
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO);
	char chunk[4096];
	size_t n;

	fflush(stderr);
	dup2(fileno(tmp), STDERR_FILENO);
	fn(mode);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	while ((n = fread(chunk, 1, sizeof(chunk), tmp)) > 0)
		buf_add(out, chunk, n);
	fclose(tmp);
}

static void
stop_two(const char *mode)
{
	struct progress *p = progress_new(mode, "auto", "Stopping", NULL);

	progress_event(p, "Container", "p-web-1", "Stopping", PROGRESS_WORKING);
	progress_event(p, "Container", "p-db-1", "Stopping", PROGRESS_WORKING);
	progress_event(p, "Container", "p-web-1", "Stopped", PROGRESS_DONE);
	progress_error(p, "Container", "p-db-1", "no such container");
	progress_free(p);
}

static void
test_plain(void)
{
	struct buf out = BUF_INIT;

	capture(stop_two, "plain", &out);
	CHECK_STR(out.ptr, " Container p-web-1  Stopping\n"
			   " Container p-db-1  Stopping\n"
			   " Container p-web-1  Stopped\n"
			   " Container p-db-1  Error no such container\n");
	buf_release(&out);
}

static void
test_json(void)
{
	struct buf out = BUF_INIT;

	capture(stop_two, "json", &out);
	CHECK(strstr(out.ptr, "{\"id\":\"Container p-web-1\",\"text\":"
			      "\"Stopped\"}\n") != NULL);
	CHECK(strstr(out.ptr,
		     "{\"id\":\"Container p-db-1\",\"text\":"
		     "\"Error\",\"status\":\"no such container\"}\n") != NULL);
	buf_release(&out);
}

static void
test_quiet(void)
{
	struct buf out = BUF_INIT;

	capture(stop_two, "quiet", &out);
	CHECK_INT(out.len, 0);
	CHECK(progress_new("quiet", NULL, "x", NULL) == NULL);
	/* NULL is a valid, silent progress. */
	progress_event(NULL, "Container", "x", "y", PROGRESS_DONE);
	progress_free(NULL);
	buf_release(&out);
}

static void
test_tty(void)
{
	struct buf out = BUF_INIT;
	const char *last;

	capture(stop_two, "tty", &out);
	/* Each redraw moves back over the block drawn before. */
	CHECK(strstr(out.ptr, "[+] Stopping 0/1") != NULL);
	CHECK(strstr(out.ptr, "\033[3A") != NULL);
	last = strstr(out.ptr, "[+] Stopping 2/2");
	REQUIRE(last != NULL);
	CHECK(strstr(last, "✔") != NULL);
	CHECK(strstr(last, "✘") != NULL);
	CHECK(strstr(last, "Container p-web-1 Stopped") != NULL);
	/* ids padded to the widest, so texts line up */
	CHECK(strstr(last, "Container p-db-1  Error no such container") !=
	      NULL);
	buf_release(&out);
}

int
main(void)
{
	TEST_RUN(test_plain);
	TEST_RUN(test_json);
	TEST_RUN(test_quiet);
	TEST_RUN(test_tty);
	return test_report();
}
