/*
 * cmd_version.c - `berth version`: berth's version and the engine's.
 */
#include <stdio.h>
#include <string.h>

#include <ev.h>
#include <jansson.h>

#include "berth_config.h"
#include "cmd.h"
#include "engine.h"
#include "log.h"

static const char version_usage[] =
	"Usage: berth version [OPTIONS]\n"
	"\n"
	"Show berth's version, and the Docker engine's version and API version.\n"
	"\n"
	"Options:\n"
	"  -f, --format FORMAT   output format: pretty (default) or json\n"
	"      --short           print berth's version number only\n";

static int version_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_version_entry = {
	.name = "version",
	.summary = "Show berth's and the engine's versions",
	.usage = version_usage,
	.exec = version_exec,
};

static int
version_print(struct engine *e, bool json)
{
	json_t *v = NULL;
	int ret = EXIT_FAIL;

	if (engine_call(e, "GET", "/version", NULL, &v) < 0)
		goto done;
	const char *ev = json_string_value(json_object_get(v, "Version"));
	const char *api = json_string_value(json_object_get(v, "ApiVersion"));
	if (json) {
		json_t *o = json_pack("{s:s, s:{s:s?, s:s?, s:s}}", "version",
				      BERTH_VERSION, "engine", "version", ev,
				      "api_version", api, "negotiated_api",
				      engine_api_version(e));
		json_dumpf(o, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(o);
	} else {
		printf("berth version %s\n", BERTH_VERSION);
		printf("Engine: %s (API %s, using %s) at %s\n", ev ? ev : "?",
		       api ? api : "?", engine_api_version(e), engine_host(e));
	}
	ret = EXIT_OK;
done:
	json_decref(v);
	return ret;
}

static int
version_exec(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "short", no_argument, NULL, 's' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	const char *format = "pretty";
	bool short_only = false;
	struct engine *e = NULL;
	int c, ret;

	while ((c = cmd_getopt(&cmd_version_entry, argc, argv, "f:", opts)) !=
	       -1) {
		if (c < 0)
			return cmd_getopt_exit(c);
		if (c == 'f')
			format = optarg;
		else if (c == 's')
			short_only = true;
	}
	if (optind < argc)
		return cmd_usage_error(&cmd_version_entry,
				       "unexpected argument \"%s\"",
				       argv[optind]);
	if (strcmp(format, "pretty") != 0 && strcmp(format, "json") != 0)
		return cmd_usage_error(&cmd_version_entry,
				       "unknown format \"%s\"", format);
	if (short_only) {
		printf("%s\n", BERTH_VERSION);
		return EXIT_OK;
	}
	if (engine_open(&e, EV_DEFAULT) < 0)
		return EXIT_FAIL;
	ret = version_print(e, strcmp(format, "json") == 0);
	engine_free(e);
	return ret;
}
