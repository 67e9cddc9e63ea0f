/*
 * log.h - the one place where messages are formatted and sent.
 *
 * Messages follow git's guidelines: lowercase, no full stop, the subject in
 * quotes, file:line:column first for anything read from a compose file.
 * error() prints "berth: <msg>" and returns -1 so callers can write
 * `return error(...)`. Unit tests redirect all output into a buffer with
 * log_capture() to assert on the exact text.
 */
#ifndef BERTH_LOG_H
#define BERTH_LOG_H

#include <stdarg.h>
#include <stdbool.h>

struct buf;

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

int error(const char *fmt, ...) PRINTF_LIKE(1, 2);
int verror(const char *fmt, va_list ap) PRINTF_LIKE(1, 0);
void warning(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* A hint line under an error: "hint: ...". */
void hint(const char *fmt, ...) PRINTF_LIKE(1, 2);
void debug(const char *fmt, ...) PRINTF_LIKE(1, 2);
_Noreturn void die(const char *fmt, ...) PRINTF_LIKE(1, 2);
_Noreturn void
bug_at(const char *file, int line, const char *fmt, ...) PRINTF_LIKE(3, 4);
#define BUG(...) bug_at(__FILE__, __LINE__, __VA_ARGS__)

/* Send messages to b (not stderr) until called again with NULL. */
void log_capture(struct buf *b);
void log_set_debug(bool on);
bool log_debug_enabled(void);

#endif
