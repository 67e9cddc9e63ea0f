/*
 * build_digest.h - what an image was built from, as one sha256.
 *
 * The digest covers the filtered context (each entry's path, type,
 * permissions, link target and content), the Dockerfile (its name, and
 * its text when generated), the build args, the target and the build
 * labels. Modification times and owners are left out: touching a file
 * does not make an image stale, editing it does.
 *
 * Hashing every file each time would be slow for big contexts, so a stat
 * cache keeps each file's (size, mtime, ctime, inode, device) with its
 * content hash: a file whose stat is unchanged is not read again. A
 * manifest written after each successful build (path -> entry hash) lets
 * build_manifest_diff say which paths changed since.
 */
#ifndef BERTH_BUILD_DIGEST_H
#define BERTH_BUILD_DIGEST_H

#include <jansson.h>
#include <stdbool.h>

#include "build_context.h"

struct build_params {
	const json_t *args;   /* object: KEY -> string value (resolved) */
	const char *target;   /* or NULL */
	const json_t *labels; /* object: KEY -> string, or NULL */
	const char *platform; /* "linux/amd64", or NULL: the engine's own */
};

/*
 * Fill sum for every file of c, taking it from the stat cache file at
 * cache_path when the file's stat is unchanged (NULL: no cache), and
 * rewrite the cache when anything changed. Returns 0, or -1 after
 * reporting a file that cannot be read.
 */
int build_digest_files(struct build_context *c, const char *cache_path);

/* The digest, 64 hex digits, of a context whose files are summed. */
void build_digest(const struct build_context *c, const struct build_params *bp,
		  char out[65]);

/* Record the inputs of a successful build whose digest is digest. */
int build_manifest_save(const char *path, const char *digest,
			const struct build_context *c,
			const struct build_params *bp);

/*
 * What changed since the build with digest old, from the manifest at
 * path: "context changed: a.c, src/b.c", "build args changed", ... NULL
 * when that manifest is missing or belongs to another build. Caller frees.
 */
char *build_manifest_diff(const char *path, const char *old,
			  const struct build_context *c,
			  const struct build_params *bp);

/*
 * Does c hold a symbolic link that the last build (manifest at path) had
 * with another target? The engine's classic builder keys its COPY cache
 * on the files without the links' targets, so such a build must not use
 * the cache (found: the old target came back from a cached layer).
 */
bool build_manifest_relinked(const char *path, const struct build_context *c);

#endif
