/*
 * logmux.c - many containers' output as prefixed whole lines (logmux.h).
 *
 * Per container (struct mctr, kept for the mux's life so a later stream
 * resumes where the last one stopped) there is at most one open stream
 * (struct msrc). A stream's bytes go through the frame decoder (unless the
 * container has a TTY), then one line splitter per stdout/stderr, then
 * either straight into the output buffer or, with merge, into the
 * container's queue, from which the oldest line across all queues is
 * printed once no open stream could still deliver an older one.
 *
 * Backpressure: a stream's on_data answers ENGINE_PAUSE (curl keeps the
 * data and hands it over again on resume) while the output buffer is over
 * its high-water mark or, with merge, while the container's queue is over
 * its limit. Resumes happen from a prepare watcher, never from inside a
 * curl callback, because unpausing one transfer from another's write
 * callback would re-enter libcurl.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <ev.h>

#include "engine.h"
#include "lines.h"
#include "log.h"
#include "logframe.h"
#include "logmux.h"
#include "outbuf.h"
#include "xalloc.h"

/* The longest line printed in one piece; longer ones come in pieces. */
#define LINE_CAP (64 * 1024)
/* Output buffered before streams are paused. */
#define OUT_HIGH (256 * 1024)
/* With merge: bytes queued per container before its stream is paused. */
#define QUEUE_MAX (512 * 1024)
/* "2024-01-01T00:00:00.000000000Z " as the engine writes it. */
#define TS_LEN 31

struct qline {
	struct qline *next;
	int64_t ts;
	ev_tstamp arrived;
	int stream;
	int flags;
	size_t len;
	char text[];
};

struct msrc;

/* One container, for the life of the mux. */
struct mctr {
	struct logmux *m;
	char *id, *prefix, *service;
	size_t color;
	bool seen;	  /* a line with a timestamp was taken */
	int64_t last_ts;  /* newest timestamp taken */
	size_t n_at_last; /* lines taken with exactly last_ts */
	struct msrc *src; /* the open stream, or NULL */
	struct qline *qhead, *qtail;
	size_t qbytes;
	struct mctr *next;
};

/* One open stream of a container. */
struct msrc {
	struct mctr *c;
	struct engine_req *req;
	bool attach, stamped, raw, paused, headers;
	struct logframe frame;
	uint32_t owed; /* payload bytes of the current frame not yet seen */
	struct lines lines[2];
	bool cont[2]; /* the last piece of this stream was LINE_PARTIAL */
	/* Stripping the timestamp that starts a frame in the middle of a
	   line (the engine splits long lines into several messages). */
	char tsbuf[TS_LEN];
	size_t tslen;
	bool tsstrip[2];
	int cur; /* stream index (0 stdout, 1 stderr) being fed */
	/* Resume: lines up to skip_ts were printed by an earlier stream. */
	bool skipping;
	int64_t skip_ts;
	size_t skip_n, skip_seen;
};

struct logmux {
	struct engine *e;
	struct ev_loop *loop;
	struct logmux_opts o;
	struct outbuf out, err;
	bool split_err;
	struct mctr *ctrs;
	size_t width;
	char **services; /* sorted: colour i for services[i] */
	size_t nservices;
	size_t next_color;
	size_t active;
	bool broken;
	ev_prepare prepare;
	ev_timer merge_timer;
	struct buf line; /* scratch for one formatted line */
};

static void src_finish(struct msrc *s, int err);

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct mctr *
ctr_find(const struct logmux *m, const char *id)
{
	for (struct mctr *c = m->ctrs; c; c = c->next)
		if (strcmp(c->id, id) == 0)
			return c;
	return NULL;
}

/* Colour index of a service: its place in the sorted list, or next. */
static size_t
color_of(struct logmux *m, const char *service)
{
	char **hit = m->nservices ? bsearch(&service, m->services, m->nservices,
					    sizeof(*m->services), cmp_str) :
				    NULL;

	if (hit)
		return (size_t)(hit - m->services);
	for (struct mctr *c = m->ctrs; c; c = c->next)
		if (strcmp(c->service, service) == 0)
			return c->color;
	return m->nservices + m->next_color++;
}

/* "web-12" -> "web"; a prefix without a "-N" suffix is its own service. */
static char *
service_from_prefix(const char *prefix)
{
	const char *dash = strrchr(prefix, '-');

	if (dash && dash[1] &&
	    strspn(dash + 1, "0123456789") == strlen(dash + 1))
		return xstrndup(prefix, (size_t)(dash - prefix));
	return xstrdup(prefix);
}

static struct mctr *
ctr_get(struct logmux *m, const char *id, const char *prefix,
	const char *service)
{
	struct mctr *c = id ? ctr_find(m, id) : NULL;
	size_t len = strlen(prefix);

	if (c == NULL) {
		c = xcalloc(1, sizeof(*c));
		c->m = m;
		c->id = xstrdup(id ? id : prefix);
		c->service = service ? xstrdup(service) :
				       service_from_prefix(prefix);
		c->color = color_of(m, c->service);
		c->prefix = xstrdup(prefix);
		c->next = m->ctrs;
		m->ctrs = c;
	} else if (strcmp(c->prefix, prefix) != 0) {
		free(c->prefix);
		c->prefix = xstrdup(prefix);
	}
	/* docker compose: the widest name plus one, as containers come. */
	if (len + 1 > m->width)
		m->width = len + 1;
	return c;
}

static void
ctr_free(struct mctr *c)
{
	struct qline *q, *next;

	for (q = c->qhead; q; q = next) {
		next = q->next;
		free(q);
	}
	free(c->id);
	free(c->prefix);
	free(c->service);
	free(c);
}

static struct outbuf *
out_for(struct logmux *m, int stream)
{
	return stream == 1 && m->split_err ? &m->err : &m->out;
}

/* Format and buffer one line of container c. */
static void
emit(struct logmux *m, struct mctr *c, int stream, int64_t ts, const char *text,
     size_t len, int flags)
{
	struct buf *b = &m->line;

	buf_reset(b);
	if (!m->o.no_prefix)
		logmux_format_prefix(b, c->prefix, m->width,
				     m->o.color ? logmux_color(c->color) :
						  NULL);
	if (m->o.timestamps && ts) {
		logmux_format_ts(b, ts);
		buf_addch(b, ' ');
	}
	buf_add(b, text, len);
	if (flags & LINE_PARTIAL)
		buf_adds(b, LOGMUX_CONT_MARK);
	buf_addch(b, '\n');
	outbuf_add(out_for(m, stream), b->ptr, b->len);
}

static int64_t
now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Queue a line for the merge (the text is copied). */
static void
enqueue(struct mctr *c, int stream, int64_t ts, const char *text, size_t len,
	int flags)
{
	struct qline *q = xmalloc(sizeof(*q) + len);

	q->next = NULL;
	q->ts = ts;
	q->arrived = ev_now(c->m->loop);
	q->stream = stream;
	q->flags = flags;
	q->len = len;
	memcpy(q->text, text, len);
	if (c->qtail)
		c->qtail->next = q;
	else
		c->qhead = q;
	c->qtail = q;
	c->qbytes += sizeof(*q) + len;
}

/* Print queued lines oldest first while no open stream can be older. */
static void
merge_pump(struct logmux *m)
{
	ev_tstamp now = ev_now(m->loop);

	for (;;) {
		struct mctr *min = NULL, *c;
		bool waiting = false;

		for (c = m->ctrs; c; c = c->next) {
			if (c->qhead == NULL) {
				waiting |= c->src != NULL;
				continue;
			}
			if (min == NULL || c->qhead->ts < min->qhead->ts)
				min = c;
		}
		if (min == NULL)
			return;
		if (waiting) {
			ev_tstamp due = min->qhead->arrived + m->o.merge_window;
			if (m->o.merge_window <= 0)
				return;
			if (due > now) {
				ev_timer_stop(m->loop, &m->merge_timer);
				ev_timer_set(&m->merge_timer, due - now, 0.);
				ev_timer_start(m->loop, &m->merge_timer);
				return;
			}
		}
		if (outbuf_full(&m->out))
			return;
		struct qline *q = min->qhead;
		emit(m, min, q->stream, q->ts, q->text, q->len, q->flags);
		min->qhead = q->next;
		if (min->qhead == NULL)
			min->qtail = NULL;
		min->qbytes -= sizeof(*q) + q->len;
		free(q);
	}
}

static void
on_merge_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct logmux *m = w->data;

	merge_pump(m);
}

/* Take one line of stream s: parse its timestamp, skip repeats. */
static void
take_line(struct msrc *s, int stream, const char *line, size_t len, int flags)
{
	struct mctr *c = s->c;
	struct logmux *m = c->m;
	int64_t ts = 0;
	bool first_piece = !s->cont[stream];

	s->cont[stream] = (flags & LINE_PARTIAL) != 0;
	if (s->stamped && first_piece) {
		size_t n = logmux_parse_ts(line, len, &ts);
		if (n && n < len && line[n] == ' ') {
			line += n + 1;
			len -= n + 1;
		} else if (n && n == len) {
			line += n;
			len = 0;
		} else {
			ts = 0;
		}
	}
	if (ts) {
		if (s->skipping) {
			if (ts < s->skip_ts ||
			    (ts == s->skip_ts && s->skip_seen < s->skip_n)) {
				if (ts == s->skip_ts)
					s->skip_seen++;
				s->cont[stream] = false;
				/* The rest of a skipped long line goes too. */
				if (flags & LINE_PARTIAL)
					s->tsstrip[stream] = false;
				return;
			}
			s->skipping = false;
		}
		if (c->seen && ts == c->last_ts) {
			c->n_at_last++;
		} else {
			c->last_ts = ts;
			c->n_at_last = 1;
		}
		c->seen = true;
	} else if (!s->stamped && m->o.timestamps && first_piece) {
		/* attach has no engine timestamps: the time it is printed. */
		ts = now_ns();
	} else if (s->stamped) {
		ts = c->last_ts;
	}
	if (m->o.merge) {
		enqueue(c, stream, ts, line, len, flags);
		return;
	}
	emit(m, c, stream, ts, line, len, flags);
}

static void
on_line_out(const char *line, size_t len, int flags, void *arg)
{
	take_line(arg, 0, line, len, flags);
}

static void
on_line_err(const char *line, size_t len, int flags, void *arg)
{
	take_line(arg, 1, line, len, flags);
}

static void
feed_lines(struct msrc *s, int stream, const char *data, size_t len)
{
	lines_feed(&s->lines[stream], data, len,
		   stream ? on_line_err : on_line_out, s);
}

/*
 * Payload of stream idx. At the start of a frame that continues a line,
 * the engine's timestamp of that piece is dropped: it is mid-line.
 */
static void
feed_payload(struct msrc *s, int idx, const char *data, size_t len)
{
	if (s->tsstrip[idx]) {
		size_t take = TS_LEN - s->tslen;
		if (take > len)
			take = len;
		memcpy(s->tsbuf + s->tslen, data, take);
		s->tslen += take;
		data += take;
		len -= take;
		if (s->tslen < TS_LEN)
			return;
		s->tsstrip[idx] = false;
		int64_t ts;
		size_t n = logmux_parse_ts(s->tsbuf, TS_LEN, &ts);
		if (n != TS_LEN - 1 || s->tsbuf[TS_LEN - 1] != ' ')
			feed_lines(s, idx, s->tsbuf, s->tslen);
		s->tslen = 0;
	}
	if (len)
		feed_lines(s, idx, data, len);
}

static void
on_frame(int stream, const char *data, size_t len, void *arg)
{
	struct msrc *s = arg;
	int idx = stream == LOGFRAME_STDERR ? 1 : 0;

	if (stream != LOGFRAME_STDOUT && stream != LOGFRAME_STDERR)
		return; /* stdin echo or system messages: not output */
	if (s->owed == 0) {
		/* A new frame: decoder's remaining is still the full size. */
		s->owed = s->frame.remaining;
		if (s->stamped && (s->lines[idx].pending.len || s->cont[idx])) {
			s->tsstrip[idx] = true;
			s->tslen = 0;
		}
	}
	s->owed -= (uint32_t)len;
	feed_payload(s, idx, data, len);
}

static bool
src_should_pause(struct msrc *s)
{
	struct logmux *m = s->c->m;

	if (m->broken)
		return false;
	if (outbuf_full(&m->out) || (m->split_err && outbuf_full(&m->err)))
		return true;
	return m->o.merge && s->c->qbytes > QUEUE_MAX;
}

static int
on_data(struct engine_req *req, const char *data, size_t len, void *arg)
{
	struct msrc *s = arg;

	s->headers = true;
	if (src_should_pause(s)) {
		s->paused = true;
		return ENGINE_PAUSE;
	}
	if (s->c->m->broken)
		return 0; /* nobody reads: drain and drop */
	if (!s->raw && logframe_feed(&s->frame, data, len, on_frame, s) < 0) {
		/* Not frames after all: a TTY's raw bytes. */
		s->raw = true;
		feed_lines(s, 0, data, len);
		return 0;
	}
	if (s->raw)
		feed_lines(s, 0, data, len);
	return 0;
}

static void
on_done(struct engine_req *req, void *arg)
{
	struct msrc *s = arg;
	int err = 0;

	if (engine_req_transport_error(req))
		err = -2;
	else if (engine_req_status(req) >= 300)
		err = -1;
	if (err == -1 || (err == -2 && s->c->m->o.on_end == NULL))
		engine_req_report(req);
	src_finish(s, err);
}

/* End of a stream: last lines out, free it, tell the owner. */
static void
src_finish(struct msrc *s, int err)
{
	struct mctr *c = s->c;
	struct logmux *m = c->m;
	char *id = xstrdup(c->id);

	if (s->tslen) {
		int idx = s->tsstrip[1] ? 1 : 0;
		s->tsstrip[idx] = false;
		feed_lines(s, idx, s->tsbuf, s->tslen);
	}
	lines_flush(&s->lines[0], on_line_out, s);
	lines_flush(&s->lines[1], on_line_err, s);
	lines_release(&s->lines[0]);
	lines_release(&s->lines[1]);
	engine_req_free(s->req);
	c->src = NULL;
	m->active--;
	free(s);
	if (m->o.merge)
		merge_pump(m);
	if (m->o.on_end)
		m->o.on_end(m, id, err, m->o.arg);
	free(id);
}

/* Resume paused streams that may go on; pump the merge. */
static void
on_prepare(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct logmux *m = w->data;
	bool resumed = false;

	if (m->o.merge)
		merge_pump(m);
	for (struct mctr *c = m->ctrs; c; c = c->next) {
		struct msrc *s = c->src;
		if (s && s->paused && !src_should_pause(s)) {
			s->paused = false;
			resumed = true;
			engine_req_resume(s->req);
		}
	}
	if (resumed && m->o.merge)
		merge_pump(m);
}

static void
on_out_broken(void *arg)
{
	struct logmux *m = arg;

	m->broken = true;
	if (m->o.on_broken)
		m->o.on_broken(m, m->o.arg);
}

static void
on_out_drain(void *arg)
{
	/* The prepare watcher resumes streams before the loop blocks. */
}

struct logmux *
logmux_new(struct engine *e, const struct logmux_opts *o)
{
	struct logmux *m = xcalloc(1, sizeof(*m));
	FILE *out = o->out ? o->out : stdout;

	m->e = e;
	m->loop = engine_loop(e);
	m->o = *o;
	buf_init(&m->line);
	fflush(out);
	outbuf_init(&m->out, m->loop, fileno(out), OUT_HIGH);
	m->out.on_broken = on_out_broken;
	m->out.on_drain = on_out_drain;
	m->out.arg = m;
	if (o->err && fileno(o->err) != fileno(out)) {
		fflush(o->err);
		m->split_err = true;
		outbuf_init(&m->err, m->loop, fileno(o->err), OUT_HIGH);
		m->err.on_drain = on_out_drain;
		m->err.arg = m;
	}
	ev_prepare_init(&m->prepare, on_prepare);
	m->prepare.data = m;
	ev_prepare_start(m->loop, &m->prepare);
	ev_unref(m->loop);
	ev_timer_init(&m->merge_timer, on_merge_timer, 0., 0.);
	m->merge_timer.data = m;
	return m;
}

void
logmux_set_services(struct logmux *m, char *const *services, size_t n)
{
	for (size_t i = 0; i < m->nservices; i++)
		free(m->services[i]);
	free(m->services);
	m->services = xcalloc(n ? n : 1, sizeof(*m->services));
	m->nservices = 0;
	for (size_t i = 0; i < n; i++) {
		bool dup = false;
		for (size_t k = 0; k < m->nservices; k++)
			dup |= strcmp(m->services[k], services[i]) == 0;
		if (!dup)
			m->services[m->nservices++] = xstrdup(services[i]);
	}
	qsort(m->services, m->nservices, sizeof(*m->services), cmp_str);
	for (struct mctr *c = m->ctrs; c; c = c->next)
		c->color = color_of(m, c->service);
}

void
logmux_register(struct logmux *m, const char *prefix, const char *service)
{
	ctr_get(m, NULL, prefix, service);
}

void
logmux_skip_until(struct logmux *m, const char *id, const char *prefix,
		  const char *service, int64_t ts)
{
	struct mctr *c = ctr_get(m, id, prefix, service);

	if (!c->seen || ts > c->last_ts) {
		c->seen = true;
		c->last_ts = ts;
		c->n_at_last = 1;
	}
}

static struct msrc *
src_new(struct mctr *c, const struct logmux_stream *st, bool attach)
{
	struct msrc *s = xcalloc(1, sizeof(*s));

	s->c = c;
	s->attach = attach;
	s->stamped = !attach && !st->no_timestamps;
	s->raw = st->tty;
	logframe_init(&s->frame);
	/* The cap is for what is printed, not the engine's timestamp. */
	lines_init(&s->lines[0], LINE_CAP + (s->stamped ? TS_LEN : 0));
	lines_init(&s->lines[1], LINE_CAP + (s->stamped ? TS_LEN : 0));
	c->src = s;
	c->m->active++;
	return s;
}

int
logmux_add_fake(struct logmux *m, const struct logmux_stream *st)
{
	struct mctr *c = ctr_get(m, st->id, st->prefix, st->service);
	struct msrc *s;

	if (c->src)
		return -1;
	s = src_new(c, st, strcmp(st->mode, "attach") == 0);
	if (st->resume && c->seen) {
		s->skipping = true;
		s->skip_ts = c->last_ts;
		s->skip_n = c->n_at_last;
	}
	return 0;
}

void
logmux_feed(struct logmux *m, const char *id, const char *data, size_t len)
{
	struct mctr *c = ctr_find(m, id);

	if (c == NULL || c->src == NULL)
		return;
	while (on_data(NULL, data, len, c->src) == ENGINE_PAUSE) {
		c->src->paused = false;
		logmux_flush(m);
	}
}

void
logmux_end(struct logmux *m, const char *id, int err)
{
	struct mctr *c = ctr_find(m, id);

	if (c && c->src)
		src_finish(c->src, err);
}

int
logmux_add_stream(struct logmux *m, const struct logmux_stream *st)
{
	struct mctr *c = ctr_get(m, st->id, st->prefix, st->service);
	struct buf path = BUF_INIT;
	struct msrc *s;
	bool attach = strcmp(st->mode, "attach") == 0;

	if (c->src)
		return -1;
	s = src_new(c, st, attach);
	if (attach) {
		buf_addf(&path,
			 "/containers/%s/attach?stream=1&stdout=1&stderr=1"
			 "&logs=0",
			 st->id);
	} else {
		buf_addf(&path, "/containers/%s/logs?stdout=1&stderr=1%s",
			 st->id, s->stamped ? "&timestamps=1" : "");
		/* The engine takes the first of repeated parameters. */
		if (st->resume && c->seen && s->stamped) {
			buf_addf(&path, "&since=%lld.%09lld&tail=all",
				 (long long)(c->last_ts / 1000000000),
				 (long long)(c->last_ts % 1000000000));
			s->skipping = true;
			s->skip_ts = c->last_ts;
			s->skip_n = c->n_at_last;
		}
		if (st->query && *st->query)
			buf_addf(&path, "&%s", st->query);
	}
	struct engine_req_opts ro = {
		.method = attach ? "POST" : "GET",
		.path = path.ptr,
		.on_data = on_data,
		.on_done = on_done,
		.arg = s,
	};
	s->req = engine_start(m->e, &ro);
	buf_release(&path);
	return 0;
}

void
logmux_add(struct logmux *m, const char *id, const char *prefix, bool tty,
	   const char *mode, const char *query)
{
	struct logmux_stream st = {
		.id = id,
		.prefix = prefix,
		.tty = tty,
		.mode = mode,
		.query = query,
	};

	logmux_add_stream(m, &st);
}

int
logmux_wait_attached(struct logmux *m, const char *id, double timeout)
{
	struct mctr *c = ctr_find(m, id);
	ev_tstamp until = ev_time() + timeout;

	while (c && c->src && !c->src->headers &&
	       engine_req_status(c->src->req) == 0) {
		if (ev_time() > until)
			return -1;
		ev_run(m->loop, EVRUN_ONCE);
		c = ctr_find(m, id);
	}
	return c && c->src ? 0 : -1;
}

bool
logmux_streaming(const struct logmux *m, const char *id)
{
	struct mctr *c = ctr_find(m, id);

	return c && c->src;
}

bool
logmux_seen(const struct logmux *m, const char *id)
{
	struct mctr *c = ctr_find(m, id);

	return c && c->seen;
}

size_t
logmux_active(const struct logmux *m)
{
	return m->active;
}

static void
src_cancel(struct msrc *s)
{
	struct mctr *c = s->c;

	lines_flush(&s->lines[0], on_line_out, s);
	lines_flush(&s->lines[1], on_line_err, s);
	lines_release(&s->lines[0]);
	lines_release(&s->lines[1]);
	engine_cancel(s->req);
	c->src = NULL;
	c->m->active--;
	free(s);
}

void
logmux_cancel(struct logmux *m, const char *id)
{
	struct mctr *c = ctr_find(m, id);

	if (c && c->src)
		src_cancel(c->src);
}

void
logmux_cancel_all(struct logmux *m)
{
	for (struct mctr *c = m->ctrs; c; c = c->next)
		if (c->src)
			src_cancel(c->src);
	if (m->o.merge)
		merge_pump(m);
}

void
logmux_printf(struct logmux *m, const char *fmt, ...)
{
	va_list ap;

	buf_reset(&m->line);
	va_start(ap, fmt);
	buf_vaddf(&m->line, fmt, ap);
	va_end(ap);
	buf_addch(&m->line, '\n');
	outbuf_add(&m->out, m->line.ptr, m->line.len);
}

void
logmux_status(struct logmux *m, const char *prefix, const char *fmt, ...)
{
	struct mctr *c = NULL;
	va_list ap;

	for (struct mctr *k = m->ctrs; k; k = k->next)
		if (strcmp(k->prefix, prefix) == 0)
			c = k;
	buf_reset(&m->line);
	if (m->o.color && c)
		buf_addf(&m->line, "\033[%sm%s\033[0m ", logmux_color(c->color),
			 prefix);
	else
		buf_addf(&m->line, "%s ", prefix);
	va_start(ap, fmt);
	buf_vaddf(&m->line, fmt, ap);
	va_end(ap);
	buf_addch(&m->line, '\n');
	outbuf_add(&m->out, m->line.ptr, m->line.len);
}

static size_t
queued_bytes(const struct logmux *m)
{
	size_t n = 0;

	for (struct mctr *c = m->ctrs; c; c = c->next)
		n += c->qbytes;
	return n;
}

void
logmux_flush(struct logmux *m)
{
	size_t before, after = queued_bytes(m);

	/* Pump and write until the merge makes no more progress. */
	do {
		before = after;
		if (m->o.merge)
			merge_pump(m);
		outbuf_flush(&m->out);
		after = queued_bytes(m);
	} while (after && after != before && !m->broken);
	if (m->split_err)
		outbuf_flush(&m->err);
}

bool
logmux_broken(const struct logmux *m)
{
	return m->broken;
}

void
logmux_free(struct logmux *m)
{
	struct mctr *c, *next;

	if (m == NULL)
		return;
	logmux_cancel_all(m);
	logmux_flush(m);
	for (c = m->ctrs; c; c = next) {
		next = c->next;
		ctr_free(c);
	}
	ev_timer_stop(m->loop, &m->merge_timer);
	ev_ref(m->loop);
	ev_prepare_stop(m->loop, &m->prepare);
	outbuf_release(&m->out);
	if (m->split_err)
		outbuf_release(&m->err);
	for (size_t i = 0; i < m->nservices; i++)
		free(m->services[i]);
	free(m->services);
	buf_release(&m->line);
	free(m);
}
