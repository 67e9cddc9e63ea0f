/*
 * logend.h - where a container's log ends, asked just before it starts.
 *
 * Attached `up` reads the output of the containers it starts from the
 * logs endpoint, opened after the start: the engine serves that from the
 * container's log, so no line can fall between the start and the stream
 * however soon the container prints. (An attach before the start, as
 * docker compose does, lost a container's first line now and then on a
 * loaded CI machine with Engine 20.10.) To print only
 * this run's lines of a container that ran before, the newest line's
 * timestamp is asked for first; the stream then starts after it.
 */
#ifndef BERTH_LOGEND_H
#define BERTH_LOGEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct engine;

/*
 * Ask the engine (GET logs?tail=1&timestamps=1) for the timestamp of
 * container id's newest log line, running the loop until it answers.
 * Returns 1 with *ns set, 0 when the log is empty, -1 when the engine
 * answered that it cannot read this container's log (501, logging driver
 * "none"): then only an attach can show its output; or -2 for any other
 * failure or no answer within 5 s: the log may well be readable.
 */
int logend_fetch(struct engine *e, const char *id, int64_t *ns);

/*
 * The newest engine timestamp in a logs answer with timestamps=1:
 * multiplexed frames, or raw lines from a TTY container. Returns 1 with
 * *ns set, or 0 when there is none. Pure; unit tested.
 */
int logend_parse(const char *body, size_t len, int64_t *ns);

#endif
