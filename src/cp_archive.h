/*
 * cp_archive.h - the local side of `berth cp`: a tar of a host file or
 * directory made a piece at a time for a streamed upload, and a tar
 * stream from the engine extracted into a host directory.
 *
 * Neither holds a whole archive in memory: cp_tar reads one file chunk
 * at a time as the upload asks for it, cp_untar writes each block as
 * libarchive hands it over.
 */
#ifndef BERTH_CP_ARCHIVE_H
#define BERTH_CP_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>

struct cp_tar;

/*
 * The tar of path (a local file or directory, walked without following
 * symbolic links below it), its top entry named root and the rest
 * root/RELATIVE, in Go's filepath.Walk order. Modes are the files' own;
 * owners too with keep_owner, else root (uid and gid 0). Nothing is read
 * until cp_tar_read.
 */
struct cp_tar *cp_tar_new(const char *path, const char *root, bool keep_owner);
/* Up to size bytes into buf: the count, 0 at the end, -1 (reported). */
long cp_tar_read(struct cp_tar *t, char *buf, size_t size);
void cp_tar_free(struct cp_tar *t);

/*
 * The next block of the tar stream: *buf (valid until the next call) and
 * its length, 0 at the end, -1 after reporting a failure.
 */
typedef long (*cp_read_fn)(void *arg, const void **buf);

/*
 * Extract the tar read from read into dir (which exists), renaming the
 * top element from to to (cp_rename_entry). Entries that are absolute,
 * climb out with "..", or would pass through a symbolic link on disk are
 * refused. Owners are not restored, as with docker cp. 0 or -1.
 */
int cp_untar(const char *dir, const char *from, const char *to, cp_read_fn read,
	     void *arg);

#endif
