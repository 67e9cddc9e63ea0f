/*
 * session.h - an interactive session over a hijacked stream (hijack.h):
 * our stdin goes to the process, its output comes to our stdout and
 * stderr, on the engine's event loop.
 *
 * With a TTY the output is raw bytes, our terminal is put in raw mode
 * (restored on every exit path) and its size follows the window
 * (SIGWINCH -> POST resize_path?h=&w=). Without one the output arrives
 * as multiplexed frames (logframe.h) split to stdout and stderr. When our
 * stdin ends, the write side of the socket is shut so the process sees
 * EOF (`echo hi | berth exec -T web cat`).
 */
#ifndef BERTH_SESSION_H
#define BERTH_SESSION_H

#include <stdbool.h>

struct engine;
struct hijack;

struct session_opts {
	bool tty;		 /* raw stream (TTY) or multiplexed frames */
	bool forward_stdin;	 /* copy our stdin to the process */
	const char *resize_path; /* "/exec/ID/resize"; NULL: never resize */
	/* "/containers/ID/kill": SIGINT, SIGTERM, SIGHUP and SIGQUIT are
	   passed on to the container instead of ending us; or NULL. */
	const char *signal_path;
};

/*
 * Run until the engine closes the stream. Takes h over (closes it).
 * Returns 0, or -1 on a read/write error (reported).
 */
int
session_run(struct engine *e, struct hijack *h, const struct session_opts *o);

/* Resize the TTY at resize_path to our terminal's size, now (async). */
void session_resize(struct engine *e, const char *resize_path);

/* Both stdin and stdout are terminals: a TTY session makes sense. */
bool session_can_tty(void);

#endif
