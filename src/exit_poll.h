/*
 * exit_poll.h - the exit code of a process whose attached stream has just
 * closed (`berth attach`, `berth exec`).
 *
 * The stream closes as the process ends, but the engine may take a moment
 * more to record the exit: its inspect is asked again, 20 ms apart.
 */
#ifndef BERTH_EXIT_POLL_H
#define BERTH_EXIT_POLL_H

struct engine;

/*
 * Inspect /KIND/ID/json ("containers" or "exec") up to tries times until
 * its state (the answer's member state, or the answer itself when state
 * is NULL) is not Running and has an integer ExitCode: that code.
 * if_running: the result while it still runs; EXIT_FAIL when the engine
 * cannot be asked before that.
 */
int exit_poll(struct engine *e, const char *kind, const char *id,
	      const char *state, int tries, int if_running);

#endif
