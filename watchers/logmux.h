/*
 * logmux.h - prefixed log multiplexing of many containers on one loop.
 *
 * Each container's output (attach or logs stream; raw for a TTY container,
 * multiplexed frames otherwise) is cut into whole lines per stream
 * (lines.h) and written as `web-1  | text`: the prefix padded to the widest
 * name registered so far plus one, coloured per service. Lines never
 * interleave mid-line however the engine chunks them. Output goes through
 * a bounded buffer flushed once per loop iteration; when it is full, every
 * stream is paused (ENGINE_PAUSE) until the terminal or pipe drains, so
 * memory stays flat behind a slow reader. A closed stdout (EPIPE) marks the
 * mux broken: output is discarded and on_broken runs once.
 *
 * Logs streams always request engine timestamps: they are printed with
 * opts.timestamps, used to order lines with opts.merge, and remembered per
 * container so a later stream of the same container (restart, reconnect)
 * resumes after the last line printed, never printing one twice.
 *
 * The formatting and colour helpers at the end are pure functions, unit
 * tested without a daemon.
 */
#ifndef BERTH_LOGMUX_H
#define BERTH_LOGMUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"

struct engine;
struct logmux;

struct logmux_opts {
	bool color;	 /* ANSI colour per service */
	bool timestamps; /* print timestamps (engine's for logs, local for
			    attach) */
	bool no_prefix;	 /* no `web-1  | ` prefix */
	FILE *out;	 /* lines go to fileno(out); NULL: stdout */
	FILE *err;  /* container stderr lines; NULL: into out (like `logs`) */
	bool merge; /* order lines of all containers by engine timestamp */
	/*
	 * With merge: how long (seconds) a line may wait for the other
	 * streams before it is printed anyway (follow mode). 0: wait until
	 * every open stream has a line or has ended (complete streams).
	 */
	double merge_window;
	/*
	 * A container's stream ended: err 0 at its end, -1 after an engine
	 * error (reported), -2 after a transport error (not reported: the
	 * caller knows whether the engine went away; without on_end it is
	 * reported).
	 */
	void (*on_end)(struct logmux *m, const char *id, int err, void *arg);
	/* stdout was closed by the reader (EPIPE); called once. */
	void (*on_broken)(struct logmux *m, void *arg);
	void *arg;
};

/* Appended to a piece of a line longer than 64 KiB; the rest follows. */
#define LOGMUX_CONT_MARK " [...]"

struct logmux *logmux_new(struct engine *e, const struct logmux_opts *o);
void logmux_free(struct logmux *m);

/*
 * The project's services in any order: colours are assigned in sorted
 * order, so a stack always gets the same colours. Services not listed get
 * colours after them, in order of registration.
 */
void logmux_set_services(struct logmux *m, char *const *services, size_t n);

/*
 * Stream one container's output: mode "attach" (POST /containers/{id}/
 * attach?stream=1&stdout=1&stderr=1&logs=0) or "logs" (GET /containers/
 * {id}/logs?stdout=1&stderr=1&timestamps=1&QUERY, query e.g. "follow=1&
 * tail=5"). prefix: "web-1". The service (colour key) is the prefix
 * without its trailing "-N".
 */
void logmux_add(struct logmux *m, const char *id, const char *prefix, bool tty,
		const char *mode, const char *query);

struct logmux_stream {
	const char *id;	     /* container id */
	const char *prefix;  /* "web-1" */
	const char *service; /* colour key; NULL: from prefix */
	bool tty;
	const char *mode;  /* "attach" or "logs" */
	const char *query; /* logs: extra query ("follow=1&tail=5"), or NULL */
	/*
	 * logs: when lines of this container were printed before, ask only
	 * for what came after the last one (since=) and skip repeats.
	 */
	bool resume;
	/*
	 * logs: do not ask for engine timestamps (less for the engine to
	 * do): then neither resume, merge nor -t work for this stream.
	 */
	bool no_timestamps;
};
/* Returns 0, or -1 when the container already has an open stream. */
int logmux_add_stream(struct logmux *m, const struct logmux_stream *s);
/* Register a prefix for width and colour without a stream yet. */
void logmux_register(struct logmux *m, const char *prefix, const char *service);

/*
 * Lines of container id up to timestamp ts belong to an earlier run: a
 * later logs stream with resume starts after them (logend.h).
 */
void logmux_skip_until(struct logmux *m, const char *id, const char *prefix,
		       const char *service, int64_t ts);

/*
 * Run the loop until id's attach stream is established (the engine has
 * answered), so starting the container next loses no output. Returns 0,
 * or -1 when the stream failed or timeout (seconds) passed.
 */
int logmux_wait_attached(struct logmux *m, const char *id, double timeout);
/* Does container id have an open stream? */
bool logmux_streaming(const struct logmux *m, const char *id);
/* Have lines of id been printed (a later stream can resume)? */
bool logmux_seen(const struct logmux *m, const char *id);
/* Open streams. */
size_t logmux_active(const struct logmux *m);
/* Cancel id's stream (no on_end). */
void logmux_cancel(struct logmux *m, const char *id);
/* Cancel every stream (no on_end); buffered lines are still printed. */
void logmux_cancel_all(struct logmux *m);

/* Print a status line ("web-1 exited with code 0") in order with output. */
void logmux_printf(struct logmux *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print `web-1 <message>`, the name in its colour (exit and restart). */
void logmux_status(struct logmux *m, const char *prefix, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Write everything buffered, blocking; call before exiting. */
void logmux_flush(struct logmux *m);
/* Has the reader closed stdout? */
bool logmux_broken(const struct logmux *m);

/* --- a stream fed by hand instead of by an engine request (unit tests;
       attached up's hook output, from the hook's own exec request) --- */

/* Like logmux_add_stream, without a request (st->mode "logs" = stamped). */
int logmux_add_fake(struct logmux *m, const struct logmux_stream *st);
/* Bytes as the engine would send them (frames unless tty). */
void
logmux_feed(struct logmux *m, const char *id, const char *data, size_t len);
/* The stream ends (on_end runs with err). */
void logmux_end(struct logmux *m, const char *id, int err);

/* --- pure helpers (unit tested) --- */

/*
 * Colour or not: off with no_color (--no-color), --ansi never or NO_COLOR;
 * on with --ansi always; else when fd is a terminal.
 */
bool logmux_want_color(const char *ansi, bool no_color, int fd);

/* ANSI SGR parameters of colour i: cyan, yellow, green, magenta, blue,
   then the same five bold, cycling. */
const char *logmux_color(size_t i);
/* Container name minus "<project>-" (names without it are kept). */
const char *logmux_prefix_of(const char *project, const char *name);
/* Append `prefix` padded to width, then "| ", coloured when color. */
void logmux_format_prefix(struct buf *out, const char *prefix, size_t width,
			  const char *color);
/*
 * Parse an RFC3339 timestamp ("2024-01-01T00:00:00.123456789Z", offsets
 * allowed) into nanoseconds since the epoch. Returns the length parsed
 * (up to, not including, a following space), or 0 when s is not one.
 */
size_t logmux_parse_ts(const char *s, size_t len, int64_t *ns);
/* Format ns as the engine does: 2024-01-01T00:00:00.000000000Z. */
void logmux_format_ts(struct buf *out, int64_t ns);
/*
 * A --since/--until value for the engine: RFC3339 or a relative duration
 * ("10m", "1h30m", "90s") before now. Writes "SECONDS.NANOS" into out;
 * returns 0, or -1 when the value is neither (not reported).
 */
int logmux_time_arg(const char *arg, int64_t now_ns, struct buf *out);

#endif
