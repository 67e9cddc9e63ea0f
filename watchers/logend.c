/*
 * logend.c - where a container's log ends (logend.h).
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "logend.h"
#include "logframe.h"
#include "logmux.h"
#include "xalloc.h"

struct scan {
	int64_t newest;
	bool found;
	bool at_line_start; /* the next byte starts a message */
};

/* Each message starts with its timestamp; keep the newest. */
static void
scan_piece(struct scan *s, const char *data, size_t len)
{
	while (len) {
		const char *nl;
		int64_t ns;

		if (s->at_line_start && logmux_parse_ts(data, len, &ns) &&
		    (!s->found || ns > s->newest)) {
			s->newest = ns;
			s->found = true;
		}
		nl = memchr(data, '\n', len);
		if (nl == NULL) {
			s->at_line_start = false;
			return;
		}
		len -= (size_t)(nl + 1 - data);
		data = nl + 1;
		s->at_line_start = true;
	}
}

static void
on_frame(int stream, const char *data, size_t len, void *arg)
{
	(void)stream;
	scan_piece(arg, data, len);
}

int
logend_parse(const char *body, size_t len, int64_t *ns)
{
	struct logframe f;
	struct scan s = { .at_line_start = true };

	logframe_init(&f);
	/*
	 * A frame's payload is one log message, so each frame starts a
	 * line; raw bytes (a TTY container) are split at newlines.
	 */
	if (logframe_feed(&f, body, len, on_frame, &s) < 0) {
		s = (struct scan){ .at_line_start = true };
		scan_piece(&s, body, len);
	}
	if (s.found)
		*ns = s.newest;
	return s.found;
}

struct fetch {
	bool done;
	int rc;
	int64_t ns;
};

static void
on_done(struct engine_req *req, void *arg)
{
	struct fetch *f = arg;
	size_t len = 0;
	const char *body = engine_req_body(req, &len);

	/* 501: "configured logging driver does not support reading".
	   Any other failure does not say the log is unreadable. */
	if (engine_req_status(req) == 200)
		f->rc = logend_parse(body, len, &f->ns);
	else
		f->rc = engine_req_status(req) == 501 ? -1 : -2;
	engine_req_free(req);
	f->done = true;
}

int
logend_fetch(struct engine *e, const char *id, int64_t *ns)
{
	struct fetch f = { .rc = -1 };
	char *path = xasprintf("/containers/%s/logs?stdout=1&stderr=1"
			       "&timestamps=1&tail=1",
			       id);
	struct engine_req_opts o = {
		.path = path,
		.on_done = on_done,
		.arg = &f,
		/* Short: the start waits for this answer. The engine (20.10,
		   under load) once sat on it for 30 s; without it the caller
		   follows from "now", which loses nothing of a container
		   that has not started yet. */
		.timeout_ms = 5000,
	};

	engine_start(e, &o);
	free(path);
	engine_wait(e, &f.done);
	if (f.rc == 1)
		*ns = f.ns;
	return f.rc;
}
