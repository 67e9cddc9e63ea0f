/*
 * cmd_create.c - `berth create`: `up --no-start`: networks, volumes and
 * containers are made, nothing is started.
 */
#include "cmd.h"
#include "up.h"

static const char create_usage[] =
	"Usage: berth create [OPTIONS] [SERVICE...]\n"
	"\n"
	"Create a project's networks, volumes and containers without starting\n"
	"them.\n"
	"\n"
	"Options:\n"
	"      --build                   build images before creating containers\n"
	"      --no-build                never build, even missing images\n"
	"      --pull POLICY             pull images: always, missing, never, build, policy\n"
	"      --quiet-pull              no pull progress\n"
	"      --force-recreate          recreate containers even if unchanged\n"
	"      --no-recreate             never recreate existing containers\n"
	"      --always-recreate-deps    recreate the dependencies of the named services\n"
	"  -V, --renew-anon-volumes      new anonymous volumes instead of the old ones\n"
	"      --no-deps                 leave the named services' dependencies alone\n"
	"      --remove-orphans          remove containers of services not in the file\n"
	"      --scale SERVICE=NUM       create NUM containers of SERVICE (repeatable)\n"
	"      --dry-run                 print the plan, change nothing\n"
	"  -y, --yes                     answer yes to questions\n";

static int create_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_create_entry = {
	.name = "create",
	.summary = "Create containers without starting them",
	.usage = create_usage,
	.exec = create_exec,
};

static int
create_exec(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		UP_PLAN_OPTIONS,
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	struct up_ctx ctx;
	int c, ret = EXIT_FAIL;

	up_ctx_init(&ctx, g);
	ctx.no_start = true;
	ctx.detach = true;
	while ((c = cmd_getopt(&cmd_create_entry, argc, argv, "Vy", opts)) !=
	       -1) {
		if (c < 0) {
			ret = cmd_getopt_exit(c);
			goto done;
		}
		if (up_option(&ctx, c, optarg) < 0) {
			ret = EXIT_USAGE;
			goto done;
		}
	}
	if (up_check(&ctx) < 0) {
		ret = EXIT_USAGE;
		goto done;
	}
	if (up_ctx_load(&ctx, argv + optind, (size_t)(argc - optind)) < 0)
		goto done;
	ret = up_converge(&ctx, NULL);
done:
	up_ctx_release(&ctx);
	return ret;
}
