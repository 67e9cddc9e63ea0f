/*
 * cmd_images.c - `berth images`: the images the project's containers
 * use. One inspect per distinct image, all at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>
#include <jansson.h>

#include "buf.h"
#include "cmd.h"
#include "engine.h"
#include "format.h"
#include "lifecycle.h"
#include "log.h"
#include "strv.h"
#include "xalloc.h"

static const char images_usage[] =
	"Usage: berth images [OPTIONS] [SERVICE...]\n"
	"\n"
	"List the images used by the project's containers.\n"
	"\n"
	"Options:\n"
	"      --format FORMAT   table (default) or json\n"
	"  -q, --quiet           print image IDs only\n";

static int images_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_images_entry = {
	.name = "images",
	.summary = "List images used by the created containers",
	.usage = images_usage,
	.exec = images_exec,
};

/* One distinct image and its inspect answer. */
struct image {
	const char *id;
	struct engine_req *req;
	json_t *info;
};

struct images {
	struct image *v;
	size_t n;
	int pending;
};

static void
inspect_done(struct engine_req *req, void *arg)
{
	(*(int *)arg)--;
}

static struct image *
image_of(struct images *im, const char *id)
{
	for (size_t i = 0; i < im->n; i++)
		if (strcmp(im->v[i].id, id) == 0)
			return &im->v[i];
	return NULL;
}

/* Inspect every distinct image at once. Returns 0 or -1 (reported). */
static int
images_inspect(struct target *t, struct images *im,
	       const struct obs_container *const *cs, size_t n)
{
	int ret = 0;

	im->v = xcalloc(n + 1, sizeof(*im->v));
	for (size_t i = 0; i < n; i++) {
		if (cs[i]->image_id == NULL || image_of(im, cs[i]->image_id))
			continue;
		struct image *m = &im->v[im->n++];
		char *esc = engine_escape(cs[i]->image_id);
		char *path = xasprintf("/images/%s/json", esc);
		struct engine_req_opts o = {
			.path = path,
			.on_done = inspect_done,
			.arg = &im->pending,
			.timeout_ms = 60000,
		};
		m->id = cs[i]->image_id;
		im->pending++;
		m->req = engine_start(t->engine, &o);
		free(path);
		free(esc);
	}
	while (im->pending > 0)
		ev_run(engine_loop(t->engine), EVRUN_ONCE);
	for (size_t i = 0; i < im->n; i++) {
		size_t len;
		const char *body = engine_req_body(im->v[i].req, &len);
		if (engine_req_report(im->v[i].req) < 0)
			ret = -1;
		else
			im->v[i].info = json_loadb(body, len, 0, NULL);
	}
	return ret;
}

static void
images_release(struct images *im)
{
	for (size_t i = 0; i < im->n; i++) {
		engine_req_free(im->v[i].req);
		json_decref(im->v[i].info);
	}
	free(im->v);
}

/*
 * Repository and tag from a reference as a container names its image:
 * "docker.io/library/redis:7" -> "redis", "7"; no tag means latest; an
 * image ID, or no reference at all, gives the image's first tag, else
 * "<none>".
 */
static const char *
jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* Does ref name the image by its ID ("sha256:...", or a prefix)? */
static bool
ref_is_id(const char *ref, const json_t *info)
{
	const char *id = jstr(info, "Id");

	if (strncmp(ref, "sha256:", 7) == 0)
		return true;
	if (strncmp(id, "sha256:", 7) == 0)
		id += 7;
	return strlen(ref) >= 12 && strncmp(ref, id, strlen(ref)) == 0;
}

static void
image_repo_tag(const char *ref, const json_t *info, char **repo, char **tag)
{
	const char *slash, *colon, *at;

	if (ref == NULL || ref_is_id(ref, info))
		ref = json_string_value(
			json_array_get(json_object_get(info, "RepoTags"), 0));
	if (ref == NULL) {
		*repo = xstrdup("<none>");
		*tag = xstrdup("<none>");
		return;
	}
	at = strchr(ref, '@');
	slash = strrchr(ref, '/');
	colon = strrchr(ref, ':');
	if (colon && slash && colon < slash)
		colon = NULL;
	if (at && colon && colon > at)
		colon = NULL;
	size_t end = colon ? (size_t)(colon - ref) :
		     at	   ? (size_t)(at - ref) :
			     strlen(ref);
	if (strncmp(ref, "docker.io/library/", 18) == 0)
		ref += 18, end -= 18;
	else if (strncmp(ref, "docker.io/", 10) == 0)
		ref += 10, end -= 10;
	*repo = xstrndup(ref, end);
	if (colon)
		*tag = xstrndup(colon + 1, at && at > colon ?
						   (size_t)(at - colon - 1) :
						   strlen(colon + 1));
	else
		*tag = xstrdup(at ? "<none>" : "latest");
}

static void
images_table(const struct images *im, const struct obs_container *const *cs,
	     size_t n)
{
	static const char *const head[] = { "CONTAINER", "REPOSITORY", "TAG",
					    "IMAGE ID", "SIZE" };
	struct strv cells = STRV_INIT;
	struct buf out = BUF_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(head); i++)
		strv_push(&cells, head[i]);
	for (size_t i = 0; i < n; i++) {
		const struct image *m =
			cs[i]->image_id ?
				image_of((struct images *)im, cs[i]->image_id) :
				NULL;
		char *repo, *tag;
		if (m == NULL || m->info == NULL)
			continue;
		image_repo_tag(cs[i]->image, m->info, &repo, &tag);
		strv_push(&cells, cs[i]->name);
		strv_push_nodup(&cells, repo);
		strv_push_nodup(&cells, tag);
		strv_push_nodup(&cells, format_short_id(m->id));
		strv_push_nodup(&cells,
				format_size((double)json_integer_value(
					json_object_get(m->info, "Size"))));
	}
	format_table(&out, &cells, ARRAY_SIZE(head), 20, 3);
	fputs(out.ptr, stdout);
	buf_release(&out);
	strv_clear(&cells);
}

static void
images_json(const struct images *im, const struct obs_container *const *cs,
	    size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++) {
		const struct image *m =
			cs[i]->image_id ?
				image_of((struct images *)im, cs[i]->image_id) :
				NULL;
		char *repo, *tag, *platform;
		const json_t *info;
		if (m == NULL || m->info == NULL)
			continue;
		info = m->info;
		image_repo_tag(cs[i]->image, info, &repo, &tag);
		platform = xasprintf("%s/%s", jstr(info, "Os"),
				     jstr(info, "Architecture"));
		json_array_append_new(
			arr,
			json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:O?}", "ID",
				  m->id, "ContainerName", cs[i]->name,
				  "Repository", repo, "Tag", tag, "Platform",
				  platform, "Size",
				  json_integer_value(
					  json_object_get(info, "Size")),
				  "Created", json_object_get(info, "Created")));
		free(repo);
		free(tag);
		free(platform);
	}
	json_dumpf(arr, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(arr);
}

static int
images_exec(struct globals *g, int argc, char **argv)
{
	enum { OPT_FORMAT = 256 };
	static const struct option opts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "quiet", no_argument, NULL, 'q' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	const struct obs_container **cs = NULL;
	struct images im = { 0 };
	bool quiet = false, json = false;
	struct target t;
	int c, ret = EXIT_FAIL;
	long n;

	while ((c = cmd_getopt(&cmd_images_entry, argc, argv, "q", opts)) !=
	       -1) {
		if (c < 0)
			return cmd_getopt_exit(c);
		if (c == 'q')
			quiet = true;
		else if (c == OPT_FORMAT && strcmp(optarg, "json") == 0)
			json = true;
		else if (c == OPT_FORMAT && strcmp(optarg, "table") != 0)
			return cmd_usage_error(&cmd_images_entry,
					       "unknown format \"%s\"", optarg);
	}
	n = target_open_named(&t, g, TARGET_ALL, argv + optind,
			      (size_t)(argc - optind), false, &cs);
	if (n < 0)
		goto done;
	if (quiet) {
		struct strv seen = STRV_INIT;
		for (long i = 0; i < n; i++)
			if (cs[i]->image_id &&
			    !strv_contains(&seen, cs[i]->image_id)) {
				const char *id = strchr(cs[i]->image_id, ':');
				strv_push(&seen, cs[i]->image_id);
				puts(id ? id + 1 : cs[i]->image_id);
			}
		strv_clear(&seen);
		ret = EXIT_OK;
		goto done;
	}
	if (images_inspect(&t, &im, cs, (size_t)n) < 0)
		goto done;
	if (json)
		images_json(&im, cs, (size_t)n);
	else
		images_table(&im, cs, (size_t)n);
	ret = EXIT_OK;
done:
	images_release(&im);
	free(cs);
	target_close(&t);
	return ret;
}
