/*
 * cmd_up.c - `berth up`: create and start a project's containers.
 *
 * Reads as the steps: parse, load, converge (observe -> plan -> execute,
 * up.c). Detached (-d, --wait) it ends there; attached it hands over to
 * up_attached (up_attached.h), which converges with attach hooks and then
 * follows the containers' output. With --watch, the develop.watch rules
 * are applied as well: attached, alongside the output; detached, by a
 * watcher left running in the background (watch_bg.h).
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "up.h"
#include "up_attached.h"
#include "watch.h"
#include "watch_bg.h"

static const char up_usage[] =
	"Usage: berth up [OPTIONS] [SERVICE...]\n"
	"\n"
	"Create and start containers: networks and volumes are created, stale\n"
	"images built, changed containers recreated (`berth plan` shows why).\n"
	"\n"
	"Options:\n"
	"  -d, --detach                  run in the background\n"
	"      --wait                    wait for services to be running or healthy (implies -d)\n"
	"      --wait-timeout SECONDS    give up waiting after this long\n"
	"      --build                   build images before starting containers\n"
	"      --no-build                never build, even missing images\n"
	"      --pull POLICY             pull images: always, missing, never, build, policy\n"
	"      --quiet-pull              no pull progress\n"
	"      --quiet-build             no build output\n"
	"  -w, --watch                   watch the develop.watch paths and sync, restart\n"
	"                                or rebuild; with -d, in the background until down\n"
	"      --force-recreate          recreate containers even if unchanged\n"
	"      --no-recreate             never recreate existing containers\n"
	"      --always-recreate-deps    recreate the dependencies of the named services\n"
	"  -V, --renew-anon-volumes      new anonymous volumes instead of the old ones\n"
	"      --no-deps                 do not start the named services' dependencies\n"
	"      --no-start                create, do not start\n"
	"      --remove-orphans          remove containers of services not in the file\n"
	"      --scale SERVICE=NUM       run NUM containers of SERVICE (repeatable)\n"
	"  -t, --timeout SECONDS         stop timeout when replacing containers\n"
	"      --dry-run                 print the plan, change nothing\n"
	"  -y, --yes                     assume yes (accepted for compatibility: up asks\n"
	"                                nothing)\n"
	"      --abort-on-container-exit     stop everything when a container exits\n"
	"      --abort-on-container-failure  stop everything when a container fails\n"
	"      --exit-code-from SERVICE  exit with SERVICE's exit code (implies abort)\n"
	"      --attach SERVICE          show only these services' output (repeatable)\n"
	"      --no-attach SERVICE       hide this service's output (repeatable)\n"
	"      --attach-dependencies     show the dependencies' output too\n"
	"      --no-color                monochrome output\n"
	"      --no-log-prefix           no service prefix on output lines\n"
	"      --timestamps              show timestamps\n"
	"      --menu                    accepted for compatibility (no menu)\n";

static int up_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_up_entry = {
	.name = "up",
	.summary = "Create and start containers",
	.usage = up_usage,
	.exec = up_exec,
};

enum {
	OPT_ABORT_EXIT = 2000,
	OPT_ABORT_FAILURE,
	OPT_EXIT_CODE_FROM,
	OPT_ATTACH,
	OPT_NO_ATTACH,
	OPT_ATTACH_DEPS,
	OPT_NO_COLOR,
	OPT_NO_LOG_PREFIX,
	OPT_TIMESTAMPS,
	OPT_MENU,
	OPT_WATCH,
};

/* The attached-mode flags, which only up has. */
static void
up_attached_option(struct up_ctx *ctx, int c, const char *arg)
{
	switch (c) {
	case 'd':
		ctx->detach = true;
		break;
	case OPT_ABORT_EXIT:
		ctx->abort_on_container_exit = true;
		break;
	case OPT_ABORT_FAILURE:
		ctx->abort_on_container_failure = true;
		break;
	case OPT_EXIT_CODE_FROM:
		ctx->exit_code_from = arg;
		ctx->abort_on_container_exit = true;
		break;
	case OPT_ATTACH:
		strv_push(&ctx->attach, arg);
		break;
	case OPT_NO_ATTACH:
		strv_push(&ctx->no_attach, arg);
		break;
	case OPT_ATTACH_DEPS:
		ctx->attach_dependencies = true;
		break;
	case OPT_NO_COLOR:
		ctx->no_color = true;
		break;
	case OPT_NO_LOG_PREFIX:
		ctx->no_log_prefix = true;
		break;
	case OPT_TIMESTAMPS:
		ctx->timestamps = true;
		break;
	case OPT_MENU:
		ctx->menu = true;
		break;
	case 'w':
		ctx->watch = true;
		break;
	default:
		break;
	}
}

/*
 * -d (or --wait): converge and exit; with --watch, first check the rules
 * (nothing starts when they are wrong), then leave a watcher running.
 */
static int
up_detached(struct up_ctx *ctx)
{
	struct watch_opts wo = { .quiet = ctx->quiet_build };
	struct watch *w = NULL;
	int ret;

	if (ctx->watch) {
		ret = watch_start(&w, ctx, &wo, NULL);
		watch_free(w);
		if (ret < 0)
			return EXIT_FAIL;
	}
	ret = up_converge(ctx, NULL);
	if (ret == EXIT_OK && ctx->watch && !ctx->no_start &&
	    watch_bg_start(ctx, ctx->quiet_build) < 0)
		ret = EXIT_FAIL;
	return ret;
}

static int
up_exec(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		UP_PLAN_OPTIONS,
		{ "detach", no_argument, NULL, 'd' },
		{ "wait", no_argument, NULL, UPOPT_WAIT },
		{ "wait-timeout", required_argument, NULL, UPOPT_WAIT_TIMEOUT },
		{ "timeout", required_argument, NULL, 't' },
		{ "no-start", no_argument, NULL, UPOPT_NO_START },
		{ "abort-on-container-exit", no_argument, NULL,
		  OPT_ABORT_EXIT },
		{ "abort-on-container-failure", no_argument, NULL,
		  OPT_ABORT_FAILURE },
		{ "exit-code-from", required_argument, NULL,
		  OPT_EXIT_CODE_FROM },
		{ "attach", required_argument, NULL, OPT_ATTACH },
		{ "no-attach", required_argument, NULL, OPT_NO_ATTACH },
		{ "attach-dependencies", no_argument, NULL, OPT_ATTACH_DEPS },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "no-log-prefix", no_argument, NULL, OPT_NO_LOG_PREFIX },
		{ "timestamps", no_argument, NULL, OPT_TIMESTAMPS },
		{ "menu", no_argument, NULL, OPT_MENU },
		{ "watch", no_argument, NULL, 'w' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	struct up_ctx ctx;
	struct watch_opts wo = { 0 };
	int c, r, ret = EXIT_FAIL;

	up_ctx_init(&ctx, g);
	while ((c = cmd_getopt(&cmd_up_entry, argc, argv, "dt:Vwy", opts)) !=
	       -1) {
		if (c < 0) {
			ret = cmd_getopt_exit(c);
			goto done;
		}
		r = up_option(&ctx, c, optarg);
		if (r < 0) {
			ret = EXIT_USAGE;
			goto done;
		}
		if (r == 0)
			up_attached_option(&ctx, c, optarg);
	}
	if (up_check(&ctx) < 0) {
		ret = EXIT_USAGE;
		goto done;
	}
	wo.quiet = ctx.quiet_build;
	if (up_ctx_load(&ctx, argv + optind, (size_t)(argc - optind)) < 0)
		goto done;
	if (ctx.dry_run)
		ret = up_converge(&ctx, NULL);
	else if (ctx.detach)
		ret = up_detached(&ctx);
	else if (ctx.watch)
		ret = up_attached_watch(&ctx, &wo);
	else
		ret = up_attached(&ctx);
done:
	up_ctx_release(&ctx);
	return ret;
}
