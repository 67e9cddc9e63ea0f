/*
 * interp.c - compose variable interpolation (interp.h).
 *
 * compose-go does this with one regular expression and a replace callback
 * (template/template.go). Here a small scanner reproduces what that
 * expression matches, including its corners: in `${NAME<op>...}` the
 * operand runs to the last `}}` on the line if there is one (the greedy
 * `.*}` branch), else to the first `}`; then the first brace that closes
 * the `${` ends the operand and whatever follows up to the match end is
 * interpolated on its own. That is what makes `${A:-${B:-x}}` nest.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "interp.h"
#include "log.h"
#include "pos.h"
#include "xalloc.h"

struct istate {
	const struct interp_opts *o;
	const char *whole; /* the string given, for messages */
	json_t *warned;	   /* o->warned, or NULL: warn every time */
	struct buf err;
};

static int
subst(struct istate *s, const char *in, size_t len, struct buf *out, bool top);

static bool
is_name_start(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

/* The value of a variable, or NULL when unset. */
static const char *
lookup(const struct istate *s, const char *name)
{
	const json_t *v = s->o->env ? json_object_get(s->o->env, name) : NULL;

	if (!json_is_string(v) && s->o->fallback)
		v = json_object_get(s->o->fallback, name);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void
warn_unset(struct istate *s, const char *name)
{
	if (!s->o->warn_unset)
		return;
	if (s->warned) {
		if (json_object_get(s->warned, name))
			return;
		json_object_set_new(s->warned, name, json_true());
	}
	warning("The \"%s\" variable is not set. Defaulting to a blank string.",
		name);
}

/* Record name for `config --variables`: its default text, or null. */
static void
note_used(struct istate *s, const char *name, const char *def, size_t deflen)
{
	json_t *used = s->o->used;
	json_t *cur;

	if (used == NULL)
		return;
	cur = json_object_get(used, name);
	if (cur && !(json_is_null(cur) && def))
		return;
	json_object_set_new(used, name,
			    def ? json_stringn_nocheck(def, deflen) :
				  json_null());
}

static int
invalid(struct istate *s)
{
	buf_reset(&s->err);
	buf_addf(&s->err, "invalid interpolation format for \"%s\"", s->whole);
	return -1;
}

/* Substitute a plain lookup ($NAME or ${NAME}). */
static void
subst_name(struct istate *s, const char *name, struct buf *out, bool top)
{
	const char *v = lookup(s, name);

	if (top)
		note_used(s, name, NULL, 0);
	if (v == NULL)
		warn_unset(s, name);
	else
		buf_adds(out, v);
}

/*
 * Where the `${...}` match that starts at in[0] ends (index of its last
 * `}`), given its operand starts at a; 0 when there is no match.
 */
static size_t
braced_match_end(const char *in, size_t len, size_t a)
{
	size_t eol = a, last = 0;

	while (eol < len && in[eol] != '\n')
		eol++;
	for (size_t p = a; p + 1 < eol; p++)
		if (in[p] == '}' && in[p + 1] == '}')
			last = p + 1;
	if (last)
		return last;
	for (size_t p = a; p < len; p++)
		if (in[p] == '}')
			return p;
	return 0;
}

/* The first `}` closing the `${` at in[0], not past m; 0 when none. */
static size_t
first_closing(const char *in, size_t m)
{
	int depth = 0;

	for (size_t t = 0; t <= m; t++) {
		if (in[t] == '}' && --depth == 0)
			return t;
		if (in[t] == '$' && t < m && in[t + 1] == '{') {
			depth++;
			t++;
		}
	}
	return 0;
}

/* Apply op to NAME with operand value arg; the result goes to out. */
static int
apply_op(struct istate *s, const char *name, bool colon, char op,
	 const char *arg, struct buf *out)
{
	const char *v = lookup(s, name);
	bool usable = v && (!colon || *v);

	switch (op) {
	case '-':
		buf_adds(out, usable ? v : arg);
		return 0;
	case '+':
		buf_adds(out, usable ? arg : (v ? v : ""));
		return 0;
	default: /* '?' */
		if (usable) {
			buf_adds(out, v);
			return 0;
		}
		buf_reset(&s->err);
		buf_addf(&s->err, "required variable %s is missing a value: %s",
			 name, arg);
		return -1;
	}
}

/* ${...} at in[0]; sets *used to the bytes consumed. */
static int
subst_braced(struct istate *s, const char *in, size_t len, struct buf *out,
	     bool top, size_t *used)
{
	size_t k = 2, a, m, c, arglen;
	bool colon;
	char op, *name;
	struct buf arg = BUF_INIT;
	int ret = -1;

	if (k >= len || !is_name_start(in[k]))
		return invalid(s);
	while (k < len && is_name_char(in[k]))
		k++;
	name = xstrndup(in + 2, k - 2);
	if (k < len && in[k] == '}') {
		subst_name(s, name, out, top);
		*used = k + 1;
		free(name);
		return 0;
	}
	colon = k < len && in[k] == ':';
	op = k + colon < len ? in[k + colon] : '\0';
	if (op != '-' && op != '+' && op != '?') {
		free(name);
		return invalid(s);
	}
	a = k + colon + 1;
	m = braced_match_end(in, len, a);
	if (m == 0) {
		free(name);
		return invalid(s);
	}
	c = first_closing(in, m);
	arglen = (c ? c : m) - a;
	if (top)
		note_used(s, name, op == '-' ? in + a : NULL, arglen);
	if (subst(s, in + a, arglen, &arg, false) < 0)
		goto done;
	if (apply_op(s, name, colon, op, arg.ptr, out) < 0)
		goto done;
	/* What the match swallowed after the closing brace. */
	if (c && c < m && subst(s, in + c + 1, m - c, out, top) < 0)
		goto done;
	*used = m + 1;
	ret = 0;
done:
	buf_release(&arg);
	free(name);
	return ret;
}

static int
subst(struct istate *s, const char *in, size_t len, struct buf *out, bool top)
{
	size_t i = 0;

	while (i < len) {
		const char *d = memchr(in + i, '$', len - i);
		size_t used = 0;

		if (d == NULL) {
			buf_add(out, in + i, len - i);
			break;
		}
		buf_add(out, in + i, (size_t)(d - (in + i)));
		i = (size_t)(d - in);
		if (i + 1 < len && in[i + 1] == '$') {
			buf_addch(out, '$');
			i += 2;
		} else if (i + 1 < len && is_name_start(in[i + 1])) {
			size_t k = i + 1;
			char *name;

			while (k < len && is_name_char(in[k]))
				k++;
			name = xstrndup(in + i + 1, k - i - 1);
			subst_name(s, name, out, top);
			free(name);
			i = k;
		} else if (i + 1 < len && in[i + 1] == '{') {
			if (subst_braced(s, in + i, len - i, out, top, &used) <
			    0)
				return -1;
			i += used;
		} else {
			return invalid(s);
		}
	}
	return 0;
}

int
interp_string(const char *in, const struct interp_opts *o, char **out,
	      char **err)
{
	struct istate s = { o, in, o->warned, BUF_INIT };
	struct buf b = BUF_INIT;

	*out = NULL;
	*err = NULL;
	if (subst(&s, in, strlen(in), &b, true) < 0) {
		*err = buf_detach(&s.err, NULL);
		buf_release(&b);
		return -1;
	}
	buf_release(&s.err);
	*out = buf_detach(&b, NULL);
	return 0;
}

struct walk {
	struct interp_opts o;
	struct buf path;
	bool bad_format; /* give the escaping hint once */
	int ret;
};

static json_t *interp_node(struct walk *w, json_t *node);

/* Append "[i]" (no printf: this runs for every list item). */
static void
path_add_index(struct buf *b, size_t i)
{
	char tmp[24], *p = tmp + sizeof(tmp);

	*--p = ']';
	do {
		*--p = (char)('0' + i % 10);
		i /= 10;
	} while (i);
	*--p = '[';
	buf_add(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

static json_t *
interp_leaf(struct walk *w, json_t *node)
{
	const char *in = json_string_value(node);
	char *out, *err;
	json_t *repl;

	if (strchr(in, '$') == NULL)
		return NULL;
	if (interp_string(in, &w->o, &out, &err) < 0) {
		diag_error(node, w->path.ptr, "%s", err);
		if (strncmp(err, "invalid", 7) == 0)
			w->bad_format = true;
		free(err);
		w->ret = -1;
		return NULL;
	}
	repl = json_string(out);
	free(out);
	if (repl == NULL) {
		diag_error(node, w->path.ptr,
			   "value is not valid UTF-8 after interpolation");
		w->ret = -1;
		return NULL;
	}
	pos_copy(repl, node);
	return repl;
}

/* Interpolate children of node; returns a replacement for node or NULL. */
static json_t *
interp_node(struct walk *w, json_t *node)
{
	size_t mark = w->path.len;
	const char *key;
	json_t *v, *r;
	size_t i;

	switch (json_typeof(node)) {
	case JSON_STRING:
		return interp_leaf(w, node);
	case JSON_OBJECT:
		json_object_foreach (node, key, v) {
			if (mark)
				buf_addch(&w->path, '.');
			buf_adds(&w->path, key);
			r = interp_node(w, v);
			if (r)
				json_object_set_new(node, key, r);
			buf_setlen(&w->path, mark);
		}
		return NULL;
	case JSON_ARRAY:
		json_array_foreach (node, i, v) {
			path_add_index(&w->path, i);
			r = interp_node(w, v);
			if (r)
				json_array_set_new(node, i, r);
			buf_setlen(&w->path, mark);
		}
		return NULL;
	default:
		return NULL;
	}
}

int
interp_tree(json_t *tree, const struct interp_opts *o)
{
	struct walk w = { *o, BUF_INIT, false, 0 };
	json_t *local = NULL;

	if (w.o.warned == NULL && w.o.warn_unset)
		w.o.warned = local = json_object(); /* once per call */
	/* A bare string at the top cannot be replaced in place. */
	if (json_is_string(tree)) {
		json_t *r = interp_leaf(&w, tree);

		if (r) {
			json_string_set(tree, json_string_value(r));
			json_decref(r);
		}
	} else {
		interp_node(&w, tree);
	}
	if (w.bad_format)
		hint("you may need to escape any $ with another $");
	buf_release(&w.path);
	json_decref(local);
	return w.ret;
}
