/*
 * filewatch.c - inotify per directory, with a polling fallback
 * (filewatch.h).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ev.h>

#include "buf.h"
#include "filewatch.h"
#include "log.h"
#include "xalloc.h"

#define MASK                                                              \
	(IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE | \
	 IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF |    \
	 IN_ONLYDIR)
#define POLL_PERIOD 2.0

struct wdir {
	char *path; /* NULL: slot unused */
	bool recursive;
};

/* One file seen by a polling walk. */
struct snap {
	char *path;
	long long mtime_ns, size;
	bool dir;
};

struct root {
	char *path;
	bool is_dir; /* a tree, or a single file */
};

struct filewatch {
	struct ev_loop *loop;
	filewatch_fn fn;
	filewatch_skip_fn skip;
	void *arg;
	int fd;
	ev_io io;
	struct wdir *wds; /* indexed by watch descriptor */
	size_t nwds;
	unsigned count;
	struct root *roots;
	size_t nroots, aroots;
	bool polling;
	double period;
	ev_timer poll;
	struct snap *snaps;
	size_t nsnaps, asnaps;
};

static void poll_start(struct filewatch *w, double period);

static int
snap_cmp(const void *a, const void *b)
{
	return strcmp(((const struct snap *)a)->path,
		      ((const struct snap *)b)->path);
}

static bool
skipped(struct filewatch *w, const char *path)
{
	return w->skip && w->skip(path, w->arg);
}

/* Is path a root tree or inside one (so a new directory is watched)? */
static bool
in_tree(struct filewatch *w, const char *path)
{
	for (size_t i = 0; i < w->nroots; i++) {
		size_t n = strlen(w->roots[i].path);
		if (!w->roots[i].is_dir)
			continue;
		if (strncmp(path, w->roots[i].path, n) == 0 &&
		    (path[n] == '\0' || path[n] == '/' ||
		     strcmp(w->roots[i].path, "/") == 0))
			return true;
	}
	return false;
}

static void
fall_back(struct filewatch *w, int err)
{
	const char *why = err == ENOSPC ?
				  "the per-user watch limit is reached" :
				  strerror(err);

	if (w->polling)
		return;
	warning("cannot watch every directory with inotify: %s; polling for "
		"changes every %g s instead",
		why, POLL_PERIOD);
	if (err == ENOSPC) {
		FILE *f = fopen("/proc/sys/fs/inotify/max_user_watches", "r");
		long max = 0;
		if (f && fscanf(f, "%ld", &max) == 1)
			hint("fs.inotify.max_user_watches is %ld; raise it "
			     "with: sysctl fs.inotify.max_user_watches=%ld",
			     max, max * 4);
		if (f)
			fclose(f);
	}
	poll_start(w, POLL_PERIOD);
}

/* One watch on directory path. Returns 0, or -1 when watches ran out. */
static int
watch_dir(struct filewatch *w, const char *path, bool recursive)
{
	int wd = inotify_add_watch(w->fd, path, MASK);

	if (wd < 0) {
		if (errno == ENOSPC || errno == ENOMEM) {
			fall_back(w, errno);
			return -1;
		}
		return 0; /* vanished or unreadable: nothing to watch */
	}
	if ((size_t)wd >= w->nwds) {
		size_t n = (size_t)wd + 64;
		w->wds = xreallocarray(w->wds, n, sizeof(*w->wds));
		memset(w->wds + w->nwds, 0, (n - w->nwds) * sizeof(*w->wds));
		w->nwds = n;
	}
	if (w->wds[wd].path == NULL)
		w->count++;
	free(w->wds[wd].path);
	w->wds[wd].path = xstrdup(path);
	w->wds[wd].recursive = recursive;
	return 0;
}

/*
 * Watch dir and every directory below it. report: also tell about what
 * is inside (a directory that appeared may have been filled already).
 */
static int
watch_tree(struct filewatch *w, const char *dir, bool report)
{
	DIR *d;
	struct dirent *de;
	int ret = 0;

	if (!w->polling && watch_dir(w, dir, true) < 0)
		return -1;
	d = opendir(dir);
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) && ret == 0) {
		char *p;
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		p = xasprintf("%s/%s", strcmp(dir, "/") ? dir : "", de->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (!skipped(w, p)) {
				if (report)
					w->fn(p, FILEWATCH_CHANGED, true,
					      w->arg);
				ret = watch_tree(w, p, report);
			}
		} else if (report) {
			w->fn(p, FILEWATCH_CHANGED, false, w->arg);
		}
		free(p);
	}
	closedir(d);
	return ret;
}

static void
handle(struct filewatch *w, const struct inotify_event *ev)
{
	struct wdir *wd;
	char *path;
	bool dir = (ev->mask & IN_ISDIR) != 0;

	if (ev->mask & IN_Q_OVERFLOW) {
		for (size_t i = 0; i < w->nroots; i++)
			w->fn(w->roots[i].path, FILEWATCH_RESCAN, true, w->arg);
		return;
	}
	if (ev->wd < 0 || (size_t)ev->wd >= w->nwds ||
	    w->wds[ev->wd].path == NULL)
		return;
	wd = &w->wds[ev->wd];
	if (ev->mask & IN_IGNORED) {
		free(wd->path);
		wd->path = NULL;
		w->count--;
		return;
	}
	if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF))
		return; /* its parent reports it */
	if (ev->len == 0)
		return;
	path = xasprintf("%s/%s", strcmp(wd->path, "/") ? wd->path : "",
			 ev->name);
	if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) {
		w->fn(path, FILEWATCH_REMOVED, dir, w->arg);
	} else if (dir && (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
		if (!skipped(w, path)) {
			w->fn(path, FILEWATCH_CHANGED, true, w->arg);
			if (wd->recursive || in_tree(w, path))
				watch_tree(w, path, true);
		}
	} else if (!dir) {
		w->fn(path, FILEWATCH_CHANGED, false, w->arg);
	}
	free(path);
}

static void
on_inotify(struct ev_loop *loop, ev_io *io, int revents)
{
	struct filewatch *w = io->data;
	char data[64 * 1024]
		__attribute__((aligned(__alignof__(struct inotify_event))));

	for (;;) {
		ssize_t n = read(w->fd, data, sizeof(data));
		if (n <= 0)
			return;
		for (char *p = data; p < data + n;) {
			const struct inotify_event *ev = (void *)p;
			handle(w, ev);
			if (w->polling)
				return; /* fell back meanwhile */
			p += sizeof(*ev) + ev->len;
		}
	}
}

/* --- the polling fallback --- */

static void
snap_walk(struct filewatch *w, const char *dir, struct snap **v, size_t *n,
	  size_t *alloc)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d))) {
		struct stat st;
		char *p;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		p = xasprintf("%s/%s", strcmp(dir, "/") ? dir : "", de->d_name);
		if (lstat(p, &st) < 0) {
			free(p);
			continue;
		}
		bool isdir = S_ISDIR(st.st_mode);
		if (isdir && skipped(w, p)) {
			free(p);
			continue;
		}
		ALLOC_GROW(*v, *n + 1, *alloc);
		(*v)[*n].path = p;
		(*v)[*n].mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000 +
				    st.st_mtim.tv_nsec;
		(*v)[*n].size = isdir ? 0 : (long long)st.st_size;
		(*v)[*n].dir = isdir;
		(*n)++;
		if (isdir)
			snap_walk(w, p, v, n, alloc);
	}
	closedir(d);
}

static void
snap_free(struct snap *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

/* Walk every root; report differences from the last walk. */
static void
poll_scan(struct filewatch *w, bool report)
{
	struct snap *v = NULL;
	size_t n = 0, alloc = 0, i = 0, k = 0;

	for (size_t r = 0; r < w->nroots; r++) {
		const char *root = w->roots[r].path;
		struct stat st;
		if (w->roots[r].is_dir) {
			snap_walk(w, root, &v, &n, &alloc);
		} else if (lstat(root, &st) == 0) {
			ALLOC_GROW(v, n + 1, alloc);
			v[n].path = xstrdup(root);
			v[n].mtime_ns =
				(long long)st.st_mtim.tv_sec * 1000000000 +
				st.st_mtim.tv_nsec;
			v[n].size = (long long)st.st_size;
			v[n].dir = false;
			n++;
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), snap_cmp);
	/* Merge the two sorted lists. */
	while (report && (i < w->nsnaps || k < n)) {
		int c = i >= w->nsnaps ? 1 :
			k >= n	       ? -1 :
					 strcmp(w->snaps[i].path, v[k].path);
		if (c < 0) {
			w->fn(w->snaps[i].path, FILEWATCH_REMOVED,
			      w->snaps[i].dir, w->arg);
			i++;
		} else if (c > 0) {
			w->fn(v[k].path, FILEWATCH_CHANGED, v[k].dir, w->arg);
			k++;
		} else {
			if (!v[k].dir &&
			    (v[k].mtime_ns != w->snaps[i].mtime_ns ||
			     v[k].size != w->snaps[i].size))
				w->fn(v[k].path, FILEWATCH_CHANGED, false,
				      w->arg);
			i++;
			k++;
		}
	}
	snap_free(w->snaps, w->nsnaps);
	w->snaps = v;
	w->nsnaps = n;
	w->asnaps = alloc;
}

static void
on_poll(struct ev_loop *loop, ev_timer *t, int revents)
{
	poll_scan(t->data, true);
}

static void
poll_start(struct filewatch *w, double period)
{
	if (w->fd >= 0) {
		ev_io_stop(w->loop, &w->io);
		close(w->fd);
		w->fd = -1;
	}
	for (size_t i = 0; i < w->nwds; i++) {
		free(w->wds[i].path);
		w->wds[i].path = NULL;
	}
	w->count = 0;
	w->polling = true;
	w->period = period;
	poll_scan(w, false);
	ev_timer_init(&w->poll, on_poll, period, period);
	w->poll.data = w;
	ev_timer_start(w->loop, &w->poll);
}

struct filewatch *
filewatch_new(struct ev_loop *loop, filewatch_fn fn, filewatch_skip_fn skip,
	      void *arg)
{
	struct filewatch *w = xcalloc(1, sizeof(*w));

	w->loop = loop;
	w->fn = fn;
	w->skip = skip;
	w->arg = arg;
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0) {
		fall_back(w, errno);
		return w;
	}
	ev_io_init(&w->io, on_inotify, w->fd, EV_READ);
	w->io.data = w;
	ev_io_start(loop, &w->io);
	return w;
}

void
filewatch_free(struct filewatch *w)
{
	if (w == NULL)
		return;
	if (w->fd >= 0) {
		ev_io_stop(w->loop, &w->io);
		close(w->fd);
	}
	if (w->polling)
		ev_timer_stop(w->loop, &w->poll);
	for (size_t i = 0; i < w->nwds; i++)
		free(w->wds[i].path);
	free(w->wds);
	for (size_t i = 0; i < w->nroots; i++)
		free(w->roots[i].path);
	free(w->roots);
	snap_free(w->snaps, w->nsnaps);
	free(w);
}

int
filewatch_add(struct filewatch *w, const char *path)
{
	struct stat st;
	char *parent;
	bool exists = stat(path, &st) == 0;
	bool is_dir = exists && S_ISDIR(st.st_mode);

	ALLOC_GROW(w->roots, w->nroots + 1, w->aroots);
	w->roots[w->nroots].path = xstrdup(path);
	/* What is not there yet may come as a directory: watch it whole. */
	w->roots[w->nroots].is_dir = is_dir || !exists;
	w->nroots++;
	if (w->polling) {
		poll_scan(w, false);
		return 0;
	}
	if (is_dir)
		return watch_tree(w, path, false) < 0 && !w->polling ? -1 : 0;
	/* A file, or not there yet: watch its directory, flat. */
	parent = xstrdup(path);
	char *slash = strrchr(parent, '/');
	if (slash == parent)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	if (stat(parent, &st) == 0 && S_ISDIR(st.st_mode))
		watch_dir(w, parent, false);
	else
		warning("cannot watch \"%s\": its directory does not exist",
			path);
	free(parent);
	return 0;
}

bool
filewatch_is_temp_file(const char *name)
{
	size_t n = strlen(name);
	static const char *const suffixes[] = {
		"~",	".swp",	     ".swx",	     ".swo",
		".swn", ".kate-swp", "___jb_old___", "___jb_tmp___",
	};

	if (n == 0 || strcmp(name, "4913") == 0 ||
	    strcmp(name, ".DS_Store") == 0)
		return true;
	if (strncmp(name, ".#", 2) == 0)
		return true;
	if (name[0] == '#' && n > 1 && name[n - 1] == '#')
		return true;
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t k = strlen(suffixes[i]);
		/* vim's swap files are hidden (.x.swp); backups end in ~. */
		if (n > k && strcmp(name + n - k, suffixes[i]) == 0 &&
		    (suffixes[i][0] != '.' || name[0] == '.'))
			return true;
	}
	return false;
}

bool
filewatch_polling(const struct filewatch *w)
{
	return w->polling;
}

unsigned
filewatch_count(const struct filewatch *w)
{
	return w->count;
}

void
filewatch_force_polling(struct filewatch *w, double period)
{
	if (!w->polling)
		poll_start(w, period);
}
