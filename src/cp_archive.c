/*
 * cp_archive.c - the local side of `berth cp` (cp_archive.h): the tar of
 * a host path for an upload, and the extraction of a container's tar.
 */
#include "cp_archive.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive_lazy.h"
#include "cp_paths.h"
#include "log.h"
#include "tar_pull.h"
#include "xalloc.h"

/* A directory being walked: its sorted names and the next one. */
struct frame {
	char *rel; /* relative to the source, "" for the source itself */
	char **names;
	size_t n, next;
};

struct cp_tar {
	char *path, *root;
	struct tar_pull *pull;
	struct frame *stack;
	size_t depth, alloc;
	bool keep_owner;
	bool root_done;
};

static int
tar_fail(void *arg, const char *path, const char *why)
{
	return error("cannot copy \"%s\": %s", path, why);
}

static int tar_next(void *arg);

struct cp_tar *
cp_tar_new(const char *path, const char *root, bool keep_owner)
{
	struct cp_tar *t = xcalloc(1, sizeof(*t));

	t->keep_owner = keep_owner;
	t->path = xstrdup(path);
	t->root = xstrdup(root);
	t->pull = tar_pull_new(tar_next, tar_fail, t);
	return t;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Push the directory full (rel to the source; taken over) to walk. */
static int
tar_push_dir(struct cp_tar *t, const char *full, char *rel)
{
	struct frame f = { .rel = rel };
	size_t alloc = 0;
	struct dirent *d;
	DIR *dir = opendir(full);

	if (dir == NULL) {
		free(rel);
		return tar_fail(t, full, strerror(errno));
	}
	while ((d = readdir(dir))) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		ALLOC_GROW(f.names, f.n + 1, alloc);
		f.names[f.n++] = xstrdup(d->d_name);
	}
	closedir(dir);
	if (f.n)
		qsort(f.names, f.n, sizeof(*f.names), cmp_names);
	ALLOC_GROW(t->stack, t->depth + 1, t->alloc);
	t->stack[t->depth++] = f;
	return 0;
}

static void
frame_release(struct frame *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->names[i]);
	free(f->names);
	free(f->rel);
}

/* Write the header of full, named name; *is_dir says to walk into it. */
static int
tar_entry(struct cp_tar *t, const char *full, const char *name, bool *is_dir)
{
	struct archive *a = tar_pull_archive(t->pull);
	struct archive_entry *ae;
	struct stat st;
	int ret = 0;

	*is_dir = false;
	if (lstat(full, &st) < 0)
		return tar_fail(t, full, strerror(errno));
	/* Sockets cannot be archived; docker skips them too. */
	if (S_ISSOCK(st.st_mode))
		return 0;
	ae = archive_entry_new();
	archive_entry_copy_pathname(ae, name);
	archive_entry_copy_stat(ae, &st);
	if (!t->keep_owner) {
		archive_entry_set_uid(ae, 0);
		archive_entry_set_gid(ae, 0);
	}
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlink(full, target, sizeof(target) - 1);

		if (n < 0) {
			ret = tar_fail(t, full, strerror(errno));
			goto done;
		}
		target[n] = '\0';
		archive_entry_copy_symlink(ae, target);
		archive_entry_set_size(ae, 0);
	} else if (S_ISREG(st.st_mode)) {
		int fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

		if (fd < 0) {
			ret = tar_fail(t, full, strerror(errno));
			goto done;
		}
		tar_pull_data(t->pull, fd, st.st_size, full);
	} else {
		archive_entry_set_size(ae, 0);
	}
	if (archive_write_header(a, ae) < ARCHIVE_WARN) {
		ret = tar_fail(t, full, archive_error_string(a));
		goto done;
	}
	*is_dir = S_ISDIR(st.st_mode);
done:
	archive_entry_free(ae);
	return ret;
}

/* The next entry of the walk, or the end of the archive. */
static int
tar_next(void *arg)
{
	struct cp_tar *t = arg;
	struct frame *f;
	char *rel, *full, *name;
	bool is_dir;
	int ret;

	if (!t->root_done) {
		t->root_done = true;
		if (tar_entry(t, t->path, t->root, &is_dir) < 0)
			return -1;
		return is_dir ? tar_push_dir(t, t->path, xstrdup("")) : 0;
	}
	if (t->depth == 0) {
		if (tar_pull_close(t->pull) < 0)
			return tar_fail(t, t->path,
					archive_error_string(
						tar_pull_archive(t->pull)));
		return 0;
	}
	f = &t->stack[t->depth - 1];
	if (f->next == f->n) {
		frame_release(f);
		t->depth--;
		return 0;
	}
	rel = *f->rel ? xasprintf("%s/%s", f->rel, f->names[f->next]) :
			xstrdup(f->names[f->next]);
	f->next++;
	full = xasprintf("%s/%s", t->path, rel);
	name = xasprintf("%s/%s", t->root, rel);
	ret = tar_entry(t, full, name, &is_dir);
	if (ret == 0 && is_dir)
		ret = tar_push_dir(t, full, rel);
	else
		free(rel);
	free(full);
	free(name);
	return ret;
}

long
cp_tar_read(struct cp_tar *t, char *buf, size_t size)
{
	return tar_pull_read(t->pull, buf, size);
}

void
cp_tar_free(struct cp_tar *t)
{
	if (t == NULL)
		return;
	tar_pull_free(t->pull);
	while (t->depth)
		frame_release(&t->stack[--t->depth]);
	free(t->stack);
	free(t->path);
	free(t->root);
	free(t);
}

/* ---- extraction ---- */

struct untar_src {
	cp_read_fn read;
	void *arg;
	bool failed; /* the reader reported already */
};

static la_ssize_t
on_untar_read(struct archive *a, void *arg, const void **buf)
{
	struct untar_src *s = arg;
	long n = s->read(s->arg, buf);

	if (n < 0) {
		s->failed = true;
		return -1;
	}
	return (la_ssize_t)n;
}

/* name with from renamed to to, checked; NULL after reporting. */
static char *
untar_name(const char *name, const char *from, const char *to)
{
	char *renamed = cp_rename_entry(name, from, to);

	if (renamed == NULL)
		renamed = xstrdup(name);
	if (!cp_entry_safe(renamed)) {
		error("refusing to extract \"%s\": %s", name,
		      cp_strerror(CP_ERR_UNSAFE_NAME));
		free(renamed);
		return NULL;
	}
	return renamed;
}

/* Copy one entry's data blocks from r to w. */
static int
untar_data(struct archive *r, struct archive *w, const char *name)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	int rc;

	while ((rc = archive_read_data_block(r, &buf, &size, &off)) ==
	       ARCHIVE_OK) {
		if (archive_write_data_block(w, buf, size, off) < 0)
			return error("cannot write \"%s\": %s", name,
				     archive_error_string(w));
	}
	if (rc != ARCHIVE_EOF)
		return error("cannot read \"%s\" from the archive: %s", name,
			     archive_error_string(r));
	return 0;
}

/* Every entry of r, extracted through w (in the current directory). */
static int
untar_entries(struct archive *r, struct archive *w, struct untar_src *s,
	      const char *from, const char *to)
{
	struct archive_entry *e;
	int rc;

	while ((rc = archive_read_next_header(r, &e)) != ARCHIVE_EOF) {
		char *name, *link = NULL;
		const char *hl;
		int ret = 0;

		if (rc < ARCHIVE_WARN) {
			if (s->failed)
				return -1;
			return error("cannot read the archive: %s",
				     archive_error_string(r));
		}
		name = untar_name(archive_entry_pathname(e), from, to);
		if (name == NULL)
			return -1;
		archive_entry_copy_pathname(e, name);
		hl = archive_entry_hardlink(e);
		if (hl && (link = untar_name(hl, from, to)) == NULL) {
			free(name);
			return -1;
		}
		if (link)
			archive_entry_copy_hardlink(e, link);
		if (archive_write_header(w, e) < ARCHIVE_WARN)
			ret = error("cannot extract \"%s\": %s", name,
				    archive_error_string(w));
		else if (untar_data(r, w, name) < 0)
			ret = -1;
		else if (archive_write_finish_entry(w) < ARCHIVE_WARN)
			ret = error("cannot extract \"%s\": %s", name,
				    archive_error_string(w));
		free(name);
		free(link);
		if (ret < 0)
			return -1;
	}
	return 0;
}

int
cp_untar(const char *dir, const char *from, const char *to, cp_read_fn read,
	 void *arg)
{
	struct untar_src s = { read, arg, false };
	struct archive *r = NULL, *w = NULL;
	int cwd = -1, ret = -1;

	if (archive_lazy_load() < 0)
		return -1;
	cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0)
		return error("cannot open the current directory: %s",
			     strerror(errno));
	/* Names stay relative, so libarchive can refuse what climbs out. */
	if (chdir(dir) < 0) {
		error("cannot enter %s: %s", dir, strerror(errno));
		goto done;
	}
	r = archive_read_new();
	w = archive_write_disk_new();
	if (r == NULL || w == NULL) {
		error("cannot initialise libarchive");
		goto done;
	}
	archive_read_support_format_tar(r);
	archive_write_disk_set_options(
		w, ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
			   ARCHIVE_EXTRACT_SECURE_NODOTDOT |
			   ARCHIVE_EXTRACT_SECURE_SYMLINKS |
			   ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
	if (archive_read_open(r, &s, NULL, on_untar_read, NULL) != ARCHIVE_OK) {
		if (!s.failed)
			error("cannot read the archive: %s",
			      archive_error_string(r));
		goto done;
	}
	if (untar_entries(r, w, &s, from, to) < 0)
		goto done;
	/* Closing sets the directories' modes and times, last. */
	if (archive_write_close(w) != ARCHIVE_OK) {
		error("cannot finish extracting into %s: %s", dir,
		      archive_error_string(w));
		goto done;
	}
	ret = 0;
done:
	if (r)
		archive_read_free(r);
	if (w)
		archive_write_free(w);
	if (fchdir(cwd) < 0)
		ret = error("cannot return to the current directory: %s",
			    strerror(errno));
	close(cwd);
	return ret;
}
