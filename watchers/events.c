/*
 * events.c - container events of one project (events.h).
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "events.h"
#include "labels.h"
#include "xalloc.h"

static const char *
attr(json_t *attrs, const char *key)
{
	return json_string_value(json_object_get(attrs, key));
}

bool
container_event_parse(json_t *ev, struct container_event *out)
{
	json_t *actor = json_object_get(ev, "Actor");
	const char *type = json_string_value(json_object_get(ev, "Type"));
	const char *num, *code;

	memset(out, 0, sizeof(*out));
	out->exit_code = -1;
	out->action = json_string_value(json_object_get(ev, "Action"));
	out->id = json_string_value(json_object_get(actor, "ID"));
	if (out->action == NULL || out->id == NULL ||
	    (type && strcmp(type, "container") != 0))
		return false;
	out->attrs = json_object_get(actor, "Attributes");
	out->name = attr(out->attrs, "name");
	out->image = attr(out->attrs, "image");
	out->service = attr(out->attrs, LABEL_SERVICE);
	num = attr(out->attrs, LABEL_NUMBER);
	out->number = num ? atoi(num) : 0;
	out->oneoff = attr(out->attrs, LABEL_ONEOFF) &&
		      strcmp(attr(out->attrs, LABEL_ONEOFF), "True") == 0;
	out->time_ns =
		(int64_t)json_integer_value(json_object_get(ev, "timeNano"));
	if (out->time_ns == 0)
		out->time_ns = (int64_t)json_integer_value(
				       json_object_get(ev, "time")) *
			       1000000000;
	code = attr(out->attrs, "exitCode");
	if (code && strcmp(out->action, "die") == 0)
		out->exit_code = atoi(code);
	return true;
}

char *
container_events_path(const char *project, bool oneoffs, int64_t since_ns)
{
	char *label = xasprintf(LABEL_PROJECT "=%s", project);
	json_t *f = json_pack("{s:[s], s:[s]}", "type", "container", "label",
			      label);
	char *text, *esc, *path;

	if (!oneoffs)
		json_array_append_new(json_object_get(f, "label"),
				      json_string(LABEL_ONEOFF "=False"));
	text = json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS);
	esc = engine_escape(text);
	if (since_ns > 0)
		path = xasprintf("/events?since=%lld.%09lld&filters=%s",
				 (long long)(since_ns / 1000000000),
				 (long long)(since_ns % 1000000000), esc);
	else
		path = xasprintf("/events?filters=%s", esc);
	free(esc);
	free(text);
	json_decref(f);
	free(label);
	return path;
}
