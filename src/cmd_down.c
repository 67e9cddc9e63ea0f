/*
 * cmd_down.c - `berth down`: stop and remove a project's containers in
 * reverse dependency order, then its networks; with -v its volumes, with
 * --rmi its images.
 *
 * With -p and no -f, the project's labels are enough: no compose file is
 * read (as docker compose's projectOrName).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>

#include "buf.h"
#include "cmd.h"
#include "engine.h"
#include "exec.h"
#include "lock.h"
#include "log.h"
#include "naming.h"
#include "observe.h"
#include "progress.h"
#include "project.h"
#include "reconcile.h"
#include "up.h"
#include "watch_bg.h"
#include "xalloc.h"

static const char down_usage[] =
	"Usage: berth down [OPTIONS] [SERVICE...]\n"
	"\n"
	"Stop and remove containers and networks. Named volumes stay unless -v.\n"
	"\n"
	"Options:\n"
	"  -v, --volumes           also remove named volumes and anonymous ones\n"
	"      --rmi TYPE          remove images: local (built ones) or all\n"
	"      --remove-orphans    also remove containers of services not in the file\n"
	"  -t, --timeout SECONDS   stop timeout (default: each container's own)\n"
	"      --dry-run           print the plan, change nothing\n";

static int down_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_down_entry = {
	.name = "down",
	.summary = "Stop and remove containers and networks",
	.usage = down_usage,
	.exec = down_exec,
};

enum { OPT_RMI = 256, OPT_REMOVE_ORPHANS, OPT_DRY_RUN };

struct down_cmd {
	struct globals *g;
	struct down_opts opts;
	int timeout;
	bool dry_run;
	struct project *p;
	char *name;
	struct engine *e;
	struct observed obs;
	struct plan plan;
	struct strv orphans;
	bool *sel;
	int lock_fd;
};

/* The project, or only its name with -p and no -f. */
static int
down_load(struct down_cmd *d, char *const *services, size_t n)
{
	struct globals *g = d->g;

	if (g->project_name && g->files.n == 0 && n == 0) {
		d->name = xstrdup(g->project_name);
		return 0;
	}
	if (cmd_load_project(g, services, n, &d->p) < 0)
		return -1;
	d->name = xstrdup(d->p->name);
	if (n) {
		d->sel = xcalloc(d->p->nservices + 1, sizeof(bool));
		/* Only the named services, not their dependencies. */
		if (project_select(d->p, services, n, true, d->sel) < 0)
			return -1;
		d->opts.selected = d->sel;
	}
	return 0;
}

static int
down_run(struct down_cmd *d)
{
	struct progress *pg;
	struct exec_opts eo = { 0 };
	struct buf msgs = BUF_INIT;
	int ret;

	pg = progress_new(d->g->progress, d->g->ansi, "Running",
			  engine_loop(d->e));
	if (progress_is_tty(pg))
		log_capture(&msgs);
	eo.parallel = d->g->parallel;
	eo.stop_timeout = d->timeout;
	eo.progress = pg;
	ret = exec_plan(d->e, d->p, &d->plan, &eo);
	progress_free(pg);
	log_capture(NULL);
	if (msgs.len) {
		fflush(stdout);
		fputs(msgs.ptr, stderr);
	}
	buf_release(&msgs);
	return ret;
}

static int
down_exec(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "volumes", no_argument, NULL, 'v' },
		{ "rmi", required_argument, NULL, OPT_RMI },
		{ "remove-orphans", no_argument, NULL, OPT_REMOVE_ORPHANS },
		{ "timeout", required_argument, NULL, 't' },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	struct down_cmd d = { .g = g, .timeout = -1, .lock_fd = -1 };
	const char *ro = getenv("COMPOSE_REMOVE_ORPHANS");
	int c, ret = EXIT_FAIL;
	char *end;

	strv_init(&d.orphans);
	plan_init(&d.plan);
	d.dry_run = g->dry_run;
	d.opts.remove_orphans =
		ro && (strcmp(ro, "1") == 0 || strcmp(ro, "true") == 0);
	while ((c = cmd_getopt(&cmd_down_entry, argc, argv, "vt:", opts)) !=
	       -1) {
		switch (c) {
		case 'v':
			d.opts.volumes = true;
			break;
		case OPT_RMI:
			if (strcmp(optarg, "local") != 0 &&
			    strcmp(optarg, "all") != 0) {
				ret = cmd_usage_error(&cmd_down_entry,
						      "invalid --rmi \"%s\": "
						      "use local or all",
						      optarg);
				goto done;
			}
			d.opts.rmi = optarg;
			break;
		case OPT_REMOVE_ORPHANS:
			d.opts.remove_orphans = true;
			break;
		case OPT_DRY_RUN:
			d.dry_run = true;
			break;
		case 't':
			d.timeout = (int)strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || d.timeout < 0) {
				ret = cmd_usage_error(&cmd_down_entry,
						      "invalid --timeout "
						      "\"%s\"",
						      optarg);
				goto done;
			}
			break;
		default:
			ret = cmd_getopt_exit(c);
			goto done;
		}
	}
	naming_set_compat(g->compatibility);
	if (down_load(&d, argv + optind, (size_t)(argc - optind)) < 0)
		goto done;
	if (engine_open(&d.e, EV_DEFAULT) < 0)
		goto done;
	if (!d.dry_run && (d.lock_fd = project_lock(d.name, 300)) < 0)
		goto done;
	if (observe_project(d.e, d.name, OBSERVE_ALL, true, &d.obs) < 0)
		goto done;
	d.opts.orphans = &d.orphans;
	plan_down(&d.plan, d.p, &d.obs, &d.opts);
	up_warn_orphans(&d.orphans, d.opts.remove_orphans);
	if (d.dry_run) {
		struct buf b = BUF_INIT;
		plan_print(&d.plan, &b);
		fputs(b.len ? b.ptr : "nothing to do\n", stdout);
		buf_release(&b);
		ret = EXIT_OK;
		goto done;
	}
	if (d.plan.n == 0 && d.obs.ncontainers == 0 && d.p == NULL)
		warning("no resource found for project \"%s\"", d.name);
	if (optind == argc) /* the whole project: its watcher too */
		watch_bg_stop(d.name);
	ret = down_run(&d);
done:
	project_unlock(d.lock_fd);
	plan_release(&d.plan);
	observed_release(&d.obs);
	strv_clear(&d.orphans);
	engine_free(d.e);
	project_free(d.p);
	free(d.sel);
	free(d.name);
	return ret;
}
