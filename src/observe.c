/*
 * observe.c - a project's actual state from the engine (observe.h).
 *
 * The three list requests go out at once on the engine's loop; the answer
 * is the time of the slowest one, not of the three in a row.
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "labels.h"
#include "log.h"
#include "observe.h"
#include "xalloc.h"

struct listing {
	struct engine_req *req;
	int *pending;
	bool *done;
};

static void
list_done(struct engine_req *req, void *arg)
{
	struct listing *l = arg;

	if (--*l->pending == 0)
		*l->done = true;
}

static json_t *
list_answer(struct engine_req *req, int *ret)
{
	const char *body;
	size_t len;
	json_t *v;

	/* One failure is enough to report: the others say the same. */
	if (req == NULL || *ret < 0)
		return NULL;
	if (engine_req_report(req) < 0) {
		*ret = -1;
		return NULL;
	}
	body = engine_req_body(req, &len);
	v = json_loadb(body, len, 0, NULL);
	if (v == NULL)
		*ret = error("the engine answered a list request with "
			     "invalid JSON");
	return v;
}

int
observe_project(struct engine *e, const char *project, unsigned what, bool all,
		struct observed *out)
{
	static const char *const paths[] = { "/containers/json?%sfilters=%s",
					     "/networks?%sfilters=%s",
					     "/volumes?%sfilters=%s" };
	struct listing l[3] = { { 0 } };
	char *filter, *esc;
	int pending = 0, ret = 0;
	bool done = false;
	json_t *v;

	memset(out, 0, sizeof(*out));
	if (engine_negotiate(e) < 0)
		return -1;
	filter = xasprintf("{\"label\":[\"%s=%s\"]}", LABEL_PROJECT, project);
	esc = engine_escape(filter);
	for (int k = 0; k < 3; k++) {
		if (!(what & (1u << k)))
			continue;
		char *path =
			xasprintf(paths[k], k == 0 && all ? "all=1&" : "", esc);
		struct engine_req_opts o = {
			.path = path,
			.on_done = list_done,
			.arg = &l[k],
			.timeout_ms = 60000,
		};
		l[k].pending = &pending;
		l[k].done = &done;
		pending++;
		l[k].req = engine_start(e, &o);
		free(path);
	}
	free(filter);
	free(esc);
	if (pending)
		engine_wait(e, &done);
	if ((v = list_answer(l[0].req, &ret))) {
		observed_add_containers(out, v);
		json_decref(v);
	}
	if ((v = list_answer(l[1].req, &ret))) {
		observed_add_networks(out, v);
		json_decref(v);
	}
	if ((v = list_answer(l[2].req, &ret))) {
		observed_add_volumes(out, json_object_get(v, "Volumes"));
		json_decref(v);
	}
	for (int k = 0; k < 3; k++)
		engine_req_free(l[k].req);
	return ret;
}
