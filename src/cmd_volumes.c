/*
 * cmd_volumes.c - `berth volumes`: the project's volumes (those with its
 * com.docker.compose.project label), as `docker volume ls` prints them;
 * with services named, only the volumes their running containers mount.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "cmd.h"
#include "engine.h"
#include "lifecycle.h"
#include "format.h"
#include "log.h"
#include "project.h"
#include "strv.h"
#include "tmpl.h"
#include "xalloc.h"

static const char volumes_usage[] =
	"Usage: berth volumes [OPTIONS] [SERVICE...]\n"
	"\n"
	"List the project's volumes; with services named, only those their\n"
	"running containers use.\n"
	"\n"
	"Options:\n"
	"      --format FORMAT     table (default), json (one object a line),\n"
	"                          or a template: \"{{.Name}}\\t{{.Driver}}\"\n"
	"  -q, --quiet             only the volume names\n";

static int volumes_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_volumes_entry = {
	.name = "volumes",
	.summary = "List volumes",
	.usage = volumes_usage,
	.exec = volumes_exec,
};

/* The Docker CLI volume formatter's fields, and their headers. */
static const struct tmpl_field volume_fields[] = {
	{ "Availability", "AVAILABILITY" },
	{ "Driver", "DRIVER" },
	{ "Group", "GROUP" },
	{ "Labels", "LABELS" },
	{ "Links", "LINKS" },
	{ "Mountpoint", "MOUNTPOINT" },
	{ "Name", "VOLUME NAME" },
	{ "Scope", "SCOPE" },
	{ "Size", "SIZE" },
	{ "Status", "STATUS" },
};

static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* One volume as the Docker CLI formatter's JSON (keys sorted). */
static json_t *
volume_json(const json_t *v)
{
	const json_t *usage = json_object_get(v, "UsageData");
	const json_t *refs = json_object_get(usage, "RefCount");
	const json_t *size = json_object_get(usage, "Size");
	json_t *o = json_object();
	char *labels = format_labels(json_object_get(v, "Labels"));

	json_object_set_new(o, "Availability", json_string("N/A"));
	json_object_set_new(o, "Driver", json_string(str(v, "Driver")));
	json_object_set_new(o, "Group", json_string("N/A"));
	json_object_set_new(o, "Labels", json_string(labels));
	json_object_set_new(
		o, "Links",
		json_is_integer(refs) && json_integer_value(refs) >= 0 ?
			json_sprintf("%lld",
				     (long long)json_integer_value(refs)) :
			json_string("N/A"));
	json_object_set_new(o, "Mountpoint", json_string(str(v, "Mountpoint")));
	json_object_set_new(o, "Name", json_string(str(v, "Name")));
	json_object_set_new(o, "Scope", json_string(str(v, "Scope")));
	json_object_set_new(
		o, "Size",
		json_is_integer(size) && json_integer_value(size) >= 0 ?
			json_sprintf("%lldB",
				     (long long)json_integer_value(size)) :
			json_string("N/A"));
	json_object_set_new(o, "Status", json_string("N/A"));
	free(labels);
	return o;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(str(*(json_t *const *)a, "Name"),
		      str(*(json_t *const *)b, "Name"));
}

/* Is volume name mounted by a container of one of the services? */
static bool
volume_used(const struct target *t, const char *name, char *const *svcs,
	    size_t nsvcs)
{
	for (size_t i = 0; i < t->obs.ncontainers; i++) {
		const struct obs_container *c = &t->obs.containers[i];
		const json_t *mounts = json_object_get(c->raw, "Mounts");
		bool named = false;
		size_t k;
		json_t *m;

		for (size_t s = 0; s < nsvcs && !named; s++)
			named = c->service && strcmp(c->service, svcs[s]) == 0;
		if (!named)
			continue;
		json_array_foreach (mounts, k, m)
			if (strcmp(str(m, "Name"), name) == 0)
				return true;
	}
	return false;
}

/* The project's volumes, filtered by service, sorted by name. */
static size_t
volumes_list(const struct target *t, json_t *list, char *const *svcs,
	     size_t nsvcs, json_t ***out)
{
	json_t *vols = json_object_get(list, "Volumes"), *v;
	json_t **rows = xcalloc(json_array_size(vols) + 1, sizeof(*rows));
	size_t n = 0, i;

	json_array_foreach (vols, i, v)
		if (nsvcs == 0 || volume_used(t, str(v, "Name"), svcs, nsvcs))
			rows[n++] = v;
	qsort(rows, n, sizeof(*rows), by_name);
	*out = rows;
	return n;
}

static void
volumes_print(json_t **vols, size_t n, const char *format, bool quiet)
{
	struct buf out = BUF_INIT;
	json_t **rows = xcalloc(n + 1, sizeof(*rows));

	for (size_t i = 0; i < n; i++)
		rows[i] = volume_json(vols[i]);
	if (quiet)
		format = "{{.Name}}";
	else if (strcmp(format, "table") == 0)
		format = "table {{.Driver}}\t{{.Name}}";
	else if (strcmp(format, "json") == 0)
		format = "{{json .}}";
	tmpl_render(&out, format, volume_fields, ARRAY_SIZE(volume_fields),
		    rows, n);
	fputs(out.ptr, stdout);
	for (size_t i = 0; i < n; i++)
		json_decref(rows[i]);
	free(rows);
	buf_release(&out);
}

static int
volumes_run(struct target *t, char *const *svcs, size_t nsvcs,
	    const char *format, bool quiet)
{
	char *filter = target_filter(t);
	char *path = xasprintf("/volumes?filters=%s", filter);
	json_t *list = NULL, **vols = NULL;
	int ret = EXIT_FAIL;

	for (size_t i = 0; t->project && i < nsvcs; i++)
		if (project_service_index(t->project, svcs[i]) < 0) {
			error("no such service: %s", svcs[i]);
			goto done;
		}
	if (engine_call(t->engine, "GET", path, NULL, &list) < 0)
		goto done;
	size_t n = volumes_list(t, list, svcs, nsvcs, &vols);
	volumes_print(vols, n, format, quiet);
	ret = EXIT_OK;
done:
	free(vols);
	json_decref(list);
	free(path);
	free(filter);
	return ret;
}

static int
volumes_exec(struct globals *g, int argc, char **argv)
{
	enum { OPT_FORMAT = 256 };
	static const struct option opts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "quiet", no_argument, NULL, 'q' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	const char *format = "table";
	bool quiet = false;
	struct target t;
	int c, ret = EXIT_FAIL;

	while ((c = cmd_getopt(&cmd_volumes_entry, argc, argv, "q", opts)) !=
	       -1) {
		if (c < 0)
			return cmd_getopt_exit(c);
		if (c == 'q')
			quiet = true;
		else if (c == OPT_FORMAT)
			format = optarg;
	}
	if (strcmp(format, "table") && strcmp(format, "json") &&
	    tmpl_check(format, volume_fields, ARRAY_SIZE(volume_fields)) < 0)
		return EXIT_USAGE;
	if (target_open(&t, g, 0) == 0)
		ret = volumes_run(&t, argv + optind, (size_t)(argc - optind),
				  format, quiet);
	target_close(&t);
	return ret;
}
