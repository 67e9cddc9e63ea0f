/*
 * test_merge.c - docker compose's merge rules (merge.h), one per test:
 * each builds a base and an override tree, merges, and compares with the
 * tree docker compose gives.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "canon.h"
#include "log.h"
#include "merge.h"
#include "pos.h"
#include "test.h"
#include "yaml_load.h"

static json_t *
J(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &e);

	if (v == NULL)
		fprintf(stderr, "bad test JSON: %s: %s\n", text, e.text);
	return v;
}

/* Merge over into base and check the result equals want (both JSON). */
static void
check_merge(const char *base, const char *over, const char *want)
{
	json_t *b = J(base), *o = J(over), *w = J(want);

	CHECK(merge_tree(b, o) == 0);
	merge_unique(b);
	if (!json_equal(b, w)) {
		char *got = json_dumps(b, JSON_COMPACT | JSON_PRESERVE_ORDER);
		test_failures++;
		fprintf(stderr, "%s: merge gave\n  %s\nwant\n  %s\n",
			test_current, got, want);
		free(got);
	}
	json_decref(b);
	json_decref(o);
	json_decref(w);
}

static void
test_mapping_and_sequence(void)
{
	check_merge(
		"{\"services\":{\"a\":{\"image\":\"x\",\"dns\":[\"1\"],"
		"\"cap_add\":[\"A\"]}}}",
		"{\"services\":{\"a\":{\"image\":\"y\",\"dns\":[\"2\"],"
		"\"cap_add\":[\"B\",\"A\"]},\"b\":{\"image\":\"z\"}}}",
		"{\"services\":{\"a\":{\"image\":\"y\",\"dns\":[\"1\",\"2\"],"
		"\"cap_add\":[\"A\",\"B\"]},\"b\":{\"image\":\"z\"}}}");
}

static void
test_command_replaced(void)
{
	check_merge(
		"{\"services\":{\"a\":{\"command\":[\"echo\",\"foo\"],"
		"\"entrypoint\":[\"sh\"],\"healthcheck\":{\"test\":[\"CMD\","
		"\"a\"],\"retries\":3}}}}",
		"{\"services\":{\"a\":{\"command\":[\"echo\",\"bar\"],"
		"\"entrypoint\":\"bash\",\"healthcheck\":{\"test\":[\"CMD\","
		"\"b\"]}}}}",
		"{\"services\":{\"a\":{\"command\":[\"echo\",\"bar\"],"
		"\"entrypoint\":\"bash\",\"healthcheck\":{\"test\":[\"CMD\","
		"\"b\"],\"retries\":3}}}}");
}

static void
test_environment_by_key(void)
{
	/* list and map forms mix; the later value stays at the first
	   place */
	check_merge("{\"services\":{\"a\":{\"environment\":[\"A=1\",\"B=2\"],"
		    "\"labels\":{\"l\":\"x\"}}}}",
		    "{\"services\":{\"a\":{\"environment\":{\"A\":\"3\",\"C\":"
		    "null},\"labels\":[\"l=y\",\"m=z\"]}}}",
		    "{\"services\":{\"a\":{\"environment\":[\"A=3\",\"B=2\","
		    "\"C\"],\"labels\":[\"l=y\",\"m=z\"]}}}");
	check_merge("{\"services\":{\"a\":{\"build\":{\"args\":[\"X=1\"]},"
		    "\"sysctls\":{\"k\":1}}}}",
		    "{\"services\":{\"a\":{\"build\":{\"args\":{\"X\":2}},"
		    "\"sysctls\":[\"k=2\"]}}}",
		    "{\"services\":{\"a\":{\"build\":{\"args\":[\"X=2\"]},"
		    "\"sysctls\":[\"k=2\"]}}}");
}

static void
test_build_string(void)
{
	check_merge("{\"services\":{\"a\":{\"build\":\"./dir\"}}}",
		    "{\"services\":{\"a\":{\"build\":{\"target\":\"dev\"}}}}",
		    "{\"services\":{\"a\":{\"build\":{\"context\":\"./dir\","
		    "\"target\":\"dev\"}}}}");
}

static void
test_env_file_by_path(void)
{
	check_merge(
		"{\"services\":{\"a\":{\"env_file\":[\"a.env\",\"b.env\"]}}}",
		"{\"services\":{\"a\":{\"env_file\":[{\"path\":\"a.env\","
		"\"required\":false},\"c.env\"]}}}",
		"{\"services\":{\"a\":{\"env_file\":[{\"path\":\"a.env\","
		"\"required\":false},\"b.env\",\"c.env\"]}}}");
}

static void
test_volumes_by_target(void)
{
	check_merge("{\"services\":{\"a\":{\"volumes\":[\"./x:/data\","
		    "\"v:/cache\"],\"devices\":[\"/dev/a:/dev/x\"]}}}",
		    "{\"services\":{\"a\":{\"volumes\":[{\"type\":\"volume\","
		    "\"source\":\"w\",\"target\":\"/data\"},\"/anon\"],"
		    "\"devices\":[\"/dev/b:/dev/x\"]}}}",
		    "{\"services\":{\"a\":{\"volumes\":[{\"type\":\"volume\","
		    "\"source\":\"w\",\"target\":\"/data\"},\"v:/cache\","
		    "\"/anon\"],\"devices\":[\"/dev/b:/dev/x\"]}}}");
}

static void
test_secrets_by_target(void)
{
	check_merge("{\"services\":{\"a\":{\"secrets\":[\"s\",{\"source\":"
		    "\"t\",\"target\":\"/x\"}],\"configs\":[\"c\"]}}}",
		    "{\"services\":{\"a\":{\"secrets\":[{\"source\":\"s\","
		    "\"mode\":256},\"u\"],\"configs\":[\"c\"]}}}",
		    "{\"services\":{\"a\":{\"secrets\":[{\"source\":\"s\","
		    "\"mode\":256},{\"source\":\"t\",\"target\":\"/x\"},\"u\"],"
		    "\"configs\":[\"c\"]}}}");
}

static void
test_ports_by_binding(void)
{
	/* 8080:80 and 8081:80 are two bindings; the same one twice is
	   one */
	check_merge(
		"{\"services\":{\"a\":{\"ports\":[\"8080:80\",{\"target\":"
		"81,\"published\":\"9000\"}]}}}",
		"{\"services\":{\"a\":{\"ports\":[\"8081:80\",\"8080:80\","
		"{\"target\":81,\"published\":\"9000\",\"protocol\":"
		"\"tcp\",\"host_ip\":\"0.0.0.0\"}]}}}",
		"{\"services\":{\"a\":{\"ports\":[\"8080:80\",{\"target\":81,"
		"\"published\":\"9000\",\"protocol\":\"tcp\",\"host_ip\":"
		"\"0.0.0.0\"},\"8081:80\"]}}}");
}

static void
test_depends_on_and_networks(void)
{
	check_merge(
		"{\"services\":{\"a\":{\"depends_on\":[\"db\"],"
		"\"networks\":[\"front\"]}}}",
		"{\"services\":{\"a\":{\"depends_on\":{\"db\":{\"condition\":"
		"\"service_healthy\"},\"cache\":{\"condition\":"
		"\"service_started\"}},\"networks\":{\"back\":{\"aliases\":"
		"[\"x\"]}}}}}",
		"{\"services\":{\"a\":{\"depends_on\":{\"db\":{\"condition\":"
		"\"service_healthy\",\"required\":true},\"cache\":"
		"{\"condition\":\"service_started\"}},\"networks\":{\"front\":"
		"null,\"back\":{\"aliases\":[\"x\"]}}}}}");
}

static void
test_logging_driver(void)
{
	check_merge(
		"{\"services\":{\"a\":{\"logging\":{\"driver\":\"json-file\","
		"\"options\":{\"max-size\":\"1m\"}}},\"b\":{\"logging\":"
		"{\"driver\":\"syslog\",\"options\":{\"x\":\"1\"}}}}}",
		"{\"services\":{\"a\":{\"logging\":{\"options\":{\"max-file\":"
		"\"2\"}}},\"b\":{\"logging\":{\"driver\":\"local\"}}}}",
		"{\"services\":{\"a\":{\"logging\":{\"driver\":\"json-file\","
		"\"options\":{\"max-size\":\"1m\",\"max-file\":\"2\"}}},\"b\":"
		"{\"logging\":{\"driver\":\"local\"}}}}");
}

static void
test_extra_hosts_ulimits(void)
{
	check_merge("{\"services\":{\"a\":{\"extra_hosts\":[\"h:1.1.1.1\"],"
		    "\"ulimits\":{\"nofile\":{\"soft\":1,\"hard\":2}}}}}",
		    "{\"services\":{\"a\":{\"extra_hosts\":[\"h:1.1.1.1\","
		    "\"g:2.2.2.2\"],\"ulimits\":{\"nofile\":{\"soft\":3}}}}}",
		    "{\"services\":{\"a\":{\"extra_hosts\":[\"h:1.1.1.1\","
		    "\"g:2.2.2.2\"],\"ulimits\":{\"nofile\":{\"soft\":3}}}}}");
}

static void
test_reset_and_override(void)
{
	json_t *b =
		J("{\"services\":{\"a\":{\"ports\":[\"80\"],\"image\":\"x\","
		  "\"environment\":{\"A\":\"1\"},\"labels\":{\"k\":\"v\"}}}}");
	json_t *o = J("{\"services\":{\"a\":{\"ports\":[],\"environment\":"
		      "{\"B\":\"2\"},\"labels\":{\"r\":\"x\"}}}}");
	json_t *sa = json_object_get(json_object_get(o, "services"), "a");

	pos_set(json_object_get(sa, "ports"), pos_intern("o.yaml"), 3, 12);
	pos_set_flags(json_object_get(sa, "ports"), POS_TAG_RESET);
	pos_set(json_object_get(sa, "environment"), pos_intern("o.yaml"), 4, 5);
	pos_set_flags(json_object_get(sa, "environment"), POS_TAG_OVERRIDE);
	/* a !reset that resets nothing is dropped too */
	json_t *lab = json_object_get(sa, "labels");
	pos_set(json_object_get(lab, "r"), pos_intern("o.yaml"), 5, 5);
	pos_set_flags(json_object_get(lab, "r"), POS_TAG_RESET);
	CHECK(merge_tree(b, o) == 0);
	json_t *want =
		J("{\"services\":{\"a\":{\"image\":\"x\",\"environment\":"
		  "{\"B\":\"2\"},\"labels\":[\"k=v\"]}}}");
	CHECK(json_equal(b, want));
	json_decref(want);
	json_decref(b);
	json_decref(o);
	pos_reset();
}

static void
test_type_mismatch(void)
{
	struct buf out = BUF_INIT;
	json_t *b = J("{\"services\":{\"a\":{\"deploy\":{\"replicas\":1}}}}");
	json_t *o = J("{\"services\":{\"a\":{\"deploy\":[\"x\"]}}}");
	json_t *d = json_object_get(
		json_object_get(json_object_get(o, "services"), "a"), "deploy");

	pos_set(d, pos_intern("override.yaml"), 4, 13);
	log_capture(&out);
	CHECK(merge_tree(b, o) < 0);
	log_capture(NULL);
	CHECK_STR(out.ptr, "berth: override.yaml:4:13: services.a.deploy: "
			   "cannot merge a list over a mapping\n");
	buf_release(&out);
	json_decref(b);
	json_decref(o);
	pos_reset();
}

static void
test_service_merge(void)
{
	json_t *base = J("{\"image\":\"b\",\"environment\":[\"A=1\"],"
			 "\"volumes\":[\"v:/d\"]}");
	json_t *child = J("{\"environment\":{\"A\":\"2\"},\"volumes\":"
			  "[\"w:/d\"],\"extends\":\"base\"}");
	json_t *want = J("{\"image\":\"b\",\"environment\":[\"A=2\"],"
			 "\"volumes\":[\"w:/d\"],\"extends\":\"base\"}");

	CHECK(merge_service(base, child) == 0);
	merge_unique_service(base);
	CHECK(json_equal(base, want));
	json_decref(base);
	json_decref(child);
	json_decref(want);
}

/* The documents of YAML text, cast as the loader does; tags seen in
 *tags. */
static json_t *
Y(const char *text, unsigned *tags)
{
	json_t *docs = NULL;
	size_t i;
	json_t *d;

	if (yaml_load_string_tags(&docs, text, strlen(text), "t.yaml", tags) <
	    0)
		return NULL;
	json_array_foreach (docs, i, d)
		canon_cast(d);
	return docs;
}

/* `x: !reset null/true/false` reset too: null and booleans are shared
   values with no flags, so the loader keeps a marker string, which the
   casts must leave alone. */
static void
test_reset_singletons(void)
{
	unsigned tags = 0, none = 99;
	json_t *b = Y("services: {a: {image: x, init: false, user: r, tty: "
		      "true, scale: 2, ports: ['80']}}",
		      &none);
	json_t *o = Y("services:\n  a:\n    init: !reset true\n"
		      "    user: !reset null\n    tty: !reset\n"
		      "    scale: !reset 3\n    ports: !reset ~\n",
		      &tags);
	json_t *want = J("{\"services\":{\"a\":{\"image\":\"x\"}}}");

	REQUIRE(b && o);
	CHECK_INT(none, 0);
	CHECK_INT(tags, POS_TAG_RESET);
	CHECK(merge_tree(json_array_get(b, 0), json_array_get(o, 0)) == 0);
	CHECK(json_equal(json_array_get(b, 0), want));
	json_decref(b);
	json_decref(o);
	json_decref(want);
	pos_reset();
}

/* merge_tree_move takes over's subtrees as they are when it resets
   nothing, and still strips !reset nodes when it does. */
static void
test_move(void)
{
	unsigned tags = 0;
	json_t *base = json_object();
	json_t *o = Y("services: {a: {image: x, ports: ['80']}}", &tags);
	json_t *a = json_object_get(
		json_object_get(json_array_get(o, 0), "services"), "a");
	json_t *r = Y("services: {b: {image: y, labels: !reset []}}", &tags);
	json_t *want = J("{\"services\":{\"a\":{\"image\":\"x\","
			 "\"ports\":[\"80\"]},\"b\":{\"image\":\"y\"}}}");

	REQUIRE(o && r);
	CHECK(merge_tree_move(base, json_array_get(o, 0), 0) == 0);
	/* moved, not copied */
	CHECK(json_object_get(json_object_get(base, "services"), "a") == a);
	CHECK_INT(tags, POS_TAG_RESET);
	CHECK(merge_tree_move(base, json_array_get(r, 0), tags) == 0);
	CHECK(json_equal(base, want));
	json_decref(o);
	json_decref(r);
	json_decref(base);
	json_decref(want);
	pos_reset();
}

int
main(void)
{
	TEST_RUN(test_mapping_and_sequence);
	TEST_RUN(test_command_replaced);
	TEST_RUN(test_environment_by_key);
	TEST_RUN(test_build_string);
	TEST_RUN(test_env_file_by_path);
	TEST_RUN(test_volumes_by_target);
	TEST_RUN(test_secrets_by_target);
	TEST_RUN(test_ports_by_binding);
	TEST_RUN(test_depends_on_and_networks);
	TEST_RUN(test_logging_driver);
	TEST_RUN(test_extra_hosts_ulimits);
	TEST_RUN(test_reset_and_override);
	TEST_RUN(test_type_mismatch);
	TEST_RUN(test_service_merge);
	TEST_RUN(test_reset_singletons);
	TEST_RUN(test_move);
	return test_report();
}
