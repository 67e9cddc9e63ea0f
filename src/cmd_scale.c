/*
 * cmd_scale.c - `berth scale SERVICE=N...`: run N containers of each
 * service named, as `berth up -d --no-recreate --scale SERVICE=N SERVICE`
 * does (up.h): new replicas are created and started, surplus ones
 * removed, existing ones left as they are; other services are not
 * touched (dependencies are started, unless --no-deps).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "strv.h"
#include "up.h"
#include "xalloc.h"

static const char scale_usage[] =
	"Usage: berth scale [OPTIONS] SERVICE=REPLICAS...\n"
	"\n"
	"Run this many containers of each service named: start more, or\n"
	"remove the surplus.\n"
	"\n"
	"Options:\n"
	"      --no-deps           do not start the services' dependencies\n";

static int scale_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_scale_entry = {
	.name = "scale",
	.summary = "Scale services",
	.usage = scale_usage,
	.exec = scale_exec,
};

/*
 * SERVICE=N into --scale values and the service names (each once, in
 * order). Returns 0, or -1 after reporting as docker compose does.
 */
static int
scale_parse(char *const *args, size_t n, struct strv *scale, struct strv *names)
{
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(args[i], '=');
		char *end, *name;
		long v;

		if (eq == NULL || eq == args[i] || eq[1] == '\0')
			return error("invalid scale specifier: %s", args[i]);
		v = strtol(eq + 1, &end, 10);
		if (*end || v < 0 || v > 10000)
			return error("invalid scale specifier: can't parse "
				     "replica value as int: %s",
				     args[i]);
		name = xstrndup(args[i], (size_t)(eq - args[i]));
		if (!strv_contains(names, name))
			strv_push(names, name);
		strv_pushf(scale, "%s=%ld", name, v);
		free(name);
	}
	return 0;
}

static int
scale_exec(struct globals *g, int argc, char **argv)
{
	enum { OPT_NO_DEPS = 256 };
	static const struct option opts[] = {
		{ "no-deps", no_argument, NULL, OPT_NO_DEPS },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	struct strv names = STRV_INIT;
	struct up_ctx ctx;
	int c, ret = EXIT_FAIL;

	up_ctx_init(&ctx, g);
	while ((c = cmd_getopt(&cmd_scale_entry, argc, argv, "", opts)) != -1) {
		if (c < 0) {
			ret = cmd_getopt_exit(c);
			goto done;
		}
		if (c == OPT_NO_DEPS)
			ctx.no_deps = true;
	}
	if (argc == optind) {
		ret = cmd_usage_error(
			&cmd_scale_entry,
			"at least one SERVICE=REPLICAS is needed");
		goto done;
	}
	if (scale_parse(argv + optind, (size_t)(argc - optind), &ctx.scale,
			&names) < 0)
		goto done;
	/* What compose's scale is: create and start, never recreate. */
	ctx.no_recreate = true;
	ctx.detach = true;
	if (up_ctx_load(&ctx, names.v, names.n) == 0)
		ret = up_converge(&ctx, NULL);
done:
	up_ctx_release(&ctx);
	strv_clear(&names);
	return ret;
}
