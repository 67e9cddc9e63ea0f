/*
 * cmd_restart.c - `berth restart`: restart the services' containers, and
 * those of services that depend on them with `restart: true`,
 * dependencies first.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "lifecycle.h"
#include "log.h"
#include "xalloc.h"

static const char restart_usage[] =
	"Usage: berth restart [OPTIONS] [SERVICE...]\n"
	"\n"
	"Restart the services' containers, dependencies first. Services that\n"
	"depend on a restarted one with `restart: true` restart too.\n"
	"\n"
	"Options:\n"
	"  -t, --timeout SECONDS   wait this long for a stop before killing\n"
	"      --no-deps           do not restart dependent services\n";

static int restart_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_restart_entry = {
	.name = "restart",
	.summary = "Restart services",
	.usage = restart_usage,
	.exec = restart_exec,
};

/* Add to sel every service that depends (with restart) on a selected one. */
static void
restart_dependents(const struct graph *r, bool *sel)
{
	bool changed = true;

	while (changed) {
		changed = false;
		for (size_t a = 0; a < r->n; a++)
			for (size_t d = 0; d < r->ndeps[a] && !sel[a]; d++)
				if (sel[r->deps[a][d]])
					sel[a] = changed = true;
	}
}

static int
restart_exec(struct globals *g, int argc, char **argv)
{
	enum { OPT_NO_DEPS = 256 };
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "no-deps", no_argument, NULL, OPT_NO_DEPS },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	struct lc_action a = {
		.title = "Restarting",
		.what = "restart",
		.method = "POST",
		.suffix = "/restart",
		.working = "Restarting",
		.done = "Started",
	};
	const struct obs_container **cs = NULL;
	bool no_deps = false, *sel = NULL;
	char *query = NULL;
	struct target t;
	int c, ret = EXIT_FAIL;
	size_t n;

	while ((c = cmd_getopt(&cmd_restart_entry, argc, argv, "t:", opts)) !=
	       -1) {
		if (c < 0 ||
		    (c == 't' && lc_timeout_query(&cmd_restart_entry, optarg,
						  &query) < 0)) {
			free(query);
			return c < 0 ? cmd_getopt_exit(c) : EXIT_USAGE;
		}
		if (c == OPT_NO_DEPS)
			no_deps = true;
	}
	a.query = query;
	if (target_open(&t, g, TARGET_ALL) < 0)
		goto done;
	sel = xcalloc(t.services.n + 1, sizeof(bool));
	if (target_select(&t, argv + optind, (size_t)(argc - optind), sel) < 0)
		goto done;
	if (!no_deps)
		restart_dependents(&t.restart, sel);
	n = target_containers(&t, sel, false, &cs);
	if (lc_run(&t, &a, cs, n, LC_DEPS_FIRST, &t.restart) == 0)
		ret = EXIT_OK;
done:
	free(sel);
	free(cs);
	free(query);
	target_close(&t);
	return ret;
}
