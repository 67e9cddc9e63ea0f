/*
 * image_output.c - output of image work (image_output.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "image_output.h"
#include "log.h"
#include "strv.h"
#include "xalloc.h"

static struct progress *out_progress;
static int out_width;
static struct strv held = STRV_INIT;

void
image_output_setup(struct progress *p, int width)
{
	out_progress = p;
	out_width = width;
}

void
image_output_flush(void)
{
	for (size_t i = 0; i < held.n; i++)
		error("%s", held.v[i]);
	strv_clear(&held);
}

bool
image_output_tty(void)
{
	return progress_is_tty(out_progress);
}

void
image_output_line(const char *prefix, const char *text, size_t len)
{
	if (image_output_tty())
		return;
	/* Strip what would break the prefixed layout. */
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	printf("%-*s | %.*s\n", out_width, prefix, (int)len, text);
	fflush(stdout);
}

void
image_output_status(const char *prefix, const char *text,
		    enum progress_state state)
{
	if (image_output_tty())
		progress_event(out_progress, "Service", prefix, text, state);
}

int
image_output_error(const char *prefix, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (image_output_tty()) {
		progress_error(out_progress, "Service", prefix, b.ptr);
		strv_push(&held, b.ptr);
	} else {
		error("%s", b.ptr);
	}
	buf_release(&b);
	return -1;
}
