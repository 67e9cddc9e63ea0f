/*
 * cmd_commit.c - `berth commit`: a new image from a service container's
 * changes (POST /commit), optionally tagged REPOSITORY[:TAG], with
 * Dockerfile instructions (-c) applied to its config.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "cmd.h"
#include "engine.h"
#include "lifecycle.h"
#include "log.h"
#include "progress.h"
#include "strv.h"
#include "xalloc.h"

static const char commit_usage[] =
	"Usage: berth commit [OPTIONS] SERVICE [REPOSITORY[:TAG]]\n"
	"\n"
	"Create a new image from a service container's changes.\n"
	"\n"
	"Options:\n"
	"  -a, --author AUTHOR     the image's author (\"Name <email>\")\n"
	"  -c, --change CHANGE     apply a Dockerfile instruction to the image\n"
	"                          (repeatable): CMD, ENTRYPOINT, ENV, EXPOSE,\n"
	"                          LABEL, ONBUILD, USER, VOLUME, WORKDIR\n"
	"      --index N           the service's container number N (default:\n"
	"                          the first)\n"
	"  -m, --message MSG       the commit message\n"
	"  -p, --pause             pause the container during the commit (the\n"
	"                          default; --pause=false does not)\n";

static int commit_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_commit_entry = {
	.name = "commit",
	.summary = "Create a new image from a service container's changes",
	.usage = commit_usage,
	.exec = commit_exec,
};

struct commit_opts {
	int index;
	bool pause;
	const char *author, *message;
	struct strv changes;
	char *repo, *tag; /* from REPOSITORY[:TAG], or NULL */
};

/*
 * REPOSITORY[:TAG] as the engine takes it: repo and tag apart. The tag
 * follows the last ':' after the last '/' (a registry port is no tag).
 * Digests and upper case are refused as the Docker CLI refuses them.
 */
static int
commit_parse_ref(struct commit_opts *o, const char *ref)
{
	const char *slash = strrchr(ref, '/');
	const char *colon = strrchr(slash ? slash : ref, ':');
	size_t rlen = colon ? (size_t)(colon - ref) : strlen(ref);

	if (strchr(ref, '@'))
		return error("refusing to create a tag with a digest "
			     "reference: %s",
			     ref);
	if (rlen == 0 || (colon && colon[1] == '\0'))
		return error("invalid reference format: %s", ref);
	for (size_t i = 0; i < rlen; i++)
		if (isupper((unsigned char)ref[i]))
			return error("invalid reference format: repository "
				     "name must be lowercase: %s",
				     ref);
	for (const char *p = colon ? colon + 1 : ""; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			return error("invalid reference format: %s", ref);
	if (colon && strlen(colon + 1) > 128)
		return error("invalid reference format: the tag is longer "
			     "than 128 characters: %s",
			     ref);
	o->repo = xstrndup(ref, rlen);
	o->tag = colon ? xstrdup(colon + 1) : NULL;
	return 0;
}

/* "true"/"false" and the other spellings Go's ParseBool takes. */
static int
parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {
		"1", "t", "T", "TRUE", "true", "True"
	};
	static const char *const no[] = { "0",	   "f",	    "F",
					  "FALSE", "false", "False" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcmp(s, yes[i]) == 0)
			return *out = true, 0;
		if (strcmp(s, no[i]) == 0)
			return *out = false, 0;
	}
	return -1;
}

/* POST /commit; the new image's id (caller frees), or NULL (reported). */
static char *
commit_post(struct engine *e, const char *cid, const struct commit_opts *o)
{
	struct buf q = BUF_INIT;
	json_t *resp = NULL, *cfg = json_object();
	char *id = NULL;

	buf_addf(&q, "/commit?container=%s&pause=%d", cid, o->pause ? 1 : 0);
	engine_query_add(&q, "repo", o->repo);
	engine_query_add(&q, "tag", o->tag);
	engine_query_add(&q, "comment", o->message);
	engine_query_add(&q, "author", o->author);
	for (size_t i = 0; i < o->changes.n; i++)
		engine_query_add(&q, "changes", o->changes.v[i]);
	/* No config of our own: the engine keeps the container's. */
	if (engine_call(e, "POST", q.ptr, cfg, &resp) == 0) {
		const char *s = json_string_value(json_object_get(resp, "Id"));
		if (s)
			id = xstrdup(s);
		else
			error("the engine did not say which image it made");
	}
	json_decref(resp);
	json_decref(cfg);
	buf_release(&q);
	return id;
}

static int
commit_run(struct target *t, const char *service, const struct commit_opts *o)
{
	const struct obs_container *c = target_pick(t, service, o->index);
	struct progress *p;
	char *id = NULL, *text = NULL;

	if (c == NULL)
		return EXIT_FAIL;
	p = progress_new(t->g->progress, t->g->ansi, "Committing", NULL);
	progress_event(p, "Container", c->name, "Committing", PROGRESS_WORKING);
	if (t->g->dry_run) {
		progress_event(p, "Container", c->name, "Committed",
			       PROGRESS_DONE);
		progress_free(p);
		return EXIT_OK;
	}
	/* The progress block ends before the engine's error is printed. */
	struct buf errs = BUF_INIT;
	if (progress_is_tty(p))
		log_capture(&errs);
	id = commit_post(t->engine, c->id, o);
	log_capture(NULL);
	if (id) {
		text = xasprintf("Committed as %s", id);
		progress_event(p, "Container", c->name, text, PROGRESS_DONE);
	} else {
		progress_event(p, "Container", c->name, "Error",
			       PROGRESS_ERROR);
	}
	progress_free(p);
	fputs(errs.ptr ? errs.ptr : "", stderr);
	buf_release(&errs);
	free(text);
	free(id);
	return id ? EXIT_OK : EXIT_FAIL;
}

static int
commit_parse(struct commit_opts *o, int argc, char **argv)
{
	enum { OPT_INDEX = 256 };
	static const struct option opts[] = {
		{ "author", required_argument, NULL, 'a' },
		{ "change", required_argument, NULL, 'c' },
		{ "index", required_argument, NULL, OPT_INDEX },
		{ "message", required_argument, NULL, 'm' },
		{ "pause", optional_argument, NULL, 'p' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = cmd_getopt(&cmd_commit_entry, argc, argv, "a:c:m:p",
			       opts)) != -1) {
		if (c < 0)
			return cmd_getopt_exit(c);
		switch (c) {
		case 'a':
			o->author = optarg;
			break;
		case 'c':
			strv_push(&o->changes, optarg);
			break;
		case 'm':
			o->message = optarg;
			break;
		case 'p':
			o->pause = true;
			if (optarg && parse_bool(optarg, &o->pause) < 0)
				return cmd_usage_error(
					&cmd_commit_entry,
					"invalid --pause \"%s\": use true or "
					"false",
					optarg);
			break;
		case OPT_INDEX:
			if (target_parse_index(&cmd_commit_entry, optarg,
					       &o->index) < 0)
				return EXIT_USAGE;
			break;
		}
	}
	if (argc - optind < 1 || argc - optind > 2)
		return cmd_usage_error(&cmd_commit_entry,
				       argc - optind < 1 ?
					       "a service name is needed" :
					       "too many arguments");
	if (argc - optind == 2 && commit_parse_ref(o, argv[optind + 1]) < 0)
		return EXIT_USAGE;
	return -1;
}

static int
commit_exec(struct globals *g, int argc, char **argv)
{
	struct commit_opts o = { .pause = true, .changes = STRV_INIT };
	struct target t;
	int ret = EXIT_FAIL, r;

	if ((r = commit_parse(&o, argc, argv)) < 0) {
		if (target_open(&t, g, TARGET_ONEOFF) == 0)
			ret = commit_run(&t, argv[optind], &o);
		target_close(&t);
	} else {
		ret = r;
	}
	strv_clear(&o.changes);
	free(o.repo);
	free(o.tag);
	return ret;
}
