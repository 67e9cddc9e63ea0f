/*
 * tar_pull.c - a tar made on demand into a small buffer that the reader
 * drains (tar_pull.h).
 */
#include "tar_pull.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive_lazy.h"
#include "buf.h"
#include "log.h"
#include "xalloc.h"

#define CHUNK (64 * 1024)

struct tar_pull {
	tar_pull_next_fn next;
	tar_pull_fail_fn fail;
	void *arg;
	struct archive *a;
	struct buf out; /* produced, not yet read */
	size_t off;	/* read offset into out */
	int fd;		/* file whose data is being written, or -1 */
	off_t left;	/* its bytes still to write */
	char *fd_path;
	char *chunk;
	bool closed, failed;
};

static la_ssize_t
on_write(struct archive *a, void *arg, const void *data, size_t len)
{
	struct tar_pull *p = arg;

	buf_add(&p->out, data, len);
	return (la_ssize_t)len;
}

struct tar_pull *
tar_pull_new(tar_pull_next_fn next, tar_pull_fail_fn fail, void *arg)
{
	struct tar_pull *p = xcalloc(1, sizeof(*p));

	p->next = next;
	p->fail = fail;
	p->arg = arg;
	p->fd = -1;
	buf_init(&p->out);
	return p;
}

/* Load libarchive and open the tar. 0, or -1 after reporting. */
static int
open_tar(struct tar_pull *p)
{
	if (archive_lazy_load() < 0)
		return -1;
	p->a = archive_write_new();
	if (p->a == NULL)
		return error(
			"cannot start a tar: cannot initialise libarchive");
	p->chunk = xmalloc(CHUNK);
	archive_write_set_format_pax_restricted(p->a);
	/* Names are bytes, as on disk: no charset conversion. */
	archive_write_set_options(p->a, "hdrcharset=BINARY");
	archive_write_set_bytes_in_last_block(p->a, 1);
	if (archive_write_open2(p->a, p, NULL, on_write, NULL, NULL) !=
	    ARCHIVE_OK)
		return error("cannot start a tar: %s",
			     archive_error_string(p->a));
	return 0;
}

int
tar_pull_start(struct tar_pull *p)
{
	if (p->a == NULL && !p->failed && open_tar(p) < 0)
		p->failed = true;
	return p->failed ? -1 : 0;
}

struct archive *
tar_pull_archive(struct tar_pull *p)
{
	return p->a;
}

void
tar_pull_data(struct tar_pull *p, int fd, off_t size, const char *path)
{
	if (p->fd >= 0)
		BUG("the data of \"%s\" was not written", p->fd_path);
	p->fd = fd;
	p->left = size;
	free(p->fd_path);
	p->fd_path = xstrdup(path);
}

int
tar_pull_close(struct tar_pull *p)
{
	if (archive_write_close(p->a) != ARCHIVE_OK)
		return -1;
	p->closed = true;
	return 0;
}

/* Write the next chunk of the current file's data. */
static int
produce_data(struct tar_pull *p)
{
	size_t want = p->left < CHUNK ? (size_t)p->left : CHUNK;
	ssize_t n = want ? read(p->fd, p->chunk, want) : 0;

	if (n < 0)
		return p->fail(p->arg, p->fd_path, strerror(errno));
	if (n > 0 && archive_write_data(p->a, p->chunk, (size_t)n) < 0)
		return p->fail(p->arg, p->fd_path, archive_error_string(p->a));
	p->left -= n;
	/* A file that shrank meanwhile is padded by libarchive. */
	if (n == 0 || p->left == 0) {
		close(p->fd);
		p->fd = -1;
	}
	return 0;
}

long
tar_pull_read(struct tar_pull *p, char *buf, size_t size)
{
	size_t n;

	if (tar_pull_start(p) < 0)
		return -1;
	/* Fill the caller's buffer: each read is one upload chunk. */
	while (p->out.len - p->off < size && !p->closed) {
		if (p->off) {
			buf_consume(&p->out, p->off);
			p->off = 0;
		}
		if ((p->fd >= 0 ? produce_data(p) : p->next(p->arg)) < 0) {
			p->failed = true;
			return -1;
		}
	}
	n = p->out.len - p->off;
	if (n > size)
		n = size;
	memcpy(buf, p->out.ptr + p->off, n);
	p->off += n;
	return (long)n;
}

void
tar_pull_free(struct tar_pull *p)
{
	if (p == NULL)
		return;
	if (p->fd >= 0)
		close(p->fd);
	if (p->a)
		archive_write_free(p->a);
	buf_release(&p->out);
	free(p->chunk);
	free(p->fd_path);
	free(p);
}
