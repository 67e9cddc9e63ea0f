/*
 * events.h - the engine's container events, as berth follows them.
 *
 * GET /events answers with one JSON message per line (jsonlines.h); this
 * turns one into a struct container_event and builds the request path
 * filtered to one project's containers. The sequences berth relies on
 * (docker compose's monitor.go lists them): a self-exit gives die; `stop`
 * gives kill, die, stop; `restart` gives kill, die, stop, start, restart;
 * `rm -f` gives kill, die, destroy. die and the end of an attach or logs
 * stream come in either order.
 */
#ifndef BERTH_EVENTS_H
#define BERTH_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

struct container_event {
	const char *action;  /* "start", "die", "destroy"...: borrowed */
	const char *id;	     /* the container's full id */
	const char *name;    /* its name, or NULL */
	const char *service; /* com.docker.compose.service, or NULL */
	const char *image;   /* or NULL */
	int number;	     /* com.docker.compose.container-number, or 0 */
	bool oneoff;	     /* com.docker.compose.oneoff is True */
	int64_t time_ns;     /* when it happened */
	int exit_code;	     /* die: the exit code; otherwise -1 */
	json_t *attrs;	     /* all attributes (borrowed) */
};

/*
 * Read one /events message. Returns false when it is no container event
 * (or not an event at all). The strings are borrowed from ev.
 */
bool container_event_parse(json_t *ev, struct container_event *out);

/*
 * The GET path for project's container events (one-off containers
 * left out unless oneoffs), from since_ns on (nanoseconds since the
 * epoch; 0: from now). Caller frees.
 */
char *
container_events_path(const char *project, bool oneoffs, int64_t since_ns);

#endif
