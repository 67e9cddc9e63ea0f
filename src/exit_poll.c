/*
 * exit_poll.c - ask the engine for an exit code until it has one
 * (exit_poll.h).
 */
#include "exit_poll.h"

#include <stdlib.h>
#include <time.h>

#include <jansson.h>

#include "cmd.h"
#include "engine.h"
#include "xalloc.h"

int
exit_poll(struct engine *e, const char *kind, const char *id, const char *state,
	  int tries, int if_running)
{
	char *path = xasprintf("/%s/%s/json", kind, id);
	int code = EXIT_FAIL;

	for (int i = 0; i < tries; i++) {
		json_t *v = NULL;
		if (engine_call(e, "GET", path, NULL, &v) < 0)
			break;
		const json_t *st = state ? json_object_get(v, state) : v;
		const json_t *ec = json_object_get(st, "ExitCode");
		if (!json_is_true(json_object_get(st, "Running")) &&
		    json_is_integer(ec)) {
			code = (int)json_integer_value(ec);
			json_decref(v);
			break;
		}
		code = if_running;
		json_decref(v);
		nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	}
	free(path);
	return code;
}
