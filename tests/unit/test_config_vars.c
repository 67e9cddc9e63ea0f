/*
 * test_config_vars.c - `config --variables`: which variables a model uses,
 * with defaults, alternate values and requiredness, as compose-go's
 * template.ExtractVariables finds them.
 */
#include <stdlib.h>

#include <jansson.h>

#include "config_vars.h"
#include "test.h"

static json_t *
vars_of(const char *json_text)
{
	json_t *model = json_loads(json_text, JSON_DECODE_ANY, NULL);
	json_t *vars;

	if (model == NULL)
		return NULL;
	vars = config_variables(model);
	json_decref(model);
	return vars;
}

/* "NAME|default|presence|required" of one variable, for compact checks. */
static const char *
describe(const json_t *vars, const char *name)
{
	static char out[256];
	const json_t *v = json_object_get(vars, name);

	if (v == NULL)
		return "(none)";
	snprintf(out, sizeof(out), "%s|%s|%s|%d",
		 json_string_value(json_object_get(v, "Name")),
		 json_string_value(json_object_get(v, "DefaultValue")),
		 json_string_value(json_object_get(v, "PresenceValue")),
		 json_is_true(json_object_get(v, "Required")));
	return out;
}

static void
test_forms(void)
{
	json_t *vars =
		vars_of("{\"a\": \"$A ${B} ${C:-def} ${D-x} ${E:?err} ${F?e}\","
			" \"b\": [\"${G:+alt} ${H+a}\", 80, true, null],"
			" \"c\": {\"d\": \"$$NOT $${NOR} cost: 5$\"}}");

	REQUIRE(vars != NULL);
	CHECK_INT(json_object_size(vars), 8);
	CHECK_STR(describe(vars, "A"), "A|||0");
	CHECK_STR(describe(vars, "B"), "B|||0");
	CHECK_STR(describe(vars, "C"), "C|def||0");
	CHECK_STR(describe(vars, "D"), "D|x||0");
	CHECK_STR(describe(vars, "E"), "E|||1");
	CHECK_STR(describe(vars, "F"), "F|||1");
	CHECK_STR(describe(vars, "G"), "G||alt|0");
	CHECK_STR(describe(vars, "H"), "H||a|0");
	CHECK_STR(describe(vars, "NOT"), "(none)");
	json_decref(vars);
}

static void
test_nested_and_greedy(void)
{
	json_t *vars = vars_of("[\"${A:-${B:-x}}\", \"${C:-c} and ${D}\","
			       " \"${E:?need ${MSG}}\", \"${F:-f}\\n}\"]");

	REQUIRE(vars != NULL);
	CHECK_STR(describe(vars, "A"), "A|${B:-x}||0");
	CHECK_STR(describe(vars, "B"), "B|x||0");
	CHECK_STR(describe(vars, "C"), "C|c||0");
	CHECK_STR(describe(vars, "D"), "D|||0");
	CHECK_STR(describe(vars, "E"), "E|||1");
	CHECK_STR(describe(vars, "MSG"), "MSG|||0");
	CHECK_STR(describe(vars, "F"), "F|f||0");
	CHECK_INT(json_object_size(vars), 7);
	json_decref(vars);
}

static void
test_combined_uses(void)
{
	json_t *vars = vars_of("[\"${V}\", \"${V:-first}\", \"${V:-second}\","
			       " \"${V:?}\", \"${W:+p}\", \"${W}\"]");

	REQUIRE(vars != NULL);
	CHECK_STR(describe(vars, "V"), "V|first||1");
	CHECK_STR(describe(vars, "W"), "W||p|0");
	json_decref(vars);
}

static void
test_not_variables(void)
{
	json_t *vars = vars_of("{\"${KEY}\": \"${} ${1A} $ ${ ${A\","
			       " \"x\": \"$1 price$\"}");

	REQUIRE(vars != NULL);
	CHECK_INT(json_object_size(vars), 0);
	json_decref(vars);
}

int
main(void)
{
	TEST_RUN(test_forms);
	TEST_RUN(test_nested_and_greedy);
	TEST_RUN(test_combined_uses);
	TEST_RUN(test_not_variables);
	return test_report();
}
