/*
 * cmd_kill.c - `berth kill`: send a signal (SIGKILL by default) to the
 * services' running containers, all at once.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "engine.h"
#include "lifecycle.h"
#include "log.h"
#include "xalloc.h"

static const char kill_usage[] =
	"Usage: berth kill [OPTIONS] [SERVICE...]\n"
	"\n"
	"Send a signal to the services' running containers.\n"
	"\n"
	"Options:\n"
	"  -s, --signal SIGNAL     the signal, by name or number (default\n"
	"                          SIGKILL)\n"
	"      --remove-orphans    also kill containers of services the compose\n"
	"                          file does not define\n";

static int kill_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_kill_entry = {
	.name = "kill",
	.summary = "Force stop service containers",
	.usage = kill_usage,
	.exec = kill_exec,
};

/* A signal name or number as the engine takes it: [A-Za-z0-9+-]. */
static bool
signal_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '+' && *s != '-')
			return false;
	return true;
}

static int
kill_exec(struct globals *g, int argc, char **argv)
{
	enum { OPT_REMOVE_ORPHANS = 256 };
	static const struct option opts[] = {
		{ "signal", required_argument, NULL, 's' },
		{ "remove-orphans", no_argument, NULL, OPT_REMOVE_ORPHANS },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	struct lc_action a = {
		.title = "Killing",
		.what = "kill",
		.method = "POST",
		.suffix = "/kill",
		.working = "Killing",
		.done = "Killed",
	};
	const struct obs_container **cs = NULL;
	const char *sig = "SIGKILL";
	bool orphans = false;
	char *query = NULL;
	struct target t;
	int c, ret = EXIT_FAIL;
	long n;

	while ((c = cmd_getopt(&cmd_kill_entry, argc, argv, "s:", opts)) !=
	       -1) {
		if (c < 0)
			return cmd_getopt_exit(c);
		if (c == 's')
			sig = optarg;
		else if (c == OPT_REMOVE_ORPHANS)
			orphans = true;
	}
	if (!signal_ok(sig))
		return cmd_usage_error(&cmd_kill_entry, "invalid signal \"%s\"",
				       sig);
	query = xasprintf("signal=%s", sig);
	a.query = query;
	n = target_open_named(&t, g, TARGET_ONEOFF, argv + optind,
			      (size_t)(argc - optind), orphans, &cs);
	if (n < 0)
		goto done;
	if (n == 0)
		fputs("no container to kill\n", stderr);
	if (lc_run(&t, &a, cs, (size_t)n, LC_ANY_ORDER, NULL) == 0)
		ret = EXIT_OK;
done:
	free(cs);
	free(query);
	target_close(&t);
	return ret;
}
