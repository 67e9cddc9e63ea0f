/*
 * cmd_plan.c - `berth plan`: what `up` would do, and why, without doing
 * it. One line per action ("recreate  p-web-1  environment.FOO changed
 * (bar -> baz)"), or JSON for scripts. Exit status 0 when the project is
 * up to date, 2 when `up` would change something.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "project.h"
#include "up.h"

static const char plan_usage[] =
	"Usage: berth plan [OPTIONS] [SERVICE...]\n"
	"\n"
	"Show what `berth up` would do and why, changing nothing. Exits 0 when\n"
	"nothing would change, 2 when something would.\n"
	"\n"
	"Options:\n"
	"      --format FORMAT           text (default) or json\n"
	"      --build                   plan as up --build\n"
	"      --no-build                plan as up --no-build\n"
	"      --pull POLICY             plan as up --pull POLICY\n"
	"      --force-recreate          plan as up --force-recreate\n"
	"      --no-recreate             plan as up --no-recreate\n"
	"      --always-recreate-deps    plan as up --always-recreate-deps\n"
	"  -V, --renew-anon-volumes      plan as up -V\n"
	"      --no-deps                 plan as up --no-deps\n"
	"      --no-start                plan as up --no-start\n"
	"      --remove-orphans          plan as up --remove-orphans\n"
	"      --scale SERVICE=NUM       plan as up --scale\n"
	"      --wait                    include the waits of up --wait\n";

static int plan_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_plan_entry = {
	.name = "plan",
	.summary = "Show what up would change, and why",
	.usage = plan_usage,
	.exec = plan_exec,
};

enum { OPT_FORMAT = 3000 };

static int
plan_exec(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		UP_PLAN_OPTIONS,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "no-start", no_argument, NULL, UPOPT_NO_START },
		{ "wait", no_argument, NULL, UPOPT_WAIT },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	struct up_ctx ctx;
	struct up_state st = { .lock_fd = -1 };
	const char *format = "text";
	int c, r, ret = EXIT_FAIL;
	bool prepared = false;

	up_ctx_init(&ctx, g);
	while ((c = cmd_getopt(&cmd_plan_entry, argc, argv, "Vy", opts)) !=
	       -1) {
		if (c < 0) {
			ret = cmd_getopt_exit(c);
			goto done;
		}
		if (c == OPT_FORMAT) {
			format = optarg;
			continue;
		}
		r = up_option(&ctx, c, optarg);
		if (r < 0) {
			ret = EXIT_USAGE;
			goto done;
		}
	}
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
		ret = cmd_usage_error(&cmd_plan_entry, "unknown format \"%s\"",
				      format);
		goto done;
	}
	if (up_check(&ctx) < 0) {
		ret = EXIT_USAGE;
		goto done;
	}
	/* plan changes nothing: no lock needed. */
	ctx.dry_run = true;
	if (up_ctx_load(&ctx, argv + optind, (size_t)(argc - optind)) < 0)
		goto done;
	prepared = true;
	if (up_prepare(&ctx, &st) < 0)
		goto done;
	up_warn_orphans(&st.orphans, ctx.remove_orphans);
	if (strcmp(format, "json") == 0) {
		json_t *j = plan_to_json(&st.plan);
		json_dumpf(j, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(j);
	} else {
		struct buf b = BUF_INIT;
		plan_print(&st.plan, &b);
		fputs(b.ptr, stdout);
		buf_release(&b);
	}
	ret = plan_changes(&st.plan) ? EXIT_DRIFT : EXIT_OK;
done:
	if (prepared)
		up_state_release(&st, ctx.project->nservices);
	up_ctx_release(&ctx);
	return ret;
}
