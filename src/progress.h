/*
 * progress.h - per-resource progress lines on stderr, like docker compose.
 *
 * One line per resource ("Container p-web-1"), updated in place:
 *
 *   tty:    a block redrawn with ANSI cursor moves, a spinner while working,
 *           then " ✔ Container p-web-1  Stopped   0.3s"
 *   plain:  one line per event, " Container p-web-1  Stopping"
 *   json:   {"id":"Container p-web-1","text":"Stopped","status":""}
 *   quiet:  nothing
 *
 * The mode comes from --progress (globals->progress: auto, tty, plain,
 * json, quiet); auto is tty when stderr is a terminal and --ansi is not
 * never. While a tty block is live nothing else may write to stderr:
 * collect errors and report them after progress_free.
 *
 * Every function accepts a NULL progress and then does nothing, so code
 * shared with quiet callers needs no checks.
 */
#ifndef BERTH_PROGRESS_H
#define BERTH_PROGRESS_H

#include <stdbool.h>

struct ev_loop;
struct progress;

enum progress_state {
	PROGRESS_WORKING, /* "Stopping": spinner */
	PROGRESS_DONE,	  /* "Stopped": ✔ */
	PROGRESS_WARNING, /* done, with a remark: ! */
	PROGRESS_ERROR,	  /* failed: ✘ */
};

/*
 * mode: globals->progress (NULL means auto); ansi: globals->ansi (NULL
 * means auto); title: the tty header ("Stopping"). loop: when given, the
 * tty block is redrawn every 100 ms so spinners turn and timers count;
 * without it, only on events. Returns NULL for quiet.
 */
struct progress *progress_new(const char *mode, const char *ansi,
			      const char *title, struct ev_loop *loop);
/* Draw the final state, stop the timer, free. */
void progress_free(struct progress *p);

/*
 * The resource kind ("Container", "Network", "Volume", "Image") and name
 * identify a line; a later event for the same pair updates it.
 */
void progress_event(struct progress *p, const char *kind, const char *name,
		    const char *text, enum progress_state state);
/* Mark the line failed: text "Error", then msg. */
void progress_error(struct progress *p, const char *kind, const char *name,
		    const char *msg);

/* Is p drawing a live tty block (so stderr must be left alone)? */
bool progress_is_tty(const struct progress *p);

#endif
