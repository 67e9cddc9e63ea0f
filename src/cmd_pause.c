/*
 * cmd_pause.c - `berth pause` and `berth unpause`: freeze and thaw the
 * services' running containers (the cgroup freezer), all at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lifecycle.h"
#include "log.h"
#include "xalloc.h"

static const char pause_usage[] = "Usage: berth pause [SERVICE...]\n"
				  "\n"
				  "Pause the services' running containers.\n";

static const char unpause_usage[] =
	"Usage: berth unpause [SERVICE...]\n"
	"\n"
	"Unpause the services' paused containers.\n";

static int pause_exec(struct globals *g, int argc, char **argv);
static int unpause_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_pause_entry = {
	.name = "pause",
	.summary = "Pause services",
	.usage = pause_usage,
	.exec = pause_exec,
};

const struct cmd_entry cmd_unpause_entry = {
	.name = "unpause",
	.summary = "Unpause services",
	.usage = unpause_usage,
	.exec = unpause_exec,
};

/*
 * Act on the containers in state `from` only: pausing what is paused
 * already is no error, as the end state is the one asked for.
 */
static int
pause_run(const struct cmd_entry *e, struct globals *g, int argc, char **argv,
	  const struct lc_action *a, const char *from)
{
	const struct obs_container **cs = NULL;
	struct target t;
	int c, ret = EXIT_FAIL;
	long n;
	size_t k = 0;

	if ((c = cmd_getopt_none(e, argc, argv)) < 0)
		return cmd_getopt_exit(c);
	n = target_open_named(&t, g, 0, argv + optind, (size_t)(argc - optind),
			      false, &cs);
	if (n < 0)
		goto done;
	for (long i = 0; i < n; i++)
		if (cs[i]->state && strcmp(cs[i]->state, from) == 0)
			cs[k++] = cs[i];
	if (lc_run(&t, a, cs, k, LC_ANY_ORDER, NULL) == 0)
		ret = EXIT_OK;
done:
	free(cs);
	target_close(&t);
	return ret;
}

static int
pause_exec(struct globals *g, int argc, char **argv)
{
	static const struct lc_action a = {
		.title = "Pausing",
		.what = "pause",
		.method = "POST",
		.suffix = "/pause",
		.working = "Pausing",
		.done = "Paused",
	};

	return pause_run(&cmd_pause_entry, g, argc, argv, &a, "running");
}

static int
unpause_exec(struct globals *g, int argc, char **argv)
{
	static const struct lc_action a = {
		.title = "Unpausing",
		.what = "unpause",
		.method = "POST",
		.suffix = "/unpause",
		.working = "Unpausing",
		.done = "Unpaused",
	};

	return pause_run(&cmd_unpause_entry, g, argc, argv, &a, "paused");
}
