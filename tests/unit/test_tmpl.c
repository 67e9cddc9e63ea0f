/*
 * test_tmpl.c - --format templates over JSON objects (tmpl.h): checking
 * the actions, plain lines, json, and "table" alignment with headers.
 */
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "log.h"
#include "test.h"
#include "tmpl.h"
#include "xalloc.h"

static const struct tmpl_field fields[] = {
	{ "Driver", "DRIVER" },
	{ "Name", "VOLUME NAME" },
	{ "Size", "SIZE" },
};

static void
test_check(void)
{
	struct buf log = BUF_INIT;

	log_capture(&log);
	CHECK_INT(tmpl_check("{{.Name}}", fields, ARRAY_SIZE(fields)), 0);
	CHECK_INT(tmpl_check("{{ json . }}", fields, ARRAY_SIZE(fields)), 0);
	CHECK_INT(tmpl_check("{{json .Driver}} x", fields, ARRAY_SIZE(fields)),
		  0);
	CHECK_INT(tmpl_check("plain text", fields, ARRAY_SIZE(fields)), 0);
	CHECK_INT(tmpl_check("{{.Nope}}", fields, ARRAY_SIZE(fields)), -1);
	CHECK_INT(tmpl_check("{{.}}", fields, ARRAY_SIZE(fields)), -1);
	CHECK_INT(tmpl_check("{{.Name", fields, ARRAY_SIZE(fields)), -1);
	log_capture(NULL);
	CHECK(log.ptr && strstr(log.ptr, "unsupported --format action "
					 "\"{{.Nope}}\""));
	CHECK(log.ptr && strstr(log.ptr, "unclosed action"));
	buf_release(&log);
}

static void
test_render(void)
{
	json_t *rows[2] = {
		json_pack("{s:s, s:s, s:i}", "Driver", "local", "Name",
			  "p_data", "Size", 3),
		json_pack("{s:s, s:s, s:i}", "Driver", "local", "Name",
			  "p_a-much-longer-name", "Size", 4),
	};
	struct buf out = BUF_INIT;

	tmpl_render(&out, "{{.Name}}:{{.Driver}}\\t{{.Size}}", fields,
		    ARRAY_SIZE(fields), rows, 2);
	CHECK_STR(out.ptr, "p_data:local\t3\np_a-much-longer-name:local\t4\n");
	buf_reset(&out);
	tmpl_render(&out, "{{json .Name}}", fields, ARRAY_SIZE(fields), rows,
		    1);
	CHECK_STR(out.ptr, "\"p_data\"\n");
	buf_reset(&out);
	tmpl_render(&out, "{{json .}}", fields, ARRAY_SIZE(fields), rows, 1);
	CHECK_STR(out.ptr,
		  "{\"Driver\":\"local\",\"Name\":\"p_data\",\"Size\":3}\n");
	buf_reset(&out);
	/* the Docker CLI's tabwriter: min width 10, padding 3 */
	tmpl_render(&out, "table {{.Driver}}\t{{.Name}}", fields,
		    ARRAY_SIZE(fields), rows, 2);
	CHECK_STR(out.ptr, "DRIVER    VOLUME NAME\n"
			   "local     p_data\n"
			   "local     p_a-much-longer-name\n");
	buf_reset(&out);
	tmpl_render(&out, "table {{.Driver}}", fields, ARRAY_SIZE(fields), rows,
		    0);
	CHECK_STR(out.ptr, "DRIVER\n");
	buf_release(&out);
	json_decref(rows[0]);
	json_decref(rows[1]);
}

int
main(void)
{
	TEST_RUN(test_check);
	TEST_RUN(test_render);
	return test_report();
}
