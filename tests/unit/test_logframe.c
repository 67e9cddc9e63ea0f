/*
 * test_logframe.c - the multiplexed frame decoder under every split point.
 */
#include <stdlib.h>

#include "buf.h"
#include "logframe.h"
#include "test.h"

struct got {
	struct buf out, err;
	int bad_stream;
};

static void
collect(int stream, const char *data, size_t len, void *arg)
{
	struct got *g = arg;

	if (stream == LOGFRAME_STDOUT)
		buf_add(&g->out, data, len);
	else if (stream == LOGFRAME_STDERR)
		buf_add(&g->err, data, len);
	else
		g->bad_stream++;
}

static void
frame(struct buf *b, int stream, const char *payload, size_t len)
{
	unsigned char h[8] = { (unsigned char)stream,
			       0,
			       0,
			       0,
			       (unsigned char)(len >> 24),
			       (unsigned char)(len >> 16),
			       (unsigned char)(len >> 8),
			       (unsigned char)len };
	buf_add(b, h, 8);
	buf_add(b, payload, len);
}

static void
build_stream(struct buf *s)
{
	frame(s, 1, "hello\n", 6);
	frame(s, 2, "oops\n", 5);
	frame(s, 1, "", 0); /* an empty frame is legal */
	frame(s, 1, "wor", 3);
	frame(s, 1, "ld\n", 3);
	char big[300];
	memset(big, 'x', sizeof(big));
	frame(s, 2, big, sizeof(big)); /* size needs two header bytes */
}

static void
check_result(struct got *g)
{
	CHECK_STR(g->out.ptr, "hello\nworld\n");
	CHECK_INT(g->err.len, 5 + 300);
	CHECK(strncmp(g->err.ptr, "oops\n", 5) == 0);
	CHECK_INT(g->bad_stream, 0);
}

/* Split the stream in two at every byte. */
static void
test_every_split_point(void)
{
	struct buf s = BUF_INIT;
	build_stream(&s);
	for (size_t cut = 0; cut <= s.len; cut++) {
		struct got g = { BUF_INIT, BUF_INIT, 0 };
		struct logframe f;
		logframe_init(&f);
		CHECK(logframe_feed(&f, s.ptr, cut, collect, &g) == 0);
		CHECK(logframe_feed(&f, s.ptr + cut, s.len - cut, collect,
				    &g) == 0);
		check_result(&g);
		CHECK(logframe_at_boundary(&f));
		buf_release(&g.out);
		buf_release(&g.err);
	}
	buf_release(&s);
}

/* Feed one byte at a time, and every pair of split points. */
static void
test_byte_by_byte_and_pairs(void)
{
	struct buf s = BUF_INIT;
	build_stream(&s);
	struct got g = { BUF_INIT, BUF_INIT, 0 };
	struct logframe f;
	logframe_init(&f);
	for (size_t i = 0; i < s.len; i++)
		CHECK(logframe_feed(&f, s.ptr + i, 1, collect, &g) == 0);
	check_result(&g);
	buf_release(&g.out);
	buf_release(&g.err);

	for (size_t a = 0; a <= 40; a++) {
		for (size_t b = a; b <= 40; b++) {
			struct got h = { BUF_INIT, BUF_INIT, 0 };
			logframe_init(&f);
			logframe_feed(&f, s.ptr, a, collect, &h);
			logframe_feed(&f, s.ptr + a, b - a, collect, &h);
			logframe_feed(&f, s.ptr + b, s.len - b, collect, &h);
			check_result(&h);
			buf_release(&h.out);
			buf_release(&h.err);
		}
	}
	buf_release(&s);
}

static void
test_raw_stream_rejected(void)
{
	struct got g = { BUF_INIT, BUF_INIT, 0 };
	struct logframe f;
	logframe_init(&f);
	/* A TTY container's raw output is not a frame header. */
	CHECK(logframe_feed(&f, "hello world\n", 12, collect, &g) == -1);
	buf_release(&g.out);
	buf_release(&g.err);
}

int
main(void)
{
	TEST_RUN(test_every_split_point);
	TEST_RUN(test_byte_by_byte_and_pairs);
	TEST_RUN(test_raw_stream_rejected);
	return test_report();
}
