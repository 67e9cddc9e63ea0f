/*
 * loop.h - process-wide signals on the libev loop.
 *
 * berth runs one loop on one thread; signals are delivered there as
 * ordinary events (ev_signal), never in an async handler. SIGPIPE is
 * ignored: a closed stdout shows up as EPIPE where output is written
 * (outbuf.h), which ends berth quietly with status 0.
 *
 * SIGINT and SIGTERM are counted together: the first asks for a graceful
 * stop, the second for a forced one (docker compose's Ctrl-C rules). Code
 * that wants them pushes a handler; the innermost handler gets every
 * signal until it pops itself, so the executor (exec.h) and attached `up`
 * can each install theirs around their own work. With no handler pushed,
 * the first signal sets the count (see loop_interrupts) and the loop is
 * broken out of, so synchronous waits end; a second one exits with 130.
 */
#ifndef BERTH_LOOP_H
#define BERTH_LOOP_H

struct ev_loop;

/* signo: SIGINT or SIGTERM; count: interrupts so far, 1 for the first. */
typedef void (*loop_signal_fn)(int signo, unsigned count, void *arg);

/*
 * Install the watchers on loop (idempotent; does not keep ev_run alive)
 * and ignore SIGPIPE. main-level code calls it once before using the loop.
 */
void loop_signals_init(struct ev_loop *loop);
/* Route SIGINT/SIGTERM to fn until the matching pop (a stack). */
void loop_signals_push(loop_signal_fn fn, void *arg);
void loop_signals_pop(void);
/* Interrupts (SIGINT + SIGTERM) received so far. */
unsigned loop_interrupts(void);
/* Stop the watchers and restore default dispositions (for tests). */
void loop_signals_stop(void);

#endif
