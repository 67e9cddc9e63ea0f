/*
 * cmd_export.c - `berth export`: a service container's filesystem as a
 * tar archive (GET /containers/{id}/export), streamed to stdout or to a
 * file. The file is written under a temporary name and renamed at the
 * end, so a failed export leaves no half archive behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "cmd.h"
#include "engine.h"
#include "lifecycle.h"
#include "log.h"
#include "progress.h"
#include "xalloc.h"

static const char export_usage[] =
	"Usage: berth export [OPTIONS] SERVICE\n"
	"\n"
	"Export a service container's filesystem as a tar archive.\n"
	"\n"
	"Options:\n"
	"      --index N           the service's container number N (default:\n"
	"                          the first)\n"
	"  -o, --output FILE       write to FILE instead of stdout\n";

static int export_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_export_entry = {
	.name = "export",
	.summary = "Export a service container's filesystem as a tar archive",
	.usage = export_usage,
	.exec = export_exec,
};

struct export_state {
	int fd;
	bool done, write_failed;
};

static int
export_data(struct engine_req *req, const char *data, size_t len, void *arg)
{
	struct export_state *s = arg;

	/* Only a 2xx answer streams here: the engine client keeps an error
	   answer's body for engine_req_report. */
	while (len && !s->write_failed) {
		ssize_t w = write(s->fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			error("cannot write the archive: %s", strerror(errno));
			s->write_failed = true;
			break;
		}
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

static void
export_done(struct engine_req *req, void *arg)
{
	(void)req;
	((struct export_state *)arg)->done = true;
}

/* The stream's outcome: 0, or -1 after reporting (the engine's words). */
static int
export_result(struct engine_req *req, struct export_state *s)
{
	return s->write_failed ? -1 : engine_req_report(req);
}

/* Stream the container's archive into fd. 0, or -1 after reporting. */
static int
export_stream(struct engine *e, const char *id, int fd)
{
	struct export_state s = { .fd = fd };
	char *path = xasprintf("/containers/%s/export", id);
	struct engine_req_opts o = {
		.path = path,
		.on_data = export_data,
		.on_done = export_done,
		.arg = &s,
	};
	struct engine_req *req;
	int ret = -1;

	if (engine_negotiate(e) < 0)
		goto done;
	req = engine_start(e, &o);
	engine_wait(e, &s.done);
	ret = export_result(req, &s);
	engine_req_free(req);
done:
	free(path);
	return ret;
}

/* The directory of FILE must exist and FILE must not be a directory. */
static int
export_check_output(const char *file)
{
	char *copy = xstrdup(file), *dir = dirname(copy);
	struct stat st;
	int ret = 0;

	if (stat(dir, &st) < 0)
		ret = error("invalid output path: directory \"%s\" does not "
			    "exist",
			    dir);
	else if (!S_ISDIR(st.st_mode))
		ret = error("invalid output path: \"%s\" is not a directory",
			    dir);
	else if (stat(file, &st) == 0 && S_ISDIR(st.st_mode))
		ret = error("invalid output path: \"%s\" is a directory", file);
	free(copy);
	return ret;
}

/* Into FILE by way of FILE.berth-XXXXXX, renamed once complete. */
static int
export_to_file(struct engine *e, const char *id, const char *file)
{
	char *tmp = xasprintf("%s.berth-XXXXXX", file);
	int fd = mkstemp(tmp), ret = -1;

	if (fd < 0) {
		error("cannot create %s: %s", file, strerror(errno));
		goto done;
	}
	if (export_stream(e, id, fd) == 0) {
		if (fsync(fd) < 0 || close(fd) < 0)
			error("cannot write %s: %s", file, strerror(errno));
		else if (rename(tmp, file) < 0)
			error("cannot rename %s to %s: %s", tmp, file,
			      strerror(errno));
		else
			ret = 0;
		fd = -1;
	}
	if (fd >= 0)
		close(fd);
	if (ret < 0)
		unlink(tmp);
done:
	free(tmp);
	return ret;
}

static int
export_run(struct target *t, const char *service, int index, const char *file)
{
	const struct obs_container *c = target_pick(t, service, index);
	struct progress *p;
	int ret;

	if (c == NULL)
		return EXIT_FAIL;
	p = progress_new(t->g->progress, t->g->ansi, "Exporting", NULL);
	progress_event(p, "Container", c->name, "Exporting", PROGRESS_WORKING);
	if (t->g->dry_run)
		ret = 0;
	else if (file)
		ret = export_to_file(t->engine, c->id, file);
	else
		ret = export_stream(t->engine, c->id, STDOUT_FILENO);
	if (ret == 0)
		progress_event(p, "Container", c->name, "Exported",
			       PROGRESS_DONE);
	else
		progress_event(p, "Container", c->name, "Error",
			       PROGRESS_ERROR);
	progress_free(p);
	return ret == 0 ? EXIT_OK : EXIT_FAIL;
}

static int
export_exec(struct globals *g, int argc, char **argv)
{
	enum { OPT_INDEX = 256 };
	static const struct option opts[] = {
		{ "index", required_argument, NULL, OPT_INDEX },
		{ "output", required_argument, NULL, 'o' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL;
	struct target t;
	int c, index = 0, ret = EXIT_FAIL;

	while ((c = cmd_getopt(&cmd_export_entry, argc, argv, "o:", opts)) !=
	       -1) {
		if (c < 0)
			return cmd_getopt_exit(c);
		if (c == 'o') {
			file = optarg;
		} else if (c == OPT_INDEX) {
			if (target_parse_index(&cmd_export_entry, optarg,
					       &index) < 0)
				return EXIT_USAGE;
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(
			&cmd_export_entry,
			argc - optind < 1 ? "a service name is needed" :
					    "only one service can be exported");
	/* Before anything else: a tar on a terminal helps nobody. */
	if (file == NULL && isatty(STDOUT_FILENO)) {
		error("output option is required when exporting to terminal");
		hint("use -o FILE, or redirect the output");
		return EXIT_FAIL;
	}
	if (file && export_check_output(file) < 0)
		return EXIT_FAIL;
	if (target_open(&t, g, TARGET_ONEOFF) == 0)
		ret = export_run(&t, argv[optind], index, file);
	target_close(&t);
	return ret;
}
