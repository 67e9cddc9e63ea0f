/*
 * test_validate.c - schema and reference checks (validate.h): each error
 * class with its exact one-line message, and all errors of a file
 * reported in one run.
 */
#include <stdlib.h>

#include "buf.h"
#include "log.h"
#include "pos.h"
#include "test.h"
#include "validate.h"

static json_t *
J(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, 0, &e);

	if (v == NULL)
		fprintf(stderr, "bad test JSON: %s: %s\n", text, e.text);
	return v;
}

static json_t *
web(json_t *m)
{
	return json_object_get(json_object_get(m, "services"), "web");
}

/* Run validate_raw (raw) or validate_refs and compare the output. */
static void
check_out(json_t *m, int raw, const char *want)
{
	struct buf out = BUF_INIT;
	int r;

	diag_reset();
	log_capture(&out);
	r = raw ? validate_raw(m) : validate_refs(m);
	log_capture(NULL);
	CHECK(r == (*want ? -1 : 0));
	CHECK_STR(out.ptr, want);
	buf_release(&out);
}

static void
test_valid(void)
{
	json_t *m =
		J("{\"name\":\"x\",\"services\":{\"web\":{\"image\":\"a\","
		  "\"ports\":[\"80\",8080,{\"target\":81}],\"volumes\":"
		  "[\"./a:/a\",{\"type\":\"tmpfs\",\"target\":\"/t\"}],"
		  "\"environment\":{\"A\":1,\"B\":null},\"x-any\":{\"k\":1},"
		  "\"healthcheck\":{\"test\":\"true\",\"interval\":\"1m\"},"
		  "\"depends_on\":{\"db\":{\"condition\":\"service_healthy\"}"
		  "},\"networks\":{\"n\":null}}},\"x-top\":[1],"
		  "\"networks\":{\"n\":null}}");

	check_out(m, 1, "");
	json_decref(m);
}

static void
test_unknown_key(void)
{
	json_t *m = J("{\"services\":{\"web\":{\"imagee\":\"a\",\"frob\":1}},"
		      "\"sevices\":{}}");

	pos_set(json_object_get(web(m), "imagee"), pos_intern("compose.yaml"),
		3, 13);
	pos_set(json_object_get(web(m), "frob"), pos_intern("compose.yaml"), 4,
		11);
	pos_set(json_object_get(m, "sevices"), pos_intern("compose.yaml"), 5,
		10);
	check_out(m, 1,
		  "berth: compose.yaml:3:13: services.web: unknown key "
		  "\"imagee\" (did you mean \"image\"?)\n"
		  "berth: compose.yaml:4:11: services.web: unknown key "
		  "\"frob\"\n"
		  "berth: compose.yaml:5:10: unknown key \"sevices\" (did you "
		  "mean \"services\"?)\n");
	json_decref(m);
	pos_reset();
}

static void
test_wrong_type(void)
{
	json_t *m = J("{\"services\":{\"web\":{\"ports\":\"80:80\",\"tty\":"
		      "\"yes\",\"environment\":[[\"A\"]],\"scale\":1.5}}}");

	pos_set(json_object_get(web(m), "ports"), pos_intern("c.yaml"), 2, 12);
	pos_set(json_object_get(web(m), "tty"), pos_intern("c.yaml"), 3, 10);
	pos_set(json_array_get(json_object_get(web(m), "environment"), 0),
		pos_intern("c.yaml"), 4, 8);
	pos_set(json_object_get(web(m), "scale"), pos_intern("c.yaml"), 5, 12);
	check_out(m, 1,
		  "berth: c.yaml:2:12: services.web.ports: must be a list, "
		  "not a string\n"
		  "berth: c.yaml:3:10: services.web.tty: must be a boolean, "
		  "not a string\n"
		  "berth: c.yaml:4:8: services.web.environment[0]: must be a "
		  "string or a number or a boolean, not a list\n"
		  "berth: c.yaml:5:12: services.web.scale: must be an integer, "
		  "not a number\n");
	json_decref(m);
	pos_reset();
}

static void
test_bad_values(void)
{
	json_t *m = J("{\"services\":{\"web\":{\"ports\":[\"80\","
		      "\"80:80:80:80\"],\"volumes\":[\"a::b\"],"
		      "\"healthcheck\":{\"interval\":\"10x\"},"
		      "\"mem_limit\":\"lots\"}}}");
	json_t *w = web(m);

	pos_set(json_array_get(json_object_get(w, "ports"), 1),
		pos_intern("compose.yaml"), 12, 7);
	pos_set(json_array_get(json_object_get(w, "volumes"), 0),
		pos_intern("compose.yaml"), 14, 9);
	pos_set(json_object_get(json_object_get(w, "healthcheck"), "interval"),
		pos_intern("compose.yaml"), 16, 17);
	pos_set(json_object_get(w, "mem_limit"), pos_intern("compose.yaml"), 17,
		16);
	check_out(m, 1,
		  "berth: compose.yaml:12:7: services.web.ports[1]: invalid "
		  "port \"80:80:80:80\": invalid IP address \"80:80\"\n"
		  "berth: compose.yaml:14:9: services.web.volumes[0]: invalid "
		  "volume \"a::b\": empty section between colons\n"
		  "berth: compose.yaml:16:17: services.web.healthcheck."
		  "interval: invalid duration \"10x\"\n"
		  "berth: compose.yaml:17:16: services.web.mem_limit: invalid "
		  "size \"lots\"\n");
	json_decref(m);
	pos_reset();
}

static void
test_references(void)
{
	json_t *m = J("{\"services\":{\"web\":{\"networks\":{\"front\":null,"
		      "\"default\":null},\"volumes\":[{\"type\":\"volume\","
		      "\"source\":\"data\",\"target\":\"/d\"},{\"type\":"
		      "\"volume\",\"target\":\"/anon\"}],\"secrets\":[{"
		      "\"source\":\"key\"}],\"configs\":[{\"source\":\"cfg\"}],"
		      "\"container_name\":\"w\",\"scale\":2,\"deploy\":{"
		      "\"replicas\":3}}},\"networks\":"
		      "{\"default\":{}},\"configs\":{\"cfg\":{}}}");
	json_t *w = web(m);
	const char *f = pos_intern("compose.yaml");

	pos_set(json_object_get(w, "networks"), f, 3, 7);
	pos_set(json_array_get(json_object_get(w, "volumes"), 0), f, 6, 9);
	pos_set(json_array_get(json_object_get(w, "secrets"), 0), f, 8, 9);
	pos_set(json_object_get(w, "container_name"), f, 9, 21);
	pos_set(json_object_get(w, "scale"), f, 10, 12);
	check_out(m, 0,
		  "berth: compose.yaml:3:7: services.web.networks: undefined "
		  "network \"front\"\n"
		  "berth: compose.yaml:6:9: services.web.volumes[0]: undefined "
		  "volume \"data\"\n"
		  "berth: compose.yaml:8:9: services.web.secrets[0]: undefined "
		  "secret \"key\"\n"
		  "berth: compose.yaml:10:12: services.web: can't set distinct "
		  "values on 'scale' (2) and 'deploy.replicas' (3)\n"
		  "berth: compose.yaml:9:21: services.web.container_name: "
		  "container name \"w\" must be unique: it cannot be used with "
		  "2 replicas\n");
	CHECK_INT(diag_count(), 5);
	json_decref(m);
	pos_reset();
}

/* Uninterpolated: "$" strings skip syntax checks and may stand for
   numbers and booleans; other problems are still found. */
static void
test_templates(void)
{
	json_t *m = J("{\"services\":{\"web\":{\"image\":\"a\","
		      "\"ports\":[\"${P:-80}:80\"],\"volumes\":[\"${D}:/d\"],"
		      "\"mem_limit\":\"${M}\",\"tty\":\"${T}\","
		      "\"scale\":\"${S}\",\"healthcheck\":{\"interval\":"
		      "\"${I:-1s}\"}}}}");
	json_t *bad = J("{\"services\":{\"web\":{\"ports\":\"${P}\","
			"\"tty\":\"yes\",\"imagee\":\"${I}\","
			"\"volumes\":[\"::\"]}}}");
	struct buf out = BUF_INIT;

	diag_reset();
	log_capture(&out);
	CHECK_INT(validate_raw_template(m), 0);
	CHECK_INT(validate_raw(m), -1); /* interpolated, these are errors */
	buf_reset(&out);
	CHECK_INT(validate_raw_template(bad), -1);
	log_capture(NULL);
	CHECK_STR(out.ptr,
		  "berth: services.web.ports: must be a list, not a string\n"
		  "berth: services.web.tty: must be a boolean, not a string\n"
		  "berth: services.web: unknown key \"imagee\" (did you mean "
		  "\"image\"?)\n"
		  "berth: services.web.volumes[0]: invalid volume \"::\": "
		  "empty section between colons\n");
	buf_release(&out);
	json_decref(m);
	json_decref(bad);
}

int
main(void)
{
	TEST_RUN(test_valid);
	TEST_RUN(test_unknown_key);
	TEST_RUN(test_wrong_type);
	TEST_RUN(test_bad_values);
	TEST_RUN(test_references);
	TEST_RUN(test_templates);
	return test_report();
}
