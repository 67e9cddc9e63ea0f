/*
 * format.h - pure text formatting shared by ps, ls, images, top and port:
 * the same columns, durations, sizes and port lists docker compose prints
 * (which come from the Docker CLI's formatter and go-units).
 *
 * Nothing here talks to the engine, so everything is unit-tested
 * (tests/unit/test_format.c). Returned strings belong to the caller.
 */
#ifndef BERTH_FORMAT_H
#define BERTH_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct buf;
struct strv;

/* go-units HumanDuration: "Less than a second", "3 seconds", "About a
   minute", "5 hours", "2 weeks"... */
char *format_duration(long long seconds);
/* go-units HumanSizeWithPrecision(bytes, 3): "0B", "4.26MB", "1.2GB". */
char *format_size(double bytes);
/* go-units BytesSize: "%.4g" with binary units: "324KiB", "23.54GiB". */
char *format_binary_size(double bytes);
/* The Docker CLI's Ellipsis: at most max characters, "…" as the last. */
char *format_ellipsis(const char *s, size_t max);
/* Go's strconv.Quote for printable UTF-8: "\"sleep 300\"". */
char *format_quote(const char *s);
/* "sha256:0123456789abcdef..." -> "0123456789ab". */
char *format_short_id(const char *id);

/*
 * The PORTS column from an engine Ports array ({IP, PrivatePort,
 * PublicPort, Type}): "0.0.0.0:8080->80/tcp, :::8080->80/tcp, 9000/udp",
 * consecutive ports grouped into ranges, as `docker ps` prints them.
 */
char *format_ports(const json_t *ports);

/* Labels as "k=v,k2=v2", the pairs sorted so the output is stable. */
char *format_labels(const json_t *labels);

/*
 * A project's STATUS in `ls`: each container state with its count, states
 * sorted: "exited(1), running(2)".
 */
char *format_state_summary(const char *const *states, size_t n);

/*
 * Render rows of cells like Go's tabwriter (minwidth, tabwidth 1, padding,
 * padchar ' '): every column but the last padded to its widest cell plus
 * padding, at least minwidth. ps uses (10, 3); ls and images (20, 3); top
 * (4, 2). Appends to out.
 */
void format_table(struct buf *out, const struct strv *rows, size_t ncols,
		  size_t minwidth, size_t padding);

/* Parse "Exited (137) 3 seconds ago" -> 137; -1 when not exited. */
int format_status_exit_code(const char *status);
/* Parse "Up 3 minutes (healthy)" -> "healthy" (also "unhealthy",
   "starting" from "(health: starting)"); "" otherwise. Borrowed. */
const char *format_status_health(const char *status);

#endif
