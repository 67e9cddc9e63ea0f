/*
 * cmd_ps.c - `berth ps`: the project's containers, from one label-filtered
 * list request, as docker compose prints them (a table, or JSON Lines
 * with the Docker CLI formatter's fields).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "buf.h"
#include "cmd.h"
#include "format.h"
#include "labels.h"
#include "lifecycle.h"
#include "log.h"
#include "strv.h"
#include "tmpl.h"
#include "xalloc.h"

static const char ps_usage[] =
	"Usage: berth ps [OPTIONS] [SERVICE...]\n"
	"\n"
	"List the project's containers, with their status and ports.\n"
	"\n"
	"Options:\n"
	"  -a, --all               also stopped and one-off (run) containers\n"
	"  -q, --quiet             print container IDs only\n"
	"      --services          print service names only\n"
	"      --status STATUS     only containers in this state (repeatable):\n"
	"                          paused, restarting, removing, running, dead,\n"
	"                          created, exited\n"
	"      --filter KEY=VAL    filter; supported: status=STATUS\n"
	"      --format FORMAT     table (default), json (one object a line),\n"
	"                          or a template: '{{.Name}} {{.State}}',\n"
	"                          'table {{.Name}}\\t{{.Ports}}', {{json .}}\n"
	"      --no-trunc          do not truncate IDs and commands\n"
	"      --orphans BOOL      include services the compose file does not\n"
	"                          define (default true)\n";

static int ps_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_ps_entry = {
	.name = "ps",
	.summary = "List containers",
	.usage = ps_usage,
	.exec = ps_exec,
};

struct ps_opts {
	bool all, quiet, services, no_trunc, orphans, json;
	const char *tmpl; /* a Go-template-like --format, or NULL */
	struct strv status;
};

static const char *
str_of(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static char *
ps_command(const struct obs_container *c, bool trunc)
{
	const char *cmd = str_of(c->raw, "Command");
	char *cut = trunc ? format_ellipsis(cmd, 20) : xstrdup(cmd);
	char *q = format_quote(cut);

	free(cut);
	return q;
}

static char *
ps_running_for(const struct obs_container *c)
{
	long long age = (long long)time(NULL) - c->created;
	char *d = format_duration(age);
	char *s = xasprintf("%s ago", d);

	free(d);
	return s;
}

static void
ps_table(const struct obs_container *const *cs, size_t n, bool trunc)
{
	static const char *const head[] = { "NAME",    "IMAGE",	  "COMMAND",
					    "SERVICE", "CREATED", "STATUS",
					    "PORTS" };
	struct strv cells = STRV_INIT;
	struct buf out = BUF_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(head); i++)
		strv_push(&cells, head[i]);
	for (size_t i = 0; i < n; i++) {
		const struct obs_container *c = cs[i];
		strv_push(&cells, c->name);
		strv_push(&cells, str_of(c->raw, "Image"));
		strv_push_nodup(&cells, ps_command(c, trunc));
		strv_push(&cells, c->service ? c->service : "");
		strv_push_nodup(&cells, ps_running_for(c));
		strv_push(&cells, c->status ? c->status : "");
		strv_push_nodup(&cells, format_ports(c->ports));
	}
	format_table(&out, &cells, ARRAY_SIZE(head), 10, 3);
	fputs(out.ptr, stdout);
	buf_release(&out);
	strv_clear(&cells);
}

static json_t *
ps_publishers(const json_t *ports)
{
	json_t *arr = json_array();
	size_t n = json_array_size(ports);
	const json_t **v = xcalloc(n + 1, sizeof(*v));

	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(ports, i);
	/* compose sorts by private port, keeping list order otherwise */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i;
		     j > 0 &&
		     json_integer_value(
			     json_object_get(v[j - 1], "PrivatePort")) >
			     json_integer_value(
				     json_object_get(v[j], "PrivatePort"));
		     j--) {
			const json_t *tmp = v[j];
			v[j] = v[j - 1];
			v[j - 1] = tmp;
		}
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			arr,
			json_pack("{s:s, s:I, s:I, s:s}", "URL",
				  str_of(v[i], "IP"), "TargetPort",
				  json_integer_value(
					  json_object_get(v[i], "PrivatePort")),
				  "PublishedPort",
				  json_integer_value(
					  json_object_get(v[i], "PublicPort")),
				  "Protocol", str_of(v[i], "Type")));
	free(v);
	return arr;
}

/* Mounts (names, or sources), and how many use the local driver. */
static char *
ps_mounts(const json_t *mounts, bool trunc, int *local)
{
	struct buf b = BUF_INIT;
	size_t i;
	json_t *m;

	*local = 0;
	json_array_foreach (mounts, i, m) {
		const char *name = str_of(m, "Name");
		char *cut;
		if (*name == '\0')
			name = str_of(m, "Source");
		if (strcmp(str_of(m, "Driver"), "local") == 0)
			(*local)++;
		cut = trunc ? format_ellipsis(name, 15) : xstrdup(name);
		buf_addf(&b, "%s%s", b.len ? "," : "", cut);
		free(cut);
	}
	return buf_detach(&b, NULL);
}

static char *
ps_networks(const json_t *raw)
{
	json_t *nets = json_object_get(json_object_get(raw, "NetworkSettings"),
				       "Networks");
	struct strv names = STRV_INIT;
	struct buf b = BUF_INIT;
	const char *k;
	json_t *v;

	json_object_foreach (nets, k, v)
		strv_push(&names, k);
	strv_sort(&names);
	for (size_t i = 0; i < names.n; i++)
		buf_addf(&b, "%s%s", i ? "," : "", names.v[i]);
	strv_clear(&names);
	return buf_detach(&b, NULL);
}

static char *
ps_created_at(long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[64];

	localtime_r(&tt, &tm);
	strftime(s, sizeof(s), "%Y-%m-%d %H:%M:%S %z %Z", &tm);
	return xstrdup(s);
}

/* A JSON string made from s, which is freed. */
static json_t *
take(char *s)
{
	json_t *j = json_string(s);

	free(s);
	return j;
}

/* One container as the Docker CLI formatter's JSON (keys sorted). */
static json_t *
ps_json(const struct obs_container *c, bool trunc)
{
	json_t *o = json_object();
	int local = 0, code = -1;
	const char *health = "";
	char *names = xstrdup(c->name);

	if (c->state &&
	    (!strcmp(c->state, "exited") || !strcmp(c->state, "dead")))
		code = format_status_exit_code(c->status);
	if (c->state && !strcmp(c->state, "running"))
		health = format_status_health(c->status);
	json_object_set_new(o, "Command", take(ps_command(c, trunc)));
	json_object_set_new(o, "CreatedAt", take(ps_created_at(c->created)));
	json_object_set_new(o, "ExitCode", json_integer(code < 0 ? 0 : code));
	json_object_set_new(o, "Health", json_string(health));
	json_object_set_new(
		o, "ID", take(trunc ? format_short_id(c->id) : xstrdup(c->id)));
	json_object_set_new(o, "Image", json_string(str_of(c->raw, "Image")));
	json_object_set_new(o, "Labels", take(format_labels(c->labels)));
	char *mounts =
		ps_mounts(json_object_get(c->raw, "Mounts"), trunc, &local);
	json_object_set_new(o, "LocalVolumes", take(xasprintf("%d", local)));
	json_object_set_new(o, "Mounts", take(mounts));
	json_object_set_new(o, "Name", json_string(c->name));
	json_object_set_new(o, "Names", take(names));
	json_object_set_new(o, "Networks", take(ps_networks(c->raw)));
	json_object_set_new(o, "Ports", take(format_ports(c->ports)));
	json_object_set_new(o, "Project",
			    json_string(str_of(c->labels, LABEL_PROJECT)));
	json_object_set_new(o, "Publishers", ps_publishers(c->ports));
	json_object_set_new(o, "RunningFor", take(ps_running_for(c)));
	json_object_set_new(o, "Service",
			    json_string(c->service ? c->service : ""));
	json_object_set_new(o, "Size", json_string("0B"));
	json_object_set_new(o, "State", json_string(c->state ? c->state : ""));
	json_object_set_new(o, "Status",
			    json_string(c->status ? c->status : ""));
	return o;
}

/*
 * --format TEMPLATE, the subset of Go templates people put in scripts:
 * {{.Field}}, {{json .Field}}, {{json .}}, "\t" and "\n", and a "table "
 * prefix for a header row and aligned columns, as the Docker CLI does.
 */
static const struct tmpl_field ps_fields[] = {
	{ "Command", "COMMAND" },	{ "CreatedAt", "CREATED AT" },
	{ "ExitCode", "EXIT CODE" },	{ "Health", "HEALTH" },
	{ "ID", "CONTAINER ID" },	{ "Image", "IMAGE" },
	{ "Labels", "LABELS" },		{ "LocalVolumes", "LOCAL VOLUMES" },
	{ "Mounts", "MOUNTS" },		{ "Name", "NAME" },
	{ "Names", "NAMES" },		{ "Networks", "NETWORKS" },
	{ "Ports", "PORTS" },		{ "Project", "PROJECT" },
	{ "Publishers", "PUBLISHERS" }, { "RunningFor", "CREATED" },
	{ "Service", "SERVICE" },	{ "Size", "SIZE" },
	{ "State", "STATE" },		{ "Status", "STATUS" },
};

static void
ps_template(const char *t, const struct obs_container *const *cs, size_t n,
	    bool trunc)
{
	json_t **rows = xcalloc(n + 1, sizeof(*rows));
	struct buf out = BUF_INIT;

	for (size_t i = 0; i < n; i++)
		rows[i] = ps_json(cs[i], trunc);
	tmpl_render(&out, t, ps_fields, ARRAY_SIZE(ps_fields), rows, n);
	fputs(out.ptr, stdout);
	for (size_t i = 0; i < n; i++)
		json_decref(rows[i]);
	free(rows);
	buf_release(&out);
}

static int
ps_parse(struct ps_opts *o, int argc, char **argv)
{
	enum {
		OPT_SERVICES = 256,
		OPT_STATUS,
		OPT_FILTER,
		OPT_FORMAT,
		OPT_NO_TRUNC,
		OPT_ORPHANS
	};
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "services", no_argument, NULL, OPT_SERVICES },
		{ "status", required_argument, NULL, OPT_STATUS },
		{ "filter", required_argument, NULL, OPT_FILTER },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
		{ "orphans", required_argument, NULL, OPT_ORPHANS },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = cmd_getopt(&cmd_ps_entry, argc, argv, "aq", opts)) != -1) {
		if (c < 0)
			return cmd_getopt_exit(c);
		switch (c) {
		case 'a':
			o->all = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case OPT_SERVICES:
			o->services = true;
			break;
		case OPT_STATUS:
			strv_push(&o->status, optarg);
			break;
		case OPT_FILTER:
			if (strncmp(optarg, "status=", 7) != 0)
				return cmd_usage_error(
					&cmd_ps_entry,
					strchr(optarg, '=') ?
						"unknown filter \"%s\"" :
						"--filter wants KEY=VAL, not \"%s\"",
					optarg);
			strv_push(&o->status, optarg + 7);
			break;
		case OPT_FORMAT:
			o->json = strcmp(optarg, "json") == 0;
			o->tmpl = NULL;
			if (strstr(optarg, "{{")) {
				if (tmpl_check(optarg, ps_fields,
					       ARRAY_SIZE(ps_fields)) < 0)
					return EXIT_USAGE;
				o->tmpl = optarg;
			} else if (!o->json && strcmp(optarg, "table") != 0) {
				return cmd_usage_error(&cmd_ps_entry,
						       "unknown format \"%s\"",
						       optarg);
			}
			break;
		case OPT_NO_TRUNC:
			o->no_trunc = true;
			break;
		case OPT_ORPHANS:
			if (strcmp(optarg, "true") && strcmp(optarg, "false"))
				return cmd_usage_error(
					&cmd_ps_entry,
					"--orphans wants true or false");
			o->orphans = strcmp(optarg, "true") == 0;
			break;
		}
	}
	return -1;
}

/* Which containers: by service, orphans, state. */
static size_t
ps_pick(struct target *t, const struct ps_opts *o, char *const *names, size_t n,
	const struct obs_container ***out)
{
	bool *sel = xcalloc(t->services.n + 1, sizeof(bool));
	const struct obs_container **cs;
	size_t k = 0, total;

	for (size_t i = 0; i < t->services.n; i++)
		sel[i] = n == 0;
	for (size_t i = 0; i < n; i++) {
		int s = target_service(t, names[i]);
		if (s >= 0)
			sel[s] = true;
	}
	/* Orphans show unless services are named or --orphans=false. */
	total = target_containers(t, sel, n == 0 && o->orphans, &cs);
	for (size_t i = 0; i < total; i++)
		if (o->status.n == 0 ||
		    (cs[i]->state && strv_contains(&o->status, cs[i]->state)))
			cs[k++] = cs[i];
	free(sel);
	*out = cs;
	return k;
}

static void
ps_print(const struct ps_opts *o, const struct obs_container *const *cs,
	 size_t n)
{
	if (o->quiet) {
		for (size_t i = 0; i < n; i++)
			puts(cs[i]->id);
	} else if (o->services) {
		struct strv seen = STRV_INIT;
		for (size_t i = 0; i < n; i++)
			if (cs[i]->service &&
			    !strv_contains(&seen, cs[i]->service)) {
				strv_push(&seen, cs[i]->service);
				puts(cs[i]->service);
			}
		strv_clear(&seen);
	} else if (o->tmpl) {
		ps_template(o->tmpl, cs, n, !o->no_trunc);
	} else if (o->json) {
		for (size_t i = 0; i < n; i++) {
			json_t *j = ps_json(cs[i], !o->no_trunc);
			json_dumpf(j, stdout,
				   JSON_COMPACT | JSON_PRESERVE_ORDER);
			putchar('\n');
			json_decref(j);
		}
	} else {
		ps_table(cs, n, !o->no_trunc);
	}
}

static int
ps_exec(struct globals *g, int argc, char **argv)
{
	struct ps_opts o = { .orphans = true, .status = STRV_INIT };
	const struct obs_container **cs = NULL;
	struct target t;
	int ret = EXIT_FAIL, r;
	size_t n;

	if ((r = ps_parse(&o, argc, argv)) >= 0) {
		strv_clear(&o.status);
		return r;
	}
	if (target_open(&t, g,
			(o.all || o.status.n ? TARGET_ALL : 0) |
				(o.all ? TARGET_ONEOFF : 0)) < 0)
		goto done;
	/* With a compose file, a service it does not define is an error. */
	if (t.project) {
		bool *sel = xcalloc(t.services.n + 1, sizeof(bool));
		r = target_select(&t, argv + optind, (size_t)(argc - optind),
				  sel);
		free(sel);
		if (r < 0)
			goto done;
	}
	n = ps_pick(&t, &o, argv + optind, (size_t)(argc - optind), &cs);
	ps_print(&o, cs, n);
	ret = EXIT_OK;
done:
	free(cs);
	target_close(&t);
	strv_clear(&o.status);
	return ret;
}
