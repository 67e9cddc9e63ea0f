/*
 * exec_files.c - the executor's copy of configs and secrets into a new
 * container (exec_int.h).
 *
 * Configs and secrets with a `file:` source are bind mounts (in the create
 * body). Those with `content:` or `environment:` have no file on the host,
 * so, as docker compose does, they are written into the container once it
 * is created and before it starts: one small tar made in memory, one
 * PUT /containers/{id}/archive?path=/. The tar names each file by its
 * absolute target (without the leading /), so the engine creates missing
 * parent directories (/run/secrets); each entry carries the mode, uid and
 * gid of the long syntax.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "archive_lazy.h"
#include "buf.h"
#include "container_spec.h"
#include "exec_int.h"
#include "log.h"
#include "project.h"
#include "xalloc.h"

static la_ssize_t
tar_write(struct archive *a, void *arg, const void *data, size_t len)
{
	buf_add(arg, data, len);
	return (la_ssize_t)len;
}

/* The tar of copies (container_spec_copies) into out; 0 or -1 (*err set). */
static int
tar_copies(const json_t *copies, struct buf *out, char **err)
{
	struct archive *a;
	time_t now = time(NULL);
	int ret = 0;
	size_t i;
	json_t *c;

	if (archive_lazy_load() < 0) {
		*err = xstrdup("libarchive cannot be loaded");
		return -1;
	}
	a = archive_write_new();
	if (a == NULL) {
		*err = xstrdup("cannot initialise libarchive");
		return -1;
	}
	archive_write_set_format_pax_restricted(a);
	archive_write_set_bytes_in_last_block(a, 1);
	if (archive_write_open2(a, out, NULL, tar_write, NULL, NULL) !=
	    ARCHIVE_OK) {
		*err = xasprintf("cannot start a tar: %s",
				 archive_error_string(a));
		archive_write_free(a);
		return -1;
	}
	json_array_foreach (copies, i, c) {
		const char *path =
			json_string_value(json_object_get(c, "path"));
		json_t *content = json_object_get(c, "content");
		size_t len = json_string_length(content);
		struct archive_entry *e = archive_entry_new();

		while (*path == '/')
			path++;
		archive_entry_copy_pathname(e, path);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, (mode_t)json_integer_value(
						  json_object_get(c, "mode")));
		archive_entry_set_uid(e, (la_int64_t)json_integer_value(
						 json_object_get(c, "uid")));
		archive_entry_set_gid(e, (la_int64_t)json_integer_value(
						 json_object_get(c, "gid")));
		archive_entry_set_size(e, (la_int64_t)len);
		archive_entry_set_mtime(e, now, 0);
		if (archive_write_header(a, e) != ARCHIVE_OK ||
		    (len && archive_write_data(a, json_string_value(content),
					       len) < 0)) {
			*err = xasprintf("cannot archive \"/%s\": %s", path,
					 archive_error_string(a));
			ret = -1;
		}
		archive_entry_free(e);
		if (ret < 0)
			break;
	}
	if (ret == 0 && archive_write_close(a) != ARCHIVE_OK) {
		*err = xasprintf("cannot finish a tar: %s",
				 archive_error_string(a));
		ret = -1;
	}
	archive_write_free(a);
	return ret;
}

/* The container without its files is removed: left, a later up would
 * take it as up to date. Then the job fails with the message kept. */
static void
removed_after_failure(struct job *j, struct engine_req *req)
{
	char *m = j->last;

	j->last = NULL;
	if (j->a->type == ACT_RECREATE) {
		free(j->new_id);
		j->new_id = NULL;
	} else {
		free(j->id);
		j->id = NULL;
	}
	exec_job_fail(j, "%s", m);
	free(m);
}

static void
fail_and_remove(struct job *j, char *msg)
{
	const char *cid = j->new_id ? j->new_id : j->id;
	char *path = xasprintf("/containers/%s?force=1&v=1", cid);

	free(j->last);
	j->last = msg;
	exec_job_call(j, "DELETE", path, NULL, removed_after_failure);
	free(path);
}

static void
copied(struct job *j, struct engine_req *req)
{
	char *m;

	if (exec_req_ok(req, 0)) {
		exec_created(j);
		return;
	}
	m = exec_req_error(req);
	fail_and_remove(j, xasprintf("cannot copy the configs and secrets of "
				     "service \"%s\" into container \"%s\": %s",
				     j->a->service ? j->a->service : "?",
				     j->a->target, m));
	free(m);
}

void
exec_copy_files(struct job *j)
{
	const struct service *s = exec_job_service(j);
	const char *cid = j->new_id ? j->new_id : j->id;
	struct buf tar = BUF_INIT;
	json_t *copies = NULL;
	char *err = NULL, *path;

	if (s == NULL) {
		exec_created(j);
		return;
	}
	if (container_spec_copies(j->x->p, s, &copies) < 0) {
		fail_and_remove(j, xasprintf("cannot create container \"%s\"",
					     j->a->target));
		return;
	}
	if (copies == NULL) {
		exec_created(j);
		return;
	}
	if (tar_copies(copies, &tar, &err) < 0) {
		fail_and_remove(j, xasprintf("cannot copy files into "
					     "container \"%s\": %s",
					     j->a->target, err));
		free(err);
		goto done;
	}
	path = xasprintf("/containers/%s/archive?path=%%2F", cid);
	exec_job_call_raw(j, "PUT", path, "application/x-tar", tar.ptr, tar.len,
			  copied);
	free(path);
done:
	buf_release(&tar);
	json_decref(copies);
}
