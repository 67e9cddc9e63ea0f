/*
 * image_output.h - how builds, pulls and pushes talk to the user.
 *
 * Two shapes: on a terminal (a tty progress block set with
 * image_output_setup) one status line per service, updated in place;
 * otherwise plain lines with the service prefix on stdout
 * ("web  | Step 1/3 : FROM busybox"). While a tty block is live nothing
 * else may write to stderr, so errors are shown on the service's line and
 * kept until image_output_flush prints them.
 */
#ifndef BERTH_IMAGE_OUTPUT_H
#define BERTH_IMAGE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "progress.h"

/* p: a progress block or NULL (plain lines); width: prefix column width. */
void image_output_setup(struct progress *p, int width);
/* Report the errors held back while a tty block was live. */
void image_output_flush(void);

/* Is a tty status block in use (rather than plain lines)? */
bool image_output_tty(void);
/* A plain line "PREFIX | text" (text without its newline). */
void image_output_line(const char *prefix, const char *text, size_t len);
/* The status of prefix's line in the tty block (nothing otherwise). */
void image_output_status(const char *prefix, const char *text,
			 enum progress_state state);
/* Report an error about prefix's work: at once, or held back. Returns -1. */
int image_output_error(const char *prefix, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
