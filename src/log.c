/*
 * log.c - message sink for errors, warnings, hints and debug output.
 */
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "log.h"

static struct buf *capture;
static bool debug_on;

static void
emit(const char *prefix, const char *fmt, va_list ap)
{
	if (capture) {
		buf_adds(capture, prefix);
		buf_vaddf(capture, fmt, ap);
		buf_addch(capture, '\n');
		return;
	}
	/* One write per message, so concurrent output never splits it. */
	struct buf line = BUF_INIT;
	buf_adds(&line, prefix);
	buf_vaddf(&line, fmt, ap);
	buf_addch(&line, '\n');
	fflush(stdout);
	fwrite(line.ptr, 1, line.len, stderr);
	buf_release(&line);
}

int
verror(const char *fmt, va_list ap)
{
	emit("berth: ", fmt, ap);
	return -1;
}

int
error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("berth: ", fmt, ap);
	va_end(ap);
	return -1;
}

void
warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("berth: warning: ", fmt, ap);
	va_end(ap);
}

void
hint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("hint: ", fmt, ap);
	va_end(ap);
}

void
debug(const char *fmt, ...)
{
	va_list ap;

	if (!debug_on)
		return;
	va_start(ap, fmt);
	emit("berth: debug: ", fmt, ap);
	va_end(ap);
}

void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("berth: ", fmt, ap);
	va_end(ap);
	exit(1);
}

void
bug_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "berth: BUG at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void
log_capture(struct buf *b)
{
	capture = b;
}

void
log_set_debug(bool on)
{
	debug_on = on;
}

bool
log_debug_enabled(void)
{
	return debug_on;
}
