/*
 * cmd_start.c - `berth start`: start the services' existing containers,
 * dependencies before what depends on them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lifecycle.h"
#include "log.h"
#include "project.h"
#include "xalloc.h"

static const char start_usage[] =
	"Usage: berth start [SERVICE...]\n"
	"\n"
	"Start the services' existing containers, dependencies first; a\n"
	"service waits until the dependencies its depends_on conditions name\n"
	"are healthy, or have completed. To create missing containers, use\n"
	"`berth up`.\n";

static int start_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_start_entry = {
	.name = "start",
	.summary = "Start services",
	.usage = start_usage,
	.exec = start_exec,
};

/* Every selected service must have a container to start. */
static int
start_check(const struct target *t, char *const *names, size_t n,
	    const struct obs_container *const *cs, size_t ncs)
{
	bool *sel = xcalloc(t->services.n + 1, sizeof(bool));
	int ret = 0;

	target_select(t, names, n, sel);
	for (size_t k = 0; k < t->services.n && ret == 0; k++) {
		bool found = false;
		if (!sel[k])
			continue;
		for (size_t i = 0; i < ncs && !found; i++)
			found = strcmp(cs[i]->service, t->services.v[k]) == 0;
		if (!found)
			ret = error("service \"%s\" has no container to start",
				    t->services.v[k]);
	}
	if (ret == 0 && t->project == NULL && ncs == 0)
		ret = error("no container found for project \"%s\"", t->name);
	free(sel);
	return ret;
}

static int
start_exec(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	static const struct lc_action a = {
		.title = "Starting",
		.what = "start",
		.method = "POST",
		.suffix = "/start",
		.working = "Starting",
		.done = "Started",
		.also_ok = 304,
		.wait_deps = true,
	};
	const struct obs_container **cs = NULL;
	char *const *names;
	struct target t;
	int c, ret = EXIT_FAIL;
	size_t nnames;
	long n;

	while ((c = cmd_getopt(&cmd_start_entry, argc, argv, "", opts)) != -1)
		if (c < 0)
			return cmd_getopt_exit(c);
	names = argv + optind;
	nnames = (size_t)(argc - optind);
	if (target_open(&t, g, TARGET_ALL) < 0)
		goto done;
	n = target_named(&t, names, nnames, false, &cs);
	if (n < 0 || start_check(&t, names, nnames, cs, (size_t)n) < 0)
		goto done;
	if (lc_run(&t, &a, cs, (size_t)n, LC_DEPS_FIRST, NULL) == 0)
		ret = EXIT_OK;
done:
	free(cs);
	target_close(&t);
	return ret;
}
