/*
 * cmd_ls.c - `berth ls`: the compose projects on this engine, from one
 * list of the containers that carry a project label.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>
#include <jansson.h>

#include "buf.h"
#include "cmd.h"
#include "engine.h"
#include "format.h"
#include "labels.h"
#include "log.h"
#include "strv.h"
#include "xalloc.h"

static const char ls_usage[] =
	"Usage: berth ls [OPTIONS]\n"
	"\n"
	"List the compose projects with running containers.\n"
	"\n"
	"Options:\n"
	"  -a, --all               also projects whose containers are all\n"
	"                          stopped\n"
	"  -q, --quiet             print project names only\n"
	"      --format FORMAT     table (default) or json\n"
	"      --filter KEY=VAL    filter; supported: name=REGEXP (repeatable)\n";

static int ls_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_ls_entry = {
	.name = "ls",
	.summary = "List running compose projects",
	.usage = ls_usage,
	.exec = ls_exec,
};

struct stack {
	char *name;
	struct strv states;
	struct strv files;
};

static int
stack_cmp(const void *a, const void *b)
{
	return strcmp(((const struct stack *)a)->name,
		      ((const struct stack *)b)->name);
}

/* Group the containers by project; states and config files per project. */
static size_t
ls_group(const json_t *list, struct stack **out)
{
	struct stack *v = xcalloc(json_array_size(list) + 1, sizeof(*v));
	size_t n = 0, i, k;
	json_t *c;

	json_array_foreach (list, i, c) {
		json_t *labels = json_object_get(c, "Labels");
		const char *name = json_string_value(
			json_object_get(labels, LABEL_PROJECT));
		const char *state =
			json_string_value(json_object_get(c, "State"));
		const char *files = json_string_value(
			json_object_get(labels, LABEL_CONFIG_FILES));
		struct strv parts = STRV_INIT;

		if (name == NULL)
			continue;
		for (k = 0; k < n && strcmp(v[k].name, name); k++)
			;
		if (k == n) {
			v[n].name = xstrdup(name);
			strv_init(&v[n].states);
			strv_init(&v[n].files);
			n++;
		}
		strv_push(&v[k].states, state ? state : "unknown");
		if (files)
			strv_split(&parts, files, ',');
		for (size_t p = 0; p < parts.n; p++)
			if (!strv_contains(&v[k].files, parts.v[p]))
				strv_push(&v[k].files, parts.v[p]);
		strv_clear(&parts);
	}
	qsort(v, n, sizeof(*v), stack_cmp);
	*out = v;
	return n;
}

static char *
ls_join(const struct strv *v)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < v->n; i++)
		buf_addf(&b, "%s%s", i ? "," : "", v->v[i]);
	return buf_detach(&b, NULL);
}

/* Docker's name filter: any of the patterns matches somewhere. */
static bool
ls_match(const regex_t *res, size_t nres, const char *name)
{
	if (nres == 0)
		return true;
	for (size_t i = 0; i < nres; i++)
		if (regexec(&res[i], name, 0, NULL, 0) == 0)
			return true;
	return false;
}

static void
ls_print(struct stack *v, size_t n, bool quiet, bool json)
{
	struct strv cells = STRV_INIT;
	struct buf out = BUF_INIT;
	json_t *arr = json_array();

	strv_push(&cells, "NAME");
	strv_push(&cells, "STATUS");
	strv_push(&cells, "CONFIG FILES");
	for (size_t i = 0; i < n; i++) {
		char *status = format_state_summary(
			(const char *const *)v[i].states.v, v[i].states.n);
		char *files = ls_join(&v[i].files);
		if (quiet)
			puts(v[i].name);
		json_array_append_new(
			arr, json_pack("{s:s, s:s, s:s}", "Name", v[i].name,
				       "Status", status, "ConfigFiles", files));
		strv_push(&cells, v[i].name);
		strv_push_nodup(&cells, status);
		strv_push_nodup(&cells, files);
	}
	if (json) {
		json_dumpf(arr, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else if (!quiet) {
		format_table(&out, &cells, 3, 20, 3);
		fputs(out.ptr, stdout);
	}
	json_decref(arr);
	buf_release(&out);
	strv_clear(&cells);
}

static int
ls_list(struct engine *e, bool all, json_t **out)
{
	char *filter = engine_escape("{\"label\":[\"" LABEL_PROJECT "\"]}");
	char *path = xasprintf("/containers/json?%sfilters=%s",
			       all ? "all=1&" : "", filter);
	int ret = engine_call(e, "GET", path, NULL, out);

	free(path);
	free(filter);
	return ret;
}

static int
ls_exec(struct globals *g, int argc, char **argv)
{
	enum { OPT_FORMAT = 256, OPT_FILTER };
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "filter", required_argument, NULL, OPT_FILTER },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	bool all = false, quiet = false, json = false;
	regex_t res[16];
	size_t nres = 0, n = 0, k = 0;
	struct stack *v = NULL;
	struct engine *e = NULL;
	json_t *list = NULL;
	int c, ret = EXIT_FAIL;

	while ((c = cmd_getopt(&cmd_ls_entry, argc, argv, "aq", opts)) != -1) {
		if (c < 0) {
			ret = cmd_getopt_exit(c);
			goto done;
		}
		if (c == 'a') {
			all = true;
		} else if (c == 'q') {
			quiet = true;
		} else if (c == OPT_FORMAT) {
			json = strcmp(optarg, "json") == 0;
			if (!json && strcmp(optarg, "table") != 0) {
				ret = cmd_usage_error(&cmd_ls_entry,
						      "unknown format \"%s\"",
						      optarg);
				goto done;
			}
		} else if (c == OPT_FILTER) {
			if (strncmp(optarg, "name=", 5) != 0 ||
			    nres == ARRAY_SIZE(res) ||
			    regcomp(&res[nres], optarg + 5,
				    REG_EXTENDED | REG_NOSUB) != 0) {
				ret = cmd_usage_error(&cmd_ls_entry,
						      "invalid filter \"%s\"",
						      optarg);
				goto done;
			}
			nres++;
		}
	}
	if (optind < argc) {
		ret = cmd_usage_error(&cmd_ls_entry,
				      "unexpected argument \"%s\"",
				      argv[optind]);
		goto done;
	}
	if (engine_open(&e, EV_DEFAULT) < 0 || ls_list(e, all, &list) < 0)
		goto done;
	n = ls_group(list, &v);
	for (size_t i = 0; i < n; i++) {
		if (ls_match(res, nres, v[i].name)) {
			v[k++] = v[i];
			continue;
		}
		free(v[i].name);
		strv_clear(&v[i].states);
		strv_clear(&v[i].files);
	}
	ls_print(v, k, quiet, json);
	ret = EXIT_OK;
done:
	for (size_t i = 0; i < k; i++) {
		free(v[i].name);
		strv_clear(&v[i].states);
		strv_clear(&v[i].files);
	}
	free(v);
	for (size_t i = 0; i < nres; i++)
		regfree(&res[i]);
	json_decref(list);
	engine_free(e);
	return ret;
}
