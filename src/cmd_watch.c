/*
 * cmd_watch.c - `berth watch`: bring the services up, then keep their
 * containers in step with the source tree by their develop.watch rules
 * (watch.h) until Ctrl-C.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <ev.h>

#include "cmd.h"
#include "engine.h"
#include "log.h"
#include "logmux.h"
#include "loop.h"
#include "up.h"
#include "watch.h"

static const char watch_usage[] =
	"Usage: berth watch [OPTIONS] [SERVICE...]\n"
	"\n"
	"Start the services (as `up -d`), then watch their develop.watch\n"
	"paths and sync, restart or rebuild them as files change.\n"
	"\n"
	"Options:\n"
	"      --no-up   do not start the services first\n"
	"      --prune   remove the project's dangling images after rebuilds\n"
	"      --quiet   hide the build output\n";

static int watch_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_watch_entry = {
	.name = "watch",
	.summary = "Sync, restart or rebuild services as their files change",
	.usage = watch_usage,
	.exec = watch_exec,
};

static void
on_signal(int signo, unsigned count, void *arg)
{
	*(bool *)arg = true;
}

static int
watch_exec(struct globals *g, int argc, char **argv)
{
	enum { OPT_NO_UP = 256, OPT_PRUNE, OPT_QUIET };
	static const struct option opts[] = {
		{ "no-up", no_argument, NULL, OPT_NO_UP },
		{ "prune", no_argument, NULL, OPT_PRUNE },
		{ "quiet", no_argument, NULL, OPT_QUIET },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	struct watch_opts wo = { 0 };
	struct watch *w = NULL;
	struct up_ctx ctx;
	bool no_up = false, stop = false;
	int c, ret = EXIT_FAIL;

	up_ctx_init(&ctx, g);
	while ((c = cmd_getopt(&cmd_watch_entry, argc, argv, "", opts)) != -1) {
		if (c < 0) {
			ret = cmd_getopt_exit(c);
			goto done;
		}
		if (c == OPT_NO_UP)
			no_up = true;
		else if (c == OPT_PRUNE)
			wo.prune = true;
		else if (c == OPT_QUIET)
			wo.quiet = true;
	}
	if (up_ctx_load(&ctx, argv + optind, (size_t)(argc - optind)) < 0)
		goto done;
	ctx.detach = true;
	wo.color = logmux_want_color(g->ansi, false, STDOUT_FILENO);
	/* Rules are checked before anything starts. */
	if (watch_start(&w, &ctx, &wo, NULL) < 0)
		goto done;
	if (!no_up) {
		ret = up_converge(&ctx, NULL);
		if (ret != EXIT_OK)
			goto done;
	}
	ret = EXIT_FAIL;
	struct ev_loop *loop = engine_loop(ctx.engine);
	loop_signals_init(loop);
	loop_signals_push(on_signal, &stop);
	printf("Watch enabled\n");
	fflush(stdout);
	if (watch_initial_sync(w) < 0) {
		loop_signals_pop();
		goto done;
	}
	while (!stop) {
		/*
		 * A batch that became ready while the last one was applied
		 * (its engine calls run the loop) is applied before the loop
		 * blocks again. Failures are reported; watching goes on.
		 */
		if (watch_ready(w)) {
			watch_poll(w);
			continue;
		}
		ev_run(loop, EVRUN_ONCE);
	}
	loop_signals_pop();
	ret = EXIT_INTERRUPTED;
done:
	watch_free(w);
	up_ctx_release(&ctx);
	return ret;
}
