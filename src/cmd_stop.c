/*
 * cmd_stop.c - `berth stop`: stop the services' containers, dependents
 * before what they depend on, without removing them.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "lifecycle.h"
#include "log.h"

static const char stop_usage[] =
	"Usage: berth stop [OPTIONS] [SERVICE...]\n"
	"\n"
	"Stop the services' containers, dependents first. They can be\n"
	"started again with `berth start`.\n"
	"\n"
	"Options:\n"
	"  -t, --timeout SECONDS   wait this long before killing (default: each\n"
	"                          container's stop_grace_period, else 10)\n";

static int stop_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_stop_entry = {
	.name = "stop",
	.summary = "Stop services",
	.usage = stop_usage,
	.exec = stop_exec,
};

static int
stop_exec(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	struct lc_action a = lc_stop;
	const struct obs_container **cs = NULL;
	char *query = NULL;
	struct target t;
	int c, ret = EXIT_FAIL;
	long n;

	while ((c = cmd_getopt(&cmd_stop_entry, argc, argv, "t:", opts)) !=
	       -1) {
		if (c < 0 ||
		    (c == 't' &&
		     lc_timeout_query(&cmd_stop_entry, optarg, &query) < 0)) {
			free(query);
			return c < 0 ? cmd_getopt_exit(c) : EXIT_USAGE;
		}
	}
	a.query = query;
	n = target_open_named(&t, g, TARGET_ALL, argv + optind,
			      (size_t)(argc - optind), false, &cs);
	if (n < 0)
		goto done;
	if (lc_run(&t, &a, cs, (size_t)n, LC_DEPENDENTS_FIRST, NULL) == 0)
		ret = EXIT_OK;
done:
	free(cs);
	free(query);
	target_close(&t);
	return ret;
}
