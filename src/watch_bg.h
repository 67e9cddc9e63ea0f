/*
 * watch_bg.h - `berth up -d --watch`: the develop.watch rules applied by a
 * watcher in the background, which outlives the up that started it.
 *
 * The watcher is `berth watch --no-up` with the project's options, run as
 * a daemon (double fork, setsid, standard input from /dev/null, output
 * appended to a log). Its pid file makes a second `up -d --watch` leave
 * it be, and lets `down` stop it. Both live in the project's state
 * directory, $XDG_STATE_HOME/berth/<project> (default
 * ~/.local/state/berth/<project>): watch.pid and watch.log.
 */
#ifndef BERTH_WATCH_BG_H
#define BERTH_WATCH_BG_H

#include <stdbool.h>
#include <sys/types.h>

struct up_ctx;

/* The project's state directory (not created here). Caller frees. */
char *watch_bg_dir(const char *project);

/* The pid of the project's running watcher, or 0 when none runs. */
pid_t watch_bg_running(const char *project);

/*
 * Start the watcher for ctx's project and selected services, unless one
 * runs already; print which on stdout ("watching in the background (pid
 * N, log: PATH)"). quiet: no build output in the log. Returns 0, or -1
 * after reporting.
 */
int watch_bg_start(struct up_ctx *ctx, bool quiet);

/*
 * Stop the project's watcher, if one runs (SIGTERM, then SIGKILL after 5
 * s), and remove its pid file. Returns 1 when one was stopped, else 0.
 */
int watch_bg_stop(const char *project);

#endif
