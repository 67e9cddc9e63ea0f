/*
 * test_logmux.c - log multiplexing without a daemon: prefixes, colours,
 * timestamps, whole lines under every chunking, resume and merge order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>

#include "buf.h"
#include "engine.h"
#include "events.h"
#include "logend.h"
#include "logmux.h"
#include "test.h"

static void
test_colors(void)
{
	CHECK_STR(logmux_color(0), "36");
	CHECK_STR(logmux_color(1), "33");
	CHECK_STR(logmux_color(2), "32");
	CHECK_STR(logmux_color(3), "35");
	CHECK_STR(logmux_color(4), "34");
	CHECK_STR(logmux_color(5), "1;36");
	CHECK_STR(logmux_color(9), "1;34");
	CHECK_STR(logmux_color(10), "36");
}

static void
test_prefix(void)
{
	struct buf b = BUF_INIT;

	CHECK_STR(logmux_prefix_of("app", "app-web-1"), "web-1");
	CHECK_STR(logmux_prefix_of("app", "/app-web-1"), "web-1");
	CHECK_STR(logmux_prefix_of("app", "other-web-1"), "other-web-1");
	CHECK_STR(logmux_prefix_of("app", "appweb"), "appweb");
	CHECK_STR(logmux_prefix_of(NULL, "x"), "x");

	/* docker compose: %-{W}s | with W the widest name plus one. */
	logmux_format_prefix(&b, "web-1", 6, NULL);
	CHECK_STR(b.ptr, "web-1  | ");
	buf_reset(&b);
	logmux_format_prefix(&b, "db-1", 6, "33");
	CHECK_STR(b.ptr, "\033[33mdb-1   | \033[0m");
	buf_release(&b);
}

static void
test_timestamps(void)
{
	int64_t ns = 0;
	struct buf b = BUF_INIT;
	const char *t = "2024-01-02T03:04:05.123456789Z rest";

	CHECK_INT(logmux_parse_ts(t, strlen(t), &ns), 30);
	CHECK_INT(ns, 1704164645123456789LL);
	logmux_format_ts(&b, ns);
	CHECK_STR(b.ptr, "2024-01-02T03:04:05.123456789Z");
	buf_reset(&b);

	t = "2024-01-02T05:04:05.5+02:00";
	CHECK_INT(logmux_parse_ts(t, strlen(t), &ns), strlen(t));
	CHECK_INT(ns, 1704164645500000000LL);
	t = "1970-01-01T00:00:00Z";
	CHECK_INT(logmux_parse_ts(t, strlen(t), &ns), 20);
	CHECK_INT(ns, 0);
	/* Not timestamps: a log line that starts otherwise. */
	CHECK_INT(logmux_parse_ts("hello world", 11, &ns), 0);
	CHECK_INT(logmux_parse_ts("2024-01-02", 10, &ns), 0);
	CHECK_INT(logmux_parse_ts("2024-13-02T00:00:00Z", 20, &ns), 0);

	logmux_format_ts(&b, 951782400000000001LL); /* a leap day */
	CHECK_STR(b.ptr, "2000-02-29T00:00:00.000000001Z");
	buf_release(&b);
}

static void
test_time_arg(void)
{
	struct buf b = BUF_INIT;
	int64_t now = 1704164645000000000LL;

	CHECK_INT(logmux_time_arg("10m", now, &b), 0);
	CHECK_STR(b.ptr, "1704164045.000000000");
	buf_reset(&b);
	CHECK_INT(logmux_time_arg("1h30m", now, &b), 0);
	CHECK_STR(b.ptr, "1704159245.000000000");
	buf_reset(&b);
	CHECK_INT(logmux_time_arg("1.5s", now, &b), 0);
	CHECK_STR(b.ptr, "1704164643.500000000");
	buf_reset(&b);
	CHECK_INT(logmux_time_arg("2024-01-02T03:04:05Z", now, &b), 0);
	CHECK_STR(b.ptr, "1704164645.000000000");
	buf_reset(&b);
	CHECK_INT(logmux_time_arg("1704164645.25", now, &b), 0);
	CHECK_STR(b.ptr, "1704164645.250000000");
	buf_reset(&b);
	CHECK_INT(logmux_time_arg("yesterday", now, &b), -1);
	CHECK_INT(logmux_time_arg("10x", now, &b), -1);
	CHECK_INT(logmux_time_arg("", now, &b), -1);
	buf_release(&b);
}

/* A multiplexed frame of payload p on stream st. */
static void
frame(struct buf *b, int st, const char *p)
{
	size_t n = strlen(p);
	unsigned char h[8] = { (unsigned char)st,
			       0,
			       0,
			       0,
			       (unsigned char)(n >> 24),
			       (unsigned char)(n >> 16),
			       (unsigned char)(n >> 8),
			       (unsigned char)n };

	buf_add(b, h, 8);
	buf_add(b, p, n);
}

struct harness {
	struct engine *e;
	struct logmux *m;
	FILE *out;
	int ended;
	int last_err;
};

static void
on_end(struct logmux *m, const char *id, int err, void *arg)
{
	struct harness *h = arg;

	h->ended++;
	h->last_err = err;
}

static void
harness_open(struct harness *h, bool merge, bool timestamps)
{
	struct logmux_opts o = {
		.timestamps = timestamps,
		.merge = merge,
		.on_end = on_end,
	};

	memset(h, 0, sizeof(*h));
	REQUIRE(engine_open(&h->e, EV_DEFAULT) == 0);
	h->out = tmpfile();
	o.out = h->out;
	o.arg = h;
	h->m = logmux_new(h->e, &o);
}

/* Everything written so far; caller frees. */
static char *
harness_text(struct harness *h)
{
	long n;
	char *s;

	logmux_flush(h->m);
	n = ftell(h->out);
	s = calloc(1, (size_t)n + 1);
	rewind(h->out);
	if (fread(s, 1, (size_t)n, h->out) != (size_t)n)
		s[0] = '\0';
	return s;
}

static void
harness_close(struct harness *h)
{
	logmux_free(h->m);
	engine_free(h->e);
	fclose(h->out);
}

static void
add(struct harness *h, const char *id, const char *prefix, bool tty,
    const char *mode)
{
	struct logmux_stream st = {
		.id = id,
		.prefix = prefix,
		.tty = tty,
		.mode = mode,
		.resume = true,
	};
	CHECK_INT(logmux_add_fake(h->m, &st), 0);
}

/* Two containers' frames, fed in pieces of every size: lines stay whole. */
static void
test_chunking(void)
{
	const char *want = "web-1  | hello world\n"
			   "db-1   | db says hi\n"
			   "web-1  | err line\n"
			   "web-1  | second\n"
			   "db-1   | tail without newline\n";
	struct buf web = BUF_INIT, db = BUF_INIT;

	frame(&web, 1, "hello ");
	frame(&web, 1, "world\n");
	frame(&web, 2, "err line\n");
	frame(&web, 1, "second\n");
	frame(&db, 1, "db says hi\ntail without newline");

	for (size_t step = 1; step <= web.len; step++) {
		struct harness h;
		harness_open(&h, false, false);
		add(&h, "w", "web-1", false, "attach");
		add(&h, "d", "db-1", false, "attach");
		size_t wi = 0, di = 0;
		/* web's first line completes before db's first. */
		while (wi < 28) {
			size_t n = step < 28 - wi ? step : 28 - wi;
			logmux_feed(h.m, "w", web.ptr + wi, n);
			wi += n;
		}
		while (di < db.len) {
			size_t n = step < db.len - di ? step : db.len - di;
			logmux_feed(h.m, "d", db.ptr + di, n);
			di += n;
		}
		logmux_feed(h.m, "w", web.ptr + wi, web.len - wi);
		logmux_end(h.m, "w", 0);
		logmux_end(h.m, "d", 0);
		char *got = harness_text(&h);
		CHECK_STR(got, want);
		CHECK_INT(h.ended, 2);
		free(got);
		harness_close(&h);
	}
	buf_release(&web);
	buf_release(&db);
}

/* TTY output is raw: no frames, and stderr is part of it. */
static void
test_tty_raw(void)
{
	struct harness h;
	const char *raw = "line one\r\nline two\r\nno eol";

	harness_open(&h, false, false);
	add(&h, "t", "tty-1", true, "attach");
	for (size_t i = 0; raw[i]; i++)
		logmux_feed(h.m, "t", raw + i, 1);
	logmux_end(h.m, "t", 0);
	char *got = harness_text(&h);
	CHECK_STR(got, "tty-1  | line one\r\ntty-1  | line two\r\n"
		       "tty-1  | no eol\n");
	free(got);
	harness_close(&h);
}

/* The width grows as containers register, like docker compose. */
static void
test_width(void)
{
	struct harness h;
	struct buf b = BUF_INIT;

	harness_open(&h, false, false);
	add(&h, "a", "a-1", false, "attach");
	frame(&b, 1, "x\n");
	logmux_feed(h.m, "a", b.ptr, b.len);
	add(&h, "l", "longer-1", false, "attach");
	logmux_feed(h.m, "a", b.ptr, b.len);
	logmux_feed(h.m, "l", b.ptr, b.len);
	char *got = harness_text(&h);
	CHECK_STR(got, "a-1  | x\na-1       | x\nlonger-1  | x\n");
	free(got);
	buf_release(&b);
	harness_close(&h);
}

/* Stable colours: sorted service order, whatever order containers come. */
static void
test_color_assignment(void)
{
	struct harness h;
	struct buf b = BUF_INIT;
	char web[] = "web", db[] = "db", cache[] = "cache";
	char *const services[] = { web, db, cache };

	harness_open(&h, false, false);
	logmux_set_services(h.m, services, 3);
	/* Colour on for this mux only. */
	logmux_free(h.m);
	struct logmux_opts o = { .color = true, .out = h.out };
	h.m = logmux_new(h.e, &o);
	logmux_set_services(h.m, services, 3);
	add(&h, "w", "web-1", false, "attach");
	add(&h, "d", "db-1", false, "attach");
	add(&h, "c", "cache-1", false, "attach");
	add(&h, "x", "extra-1", false, "attach");
	frame(&b, 1, "x\n");
	logmux_feed(h.m, "w", b.ptr, b.len);
	logmux_feed(h.m, "d", b.ptr, b.len);
	logmux_feed(h.m, "c", b.ptr, b.len);
	logmux_feed(h.m, "x", b.ptr, b.len);
	char *got = harness_text(&h);
	/* cache, db, web sorted: cyan, yellow, green; extra next: magenta. */
	CHECK_STR(got, "\033[32mweb-1    | \033[0mx\n"
		       "\033[33mdb-1     | \033[0mx\n"
		       "\033[36mcache-1  | \033[0mx\n"
		       "\033[35mextra-1  | \033[0mx\n");
	free(got);
	buf_release(&b);
	harness_close(&h);
}

/* Engine timestamps are stripped, or printed with -t. */
static void
test_stamped(void)
{
	struct harness h;
	struct buf b = BUF_INIT;

	frame(&b, 1, "2024-01-02T03:04:05.000000001Z one\n");
	frame(&b, 2, "2024-01-02T03:04:05.000000002Z two\n");
	for (int ts = 0; ts < 2; ts++) {
		harness_open(&h, false, ts);
		add(&h, "w", "web-1", false, "logs");
		logmux_feed(h.m, "w", b.ptr, b.len);
		logmux_end(h.m, "w", 0);
		char *got = harness_text(&h);
		CHECK_STR(got,
			  ts ? "web-1  | 2024-01-02T03:04:05.000000001Z one\n"
			       "web-1  | 2024-01-02T03:04:05.000000002Z two\n" :
			       "web-1  | one\nweb-1  | two\n");
		free(got);
		harness_close(&h);
	}
	buf_release(&b);
}

/*
 * The engine cuts long lines into messages of 16 KiB, each with its own
 * timestamp: the ones that continue a line are dropped.
 */
static void
test_long_line_pieces(void)
{
	struct harness h;
	struct buf b = BUF_INIT, piece = BUF_INIT, want = BUF_INIT;

	harness_open(&h, false, false);
	add(&h, "w", "web-1", false, "logs");
	for (int i = 0; i < 3; i++) {
		buf_reset(&piece);
		buf_addf(&piece, "2024-01-02T03:04:05.00000000%dZ ", i + 1);
		for (int k = 0; k < 100; k++)
			buf_addch(&piece, 'a' + i);
		if (i == 2)
			buf_addch(&piece, '\n');
		frame(&b, 1, piece.ptr);
	}
	for (size_t i = 0; i < b.len; i += 7)
		logmux_feed(h.m, "w", b.ptr + i, b.len - i < 7 ? b.len - i : 7);
	logmux_end(h.m, "w", 0);
	buf_adds(&want, "web-1  | ");
	for (int i = 0; i < 3; i++)
		for (int k = 0; k < 100; k++)
			buf_addch(&want, 'a' + i);
	buf_addch(&want, '\n');
	char *got = harness_text(&h);
	CHECK_STR(got, want.ptr);
	free(got);
	harness_close(&h);
	buf_release(&b);
	buf_release(&piece);
	buf_release(&want);
}

/* An endless line comes out in 64 KiB pieces marked as such. */
static void
test_endless_line(void)
{
	struct harness h;
	size_t n = 150 * 1024;
	char *big = malloc(n);

	memset(big, 'z', n);
	harness_open(&h, false, false);
	add(&h, "t", "t-1", true, "attach");
	logmux_feed(h.m, "t", big, n);
	logmux_end(h.m, "t", 0);
	char *got = harness_text(&h);
	size_t lines = 0, marks = 0;
	for (char *p = got; (p = strchr(p, '\n')); p++)
		lines++;
	for (char *p = got; (p = strstr(p, LOGMUX_CONT_MARK "\n")); p++)
		marks++;
	CHECK_INT(lines, 3);
	CHECK_INT(marks, 2);
	CHECK_INT(strlen(got),
		  n + 3 * strlen("t-1  | ") + 2 * strlen(LOGMUX_CONT_MARK) + 3);
	free(got);
	free(big);
	harness_close(&h);
}

/* A second stream of a container resumes after the last line taken. */
static void
test_resume(void)
{
	struct harness h;
	struct buf a = BUF_INIT, b = BUF_INIT;

	frame(&a, 1, "2024-01-02T03:04:05.000000001Z one\n");
	frame(&a, 1, "2024-01-02T03:04:05.000000002Z two\n");
	frame(&a, 1, "2024-01-02T03:04:05.000000002Z two-bis\n");
	/* since= is inclusive: the engine repeats the last timestamp. */
	frame(&b, 1, "2024-01-02T03:04:05.000000002Z two\n");
	frame(&b, 1, "2024-01-02T03:04:05.000000002Z two-bis\n");
	frame(&b, 1, "2024-01-02T03:04:05.000000003Z three\n");
	harness_open(&h, false, false);
	add(&h, "w", "web-1", false, "logs");
	logmux_feed(h.m, "w", a.ptr, a.len);
	logmux_end(h.m, "w", -2);
	CHECK(logmux_seen(h.m, "w"));
	CHECK(!logmux_streaming(h.m, "w"));
	add(&h, "w", "web-1", false, "logs");
	logmux_feed(h.m, "w", b.ptr, b.len);
	logmux_end(h.m, "w", 0);
	char *got = harness_text(&h);
	CHECK_STR(got, "web-1  | one\nweb-1  | two\nweb-1  | two-bis\n"
		       "web-1  | three\n");
	CHECK_INT(h.last_err, 0);
	free(got);
	harness_close(&h);
	buf_release(&a);
	buf_release(&b);
}

/*
 * Attached up: a container that ran before is followed from where its log
 * ended before this start (logend); lines up to there are not printed.
 */
static void
test_skip_until(void)
{
	struct harness h;
	struct buf a = BUF_INIT;

	frame(&a, 1, "2024-01-02T03:04:05.000000002Z old run\n");
	frame(&a, 1, "2024-01-02T03:04:06.000000000Z new run\n");
	frame(&a, 2, "2024-01-02T03:04:06.000000001Z new err\n");
	harness_open(&h, false, false);
	logmux_skip_until(h.m, "w", "web-1", "web",
			  1704164645 * 1000000000LL + 2);
	CHECK(logmux_seen(h.m, "w"));
	add(&h, "w", "web-1", false, "logs");
	logmux_feed(h.m, "w", a.ptr, a.len);
	logmux_end(h.m, "w", 0);
	/* An older mark never moves the resume point back. */
	logmux_skip_until(h.m, "w", "web-1", "web", 1);
	buf_reset(&a);
	frame(&a, 1, "2024-01-02T03:04:06.000000001Z new err\n");
	frame(&a, 1, "2024-01-02T03:04:07.000000000Z later\n");
	add(&h, "w", "web-1", false, "logs");
	logmux_feed(h.m, "w", a.ptr, a.len);
	logmux_end(h.m, "w", 0);
	char *got = harness_text(&h);
	CHECK_STR(got, "web-1  | new run\nweb-1  | new err\n"
		       "web-1  | later\n");
	free(got);
	harness_close(&h);
	buf_release(&a);
}

/* The newest timestamp of a tail=1 answer: frames, raw TTY bytes, none. */
static void
test_logend_parse(void)
{
	struct buf a = BUF_INIT;
	int64_t ns = 0;

	frame(&a, 1, "2024-01-02T03:04:05.000000007Z last line\n");
	CHECK_INT(logend_parse(a.ptr, a.len, &ns), 1);
	CHECK(ns == 1704164645 * 1000000000LL + 7);
	/* Both streams answered: the newest wins, whatever the order. */
	buf_reset(&a);
	frame(&a, 2, "2024-01-02T03:04:05.000000009Z err\n");
	frame(&a, 1, "2024-01-02T03:04:05.000000008Z out\n");
	CHECK_INT(logend_parse(a.ptr, a.len, &ns), 1);
	CHECK(ns == 1704164645 * 1000000000LL + 9);
	/* A TTY's raw bytes: a timestamp at each line start. */
	const char *raw = "2024-01-02T03:04:05.000000001Z one\r\n"
			  "2024-01-02T03:04:05.000000003Z two "
			  "2030-01-01T00:00:00Z is text\r\n";
	CHECK_INT(logend_parse(raw, strlen(raw), &ns), 1);
	CHECK(ns == 1704164645 * 1000000000LL + 3);
	/* An empty log (a container never started) has no end yet. */
	ns = 42;
	CHECK_INT(logend_parse("", 0, &ns), 0);
	CHECK(ns == 42);
	CHECK_INT(logend_parse("no stamp\n", 9, &ns), 0);
	buf_release(&a);
}

/* --merge: complete streams come out in timestamp order. */
static void
test_merge(void)
{
	struct harness h;
	struct buf a = BUF_INIT, b = BUF_INIT;

	frame(&a, 1, "2024-01-02T03:04:05.000000001Z a1\n");
	frame(&a, 1, "2024-01-02T03:04:05.000000004Z a4\n");
	frame(&a, 2, "2024-01-02T03:04:05.000000005Z a5\n");
	frame(&b, 1, "2024-01-02T03:04:05.000000002Z b2\n");
	frame(&b, 1, "2024-01-02T03:04:05.000000003Z b3\n");
	frame(&b, 1, "2024-01-02T03:04:05.000000006Z b6\n");
	harness_open(&h, true, false);
	add(&h, "a", "a-1", false, "logs");
	add(&h, "b", "b-1", false, "logs");
	logmux_feed(h.m, "a", a.ptr, a.len);
	logmux_end(h.m, "a", 0);
	logmux_feed(h.m, "b", b.ptr, b.len);
	logmux_end(h.m, "b", 0);
	char *got = harness_text(&h);
	CHECK_STR(got, "a-1  | a1\nb-1  | b2\nb-1  | b3\na-1  | a4\n"
		       "a-1  | a5\nb-1  | b6\n");
	free(got);
	harness_close(&h);
	buf_release(&a);
	buf_release(&b);
}

/* /events messages as the engine sends them. */
static void
test_container_event(void)
{
	struct container_event e;
	json_t *ev = json_loads(
		"{\"status\":\"die\",\"id\":\"abc\",\"Type\":\"container\","
		"\"Action\":\"die\",\"Actor\":{\"ID\":\"abc\",\"Attributes\":"
		"{\"com.docker.compose.container-number\":\"2\","
		"\"com.docker.compose.oneoff\":\"False\","
		"\"com.docker.compose.service\":\"web\",\"exitCode\":\"3\","
		"\"image\":\"img\",\"name\":\"p-web-2\"}},\"scope\":\"local\","
		"\"time\":1700000000,\"timeNano\":1700000000123456789}",
		0, NULL);
	char *path;

	REQUIRE(ev != NULL);
	CHECK(container_event_parse(ev, &e));
	CHECK_STR(e.action, "die");
	CHECK_STR(e.id, "abc");
	CHECK_STR(e.name, "p-web-2");
	CHECK_STR(e.service, "web");
	CHECK_STR(e.image, "img");
	CHECK_INT(e.number, 2);
	CHECK(!e.oneoff);
	CHECK_INT(e.exit_code, 3);
	CHECK_INT(e.time_ns, 1700000000123456789LL);
	json_decref(ev);

	ev = json_loads("{\"Type\":\"network\",\"Action\":\"connect\","
			"\"Actor\":{\"ID\":\"n\"}}",
			0, NULL);
	CHECK(!container_event_parse(ev, &e));
	json_decref(ev);

	path = container_events_path("app", false, 1500000000);
	CHECK_STR(path,
		  "/events?since=1.500000000&filters=%7B%22label%22%3A%5B"
		  "%22com.docker.compose.project%3Dapp%22%2C%22com.docker."
		  "compose.oneoff%3DFalse%22%5D%2C%22type%22%3A%5B%22"
		  "container%22%5D%7D");
	free(path);
}

int
main(void)
{
	TEST_RUN(test_colors);
	TEST_RUN(test_prefix);
	TEST_RUN(test_timestamps);
	TEST_RUN(test_time_arg);
	TEST_RUN(test_chunking);
	TEST_RUN(test_tty_raw);
	TEST_RUN(test_width);
	TEST_RUN(test_color_assignment);
	TEST_RUN(test_stamped);
	TEST_RUN(test_long_line_pieces);
	TEST_RUN(test_endless_line);
	TEST_RUN(test_resume);
	TEST_RUN(test_skip_until);
	TEST_RUN(test_logend_parse);
	TEST_RUN(test_merge);
	TEST_RUN(test_container_event);
	return test_report();
}
