/*
 * build_context.c - scan a build context and stream it as a tar
 * (build_context.h).
 *
 * The tar is made by tar_pull.h into a small buffer that the upload
 * drains; the next entry or the next 64 KiB of a file is produced only
 * when the buffer runs short.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive_lazy.h"
#include "buf.h"
#include "build_context.h"
#include "dockerignore.h"
#include "log.h"
#include "strv.h"
#include "tar_pull.h"
#include "xalloc.h"

/* (dev, inode) -> entry index, for hard links: open addressing. */
struct ino_slot {
	dev_t dev;
	ino_t ino;
	size_t idx; /* 1 + entry index; 0: empty */
};

struct ino_map {
	struct ino_slot *slots;
	size_t cap, n;
};

static size_t
ino_hash(dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ull ^ (uint64_t)dev;
	return (size_t)(h ^ (h >> 29));
}

/* The entry already seen with this inode (1 + index), or 0 after adding idx. */
static size_t
ino_map_get_or_add(struct ino_map *m, dev_t dev, ino_t ino, size_t idx)
{
	if (2 * (m->n + 1) > m->cap) {
		struct ino_map big = { 0 };

		big.cap = m->cap ? 2 * m->cap : 64;
		big.slots = xcalloc(big.cap, sizeof(*big.slots));
		for (size_t i = 0; i < m->cap; i++)
			if (m->slots[i].idx)
				ino_map_get_or_add(&big, m->slots[i].dev,
						   m->slots[i].ino,
						   m->slots[i].idx - 1);
		free(m->slots);
		*m = big;
	}
	for (size_t i = ino_hash(dev, ino) & (m->cap - 1);;
	     i = (i + 1) & (m->cap - 1)) {
		struct ino_slot *s = &m->slots[i];

		if (s->idx == 0) {
			s->dev = dev;
			s->ino = ino;
			s->idx = idx + 1;
			m->n++;
			return 0;
		}
		if (s->dev == dev && s->ino == ino)
			return s->idx;
	}
}

struct scan {
	struct build_context *c;
	struct dockerignore ig;
	struct ino_map inodes;
	struct buf path; /* relative path of the directory being walked */
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct ctx_entry *
entry_add(struct build_context *c)
{
	struct ctx_entry *e;

	ALLOC_GROW(c->e, c->n + 1, c->alloc);
	e = &c->e[c->n++];
	memset(e, 0, sizeof(*e));
	return e;
}

static void
entry_from_stat(struct ctx_entry *e, const struct stat *st)
{
	e->mode = st->st_mode;
	e->size = S_ISREG(st->st_mode) ? st->st_size : 0;
	e->dev = st->st_dev;
	e->rdev = st->st_rdev;
	e->ino = st->st_ino;
	e->mtime_ns =
		(int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	e->ctime_ns =
		(int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec;
}

static char *
read_link_at(int dirfd, const char *name, size_t hint)
{
	size_t cap = hint + 1 > 64 ? hint + 1 : 64;

	for (;;) {
		char *buf = xmalloc(cap);
		ssize_t n = readlinkat(dirfd, name, buf, cap);

		if (n < 0) {
			free(buf);
			return NULL;
		}
		if ((size_t)n < cap) {
			buf[n] = '\0';
			return buf;
		}
		free(buf);
		cap *= 2;
	}
}

static int walk(struct scan *s, int dirfd, const bool *parent);

/* One name in the directory at dirfd (s->path is its relative path). */
static int
walk_one(struct scan *s, int dirfd, const char *name, const bool *parent)
{
	struct build_context *c = s->c;
	struct stat st;
	bool *bits = NULL;
	bool skip;
	int ret = 0;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return error("cannot stat \"%s/%s\": %s", c->dir, s->path.ptr,
			     strerror(errno));
	if (S_ISSOCK(st.st_mode))
		return 0; /* as the engine's own tar code, skip sockets */
	if (S_ISDIR(st.st_mode) && s->ig.n)
		bits = xcalloc(s->ig.n, sizeof(*bits));
	skip = s->ig.n && dockerignore_match(&s->ig, s->path.ptr, parent, bits);
	if (skip && (!S_ISDIR(st.st_mode) ||
		     dockerignore_can_prune(&s->ig, s->path.ptr)))
		goto done;
	if (!skip) {
		struct ctx_entry *e = entry_add(c);
		size_t idx = c->n - 1;

		e->path = xstrdup(s->path.ptr);
		entry_from_stat(e, &st);
		if (S_ISLNK(st.st_mode)) {
			e->link = read_link_at(dirfd, name, (size_t)st.st_size);
			if (e->link == NULL) {
				ret = error("cannot read link \"%s/%s\": %s",
					    c->dir, s->path.ptr,
					    strerror(errno));
				goto done;
			}
		} else if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
			e->hardlink = ino_map_get_or_add(&s->inodes, st.st_dev,
							 st.st_ino, idx);
			if (e->hardlink)
				e->size = 0;
		}
	}
	if (S_ISDIR(st.st_mode)) {
		int fd =
			openat(dirfd, name,
			       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (fd < 0) {
			ret = error("cannot read directory \"%s/%s\": %s",
				    c->dir, s->path.ptr, strerror(errno));
			goto done;
		}
		ret = walk(s, fd, bits);
		close(fd);
	}
done:
	free(bits);
	return ret;
}

/* Walk the directory at dirfd; parent: its match bits (NULL at the top). */
static int
walk(struct scan *s, int dirfd, const bool *parent)
{
	struct strv names = STRV_INIT;
	struct dirent *de;
	size_t base = s->path.len;
	int fd = dup(dirfd), ret = 0;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return error("cannot read directory \"%s/%s\": %s", s->c->dir,
			     s->path.ptr, strerror(errno));
	}
	errno = 0;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			strv_push(&names, de->d_name);
	}
	if (errno)
		ret = error("cannot read directory \"%s/%s\": %s", s->c->dir,
			    s->path.ptr, strerror(errno));
	closedir(d);
	qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	for (size_t i = 0; ret == 0 && i < names.n; i++) {
		if (base)
			buf_addch(&s->path, '/');
		buf_adds(&s->path, names.v[i]);
		ret = walk_one(s, dirfd, names.v[i], parent);
		buf_setlen(&s->path, base);
	}
	strv_clear(&names);
	return ret;
}

static int
read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;

	if (f == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	if (ferror(f)) {
		fclose(f);
		buf_release(&b);
		return -1;
	}
	fclose(f);
	*out = buf_detach(&b, len);
	return 0;
}

/* Read the ignore file at path into s->ig when it exists. */
static int
load_ignore(struct scan *s, const char *path)
{
	char *text;
	size_t len;
	int ret;

	if (read_file(path, &text, &len) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 1;
		return error("cannot read \"%s\": %s", path, strerror(errno));
	}
	s->c->ignore_file = xstrdup(path);
	ret = dockerignore_parse(&s->ig, text, len, path);
	free(text);
	return ret;
}

static struct ctx_entry *
entry_find(struct build_context *c, const char *path)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->e[i].path, path) == 0)
			return &c->e[i];
	return NULL;
}

/*
 * Send text as the Dockerfile under a generated name, and add that name
 * to .dockerignore so that the engine leaves it out of COPY . (the docker
 * CLI does the same for a Dockerfile from stdin or outside the context).
 */
static void
add_generated(struct build_context *c, char *text, size_t len)
{
	struct build_context gen = { 0 };
	struct ctx_entry *di = entry_find(c, ".dockerignore");
	struct ctx_entry *e;
	struct buf ign = BUF_INIT;
	char *old = NULL;
	size_t oldlen = 0;

	if (di && S_ISREG(di->mode) && di->hardlink == 0) {
		char *path = xasprintf("%s/.dockerignore", c->dir);
		if (read_file(path, &old, &oldlen) == 0)
			buf_add(&ign, old, oldlen);
		free(path);
		free(old);
	}
	buf_addf(&ign, "\n%s\n", BUILD_GENERATED_DOCKERFILE);

	e = entry_add(&gen);
	e->path = xstrdup(BUILD_GENERATED_DOCKERFILE);
	e->mode = S_IFREG | 0600;
	e->data = text;
	e->data_len = len;
	e->size = (off_t)len;
	if (di == NULL) {
		e = entry_add(&gen);
		e->path = xstrdup(".dockerignore");
		e->mode = S_IFREG | 0600;
	} else {
		e = di;
		e->hardlink = 0;
		e->mode = S_IFREG | (e->mode & 07777);
	}
	e->data = buf_detach(&ign, &e->data_len);
	e->size = (off_t)e->data_len;
	/* Generated entries go first, then the walk's. */
	ALLOC_GROW(gen.e, gen.n + c->n, gen.alloc);
	if (c->n) /* an empty walk has no array at all */
		memcpy(gen.e + gen.n, c->e, c->n * sizeof(*c->e));
	gen.n += c->n;
	for (size_t i = 0; i < gen.n; i++)
		if (gen.e[i].hardlink)
			gen.e[i].hardlink += gen.n - c->n;
	free(c->e);
	c->e = gen.e;
	c->n = gen.n;
	c->alloc = gen.alloc;
}

int
build_context_scan(struct build_context *c, const char *dir,
		   const char *dockerfile, const char *inline_text)
{
	struct scan s = { .c = c, .path = BUF_INIT };
	struct stat st;
	char *df_abs = NULL, *df_text = NULL, *ignore = NULL;
	size_t df_len = 0;
	const char *rel = NULL;
	int fd = -1, ret = -1;

	memset(c, 0, sizeof(*c));
	dockerignore_init(&s.ig);
	c->dir = path_clean(dir);
	if (stat(c->dir, &st) < 0) {
		error("build context \"%s\": %s", c->dir, strerror(errno));
		goto done;
	}
	if (!S_ISDIR(st.st_mode)) {
		error("build context \"%s\" is not a directory", c->dir);
		goto done;
	}

	if (inline_text) {
		df_text = xstrdup(inline_text);
		df_len = strlen(df_text);
	} else {
		size_t dlen = strlen(c->dir);
		char *joined;

		if (dockerfile == NULL || *dockerfile == '\0')
			dockerfile = "Dockerfile";
		joined = dockerfile[0] == '/' ?
				 xstrdup(dockerfile) :
				 xasprintf("%s/%s", c->dir, dockerfile);
		df_abs = path_clean(joined);
		free(joined);
		if (strncmp(df_abs, c->dir, dlen) == 0 && df_abs[dlen] == '/' &&
		    df_abs[dlen + 1])
			rel = df_abs + dlen + 1;
		else if (strcmp(c->dir, "/") == 0)
			rel = df_abs + 1;
		if (stat(df_abs, &st) < 0) {
			error("cannot find the Dockerfile \"%s\": %s", df_abs,
			      strerror(errno));
			goto done;
		}
		if (!S_ISREG(st.st_mode)) {
			error("the Dockerfile \"%s\" is not a file", df_abs);
			goto done;
		}
		if (rel == NULL && read_file(df_abs, &df_text, &df_len) < 0) {
			error("cannot read the Dockerfile \"%s\": %s", df_abs,
			      strerror(errno));
			goto done;
		}
		/* <Dockerfile>.dockerignore wins over the context's. */
		ignore = xasprintf("%s.dockerignore", df_abs);
		ret = load_ignore(&s, ignore);
		free(ignore);
		if (ret < 0)
			goto done;
	}
	if (c->ignore_file == NULL) {
		ignore = xasprintf("%s/.dockerignore", c->dir);
		ret = load_ignore(&s, ignore);
		free(ignore);
		if (ret < 0)
			goto done;
	}
	ret = -1;
	/* Whatever the patterns say, the build files are sent. */
	if (dockerignore_excludes(&s.ig, ".dockerignore"))
		dockerignore_add(&s.ig, "!.dockerignore", "berth");
	if (rel && dockerignore_excludes(&s.ig, rel)) {
		char *keep = xasprintf("!%s", rel);
		if (dockerignore_add(&s.ig, keep, "berth") < 0) {
			free(keep);
			goto done;
		}
		free(keep);
	}
	c->dockerfile = xstrdup(rel ? rel : BUILD_GENERATED_DOCKERFILE);

	fd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		error("cannot read directory \"%s\": %s", c->dir,
		      strerror(errno));
		goto done;
	}
	if (walk(&s, fd, NULL) < 0)
		goto done;
	if (df_text) {
		add_generated(c, df_text, df_len);
		df_text = NULL;
	}
	ret = 0;
done:
	if (fd >= 0)
		close(fd);
	free(df_abs);
	free(df_text);
	free(s.inodes.slots);
	buf_release(&s.path);
	dockerignore_release(&s.ig);
	if (ret < 0)
		build_context_release(c);
	return ret;
}

void
build_context_release(struct build_context *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->e[i].path);
		free(c->e[i].link);
		free(c->e[i].data);
	}
	free(c->e);
	free(c->dir);
	free(c->dockerfile);
	free(c->ignore_file);
	memset(c, 0, sizeof(*c));
}

/* ---- the tar stream ---- */

struct tar_stream {
	const struct build_context *c;
	struct tar_pull *pull;
	size_t next; /* next entry */
};

static int
tar_fail(void *arg, const char *path, const char *why)
{
	struct tar_stream *t = arg;

	return error("cannot add \"%s/%s\" to the build context: %s", t->c->dir,
		     path, why);
}

/* Write the next entry's header (and open its file), or end the tar. */
static int
tar_next_entry(void *arg)
{
	struct tar_stream *t = arg;
	struct archive *a = tar_pull_archive(t->pull);
	const struct ctx_entry *e;
	struct archive_entry *ae;
	int ret = 0;

	if (t->next == t->c->n) {
		if (tar_pull_close(t->pull) < 0)
			return error("cannot finish the build context tar: %s",
				     archive_error_string(a));
		return 0;
	}
	e = &t->c->e[t->next++];
	ae = archive_entry_new();
	archive_entry_copy_pathname(ae, e->path);
	archive_entry_set_mode(ae, e->mode);
	archive_entry_set_uid(ae, 0);
	archive_entry_set_gid(ae, 0);
	/* Whole seconds, as the engine's own tar code writes them. */
	archive_entry_set_mtime(ae, (time_t)(e->mtime_ns / 1000000000), 0);
	if (e->link) {
		archive_entry_copy_symlink(ae, e->link);
	} else if (e->hardlink) {
		archive_entry_copy_hardlink(ae, t->c->e[e->hardlink - 1].path);
		archive_entry_set_size(ae, 0);
	} else if (S_ISREG(e->mode)) {
		off_t size = e->size;

		if (e->data == NULL) {
			char *path = xasprintf("%s/%s", t->c->dir, e->path);
			int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			struct stat st;

			free(path);
			if (fd < 0 || fstat(fd, &st) < 0) {
				ret = tar_fail(t, e->path, strerror(errno));
				if (fd >= 0)
					close(fd);
				goto done;
			}
			/* The file may have changed since the scan. */
			size = st.st_size;
			tar_pull_data(t->pull, fd, size, e->path);
		}
		archive_entry_set_size(ae, size);
	} else if (S_ISCHR(e->mode) || S_ISBLK(e->mode)) {
		archive_entry_set_rdev(ae, e->rdev);
	}
	if (archive_write_header(a, ae) < ARCHIVE_WARN) {
		ret = tar_fail(t, e->path, archive_error_string(a));
		goto done;
	}
	if (e->data && archive_write_data(a, e->data, e->data_len) < 0)
		ret = tar_fail(t, e->path, archive_error_string(a));
done:
	archive_entry_free(ae);
	return ret;
}

struct tar_stream *
tar_stream_new(const struct build_context *c)
{
	struct tar_stream *t = xcalloc(1, sizeof(*t));

	t->c = c;
	t->pull = tar_pull_new(tar_next_entry, tar_fail, t);
	/* Callers cannot fail here; without a tar nothing sensible follows. */
	if (tar_pull_start(t->pull) < 0)
		exit(1);
	return t;
}

long
tar_stream_read(struct tar_stream *t, char *buf, size_t size)
{
	return tar_pull_read(t->pull, buf, size);
}

void
tar_stream_free(struct tar_stream *t)
{
	if (t == NULL)
		return;
	tar_pull_free(t->pull);
	free(t);
}
