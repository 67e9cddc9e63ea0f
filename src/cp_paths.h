/*
 * cp_paths.h - the path rules of `berth cp`, as `docker cp` has them.
 *
 * Pure string logic, no I/O, so each rule is unit-tested: which argument
 * names a service, how a path is cleaned and split into its directory and
 * last element, and where a copy lands. A trailing "/" asserts that the
 * path is a directory; a trailing "/." means "the directory's contents".
 * Paths are '/'-separated (Linux containers and hosts only).
 *
 * Every returned string is the caller's to free.
 */
#ifndef BERTH_CP_PATHS_H
#define BERTH_CP_PATHS_H

#include <stdbool.h>

/*
 * "SERVICE:PATH" gives *service and *path; a local path (absolute, with
 * no ':', or with a first part beginning with '.', as ./a:b) gives
 * *service NULL and *path a copy of arg.
 */
void cp_split_arg(const char *arg, char **service, char **path);

bool cp_has_trailing_sep(const char *path);
/* The last element is "." ("dir/.", "."). */
bool cp_specifies_current_dir(const char *path);
/* The path can only name a directory: "dir/" or "dir/.". */
bool cp_asserts_dir(const char *path);

/* Go's filepath.Clean: no "//", no "." elements, ".." resolved; "" -> "." */
char *cp_clean(const char *path);
/* Go's filepath.Base: the last element ("." for "", "/" for "/"). */
char *cp_base(const char *path);
/*
 * The directory and the last element, after cleaning; "dir/." keeps "."
 * as its last element ("dir", ".").
 */
void cp_split_dir_entry(const char *path, char **dir, char **base);
/* cleaned with the trailing "/." or "/" that original had put back. */
char *cp_preserve_trailing(const char *cleaned, const char *original);
/* path made absolute against cwd, cleaned, its trailing "/" or "/." kept. */
char *cp_local_abs(const char *path, const char *cwd);
/* A symbolic link's target as a clean path (relative: to link's parent). */
char *cp_link_path(const char *link, const char *target);
/*
 * After following a link: resolved with path's trailing "/." or "/" put
 * back; *rebase is then path's last element when the two differ (the
 * name the copy must keep), else NULL.
 */
char *cp_follow_name(const char *path, const char *resolved, char **rebase);

/* One side of a copy: what is known of a path. */
struct cp_info {
	const char *path;
	bool exists, is_dir;
	const char *rebase; /* the name to give the source, or NULL */
};

/*
 * Where a copy goes: extract into dst_dir, after renaming the archive's
 * top element from (the last element of the source path) to to. The
 * archive's top element is named after the source's last element.
 */
struct cp_plan {
	char *dst_dir;
	char *from, *to;
};

enum {
	CP_OK = 0,
	CP_ERR_COPY_DIR = -1,	/* a directory onto an existing file */
	CP_ERR_NO_DIR = -2,	/* "dst/" does not exist, source a file */
	CP_ERR_NOT_DIR = -3,	/* a file where a directory is needed */
	CP_ERR_UNSAFE_NAME = -4 /* an archive name leaving the target */
};

/*
 * docker's PrepareArchiveCopy: into an existing directory as is; onto an
 * existing file, or to a new name, under the destination's name in its
 * parent. Returns CP_OK (out filled; cp_plan_release it) or CP_ERR_*.
 */
int cp_prepare(const struct cp_info *src, const struct cp_info *dst,
	       struct cp_plan *out);
void cp_plan_release(struct cp_plan *p);

/*
 * An archive entry's name with its first element from renamed to to
 * ("d/x" -> "e/x"; "./x" -> "e/x"; a trailing "/" is dropped). NULL when
 * name is not from or under it (the entry is kept as it is).
 */
char *cp_rename_entry(const char *name, const char *from, const char *to);
/* An archive name is safe to extract: relative, and no ".." element. */
bool cp_entry_safe(const char *name);

/* The message of a CP_ERR_* code, as docker words it. */
const char *cp_strerror(int err);

#endif
