/*
 * up_attached.h - `berth up` in attached mode (no -d).
 *
 * Converges the project through up_converge with a hook that attaches to
 * every selected container before it starts, prints `Attaching to ...`,
 * then follows the output (logmux.h) and the project's /events until
 * every attached container has exited, applying docker compose's exit
 * rules (--abort-on-container-exit, --abort-on-container-failure,
 * --exit-code-from) and Ctrl-C handling (first: graceful stop, second:
 * kill; exit 130).
 */
#ifndef BERTH_UP_ATTACHED_H
#define BERTH_UP_ATTACHED_H

struct up_ctx;

struct watch_opts;

/* Returns the exit status of `berth up`. */
int up_attached(struct up_ctx *ctx);
/*
 * `berth up --watch`: the same, and meanwhile the develop.watch rules
 * (watch.h) keep the containers in step with the source tree; messages
 * come in order with the output.
 */
int up_attached_watch(struct up_ctx *ctx, const struct watch_opts *wo);

#endif
