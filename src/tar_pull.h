/*
 * tar_pull.h - a tar written by libarchive, handed out on demand in
 * bounded pieces.
 *
 * The reader pulls bytes with tar_pull_read; only when fewer are buffered
 * than it asks for is more of the tar made: the next 64 KiB of the file
 * being archived, or else the next entry, which the owner's next callback
 * adds. A file's data is handed over as an open descriptor, so memory
 * stays bounded whatever the size of the archive. The format is pax
 * restricted (plain ustar headers, a pax extension only for what ustar
 * cannot hold, such as long names), names are raw bytes, and the last
 * block is not padded.
 */
#ifndef BERTH_TAR_PULL_H
#define BERTH_TAR_PULL_H

#include <stddef.h>
#include <sys/types.h>

struct archive;
struct tar_pull;

/*
 * Add the next entry to tar_pull_archive(p) (a regular file's data with
 * tar_pull_data), or end the tar with tar_pull_close. 0, or -1 after
 * reporting. May add nothing: it is called again.
 */
typedef int (*tar_pull_next_fn)(void *arg);
/* Report that the data of path could not be archived: why. Returns -1. */
typedef int (*tar_pull_fail_fn)(void *arg, const char *path, const char *why);

struct tar_pull *
tar_pull_new(tar_pull_next_fn next, tar_pull_fail_fn fail, void *arg);
/*
 * Load libarchive and open the tar; the first tar_pull_read does it
 * otherwise. 0, or -1 after reporting.
 */
int tar_pull_start(struct tar_pull *p);
/* The archive that entries are written to (once started). */
struct archive *tar_pull_archive(struct tar_pull *p);
/*
 * The data of the entry whose header was written last: size bytes read
 * from fd (taken over) as the reader asks for them. path names the file
 * to the fail callback. A file that shrank meanwhile is padded.
 */
void tar_pull_data(struct tar_pull *p, int fd, off_t size, const char *path);
/* End the tar. 0, or -1 (not reported: see archive_error_string). */
int tar_pull_close(struct tar_pull *p);
/* Up to size bytes into buf: the count, 0 at the end, -1 (reported). */
long tar_pull_read(struct tar_pull *p, char *buf, size_t size);
void tar_pull_free(struct tar_pull *p);

#endif
