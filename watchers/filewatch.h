/*
 * filewatch.h - watch directory trees for changes, on the libev loop.
 *
 * inotify with one watch per directory: a directory added later is
 * watched as soon as it appears (and reported, so what was written into
 * it before the watch existed is not missed). Directories the skip
 * callback rejects (.git, ignored trees) are not watched at all, which
 * keeps the number of watches down.
 *
 * inotify watches are a per-user resource (fs.inotify.max_user_watches).
 * When they run out (ENOSPC), or no inotify instance can be had, berth
 * says so once and falls back to polling: every two seconds it walks the
 * trees and compares modification times and sizes with the last walk.
 */
#ifndef BERTH_FILEWATCH_H
#define BERTH_FILEWATCH_H

#include <stdbool.h>

struct ev_loop;
struct filewatch;

enum filewatch_kind {
	FILEWATCH_CHANGED, /* created, written, moved here, attributes */
	FILEWATCH_REMOVED, /* deleted or moved away */
	FILEWATCH_RESCAN,  /* events were lost: path's tree may differ */
};

/* path is absolute; dir: it is (or was) a directory. */
typedef void (*filewatch_fn)(const char *path, enum filewatch_kind kind,
			     bool dir, void *arg);
/* Should directory path be left unwatched? */
typedef bool (*filewatch_skip_fn)(const char *path, void *arg);

struct filewatch *filewatch_new(struct ev_loop *loop, filewatch_fn fn,
				filewatch_skip_fn skip, void *arg);
void filewatch_free(struct filewatch *w);

/*
 * Watch path: a directory with everything below it, or a single file
 * (through its directory; events for its siblings come too). A path that
 * does not exist yet is picked up when it appears in an existing parent.
 * Returns 0, or -1 after reporting.
 */
int filewatch_add(struct filewatch *w, const char *path);

/* Did it fall back to polling? */
bool filewatch_polling(const struct filewatch *w);
/* Directories watched with inotify. */
unsigned filewatch_count(const struct filewatch *w);

/*
 * Is this file name an editor's temporary, swap or backup file (vim,
 * emacs, JetBrains, kate)? Changes to them are never worth acting on.
 */
bool filewatch_is_temp_file(const char *name);

/* Force the polling fallback (tests) with this period in seconds. */
void filewatch_force_polling(struct filewatch *w, double period);

#endif
