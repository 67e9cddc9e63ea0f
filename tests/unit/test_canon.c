/*
 * test_canon.c - the canonical long form (canon.h): the short-syntax
 * parsers one by one, then whole models through canon_project with a
 * fixed project directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "canon.h"
#include "fixture.h"
#include "log.h"
#include "pos.h"
#include "test.h"
#include "xalloc.h"

static json_t *
J(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &e);

	if (v == NULL)
		fprintf(stderr, "bad test JSON: %s: %s\n", text, e.text);
	return v;
}

static void
check_json(json_t *got, const char *want)
{
	json_t *w = J(want);

	if (!json_equal(got, w)) {
		char *g = json_dumps(got, JSON_COMPACT | JSON_PRESERVE_ORDER |
						  JSON_ENCODE_ANY);
		test_failures++;
		fprintf(stderr, "%s: got\n  %s\nwant\n  %s\n", test_current, g,
			want);
		free(g);
	}
	test_checks++;
	json_decref(w);
}

/* The keys of obj in order, comma-separated. */
static char *
keys_of(const json_t *obj)
{
	struct buf b = BUF_INIT;
	const char *k;
	json_t *v;

	json_object_foreach ((json_t *)obj, k, v)
		buf_addf(&b, "%s%s", b.len ? "," : "", k);
	return buf_detach(&b, NULL);
}

static void
check_ports(const char *spec, const char *want)
{
	json_t *arr = json_array();
	char *err = NULL;

	if (canon_ports_parse(spec, arr, NULL, &err) < 0) {
		CHECK_STR(err, want);
		free(err);
	} else {
		check_json(arr, want);
	}
	json_decref(arr);
}

static void
test_ports(void)
{
	check_ports("8080:80", "[{\"mode\":\"ingress\",\"target\":80,"
			       "\"published\":\"8080\",\"protocol\":\"tcp\"}]");
	check_ports("80", "[{\"mode\":\"ingress\",\"target\":80,\"protocol\":"
			  "\"tcp\"}]");
	check_ports(
		"127.0.0.1:53:53/UDP",
		"[{\"mode\":\"ingress\",\"host_ip\":\"127.0.0.1\",\"target\":"
		"53,\"published\":\"53\",\"protocol\":\"udp\"}]");
	check_ports("[::1]:80:80", "[{\"mode\":\"ingress\",\"host_ip\":\"::1\","
				   "\"target\":80,\"published\":\"80\","
				   "\"protocol\":\"tcp\"}]");
	check_ports("127.0.0.1::80", "[{\"mode\":\"ingress\",\"host_ip\":"
				     "\"127.0.0.1\",\"target\":80,"
				     "\"protocol\":\"tcp\"}]");
	/* a range expands, sorted as docker sorts "PORT/PROTO" strings */
	check_ports("9-10:9-10",
		    "[{\"mode\":\"ingress\",\"target\":10,\"published\":\"10\","
		    "\"protocol\":\"tcp\"},{\"mode\":\"ingress\",\"target\":9,"
		    "\"published\":\"9\",\"protocol\":\"tcp\"}]");
	/* one container port, a host range: the range is kept */
	check_ports("8000-8010:80", "[{\"mode\":\"ingress\",\"target\":80,"
				    "\"published\":\"8000-8010\",\"protocol\":"
				    "\"tcp\"}]");
	check_ports("80:80:80:80", "invalid IP address \"80:80\"");
	check_ports("8080:http", "invalid container port \"http\"");
	check_ports("70000", "invalid container port \"70000\"");
	check_ports("1-3:1-2", "container ports \"1-2\" and host ports \"1-3\" "
			       "are ranges of different sizes");
	check_ports("80/xyz", "invalid protocol \"xyz\"");
}

static void
check_volume(const char *spec, const char *want)
{
	json_t *v = NULL;
	char *err = NULL;

	if (canon_volume_parse(spec, &v, &err) < 0) {
		CHECK_STR(err, want);
		free(err);
	} else {
		check_json(v, want);
	}
	json_decref(v);
}

static void
test_volumes(void)
{
	check_volume(
		"./data:/data:ro,z",
		"{\"type\":\"bind\",\"source\":\"./data\",\"target\":"
		"\"/data\",\"bind\":{\"create_host_path\":true,\"selinux\":"
		"\"z\"},\"read_only\":true}");
	check_volume("data:/data:nocopy",
		     "{\"type\":\"volume\",\"source\":\"data\",\"target\":"
		     "\"/data\",\"volume\":{\"nocopy\":true}}");
	check_volume("/anon", "{\"type\":\"volume\",\"target\":\"/anon\","
			      "\"volume\":{}}");
	check_volume("~/x:/x:rw", "{\"type\":\"bind\",\"source\":\"~/x\","
				  "\"target\":\"/x\",\"bind\":"
				  "{\"create_host_path\":true}}");
	check_volume("a::/b", "empty section between colons");
	check_volume("a:/b:ro:x", "too many colons");
	check_volume("", "empty volume spec");
}

static void
check_duration(const char *in, const char *want)
{
	long long ns;
	char out[64] = "(error)";

	if (canon_duration_parse(in, &ns) == 0)
		canon_duration_format(ns, out, sizeof(out));
	CHECK_STR(out, want);
}

static void
test_durations(void)
{
	check_duration("90s", "1m30s");
	check_duration("1h", "1h0m0s");
	check_duration("1m30s", "1m30s");
	check_duration("500ms", "500ms");
	check_duration("1.5s", "1.5s");
	check_duration("0", "0s");
	check_duration("2h45m", "2h45m0s");
	check_duration("1500us", "1.5ms");
	check_duration("10", "(error)");
	check_duration("10x", "(error)");
	check_duration("", "(error)");
}

static void
test_bytes(void)
{
	long long n = 0;

	CHECK(canon_bytes_parse("512m", &n) == 0);
	CHECK_INT(n, 512LL * 1024 * 1024);
	CHECK(canon_bytes_parse("1GB", &n) == 0);
	CHECK_INT(n, 1024LL * 1024 * 1024);
	CHECK(canon_bytes_parse("64kib", &n) == 0);
	CHECK_INT(n, 65536);
	CHECK(canon_bytes_parse("1024", &n) == 0);
	CHECK_INT(n, 1024);
	CHECK(canon_bytes_parse("lots", &n) < 0);
	CHECK(canon_bytes_parse("12q", &n) < 0);
}

static void
test_shell_split(void)
{
	json_t *a = NULL;
	char *err = NULL;

	CHECK(canon_shell_split("sh -c 'echo \"$X\" a'  \"b c\" d\\ e", &a,
				&err) == 0);
	check_json(a, "[\"sh\",\"-c\",\"echo \\\"$X\\\" a\",\"b c\",\"d e\"]");
	json_decref(a);
	CHECK(canon_shell_split("echo 'oops", &a, &err) < 0);
	CHECK_STR(err, "unterminated quote");
	free(err);
	CHECK(canon_shell_split("", &a, &err) == 0);
	check_json(a, "[]");
	json_decref(a);
}

static void
test_cast(void)
{
	json_t *m = J("{\"services\":{\"a\":{\"ports\":[{\"target\":\"80\"}],"
		      "\"tty\":\"true\",\"scale\":\"2\",\"cpus\":\"0.5\","
		      "\"image\":\"80\",\"read_only\":\"maybe\",\"ulimits\":"
		      "{\"nproc\":\"10\",\"nofile\":{\"soft\":\"1\"}}}},"
		      "\"volumes\":{\"v\":{\"external\":\"false\"}}}");

	canon_cast(m);
	check_json(m, "{\"services\":{\"a\":{\"ports\":[{\"target\":80}],"
		      "\"tty\":true,\"scale\":2,\"cpus\":0.5,\"image\":\"80\","
		      "\"read_only\":\"maybe\",\"ulimits\":{\"nproc\":10,"
		      "\"nofile\":{\"soft\":1}}}},\"volumes\":{\"v\":"
		      "{\"external\":false}}}");
	json_decref(m);
}

static void
canon(json_t *m)
{
	struct canon_opts o = { .workdir = "/proj", .project_name = "demo" };
	json_t *env = J("{\"FROM_ENV\":\"yes\",\"ARG\":\"a\"}");

	o.env = env;
	CHECK(canon_project(m, &o) == 0);
	json_decref(env);
}

static void
test_service_long_form(void)
{
	json_t *m = J(
		"{\"services\":{\"web\":{\"image\":\"nginx\",\"build\":\"./app\","
		"\"volumes\":[\"./data:/data\",\"../up:/up\",\"cache:/c\"],"
		"\"environment\":[\"A=1\",\"FROM_ENV\",\"UNSET\"],"
		"\"command\":\"run --fast\",\"links\":[\"db:database\"],"
		"\"volumes_from\":[\"store\",\"container:x\"],"
		"\"depends_on\":[\"cache\"],\"secrets\":[\"s\"],"
		"\"labels\":[\"a=b\",\"c\"],\"tty\":false,\"init\":false,"
		"\"extra_hosts\":{\"h\":\"1.2.3.4\"},"
		"\"pull_policy\":\"if_not_present\","
		"\"healthcheck\":{\"test\":\"true\",\"interval\":\"30s\"}},"
		"\"db\":{\"image\":\"pg\",\"network_mode\":\"service:web\"}},"
		"\"volumes\":{\"cache\":null},\"secrets\":{\"s\":{\"file\":"
		"\"./s.txt\"}}}");
	json_t *web;
	char *keys;

	canon(m);
	web = json_object_get(json_object_get(m, "services"), "web");
	check_json(json_object_get(web, "build"),
		   "{\"context\":\"/proj/app\",\"dockerfile\":\"Dockerfile\"}");
	check_json(json_object_get(web, "volumes"),
		   "[{\"type\":\"bind\",\"source\":\"/proj/data\",\"target\":"
		   "\"/data\",\"bind\":{\"create_host_path\":true}},"
		   "{\"type\":\"bind\",\"source\":\"/up\",\"target\":\"/up\","
		   "\"bind\":{\"create_host_path\":true}},{\"type\":\"volume\","
		   "\"source\":\"cache\",\"target\":\"/c\",\"volume\":{}}]");
	check_json(json_object_get(web, "environment"),
		   "{\"A\":\"1\",\"FROM_ENV\":\"yes\",\"UNSET\":null}");
	check_json(json_object_get(web, "command"), "[\"run\",\"--fast\"]");
	check_json(json_object_get(web, "entrypoint"), "null");
	check_json(
		json_object_get(web, "depends_on"),
		"{\"cache\":{\"condition\":\"service_started\",\"required\":"
		"true},\"db\":{\"condition\":\"service_started\",\"restart\":"
		"true,\"required\":true},\"store\":{\"condition\":"
		"\"service_started\",\"required\":true}}");
	check_json(json_object_get(web, "secrets"), "[{\"source\":\"s\"}]");
	check_json(json_object_get(web, "labels"), "{\"a\":\"b\",\"c\":\"\"}");
	check_json(json_object_get(web, "extra_hosts"), "[\"h=1.2.3.4\"]");
	check_json(json_object_get(web, "healthcheck"),
		   "{\"test\":[\"CMD-SHELL\",\"true\"],\"interval\":\"30s\"}");
	CHECK_STR(json_string_value(json_object_get(web, "pull_policy")),
		  "missing");
	CHECK(json_object_get(web, "tty") == NULL);
	CHECK(json_is_false(json_object_get(web, "init")));
	keys = keys_of(web);
	CHECK_STR(keys, "build,command,depends_on,entrypoint,environment,"
			"extra_hosts,healthcheck,image,init,labels,links,"
			"networks,pull_policy,secrets,volumes,volumes_from");
	free(keys);
	/* network_mode: no default network for db */
	json_t *db = json_object_get(json_object_get(m, "services"), "db");
	CHECK(json_object_get(db, "networks") == NULL);
	check_json(json_object_get(m, "secrets"),
		   "{\"s\":{\"name\":\"demo_s\",\"file\":\"/proj/s.txt\"}}");
	keys = keys_of(m);
	CHECK_STR(keys, "name,services,networks,volumes,secrets");
	free(keys);
	json_decref(m);
}

static void
test_resources_named(void)
{
	json_t *m = J("{\"services\":{\"a\":{\"image\":\"x\",\"networks\":"
		      "[\"front\",\"ext\"]}},\"networks\":{\"front\":null,"
		      "\"ext\":{\"external\":true},\"named\":{\"name\":\"n\"}},"
		      "\"volumes\":{\"v\":{\"external\":true},\"w\":{}}}");

	canon(m);
	check_json(json_object_get(m, "networks"),
		   "{\"ext\":{\"name\":\"ext\",\"ipam\":{},\"external\":true},"
		   "\"front\":{\"name\":\"demo_front\",\"ipam\":{}},\"named\":"
		   "{\"name\":\"n\",\"ipam\":{}}}");
	check_json(json_object_get(m, "volumes"),
		   "{\"v\":{\"name\":\"v\",\"external\":true},\"w\":{\"name\":"
		   "\"demo_w\"}}");
	json_decref(m);
}

static void
test_env_file_folded(void)
{
	char dir[] = "/tmp/berth-canon-XXXXXX";
	char *f1, *json;
	json_t *m, *env = J("{\"P\":\"proj\"}");
	struct canon_opts o = { .workdir = "/proj",
				.project_name = "demo",
				.env = env };

	REQUIRE(mkdtemp(dir) != NULL);
	f1 = fixture_write(dir, "a.env", "A=from-file\nB=${P}-b\nC=c\n");
	json = xasprintf(
		"{\"services\":{\"s\":{\"image\":\"x\",\"env_file\":"
		"[\"%s\",{\"path\":\"%s/missing.env\",\"required\":"
		"false}],\"environment\":{\"A\":\"mine\",\"C\":null}}}}",
		f1, dir);
	m = J(json);
	CHECK(canon_project(m, &o) == 0);
	json_t *s = json_object_get(json_object_get(m, "services"), "s");
	check_json(json_object_get(s, "environment"),
		   "{\"A\":\"mine\",\"B\":\"proj-b\",\"C\":null}");
	CHECK(json_object_get(s, "env_file") == NULL);
	json_decref(m);
	free(json);

	/* a required file that is missing is an error */
	struct buf out = BUF_INIT;
	json = xasprintf(
		"{\"services\":{\"s\":{\"env_file\":\"%s/nope.env\"}}}", dir);
	m = J(json);
	log_capture(&out);
	CHECK(canon_project(m, &o) < 0);
	log_capture(NULL);
	CHECK(strstr(out.ptr, "nope.env") != NULL);
	buf_release(&out);
	json_decref(m);
	free(json);
	unlink(f1);
	rmdir(dir);
	free(f1);
	json_decref(env);
}

static void
test_bad_command_reported(void)
{
	struct buf out = BUF_INIT;
	json_t *m = J("{\"services\":{\"a\":{\"command\":\"echo 'x\"}}}");
	json_t *cmd = json_object_get(
		json_object_get(json_object_get(m, "services"), "a"),
		"command");

	pos_set(cmd, pos_intern("compose.yaml"), 3, 14);
	log_capture(&out);
	CHECK(canon_syntax(m) < 0);
	log_capture(NULL);
	CHECK_STR(out.ptr, "berth: compose.yaml:3:14: services.a.command: "
			   "unterminated quote\n");
	buf_release(&out);
	json_decref(m);
	pos_reset();
}

static void
test_units_normalized(void)
{
	json_t *m =
		J("{\"services\":{\"a\":{\"mem_limit\":\"1g\",\"shm_size\":"
		  "64,\"stop_grace_period\":\"90s\",\"ulimits\":{\"nofile\":"
		  "1024},\"deploy\":{\"resources\":{\"limits\":{\"memory\":"
		  "\"512M\",\"cpus\":\"0.5\"}},\"restart_policy\":{\"delay\":"
		  "\"5000ms\"}},\"ports\":[{\"target\":80,\"published\":8080}]"
		  "}}}");

	canon(m);
	json_t *a = json_object_get(json_object_get(m, "services"), "a");
	CHECK_STR(json_string_value(json_object_get(a, "mem_limit")),
		  "1073741824");
	CHECK_STR(json_string_value(json_object_get(a, "shm_size")), "64");
	CHECK_STR(json_string_value(json_object_get(a, "stop_grace_period")),
		  "1m30s");
	check_json(json_object_get(a, "ulimits"), "{\"nofile\":1024}");
	check_json(json_object_get(a, "deploy"),
		   "{\"resources\":{\"limits\":{\"memory\":\"536870912\","
		   "\"cpus\":0.5}},\"restart_policy\":{\"delay\":\"5s\"}}");
	check_json(
		json_object_get(a, "ports"),
		"[{\"mode\":\"ingress\",\"target\":80,\"published\":\"8080\","
		"\"protocol\":\"tcp\"}]");
	json_decref(m);
}

/* Named build contexts and bind-mount volume devices are paths too. */
static void
test_more_paths(void)
{
	json_t *m =
		J("{\"services\":{\"a\":{\"image\":\"x\",\"build\":{"
		  "\"context\":\".\",\"additional_contexts\":[\"l=../lib\","
		  "\"i=docker-image://alpine\",\"s=service:b\",\"g=git@h:r\"]"
		  "}}},\"volumes\":{\"bind\":{\"driver\":\"local\","
		  "\"driver_opts\":{\"o\":\"bind\",\"device\":\"./d\"}},"
		  "\"nfs\":{\"driver\":\"local\",\"driver_opts\":{\"o\":"
		  "\"addr=1.2.3.4\",\"device\":\":/x\"}}}}");
	json_t *b = json_object_get(
		json_object_get(json_object_get(m, "services"), "a"), "build");

	canon(m);
	check_json(json_object_get(b, "additional_contexts"),
		   "{\"g\":\"git@h:r\",\"i\":\"docker-image://alpine\","
		   "\"l\":\"/lib\",\"s\":\"service:b\"}");
	check_json(
		json_object_get(json_object_get(json_object_get(m, "volumes"),
						"bind"),
				"driver_opts"),
		"{\"o\":\"bind\",\"device\":\"/proj/d\"}");
	check_json(
		json_object_get(json_object_get(json_object_get(m, "volumes"),
						"nfs"),
				"driver_opts"),
		"{\"o\":\"addr=1.2.3.4\",\"device\":\":/x\"}");
	json_decref(m);
}

/* scale fills in deploy.replicas when deploy has none. */
static void
test_scale_replicas(void)
{
	json_t *m = J("{\"services\":{\"a\":{\"image\":\"x\",\"scale\":2,"
		      "\"deploy\":{\"mode\":\"replicated\"}},\"b\":{\"image\":"
		      "\"x\",\"scale\":2,\"deploy\":{\"replicas\":3}}}}");
	json_t *svcs;

	canon(m);
	svcs = json_object_get(m, "services");
	check_json(json_object_get(json_object_get(svcs, "a"), "deploy"),
		   "{\"mode\":\"replicated\",\"replicas\":2}");
	/* a conflict is left as written, for validate_refs */
	check_json(json_object_get(json_object_get(svcs, "b"), "deploy"),
		   "{\"replicas\":3}");
	json_decref(m);
}

int
main(void)
{
	TEST_RUN(test_ports);
	TEST_RUN(test_volumes);
	TEST_RUN(test_durations);
	TEST_RUN(test_bytes);
	TEST_RUN(test_shell_split);
	TEST_RUN(test_cast);
	TEST_RUN(test_service_long_form);
	TEST_RUN(test_resources_named);
	TEST_RUN(test_env_file_folded);
	TEST_RUN(test_bad_command_reported);
	TEST_RUN(test_units_normalized);
	TEST_RUN(test_more_paths);
	TEST_RUN(test_scale_replicas);
	return test_report();
}
