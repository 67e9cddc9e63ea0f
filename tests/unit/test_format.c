/*
 * test_format.c - the columns ps, ls, images and top print: durations,
 * sizes, port lists, state summaries, tabwriter tables.
 */
#include <stdlib.h>

#include <jansson.h>

#include "buf.h"
#include "format.h"
#include "strv.h"
#include "test.h"

#define CHECK_FREE(expr, want)       \
	do {                         \
		char *s_ = (expr);   \
		CHECK_STR(s_, want); \
		free(s_);            \
	} while (0)

static void
test_duration(void)
{
	CHECK_FREE(format_duration(0), "Less than a second");
	CHECK_FREE(format_duration(1), "1 second");
	CHECK_FREE(format_duration(59), "59 seconds");
	CHECK_FREE(format_duration(60), "About a minute");
	CHECK_FREE(format_duration(119), "About a minute");
	CHECK_FREE(format_duration(120), "2 minutes");
	CHECK_FREE(format_duration(3599), "59 minutes");
	CHECK_FREE(format_duration(3600), "About an hour");
	/* hours round to the nearest: 1h30m is 2 hours */
	CHECK_FREE(format_duration(5400), "2 hours");
	CHECK_FREE(format_duration(47 * 3600), "47 hours");
	CHECK_FREE(format_duration(48 * 3600), "2 days");
	CHECK_FREE(format_duration(14 * 86400), "2 weeks");
	CHECK_FREE(format_duration(60 * 86400), "2 months");
	CHECK_FREE(format_duration(800 * 86400LL), "2 years");
}

/* go-units BytesSize, as docker stats prints memory: "%.4g" with binary
   units. */
static void
test_binary_size(void)
{
	CHECK_FREE(format_binary_size(0), "0B");
	CHECK_FREE(format_binary_size(1023), "1023B");
	CHECK_FREE(format_binary_size(1024), "1KiB");
	CHECK_FREE(format_binary_size(1536), "1.5KiB");
	CHECK_FREE(format_binary_size(331776), "324KiB");
	CHECK_FREE(format_binary_size(1572864), "1.5MiB");
	CHECK_FREE(format_binary_size(25276502016.0), "23.54GiB");
	/* 4 significant digits: 1023.99 KiB rounds up in %g */
	CHECK_FREE(format_binary_size(1048575), "1024KiB");
}

static void
test_size(void)
{
	CHECK_FREE(format_size(0), "0B");
	CHECK_FREE(format_size(999), "999B");
	CHECK_FREE(format_size(1000), "1kB");
	CHECK_FREE(format_size(4264000), "4.26MB");
	CHECK_FREE(format_size(1.5e9), "1.5GB");
}

static void
test_ellipsis_quote(void)
{
	CHECK_FREE(format_ellipsis("sleep 300", 20), "sleep 300");
	CHECK_FREE(format_ellipsis("/docker-entrypoint.sh nginx", 20),
		   "/docker-entrypoint.…");
	CHECK_FREE(format_ellipsis("héllo wörld", 5), "héll…");
	CHECK_FREE(format_quote("sleep 300"), "\"sleep 300\"");
	CHECK_FREE(format_quote("sh -c \"a\\b\"\n"),
		   "\"sh -c \\\"a\\\\b\\\"\\n\"");
	CHECK_FREE(format_short_id("sha256:0123456789abcdef0123"),
		   "0123456789ab");
	CHECK_FREE(format_short_id("0123456789abcdef0123"), "0123456789ab");
}

static char *
ports(const char *text)
{
	json_t *j = json_loads(text, 0, NULL);
	char *s = format_ports(j);

	json_decref(j);
	return s;
}

static void
test_ports(void)
{
	CHECK_FREE(ports("[]"), "");
	CHECK_FREE(ports("[{\"PrivatePort\":80,\"Type\":\"tcp\"}]"), "80/tcp");
	/* published on both families, same port number */
	CHECK_FREE(ports("[{\"IP\":\"0.0.0.0\",\"PrivatePort\":80,"
			 "\"PublicPort\":80,\"Type\":\"tcp\"},"
			 "{\"IP\":\"::\",\"PrivatePort\":80,"
			 "\"PublicPort\":80,\"Type\":\"tcp\"}]"),
		   "0.0.0.0:80->80/tcp, :::80->80/tcp");
	/* remapped ports come last, IPv6 in brackets */
	CHECK_FREE(ports("[{\"IP\":\"::\",\"PrivatePort\":80,"
			 "\"PublicPort\":8080,\"Type\":\"tcp\"},"
			 "{\"IP\":\"0.0.0.0\",\"PrivatePort\":80,"
			 "\"PublicPort\":8080,\"Type\":\"tcp\"},"
			 "{\"PrivatePort\":53,\"Type\":\"udp\"}]"),
		   "53/udp, 0.0.0.0:8080->80/tcp, [::]:8080->80/tcp");
	/* consecutive ports become a range; a gap starts a new group */
	CHECK_FREE(ports("[{\"PrivatePort\":8002,\"Type\":\"tcp\"},"
			 "{\"PrivatePort\":8000,\"Type\":\"tcp\"},"
			 "{\"PrivatePort\":8001,\"Type\":\"tcp\"},"
			 "{\"PrivatePort\":9000,\"Type\":\"tcp\"}]"),
		   "8000-8002/tcp, 9000/tcp");
	CHECK_FREE(ports("[{\"IP\":\"127.0.0.1\",\"PrivatePort\":5000,"
			 "\"PublicPort\":5000,\"Type\":\"tcp\"},"
			 "{\"IP\":\"127.0.0.1\",\"PrivatePort\":5001,"
			 "\"PublicPort\":5001,\"Type\":\"tcp\"}]"),
		   "127.0.0.1:5000-5001->5000-5001/tcp");
}

static void
test_state_summary(void)
{
	const char *one[] = { "running", "running", "running" };
	const char *mixed[] = { "running", "exited", "running", "paused" };

	CHECK_FREE(format_state_summary(one, 3), "running(3)");
	CHECK_FREE(format_state_summary(mixed, 4),
		   "exited(1), paused(1), running(2)");
	CHECK_FREE(format_state_summary(NULL, 0), "");
}

static void
test_table(void)
{
	struct strv rows = STRV_INIT;
	struct buf out = BUF_INIT;

	strv_push(&rows, "NAME");
	strv_push(&rows, "IMAGE");
	strv_push(&rows, "PORTS");
	strv_push(&rows, "example-foo-1");
	strv_push(&rows, "alpine");
	strv_push(&rows, "0.0.0.0:8080->80/tcp");
	strv_push(&rows, "p-bar-1");
	strv_push(&rows, "\"a…\"");
	strv_push(&rows, "");
	format_table(&out, &rows, 3, 10, 3);
	CHECK_STR(out.ptr, "NAME            IMAGE     PORTS\n"
			   "example-foo-1   alpine    0.0.0.0:8080->80/tcp\n"
			   "p-bar-1         \"a…\"      \n");
	buf_release(&out);
	strv_clear(&rows);
}

static void
test_status_parse(void)
{
	CHECK_INT(format_status_exit_code("Exited (137) 3 seconds ago"), 137);
	CHECK_INT(format_status_exit_code("Exited (0) 1 second ago"), 0);
	CHECK_INT(format_status_exit_code("Up 3 seconds"), -1);
	CHECK_STR(format_status_health("Up 3 minutes (healthy)"), "healthy");
	CHECK_STR(format_status_health("Up 1 second (health: starting)"),
		  "starting");
	CHECK_STR(format_status_health("Up 2 hours (unhealthy)"), "unhealthy");
	CHECK_STR(format_status_health("Up 2 hours"), "");
}

/* ps and volumes: pairs sorted, whatever the engine's key order. */
static void
test_labels(void)
{
	json_t *l = json_pack("{s:s, s:s, s:n}", "z", "1", "a.b", "x=y", "m");
	char *got = format_labels(l);

	CHECK_STR(got, "a.b=x=y,m=,z=1");
	free(got);
	json_decref(l);
	got = format_labels(NULL);
	CHECK_STR(got, "");
	free(got);
}

int
main(void)
{
	TEST_RUN(test_duration);
	TEST_RUN(test_binary_size);
	TEST_RUN(test_size);
	TEST_RUN(test_ellipsis_quote);
	TEST_RUN(test_ports);
	TEST_RUN(test_state_summary);
	TEST_RUN(test_table);
	TEST_RUN(test_status_parse);
	TEST_RUN(test_labels);
	return test_report();
}
