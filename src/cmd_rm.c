/*
 * cmd_rm.c - `berth rm`: remove the services' stopped containers, after
 * a confirmation unless -f (with -s, stop them first).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "lifecycle.h"
#include "log.h"
#include "xalloc.h"

static const char rm_usage[] =
	"Usage: berth rm [OPTIONS] [SERVICE...]\n"
	"\n"
	"Remove the services' stopped containers. Anonymous volumes stay\n"
	"unless -v is given; data not in a volume is lost.\n"
	"\n"
	"Options:\n"
	"  -f, --force     do not ask for confirmation\n"
	"  -s, --stop      stop the containers first, where needed\n"
	"  -v, --volumes   also remove the containers' anonymous volumes\n";

static int rm_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_rm_entry = {
	.name = "rm",
	.summary = "Remove stopped service containers",
	.usage = rm_usage,
	.exec = rm_exec,
};

struct rm_opts {
	bool force, stop, volumes;
};

static bool
rm_running(const struct obs_container *c)
{
	/* paused and restarting containers are running to the engine */
	return c->state && (strcmp(c->state, "running") == 0 ||
			    strcmp(c->state, "paused") == 0 ||
			    strcmp(c->state, "restarting") == 0);
}

static int
rm_stop(struct target *t, const struct obs_container *const *cs, size_t n)
{
	const struct obs_container **run = xcalloc(n + 1, sizeof(*run));
	size_t k = 0;
	int ret;

	for (size_t i = 0; i < n; i++)
		if (rm_running(cs[i]))
			run[k++] = cs[i];
	ret = lc_run(t, &lc_stop, run, k, LC_DEPENDENTS_FIRST, NULL);
	free(run);
	return ret;
}

/* "Going to remove a, b": said, then asked unless -f. */
static bool
rm_confirm(const struct obs_container *const *cs, size_t n, bool force,
	   bool dry_run)
{
	struct buf msg = BUF_INIT;
	bool yes = true;

	buf_adds(&msg, "Going to remove ");
	for (size_t i = 0; i < n; i++)
		buf_addf(&msg, "%s%s", i ? ", " : "", cs[i]->name);
	puts(msg.ptr);
	if (!force && !dry_run)
		yes = lc_confirm("Are you sure?");
	fflush(stdout);
	buf_release(&msg);
	return yes;
}

static int
rm_parse(struct rm_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "stop", no_argument, NULL, 's' },
		{ "volumes", no_argument, NULL, 'v' },
		{ "all", no_argument, NULL, 'a' }, /* compose: no effect */
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = cmd_getopt(&cmd_rm_entry, argc, argv, "fsva", opts)) !=
	       -1) {
		if (c < 0)
			return cmd_getopt_exit(c);
		if (c == 'f')
			o->force = true;
		else if (c == 's')
			o->stop = true;
		else if (c == 'v')
			o->volumes = true;
	}
	return -1;
}

static int
rm_exec(struct globals *g, int argc, char **argv)
{
	struct rm_opts o = { 0 };
	struct lc_action a = {
		.title = "Removing",
		.what = "remove",
		.method = "DELETE",
		.suffix = "",
		.working = "Removing",
		.done = "Removed",
	};
	const struct obs_container **cs = NULL;
	char *query = NULL;
	struct target t;
	int ret = EXIT_FAIL, r;
	long n;
	size_t k = 0;

	if ((r = rm_parse(&o, argc, argv)) >= 0)
		return r;
	n = target_open_named(&t, g, TARGET_ALL, argv + optind,
			      (size_t)(argc - optind), false, &cs);
	if (n < 0 || (o.stop && rm_stop(&t, cs, (size_t)n) < 0))
		goto done;
	/* What -s stopped counts as stopped; running ones stay. */
	for (long i = 0; i < n; i++)
		if (o.stop || !rm_running(cs[i]))
			cs[k++] = cs[i];
	ret = EXIT_OK;
	if (k == 0) {
		fputs("No stopped containers\n", stderr);
		goto done;
	}
	if (!rm_confirm(cs, k, o.force, g->dry_run))
		goto done;
	query = xasprintf("v=%d&force=%d", o.volumes, o.force);
	a.query = query;
	if (lc_run(&t, &a, cs, k, LC_ANY_ORDER, NULL) < 0)
		ret = EXIT_FAIL;
done:
	free(cs);
	free(query);
	target_close(&t);
	return ret;
}
