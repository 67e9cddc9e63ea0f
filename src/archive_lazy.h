/*
 * archive_lazy.h - libarchive, loaded only when a tar is made.
 *
 * libarchive brings libxml2, ICU, libstdc++, liblzma, liblz4, libbz2 and
 * libacl with it: about 3 MB of pages and thousands of relocations that
 * every berth command paid at start-up, although only three things make
 * tars (a build's context, a watch sync, the copy of configs and secrets
 * into a container). Include this header instead of <archive.h> and
 * <archive_entry.h>: the libarchive functions berth uses become wrappers
 * that dlopen libarchive.so.13 on first use and call through pointers
 * resolved once. The types and constants are libarchive's own.
 *
 * A missing library is reported once, naming it; archive_lazy_load lets
 * a caller fail softly first, and a wrapper called regardless dies.
 */
#ifndef BERTH_ARCHIVE_LAZY_H
#define BERTH_ARCHIVE_LAZY_H

#include <sys/stat.h>
#include <time.h>

#include <archive.h>
#include <archive_entry.h>

/* Load libarchive now. 0, or -1 after reporting why it cannot be. */
int archive_lazy_load(void);

/*
 * Every function used: X(return type, name, parameters, arguments), and
 * V(name, parameters, arguments) for those returning void.
 */
#define ARCHIVE_LAZY_FUNCS(X, V)                                               \
	X(struct archive *, archive_write_new, (void), ())                     \
	X(int, archive_write_free, (struct archive * a), (a))                  \
	X(int, archive_write_close, (struct archive * a), (a))                 \
	X(int, archive_write_set_format_pax_restricted, (struct archive * a),  \
	  (a))                                                                 \
	X(int, archive_write_set_options, (struct archive * a, const char *o), \
	  (a, o))                                                              \
	X(int, archive_write_set_bytes_in_last_block,                          \
	  (struct archive * a, int n), (a, n))                                 \
	X(int, archive_write_open,                                             \
	  (struct archive * a, void *c, archive_open_callback *o,              \
	   archive_write_callback *w, archive_close_callback *cl),             \
	  (a, c, o, w, cl))                                                    \
	X(int, archive_write_open2,                                            \
	  (struct archive * a, void *c, archive_open_callback *o,              \
	   archive_write_callback *w, archive_close_callback *cl,              \
	   archive_free_callback *f),                                          \
	  (a, c, o, w, cl, f))                                                 \
	X(int, archive_write_header,                                           \
	  (struct archive * a, struct archive_entry * e), (a, e))              \
	X(la_ssize_t, archive_write_data,                                      \
	  (struct archive * a, const void *d, size_t n), (a, d, n))            \
	X(const char *, archive_error_string, (struct archive * a), (a))       \
	X(struct archive_entry *, archive_entry_new, (void), ())               \
	V(archive_entry_free, (struct archive_entry * e), (e))                 \
	V(archive_entry_copy_pathname,                                         \
	  (struct archive_entry * e, const char *s), (e, s))                   \
	V(archive_entry_set_pathname,                                          \
	  (struct archive_entry * e, const char *s), (e, s))                   \
	V(archive_entry_copy_symlink,                                          \
	  (struct archive_entry * e, const char *s), (e, s))                   \
	V(archive_entry_set_symlink,                                           \
	  (struct archive_entry * e, const char *s), (e, s))                   \
	V(archive_entry_copy_hardlink,                                         \
	  (struct archive_entry * e, const char *s), (e, s))                   \
	V(archive_entry_copy_stat,                                             \
	  (struct archive_entry * e, const struct stat *st), (e, st))          \
	V(archive_entry_set_mode, (struct archive_entry * e, mode_t m),        \
	  (e, m))                                                              \
	V(archive_entry_set_perm, (struct archive_entry * e, mode_t m),        \
	  (e, m))                                                              \
	V(archive_entry_set_filetype,                                          \
	  (struct archive_entry * e, unsigned int t), (e, t))                  \
	V(archive_entry_set_uid, (struct archive_entry * e, la_int64_t n),     \
	  (e, n))                                                              \
	V(archive_entry_set_gid, (struct archive_entry * e, la_int64_t n),     \
	  (e, n))                                                              \
	V(archive_entry_set_size, (struct archive_entry * e, la_int64_t n),    \
	  (e, n))                                                              \
	V(archive_entry_set_mtime,                                             \
	  (struct archive_entry * e, time_t t, long ns), (e, t, ns))           \
	V(archive_entry_set_rdev, (struct archive_entry * e, dev_t d), (e, d)) \
	X(struct archive *, archive_read_new, (void), ())                      \
	X(int, archive_read_support_format_tar, (struct archive * a), (a))     \
	X(int, archive_read_open,                                              \
	  (struct archive * a, void *c, archive_open_callback *o,              \
	   archive_read_callback *r, archive_close_callback *cl),              \
	  (a, c, o, r, cl))                                                    \
	X(int, archive_read_next_header,                                       \
	  (struct archive * a, struct archive_entry * *e), (a, e))             \
	X(int, archive_read_data_block,                                        \
	  (struct archive * a, const void **b, size_t *n, la_int64_t *off),    \
	  (a, b, n, off))                                                      \
	X(int, archive_read_free, (struct archive * a), (a))                   \
	X(struct archive *, archive_write_disk_new, (void), ())                \
	X(int, archive_write_disk_set_options, (struct archive * a, int f),    \
	  (a, f))                                                              \
	X(la_ssize_t, archive_write_data_block,                                \
	  (struct archive * a, const void *d, size_t n, la_int64_t off),       \
	  (a, d, n, off))                                                      \
	X(int, archive_write_finish_entry, (struct archive * a), (a))          \
	X(const char *, archive_entry_pathname, (struct archive_entry * e),    \
	  (e))                                                                 \
	X(const char *, archive_entry_hardlink, (struct archive_entry * e), (e))

#define ARCHIVE_LAZY_DECLARE(ret, name, params, args) ret lazy_##name params;
#define ARCHIVE_LAZY_DECLARE_V(name, params, args)    void lazy_##name params;
ARCHIVE_LAZY_FUNCS(ARCHIVE_LAZY_DECLARE, ARCHIVE_LAZY_DECLARE_V)
#undef ARCHIVE_LAZY_DECLARE
#undef ARCHIVE_LAZY_DECLARE_V

/* Each name is our wrapper from here on (but in archive_lazy.c). */
#ifndef ARCHIVE_LAZY_IMPL
#define archive_write_new   lazy_archive_write_new
#define archive_write_free  lazy_archive_write_free
#define archive_write_close lazy_archive_write_close
#define archive_write_set_format_pax_restricted \
	lazy_archive_write_set_format_pax_restricted
#define archive_write_set_options lazy_archive_write_set_options
#define archive_write_set_bytes_in_last_block \
	lazy_archive_write_set_bytes_in_last_block
#define archive_write_open		lazy_archive_write_open
#define archive_write_open2		lazy_archive_write_open2
#define archive_write_header		lazy_archive_write_header
#define archive_write_data		lazy_archive_write_data
#define archive_error_string		lazy_archive_error_string
#define archive_entry_new		lazy_archive_entry_new
#define archive_entry_free		lazy_archive_entry_free
#define archive_entry_copy_pathname	lazy_archive_entry_copy_pathname
#define archive_entry_set_pathname	lazy_archive_entry_set_pathname
#define archive_entry_copy_symlink	lazy_archive_entry_copy_symlink
#define archive_entry_set_symlink	lazy_archive_entry_set_symlink
#define archive_entry_copy_hardlink	lazy_archive_entry_copy_hardlink
#define archive_entry_copy_stat		lazy_archive_entry_copy_stat
#define archive_entry_set_mode		lazy_archive_entry_set_mode
#define archive_entry_set_perm		lazy_archive_entry_set_perm
#define archive_entry_set_filetype	lazy_archive_entry_set_filetype
#define archive_entry_set_uid		lazy_archive_entry_set_uid
#define archive_entry_set_gid		lazy_archive_entry_set_gid
#define archive_entry_set_size		lazy_archive_entry_set_size
#define archive_entry_set_mtime		lazy_archive_entry_set_mtime
#define archive_entry_set_rdev		lazy_archive_entry_set_rdev
#define archive_read_new		lazy_archive_read_new
#define archive_read_support_format_tar lazy_archive_read_support_format_tar
#define archive_read_open		lazy_archive_read_open
#define archive_read_next_header	lazy_archive_read_next_header
#define archive_read_data_block		lazy_archive_read_data_block
#define archive_read_free		lazy_archive_read_free
#define archive_write_disk_new		lazy_archive_write_disk_new
#define archive_write_disk_set_options	lazy_archive_write_disk_set_options
#define archive_write_data_block	lazy_archive_write_data_block
#define archive_write_finish_entry	lazy_archive_write_finish_entry
#define archive_entry_pathname		lazy_archive_entry_pathname
#define archive_entry_hardlink		lazy_archive_entry_hardlink
#endif

#endif
