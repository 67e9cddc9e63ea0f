/*
 * dockerignore.h - .dockerignore patterns with the engine's semantics.
 *
 * The rules are moby's patternmatcher and its ignore-file reader, which
 * the docker CLI uses to filter a classic build context:
 *  - a line starting with '#' is a comment; lines are trimmed; a leading
 *    '!' makes an exception; patterns are cleaned like Go's filepath.Clean
 *    and a leading '/' is dropped;
 *  - '*' and '?' never match '/'; '[...]' is a class; '\' escapes; '**'
 *    matches any number of directories; a pattern that matches a directory
 *    matches everything under it;
 *  - later patterns win: "!x" re-includes what an earlier pattern excluded.
 * Paths given to the matchers are relative, '/'-separated and clean.
 */
#ifndef BERTH_DOCKERIGNORE_H
#define BERTH_DOCKERIGNORE_H

#include <stdbool.h>
#include <stddef.h>

struct ignore_pattern;

struct dockerignore {
	struct ignore_pattern *pats;
	size_t n, alloc;
	bool exclusions; /* any "!" pattern */
};

#define DOCKERIGNORE_INIT         \
	{                         \
		NULL, 0, 0, false \
	}

void dockerignore_init(struct dockerignore *d);
void dockerignore_release(struct dockerignore *d);

/*
 * Read the patterns of an ignore file's text (len bytes). origin names the
 * file in error messages. Returns 0, or -1 after reporting a bad pattern
 * ("FILE:LINE: ...").
 */
int dockerignore_parse(struct dockerignore *d, const char *text, size_t len,
		       const char *origin);
/* Add one pattern as moby's patternmatcher.New takes it ("!x" allowed). */
int dockerignore_add(struct dockerignore *d, const char *pattern,
		     const char *origin);

/*
 * Is path excluded? For a walk: parent holds the d->n match bits of the
 * parent directory (NULL at the top, or without a walk), and bits (may be
 * NULL) receives this path's bits for its children. Without parent bits,
 * the parent directories are tried against each pattern as well.
 */
bool dockerignore_match(const struct dockerignore *d, const char *path,
			const bool *parent, bool *bits);
/* Shorthand: dockerignore_match without walk state. */
bool dockerignore_excludes(const struct dockerignore *d, const char *path);
/*
 * An excluded directory can be skipped whole unless an exception pattern
 * might re-include something below it.
 */
bool dockerignore_can_prune(const struct dockerignore *d, const char *dir);

/* Go's filepath.Clean on a '/'-separated path. Caller frees. */
char *path_clean(const char *path);

#endif
