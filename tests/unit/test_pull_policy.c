/*
 * test_pull_policy.c - pull_policy decisions, durations, image reference
 * parsing and the X-Registry-Auth encoding.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "fixture.h"
#include "log.h"
#include "pull_policy.h"
#include "registry_auth.h"
#include "test.h"
#include "xalloc.h"

#define DAY 86400LL
#define NOW 1700000000LL

static void
test_simple_policies(void)
{
	CHECK_INT(pull_needed("always", true, NOW, NOW), 1);
	CHECK_INT(pull_needed("always", false, 0, NOW), 1);
	CHECK_INT(pull_needed("never", false, 0, NOW), 0);
	CHECK_INT(pull_needed("never", true, 0, NOW), 0);
	CHECK_INT(pull_needed("build", false, 0, NOW), 0);
	CHECK_INT(pull_needed("missing", false, 0, NOW), 1);
	CHECK_INT(pull_needed("missing", true, 0, NOW), 0);
	CHECK_INT(pull_needed("if_not_present", false, 0, NOW), 1);
	CHECK_INT(pull_needed("if_not_present", true, 0, NOW), 0);
	CHECK_INT(pull_needed(NULL, false, 0, NOW), 1);
	CHECK_INT(pull_needed(NULL, true, 0, NOW), 0);
	CHECK_INT(pull_needed("", true, 0, NOW), 0);
	CHECK_INT(pull_needed("sometimes", true, 0, NOW), -1);
	CHECK_INT(pull_needed("every_", true, 0, NOW), -1);
	CHECK_INT(pull_needed("every_x", true, 0, NOW), -1);
}

static void
test_refresh_policies(void)
{
	CHECK_INT(pull_needed("daily", false, 0, NOW), 1);
	CHECK_INT(pull_needed("daily", true, NOW - DAY + 60, NOW), 0);
	CHECK_INT(pull_needed("daily", true, NOW - DAY, NOW), 1);
	CHECK_INT(pull_needed("daily", true, 0, NOW), 1); /* never tagged */
	CHECK_INT(pull_needed("weekly", true, NOW - 6 * DAY, NOW), 0);
	CHECK_INT(pull_needed("weekly", true, NOW - 8 * DAY, NOW), 1);
	CHECK_INT(pull_needed("every_12h", true, NOW - 11 * 3600, NOW), 0);
	CHECK_INT(pull_needed("every_12h", true, NOW - 13 * 3600, NOW), 1);
	CHECK_INT(pull_needed("every_2d", true, NOW - DAY, NOW), 0);
	CHECK_INT(pull_needed("every_2d", true, NOW - 3 * DAY, NOW), 1);
	CHECK_INT(pull_needed("every_1h30m", true, NOW - 3600, NOW), 0);
	CHECK_INT(pull_needed("every_1h30m", true, NOW - 5400, NOW), 1);
	CHECK_INT(pull_needed("every_1h30m", false, NOW, NOW), 1);
}

static void
test_durations(void)
{
	CHECK_INT(duration_parse("90s"), 90);
	CHECK_INT(duration_parse("5m"), 300);
	CHECK_INT(duration_parse("1h30m"), 5400);
	CHECK_INT(duration_parse("2d"), 2 * DAY);
	CHECK_INT(duration_parse("1w"), 7 * DAY);
	CHECK_INT(duration_parse("1.5h"), 5400);
	CHECK_INT(duration_parse("1500ms"), 1);
	CHECK_INT(duration_parse(""), -1);
	CHECK_INT(duration_parse("h"), -1);
	CHECK_INT(duration_parse("10"), -1);
	CHECK_INT(duration_parse("10y"), -1);
}

static void
test_policy_check(void)
{
	struct buf log = BUF_INIT;

	CHECK_INT(pull_policy_check("weekly", "web"), 0);
	log_capture(&log);
	CHECK_INT(pull_policy_check("hourly", "web"), -1);
	log_capture(NULL);
	CHECK(strstr(log.ptr,
		     "service \"web\": invalid pull_policy \"hourly\"") !=
	      NULL);
	buf_release(&log);
}

static void
check_ref(const char *ref, const char *registry, const char *name,
	  const char *tag, const char *digest)
{
	struct image_ref r;

	REQUIRE(image_ref_parse(ref, &r) == 0);
	CHECK_STR(r.registry, registry);
	CHECK_STR(r.name, name);
	CHECK_STR(r.tag, tag);
	CHECK_STR(r.digest, digest);
	image_ref_release(&r);
}

static void
test_image_refs(void)
{
	check_ref("busybox", "docker.io", "busybox", "latest", NULL);
	check_ref("busybox:1.36", "docker.io", "busybox", "1.36", NULL);
	check_ref("library/redis:7", "docker.io", "library/redis", "7", NULL);
	check_ref("127.0.0.1:5000/app", "127.0.0.1:5000", "127.0.0.1:5000/app",
		  "latest", NULL);
	check_ref("127.0.0.1:5000/team/app:v2", "127.0.0.1:5000",
		  "127.0.0.1:5000/team/app", "v2", NULL);
	check_ref("localhost/app:1", "localhost", "localhost/app", "1", NULL);
	check_ref("ghcr.io/o/app@sha256:abc", "ghcr.io", "ghcr.io/o/app", NULL,
		  "sha256:abc");
	check_ref("app:1@sha256:abc", "docker.io", "app", "1", "sha256:abc");
	struct image_ref r;
	CHECK_INT(image_ref_parse("", &r), -1);
}

static char *
decode_header(const char *registry)
{
	char *h = NULL;
	char *plain;
	struct buf b = BUF_INIT;

	registry_auth_header(registry, &h);
	/* base64url back to text, by hand */
	{
		const char *tab =
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
			"vwxyz0123456789-_";
		unsigned v = 0;
		int bits = 0;
		for (const char *s = h; *s && *s != '='; s++) {
			v = (v << 6) | (unsigned)(strchr(tab, *s) - tab);
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				buf_addch(&b, (int)((v >> bits) & 0xff));
			}
		}
	}
	free(h);
	plain = buf_detach(&b, NULL);
	return plain;
}

static void
test_registry_auth(void)
{
	char dir[] = "/tmp/berth-test-dockercfg.XXXXXX";
	char *path, *got;

	REQUIRE(mkdtemp(dir) != NULL);
	setenv("DOCKER_CONFIG", dir, 1);
	/* No config.json: anonymous, "{}". */
	got = decode_header("127.0.0.1:5000");
	CHECK_STR(got, "{}");
	free(got);

	/* "alice:s3cret" */
	path = fixture_write(
		dir, "config.json",
		"{\"auths\": {\"http://127.0.0.1:5001\": {\"auth\": "
		"\"YWxpY2U6czNjcmV0\"},"
		" \"https://index.docker.io/v1/\": {\"username\": \"bob\","
		" \"password\": \"pw\"}}}");
	got = decode_header("127.0.0.1:5001");
	CHECK_STR(got, "{\"password\":\"s3cret\",\"serveraddress\":\"127.0.0.1:"
		       "5001\",\"username\":\"alice\"}");
	free(got);
	got = decode_header("docker.io");
	CHECK_STR(got, "{\"password\":\"pw\",\"serveraddress\":\"docker.io\","
		       "\"username\":\"bob\"}");
	free(got);
	got = decode_header("127.0.0.1:5002");
	CHECK_STR(got, "{}");
	free(got);

	/* A credential helper: run with the server on stdin, JSON out. */
	{
		char *helper;
		char *oldpath = xstrdup(getenv("PATH") ? getenv("PATH") : "");
		char *newpath = xasprintf("%s:%s", dir, oldpath);

		helper = fixture_write(
			dir, "docker-credential-berthtest",
			"#!/bin/sh\n"
			"read server\n"
			"[ \"$1\" = get ] || exit 2\n"
			"case $server in\n"
			"127.0.0.1:5003) echo '{\"ServerURL\":\"x\",\"Username\":"
			"\"carol\",\"Secret\":\"pw3\"}' ;;\n"
			"*) echo 'credentials not found in native keychain'; exit 1 ;;\n"
			"esac\n");
		chmod(helper, 0755);
		setenv("PATH", newpath, 1);
		free(fixture_write(
			dir, "config.json",
			"{\"credHelpers\": {\"127.0.0.1:5003\": "
			"\"berthtest\"}, \"credsStore\": \"berthtest\"}"));
		got = decode_header("127.0.0.1:5003");
		CHECK_STR(got, "{\"password\":\"pw3\",\"serveraddress\":"
			       "\"127.0.0.1:5003\",\"username\":\"carol\"}");
		free(got);
		/* "not found" is a plain no: anonymous, and no warning. */
		struct buf quiet = BUF_INIT;
		log_capture(&quiet);
		got = decode_header("127.0.0.1:5004");
		log_capture(NULL);
		CHECK_STR(got, "{}");
		CHECK_STR(quiet.ptr, "");
		free(got);
		buf_release(&quiet);
		setenv("PATH", oldpath, 1);
		unlink(helper);
		free(helper);
		free(oldpath);
		free(newpath);
	}

	/* A credential helper that is not installed: a warning, anonymous. */
	free(fixture_write(dir, "config.json",
			   "{\"credsStore\": \"berth-test-missing\"}"));
	struct buf log = BUF_INIT;
	log_capture(&log);
	got = decode_header("127.0.0.1:5001");
	log_capture(NULL);
	CHECK_STR(got, "{}");
	CHECK(strstr(log.ptr, "docker-credential-berth-test-missing") != NULL);
	free(got);
	buf_release(&log);

	unlink(path);
	rmdir(dir);
	free(path);
	unsetenv("DOCKER_CONFIG");
}

static void
test_base64url(void)
{
	char *s = base64url_encode((const unsigned char *)"\xfb\xff", 2);
	CHECK_STR(s, "-_8=");
	free(s);
	s = base64url_encode((const unsigned char *)"abc", 3);
	CHECK_STR(s, "YWJj");
	free(s);
	s = base64url_encode((const unsigned char *)"a", 1);
	CHECK_STR(s, "YQ==");
	free(s);
}

int
main(void)
{
	TEST_RUN(test_simple_policies);
	TEST_RUN(test_refresh_policies);
	TEST_RUN(test_durations);
	TEST_RUN(test_policy_check);
	TEST_RUN(test_image_refs);
	TEST_RUN(test_registry_auth);
	TEST_RUN(test_base64url);
	return test_report();
}
