/*
 * progress.c - the progress printer of progress.h.
 *
 * The tty mode keeps every line's state and redraws the whole block: the
 * cursor goes back up over the lines drawn last time and each line is
 * rewritten and cleared to its end. Lines are cut to the terminal width,
 * since a wrapped line would throw the cursor arithmetic off.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>
#include <jansson.h>

#include "buf.h"
#include "progress.h"
#include "xalloc.h"

enum progress_mode { MODE_TTY, MODE_PLAIN, MODE_JSON };

struct progress_line {
	char *id;     /* "Container p-web-1" */
	char *text;   /* "Stopping" */
	char *detail; /* error message, or NULL */
	enum progress_state state;
	double start, end;
};

struct progress {
	enum progress_mode mode;
	char *title;
	struct ev_loop *loop;
	ev_timer timer;
	bool timer_on;
	struct progress_line *lines;
	size_t n, cap;
	int drawn; /* rows drawn last time (tty) */
	unsigned tick;
};

static const char *const spinner[] = { "⠋", "⠙", "⠹", "⠸", "⠼",
				       "⠴", "⠦", "⠧", "⠇", "⠏" };

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
term_width(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		return ws.ws_col;
	return 80;
}

/* Display columns of UTF-8 text: count the bytes that start a character. */
static size_t
columns(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* Append s cut to at most max columns (never splitting a character). */
static void
add_cut(struct buf *b, const char *s, size_t max)
{
	size_t cols = 0, i = 0;

	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (cols == max)
				break;
			cols++;
		}
	}
	buf_add(b, s, i);
}

static void
draw_line(struct progress *p, struct buf *out, const struct progress_line *l,
	  size_t idw, int width)
{
	struct buf left = BUF_INIT;
	const char *sym, *color;
	double t = (l->state == PROGRESS_WORKING ? now() : l->end) - l->start;
	char timer[32];
	size_t room;

	switch (l->state) {
	case PROGRESS_DONE:
		sym = "✔", color = "\033[32m";
		break;
	case PROGRESS_WARNING:
		sym = "!", color = "\033[33m";
		break;
	case PROGRESS_ERROR:
		sym = "✘", color = "\033[31m";
		break;
	default:
		sym = spinner[p->tick % ARRAY_SIZE(spinner)], color = "";
		break;
	}
	/* The id padded to the widest one, so the texts line up. */
	buf_adds(&left, l->id);
	for (size_t c = columns(l->id, strlen(l->id)); c < idw + 1; c++)
		buf_addch(&left, ' ');
	buf_adds(&left, l->text);
	if (l->detail) {
		buf_addch(&left, ' ');
		buf_adds(&left, l->detail);
	}
	snprintf(timer, sizeof(timer), "%.1fs", t < 0 ? 0 : t);
	/* " S " + text + " " + timer must fit in width - 1 columns. */
	room = (size_t)width - 1 - 3 - 1 - strlen(timer);
	buf_addf(out, " %s%s\033[0m ", color, sym);
	size_t start = out->len;
	add_cut(out, left.ptr, room);
	size_t used = columns(out->ptr + start, out->len - start);
	for (; used < room; used++)
		buf_addch(out, ' ');
	buf_addf(out, " \033[34m%s\033[0m\033[K\n", timer);
	buf_release(&left);
}

static void
draw(struct progress *p)
{
	struct buf out = BUF_INIT;
	size_t done = 0, idw = 0;
	int width = term_width();

	if (p->n == 0)
		return;
	for (size_t i = 0; i < p->n; i++) {
		size_t w = columns(p->lines[i].id, strlen(p->lines[i].id));
		if (w > idw)
			idw = w;
		if (p->lines[i].state != PROGRESS_WORKING)
			done++;
	}
	buf_adds(&out, "\033[?25l");
	if (p->drawn)
		buf_addf(&out, "\033[%dA\r", p->drawn);
	buf_addf(&out, "%s[+] %s %zu/%zu\033[0m\033[K\n",
		 done == p->n ? "\033[34m" : "", p->title, done, p->n);
	for (size_t i = 0; i < p->n; i++)
		draw_line(p, &out, &p->lines[i], idw, width);
	buf_adds(&out, "\033[?25h");
	p->drawn = (int)p->n + 1;
	fwrite(out.ptr, 1, out.len, stderr);
	fflush(stderr);
	buf_release(&out);
}

static void
on_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct progress *p = w->data;

	p->tick++;
	draw(p);
}

static void
timer_set(struct progress *p, bool on)
{
	if (p->loop == NULL || p->mode != MODE_TTY || on == p->timer_on)
		return;
	/*
	 * The timer must not keep the loop alive on its own: it is unref'd
	 * while running (libev's idiom for background watchers).
	 */
	if (on) {
		ev_timer_start(p->loop, &p->timer);
		ev_unref(p->loop);
	} else {
		ev_ref(p->loop);
		ev_timer_stop(p->loop, &p->timer);
	}
	p->timer_on = on;
}

struct progress *
progress_new(const char *mode, const char *ansi, const char *title,
	     struct ev_loop *loop)
{
	struct progress *p;
	enum progress_mode m;

	if (mode == NULL)
		mode = "auto";
	if (strcmp(mode, "quiet") == 0)
		return NULL;
	if (strcmp(mode, "json") == 0)
		m = MODE_JSON;
	else if (strcmp(mode, "plain") == 0)
		m = MODE_PLAIN;
	else if (strcmp(mode, "tty") == 0)
		m = MODE_TTY;
	else if (isatty(STDERR_FILENO) && !(ansi && !strcmp(ansi, "never")))
		m = MODE_TTY;
	else
		m = MODE_PLAIN;
	p = xcalloc(1, sizeof(*p));
	p->mode = m;
	p->title = xstrdup(title ? title : "Running");
	p->loop = loop;
	ev_timer_init(&p->timer, on_tick, 0.1, 0.1);
	p->timer.data = p;
	return p;
}

void
progress_free(struct progress *p)
{
	if (p == NULL)
		return;
	timer_set(p, false);
	if (p->mode == MODE_TTY)
		draw(p);
	for (size_t i = 0; i < p->n; i++) {
		free(p->lines[i].id);
		free(p->lines[i].text);
		free(p->lines[i].detail);
	}
	free(p->lines);
	free(p->title);
	free(p);
}

static struct progress_line *
line_get(struct progress *p, const char *id)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->lines[i].id, id) == 0)
			return &p->lines[i];
	ALLOC_GROW(p->lines, p->n + 1, p->cap);
	struct progress_line *l = &p->lines[p->n++];
	memset(l, 0, sizeof(*l));
	l->id = xstrdup(id);
	l->start = now();
	return l;
}

static void
emit(struct progress *p, const char *id, const char *text, const char *detail,
     enum progress_state state)
{
	if (p->mode == MODE_PLAIN) {
		fprintf(stderr, " %s  %s%s%s\n", id, text, detail ? " " : "",
			detail ? detail : "");
	} else if (p->mode == MODE_JSON) {
		json_t *o = json_pack("{s:s, s:s}", "id", id, "text", text);
		if (detail)
			json_object_set_new(o, "status", json_string(detail));
		char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fprintf(stderr, "%s\n", s);
		free(s);
		json_decref(o);
	}
	fflush(stderr);
}

static void
event(struct progress *p, const char *kind, const char *name, const char *text,
      const char *detail, enum progress_state state)
{
	char *id = xasprintf("%s %s", kind, name);
	struct progress_line *l;
	bool working = false;

	if (p->mode != MODE_TTY) {
		emit(p, id, text, detail, state);
		free(id);
		return;
	}
	l = line_get(p, id);
	free(id);
	free(l->text);
	l->text = xstrdup(text);
	free(l->detail);
	l->detail = detail ? xstrdup(detail) : NULL;
	if (l->state == PROGRESS_WORKING && state != PROGRESS_WORKING)
		l->end = now();
	l->state = state;
	for (size_t i = 0; i < p->n; i++)
		if (p->lines[i].state == PROGRESS_WORKING)
			working = true;
	timer_set(p, working);
	draw(p);
}

void
progress_event(struct progress *p, const char *kind, const char *name,
	       const char *text, enum progress_state state)
{
	if (p)
		event(p, kind, name, text, NULL, state);
}

void
progress_error(struct progress *p, const char *kind, const char *name,
	       const char *msg)
{
	if (p)
		event(p, kind, name, "Error", msg, PROGRESS_ERROR);
}

bool
progress_is_tty(const struct progress *p)
{
	return p && p->mode == MODE_TTY;
}
