/*
 * fixture.h - scratch files for unit tests: write a file below a
 * temporary directory (making its parents), remove the directory again.
 * A test cannot go on without its fixture, so failures exit.
 */
#ifndef BERTH_FIXTURE_H
#define BERTH_FIXTURE_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xalloc.h"

/* Write dir/rel with text, making directories on the way; returns the
 * path (caller frees). */
static inline char *
fixture_write(const char *dir, const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", dir, rel);
	FILE *f;

	for (char *s = strchr(path + strlen(dir) + 1, '/'); s;
	     s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
		exit(1);
	}
	fputs(text, f);
	fclose(f);
	return path;
}

/* rm -rf dir: what a test made below it goes too. */
static inline void
fixture_rm_rf(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
}

#endif
