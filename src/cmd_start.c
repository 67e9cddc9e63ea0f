/*
 * cmd_start.c - `berth start`: start the services' existing containers,
 * dependencies before what depends on them; with --wait, then wait until
 * they are running or healthy, as `up --wait` does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lifecycle.h"
#include "log.h"
#include "project.h"
#include "up.h"
#include "xalloc.h"

static const char start_usage[] =
	"Usage: berth start [OPTIONS] [SERVICE...]\n"
	"\n"
	"Start the services' existing containers, dependencies first; a\n"
	"service waits until the dependencies its depends_on conditions name\n"
	"are healthy, or have completed. To create missing containers, use\n"
	"`berth up`.\n"
	"\n"
	"Options:\n"
	"      --wait                    wait for the services to be running or healthy\n"
	"      --wait-timeout SECONDS    give up waiting after this long\n";

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

/*
 * --wait: the services of the containers started, each ready when running
 * (healthy, with a health check), or, when a service started along
 * depends on it completing, exited 0.
 */
static int
start_wait(struct target *t, const struct obs_container *const *cs, size_t n,
	   int timeout)
{
	size_t ns = t->services.n;
	bool *started = xcalloc(ns + 1, sizeof(bool));
	bool *init = xcalloc(ns + 1, sizeof(bool));
	char **names = xcalloc(ns + 1, sizeof(char *));
	bool *ok = xcalloc(ns + 1, sizeof(bool));
	size_t k = 0;
	int ret;

	for (size_t i = 0; i < n; i++) {
		int idx = target_service(t, cs[i]->service);
		if (idx >= 0)
			started[idx] = true;
	}
	for (size_t c = 0; c < t->nconds; c++)
		if (t->conds[c].condition == DEP_COMPLETED &&
		    started[t->conds[c].svc])
			init[t->conds[c].dep] = true;
	for (size_t i = 0; i < ns; i++) {
		if (!started[i])
			continue;
		ok[k] = init[i];
		names[k++] = t->services.v[i];
	}
	ret = up_wait_services(t->engine, t->g, t->name, names, ok, k, timeout);
	free(started);
	free(init);
	free(names);
	free(ok);
	return ret;
}

static int
start_exec(struct globals *g, int argc, char **argv)
{
	enum { OPT_WAIT = 256, OPT_WAIT_TIMEOUT };
	static const struct option opts[] = {
		{ "wait", no_argument, NULL, OPT_WAIT },
		{ "wait-timeout", required_argument, NULL, OPT_WAIT_TIMEOUT },
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
	int c, ret = EXIT_FAIL, timeout = 0;
	bool wait = false;
	size_t nnames;
	long n;

	while ((c = cmd_getopt(&cmd_start_entry, argc, argv, "", opts)) != -1) {
		if (c < 0)
			return cmd_getopt_exit(c);
		if (c == OPT_WAIT)
			wait = true;
		else if (c == OPT_WAIT_TIMEOUT &&
			 up_parse_seconds("--wait-timeout", optarg, &timeout) <
				 0)
			return EXIT_USAGE;
	}
	names = argv + optind;
	nnames = (size_t)(argc - optind);
	if (target_open(&t, g, TARGET_ALL) < 0)
		goto done;
	n = target_named(&t, names, nnames, false, &cs);
	if (n < 0 || start_check(&t, names, nnames, cs, (size_t)n) < 0)
		goto done;
	if (lc_run(&t, &a, cs, (size_t)n, LC_DEPS_FIRST, NULL) < 0)
		goto done;
	ret = wait ? start_wait(&t, cs, (size_t)n, timeout) : EXIT_OK;
done:
	free(cs);
	target_close(&t);
	return ret;
}
