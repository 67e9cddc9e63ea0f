/*
 * build_context.h - a build context: the filtered file list, and its tar.
 *
 * build_context_scan walks the context directory once, in the order Go's
 * filepath.Walk uses (names sorted bytewise, a directory before what is
 * in it), honouring .dockerignore (or <Dockerfile>.dockerignore next to
 * the Dockerfile, which wins) the way the docker CLI does; the Dockerfile
 * and .dockerignore are always kept. Symbolic links are recorded as links
 * and never followed. Only metadata is held; file contents are read when
 * hashed (build_digest.h) and when the tar is produced.
 *
 * tar_stream produces the tar on demand, a piece at a time, for a
 * streamed upload: memory stays bounded whatever the context's size.
 */
#ifndef BERTH_BUILD_CONTEXT_H
#define BERTH_BUILD_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ctx_entry {
	char *path;	 /* relative, '/'-separated, no trailing '/' */
	char *link;	 /* symlink target, or NULL */
	size_t hardlink; /* 1 + index of the entry it is a hard link to, or 0 */
	char *data;	 /* generated content (not on disk), or NULL */
	size_t data_len;
	mode_t mode; /* st_mode: type and permissions */
	off_t size;
	dev_t dev, rdev;
	ino_t ino;
	int64_t mtime_ns, ctime_ns;
	unsigned char sum[32]; /* sha256 of the content (files), see
				  build_digest.h */
	bool summed;
};

struct build_context {
	char *dir;	   /* the context directory, absolute */
	char *dockerfile;  /* its name in the tar: the dockerfile= parameter */
	char *ignore_file; /* the ignore file that was read, or NULL */
	struct ctx_entry *e; /* walk order; generated entries first */
	size_t n, alloc;
};

/* The name under which a Dockerfile from outside the context is sent. */
#define BUILD_GENERATED_DOCKERFILE ".dockerfile.berth"

/*
 * Scan dir. dockerfile: relative to dir, or absolute (NULL: "Dockerfile");
 * a Dockerfile outside dir, or inline_text (dockerfile_inline), is sent
 * as a generated file added to .dockerignore, as the docker CLI does.
 * Returns 0, or -1 after reporting (missing directory or Dockerfile, bad
 * ignore pattern, unreadable directory).
 */
int build_context_scan(struct build_context *c, const char *dir,
		       const char *dockerfile, const char *inline_text);
void build_context_release(struct build_context *c);

struct tar_stream;

struct tar_stream *tar_stream_new(const struct build_context *c);
/*
 * Up to size bytes of the tar into buf. Returns the byte count, 0 at the
 * end, or -1 after reporting (a file could not be read).
 */
long tar_stream_read(struct tar_stream *t, char *buf, size_t size);
void tar_stream_free(struct tar_stream *t);

#endif
