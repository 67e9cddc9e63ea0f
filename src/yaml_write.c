/*
 * yaml_write.c - a JSON tree out as YAML in docker compose's style
 * (yaml_write.h).
 *
 * libyaml's emitter does the YAML: structure, escaping, and the fallback
 * from plain to quoted scalars when a string cannot be plain. Two things
 * are go-yaml v3's, and live here: which strings must be quoted although
 * libyaml could write them plain (go-yaml quotes every string that would
 * read back as another type), and the indentation of a sequence under a
 * mapping key, which libyaml writes "indentless" and go-yaml indents by
 * two. The second is a pass over libyaml's finished text (reindent).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "buf.h"
#include "log.h"
#include "xalloc.h"
#include "yaml_write.h"

/* Plain words go-yaml reads as null, bool or float, the YAML 1.1
   booleans it quotes for older readers (its isOldBool), and "<<", which
   go-yaml writes plain but then reads back as a merge key. */
static const char *const typed_words[] = {
	"",	 "~",	  "null",  "Null",  "NULL",  "true",  "True",
	"TRUE",	 "false", "False", "FALSE", ".nan",  ".NaN",  ".NAN",
	".inf",	 ".Inf",  ".INF",  "+.inf", "+.Inf", "+.INF", "-.inf",
	"-.Inf", "-.INF", "y",	   "Y",	    "yes",   "Yes",   "YES",
	"n",	 "N",	  "no",	   "No",    "NO",    "on",    "On",
	"ON",	 "off",	  "Off",   "OFF",   "<<",    NULL,
};

static size_t
span_digits(const char *s, int base)
{
	size_t n = 0;

	for (;; n++) {
		int c = (unsigned char)s[n];
		int v = isdigit(c)  ? c - '0' :
			isxdigit(c) ? tolower(c) - 'a' + 10 :
				      99;
		if (v >= base)
			return n;
	}
}

/* Go's strconv.ParseInt(s, 0, 64) syntax (range not checked). */
static bool
is_go_int(const char *p)
{
	int base = 10;
	size_t n;

	if (*p == '+' || *p == '-')
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O')) {
		base = 8;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
		base = 2;
		p += 2;
	} else if (p[0] == '0' && p[1]) {
		base = 8;
		p++;
	}
	n = span_digits(p, base);
	return n > 0 && p[n] == '\0';
}

/* go-yaml's yamlStyleFloat: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
 */
static bool
is_yaml_float(const char *p)
{
	size_t n;

	if (*p == '+' || *p == '-')
		p++;
	if (*p == '.') {
		n = span_digits(++p, 10);
		if (n == 0)
			return false;
		p += n;
	} else {
		n = span_digits(p, 10);
		if (n == 0)
			return false;
		p += n;
		if (*p == '.')
			p += 1 + span_digits(p + 1, 10);
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		n = span_digits(p, 10);
		if (n == 0)
			return false;
		p += n;
	}
	return *p == '\0';
}

/* go-yaml's base60float: [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)? */
static bool
is_base60(const char *p)
{
	int groups = 0;

	if (*p == '+' || *p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p) || *p == '_')
		p++;
	while (*p == ':') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		p += (*p <= '5' && isdigit((unsigned char)p[1])) ? 2 : 1;
		groups++;
	}
	if (groups == 0)
		return false;
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p) || *p == '_')
			p++;
	}
	return *p == '\0';
}

/* Read 1 or 2 digits (Go's non-fixed number fields) in [lo, hi]. */
static bool
take_num(const char **p, int lo, int hi, int *out)
{
	size_t n = span_digits(*p, 10);

	if (n < 1 || n > 2)
		return false;
	*out = atoi(*p);
	*p += n;
	return *out >= lo && *out <= hi;
}

static int
days_in(int month, int year)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/* H:M:S[.frac], as Go's "15:4:5.999999999". */
static bool
take_time(const char **p)
{
	int h, m, s;

	if (!take_num(p, 0, 23, &h) || *(*p)++ != ':' ||
	    !take_num(p, 0, 59, &m) || *(*p)++ != ':' ||
	    !take_num(p, 0, 59, &s))
		return false;
	if (**p == '.' && isdigit((unsigned char)(*p)[1]))
		*p += 1 + span_digits(*p + 1, 10);
	return true;
}

/* The timestamp forms go-yaml tries (a subset of YAML 1.1's). */
static bool
is_timestamp(const char *p)
{
	int year, month, day;

	if (span_digits(p, 10) != 4 || p[4] != '-')
		return false;
	year = atoi(p);
	p += 5;
	if (!take_num(&p, 1, 12, &month) || *p++ != '-' ||
	    !take_num(&p, 1, 31, &day) || day > days_in(month, year))
		return false;
	if (*p == '\0')
		return true;
	if (*p == ' ') {
		p++;
		return take_time(&p) && *p == '\0';
	}
	if (*p != 'T' && *p != 't')
		return false;
	p++;
	if (!take_time(&p))
		return false;
	if (*p == 'Z')
		return p[1] == '\0';
	if (*p != '+' && *p != '-')
		return false;
	return span_digits(p + 1, 10) == 2 && p[3] == ':' &&
	       span_digits(p + 4, 10) == 2 && p[6] == '\0';
}

bool
yaml_plain_is_typed(const char *s)
{
	char *plain, *d;
	bool typed;

	/* Most strings start with a letter no typed scalar starts with, or
	   are longer than any typed word that starts with a letter. */
	if (*s && !strchr("~nNtTfFyYoO.+-<0123456789", *s))
		return false;
	if (((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')) &&
	    strnlen(s, 6) > 5)
		return false;
	for (size_t i = 0; typed_words[i]; i++)
		if (typed_words[i][0] == s[0] && strcmp(s, typed_words[i]) == 0)
			return true;
	if (is_base60(s))
		return true;
	if (s[0] == '.')
		return is_yaml_float(s);
	if (s[0] != '+' && s[0] != '-' && !isdigit((unsigned char)s[0]))
		return false;
	if (is_timestamp(s))
		return true;
	if (strchr(s, '_') == NULL)
		return is_go_int(s) || is_yaml_float(s);
	/* go-yaml drops underscores before trying numbers. */
	plain = d = xstrdup(s);
	for (const char *q = s; *q; q++)
		if (*q != '_')
			*d++ = *q;
	*d = '\0';
	typed = is_go_int(plain) || is_yaml_float(plain);
	free(plain);
	return typed;
}

/* Go's strconv.FormatFloat(d, 'g', -1, 64), as go-yaml writes floats. */
static void
format_float(double d, char out[40])
{
	char tmp[40];
	int prec, exp;

	if (isnan(d)) {
		strcpy(out, ".nan");
		return;
	}
	if (isinf(d)) {
		strcpy(out, d > 0 ? ".inf" : "-.inf");
		return;
	}
	for (prec = 1; prec < 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, d);
	exp = atoi(strchr(tmp, 'e') + 1);
	if (exp < -4 || exp >= 6)
		snprintf(out, 40, "%s", tmp);
	else
		snprintf(out, 40, "%.*f",
			 prec - 1 - exp > 0 ? prec - 1 - exp : 0, d);
}

/* A number, boolean or null as a plain YAML scalar. */
static void
format_plain(const json_t *v, char out[40])
{
	switch (json_typeof(v)) {
	case JSON_INTEGER:
		snprintf(out, 40, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		break;
	case JSON_REAL:
		format_float(json_real_value(v), out);
		break;
	case JSON_TRUE:
		strcpy(out, "true");
		break;
	case JSON_FALSE:
		strcpy(out, "false");
		break;
	default:
		strcpy(out, "null");
		break;
	}
}

struct writer {
	yaml_emitter_t em;
	struct buf out;
};

static int
write_handler(void *data, unsigned char *bytes, size_t size)
{
	buf_add(data, bytes, size);
	return 1;
}

static int
emit(struct writer *w, yaml_event_t *ev)
{
	if (!yaml_emitter_emit(&w->em, ev))
		return error("cannot write YAML: %s",
			     w->em.problem ? w->em.problem : "emitter error");
	return 0;
}

static int
emit_scalar(struct writer *w, const char *s, size_t len,
	    yaml_scalar_style_t style)
{
	yaml_event_t ev;

	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s,
				     (int)len, 1, 1, style);
	return emit(w, &ev);
}

static int
emit_string(struct writer *w, const char *s, size_t len)
{
	yaml_scalar_style_t style = YAML_PLAIN_SCALAR_STYLE;

	if (memchr(s, '\n', len))
		style = YAML_LITERAL_SCALAR_STYLE;
	else if (strlen(s) != len || yaml_plain_is_typed(s))
		style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	return emit_scalar(w, s, len, style);
}

static int emit_node(struct writer *w, const json_t *v);

static int
emit_object(struct writer *w, const json_t *v)
{
	yaml_event_t ev;
	const char *key;
	json_t *val;

	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
					    YAML_BLOCK_MAPPING_STYLE);
	if (emit(w, &ev) < 0)
		return -1;
	json_object_foreach ((json_t *)v, key, val) {
		if (emit_string(w, key, strlen(key)) < 0 ||
		    emit_node(w, val) < 0)
			return -1;
	}
	yaml_mapping_end_event_initialize(&ev);
	return emit(w, &ev);
}

static int
emit_array(struct writer *w, const json_t *v)
{
	yaml_event_t ev;
	size_t i;
	json_t *val;

	yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
					     YAML_BLOCK_SEQUENCE_STYLE);
	if (emit(w, &ev) < 0)
		return -1;
	json_array_foreach (v, i, val) {
		if (emit_node(w, val) < 0)
			return -1;
	}
	yaml_sequence_end_event_initialize(&ev);
	return emit(w, &ev);
}

static int
emit_node(struct writer *w, const json_t *v)
{
	char num[40];

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return emit_object(w, v);
	case JSON_ARRAY:
		return emit_array(w, v);
	case JSON_STRING:
		return emit_string(w, json_string_value(v),
				   json_string_length(v));
	default:
		format_plain(v, num);
		break;
	}
	return emit_scalar(w, num, strlen(num), YAML_PLAIN_SCALAR_STYLE);
}

static bool
is_item(const char *p, const char *eol)
{
	return p < eol && *p == '-' && (p + 1 == eol || p[1] == ' ');
}

/* Is [p, eol) a block scalar header such as "|", "|-" or "|2+"? */
static bool
is_block_header(const char *p, const char *eol)
{
	if (p >= eol || *p++ != '|')
		return false;
	if (p < eol && *p >= '1' && *p <= '9')
		p++;
	if (p < eol && (*p == '-' || *p == '+'))
		p++;
	return p == eol;
}

static void
put_line(struct buf *out, const char *p, const char *eol, size_t shift)
{
	if (p < eol)
		for (size_t i = 0; i < shift; i++)
			buf_addch(out, ' ');
	buf_add(out, p, (size_t)(eol - p));
	buf_addch(out, '\n');
}

/*
 * libyaml writes a block sequence that is a mapping value at its key's
 * column ("key:\n- a"); go-yaml v3 indents it ("key:\n  - a"). Shift every
 * line of such a sequence right by one indent, once per enclosing one. The
 * input is libyaml's own output with no line folding, so each line is a mapping
 * entry, a sequence item, or the content of a block scalar (which is
 * shifted with its parent and never read as structure).
 */
static void
reindent(const char *in, size_t len, size_t indent, struct buf *out)
{
	size_t *open = NULL, nopen = 0, cap = 0;
	long key_col = -1;    /* "key:" whose sequence may start next line */
	long scalar_col = -1; /* in a block scalar: lines deeper than this */
	const char *p = in, *end = in + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t ind = 0, c;

		if (eol == NULL)
			eol = end;
		while (p + ind < eol && p[ind] == ' ')
			ind++;
		if (scalar_col >= 0 &&
		    (p + ind == eol || (long)ind > scalar_col)) {
			put_line(out, p, eol, indent * nopen);
			p = eol + 1;
			continue;
		}
		scalar_col = -1;
		while (nopen &&
		       !(ind > open[nopen - 1] ||
			 (ind == open[nopen - 1] && is_item(p + ind, eol))))
			nopen--;
		if (key_col == (long)ind && is_item(p + ind, eol)) {
			ALLOC_GROW(open, nopen + 1, cap);
			open[nopen++] = ind;
		}
		key_col = -1;
		put_line(out, p, eol, indent * nopen);
		for (c = ind; is_item(p + c, eol) && p + c + 2 <= eol;)
			c += 2;
		if (eol > p + c && eol[-1] == ':') {
			key_col = (long)c;
		} else {
			const char *tok = eol;
			while (tok > p + c && tok[-1] != ' ')
				tok--;
			if (is_block_header(tok, eol))
				scalar_col = tok == p + c ? (long)c - 2 :
							    (long)c;
		}
		p = eol + 1;
	}
	free(open);
}

/* ---- the direct writer ---- */

/*
 * Most models are plain ASCII with short keys, and for those the text is
 * simple enough to write directly, several times faster than through the
 * emitter: the same styles libyaml would pick (plain unless a YAML reader
 * would misread it, then single quotes; double quotes for typed words;
 * literal blocks for several lines) and the same indentation, sequences
 * under keys included. Anything else (non-ASCII or control characters,
 * keys libyaml writes as "? key", block scalars that need indentation or
 * "+" hints, indents other than 2) makes the direct writer give up, and
 * the emitter writes the whole document. tests/fuzz checks that both give
 * the same text.
 */

enum style { ST_PLAIN, ST_SINGLE, ST_DOUBLE, ST_LITERAL, ST_HARD };

/* libyaml's block_plain_allowed for printable ASCII without breaks. */
static bool
plain_allowed(const char *s, size_t len)
{
	if (len >= 3 &&
	    (strncmp(s, "---", 3) == 0 || strncmp(s, "...", 3) == 0))
		return false;
	if (strchr("#,[]{}&*!|>'\"%@`", s[0]))
		return false;
	if ((s[0] == '?' || s[0] == ':' || s[0] == '-') &&
	    (len == 1 || s[1] == ' '))
		return false;
	if (s[0] == ' ' || s[len - 1] == ' ')
		return false;
	for (size_t i = 1; i < len; i++) {
		if (s[i] == ':' && (i + 1 == len || s[i + 1] == ' '))
			return false;
		if (s[i] == '#' && s[i - 1] == ' ')
			return false;
	}
	return true;
}

/* The style libyaml writes s in (as emit_string asks for it), or
   ST_HARD when the direct writer leaves it to libyaml. */
static enum style
scalar_style(const char *s, size_t len, bool key)
{
	bool lines = false, space_break = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n') {
			lines = true;
			space_break |= i > 0 && s[i - 1] == ' ';
		} else if (c < 0x20 || c > 0x7e) {
			return ST_HARD;
		}
	}
	if (lines) {
		if (key)
			return ST_HARD; /* not a simple key: "? ..." */
		/* literal blocks cannot keep trailing spaces on a line */
		if (s[len - 1] == ' ' || space_break)
			return ST_DOUBLE;
		/* indentation and "+" hints */
		if (s[0] == ' ' || s[0] == '\n' ||
		    (s[len - 1] == '\n' && (len == 1 || s[len - 2] == '\n')))
			return ST_HARD;
		return ST_LITERAL;
	}
	if (key && len > 128)
		return ST_HARD; /* not a simple key */
	if (len == 0 || yaml_plain_is_typed(s))
		return ST_DOUBLE;
	return plain_allowed(s, len) ? ST_PLAIN : ST_SINGLE;
}

struct direct {
	struct buf *out;
	bool bol; /* at the beginning of a line */
};

static void
put(struct direct *d, const char *s, size_t n)
{
	struct buf *b = d->out;

	if (n == 0)
		return;
	if (b->len + n >= b->cap)
		buf_grow(b, n);
	memcpy(b->ptr + b->len, s, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	d->bol = s[n - 1] == '\n';
}

/* Start a line at column col. */
static void
start_line(struct direct *d, size_t col)
{
	static const char spaces[] = "                                ";

	if (!d->bol)
		buf_addch(d->out, '\n');
	while (col > 0) {
		size_t n = col < sizeof(spaces) - 1 ? col : sizeof(spaces) - 1;
		buf_add(d->out, spaces, n);
		col -= n;
	}
	d->bol = false;
}

/* Put s (len bytes) with every byte in chars escaped (or doubled). */
static void
put_escaped(struct direct *d, const char *s, size_t len, const char *chars,
	    bool doubled)
{
	size_t run = 0;

	for (size_t i = 0; i < len; i++) {
		char esc[2];
		if (!strchr(chars, s[i]) || s[i] == '\0')
			continue;
		put(d, s + run, i - run);
		esc[0] = doubled ? s[i] : '\\';
		esc[1] = s[i] == '\n' ? 'n' : s[i];
		put(d, esc, 2);
		run = i + 1;
	}
	put(d, s + run, len - run);
}

/* A scalar where it goes; col: the column its block lines would take. */
static int
direct_scalar(struct direct *d, const char *s, size_t len, bool key, size_t col)
{
	switch (scalar_style(s, len, key)) {
	case ST_PLAIN:
		put(d, s, len);
		return 0;
	case ST_SINGLE:
		put(d, "'", 1);
		put_escaped(d, s, len, "'", true);
		put(d, "'", 1);
		return 0;
	case ST_DOUBLE:
		put(d, "\"", 1);
		put_escaped(d, s, len, "\"\\\n", false);
		put(d, "\"", 1);
		return 0;
	case ST_LITERAL: {
		const char *p = s, *end = s + len;
		put(d, s[len - 1] == '\n' ? "|\n" : "|-\n",
		    s[len - 1] == '\n' ? 2 : 3);
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *eol = nl ? nl : end;
			if (eol > p) {
				start_line(d, col);
				put(d, p, (size_t)(eol - p));
			}
			if (nl)
				put(d, "\n", 1);
			p = eol + (nl ? 1 : 0);
		}
		return 0;
	}
	case ST_HARD:
		break;
	}
	return -1;
}

static int
direct_node(struct direct *d, const json_t *v, size_t col, bool inline_first);

/* A value after "key:" or "-": scalars and empty collections on the same
   line, others below (inline_first: right after "- "). */
static int
direct_value(struct direct *d, const json_t *v, size_t col, bool in_seq)
{
	char num[40];

	switch (json_typeof(v)) {
	case JSON_OBJECT:
	case JSON_ARRAY:
		if ((json_is_object(v) && json_object_size(v) == 0) ||
		    (json_is_array(v) && json_array_size(v) == 0)) {
			put(d, json_is_object(v) ? " {}" : " []", 3);
			return 0;
		}
		if (in_seq)
			put(d, " ", 1);
		return direct_node(d, v, col + 2, in_seq);
	case JSON_STRING:
		put(d, " ", 1);
		return direct_scalar(d, json_string_value(v),
				     json_string_length(v), false, col + 2);
	default:
		format_plain(v, num);
		break;
	}
	put(d, " ", 1);
	put(d, num, strlen(num));
	return 0;
}

/* A non-empty collection whose lines start at column col; with
   inline_first its first line is already started ("- "). */
static int
direct_node(struct direct *d, const json_t *v, size_t col, bool inline_first)
{
	bool first = true;

	if (json_is_object(v)) {
		const char *key;
		json_t *val;

		json_object_foreach ((json_t *)v, key, val) {
			if (!(first && inline_first))
				start_line(d, col);
			first = false;
			if (direct_scalar(d, key, strlen(key), true, col) < 0)
				return -1;
			put(d, ":", 1);
			if (direct_value(d, val, col, false) < 0)
				return -1;
		}
	} else {
		size_t i;
		json_t *val;

		json_array_foreach (v, i, val) {
			if (!(first && inline_first))
				start_line(d, col);
			first = false;
			put(d, "-", 1);
			if (direct_value(d, val, col, true) < 0)
				return -1;
		}
	}
	return 0;
}

/* v written directly, or -1 (nothing reported) when libyaml must. */
static int
write_direct(struct buf *out, const json_t *v, int indent)
{
	struct direct d = { out, true };
	size_t start = out->len;

	if (indent != 2 || !(json_is_object(v) || json_is_array(v)))
		return -1;
	if ((json_is_object(v) && json_object_size(v) == 0) ||
	    (json_is_array(v) && json_array_size(v) == 0)) {
		buf_adds(out, json_is_object(v) ? "{}\n" : "[]\n");
		return 0;
	}
	if (direct_node(&d, v, 0, false) < 0) {
		buf_setlen(out, start);
		return -1;
	}
	if (!d.bol)
		buf_addch(out, '\n');
	return 0;
}

int
yaml_write_emitter(struct buf *out, const json_t *v, int indent)
{
	struct writer w = { .out = BUF_INIT };
	yaml_event_t ev;
	int ret = -1;

	yaml_emitter_initialize(&w.em);
	yaml_emitter_set_output(&w.em, write_handler, &w.out);
	yaml_emitter_set_unicode(&w.em, 1);
	yaml_emitter_set_indent(&w.em, indent);
	yaml_emitter_set_width(&w.em, -1);
	yaml_emitter_set_break(&w.em, YAML_LN_BREAK);

	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	if (emit(&w, &ev) < 0)
		goto done;
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	if (emit(&w, &ev) < 0 || emit_node(&w, v) < 0)
		goto done;
	yaml_document_end_event_initialize(&ev, 1);
	if (emit(&w, &ev) < 0)
		goto done;
	yaml_stream_end_event_initialize(&ev);
	if (emit(&w, &ev) < 0 || !yaml_emitter_flush(&w.em))
		goto done;
	reindent(w.out.ptr, w.out.len, (size_t)indent, out);
	ret = 0;
done:
	yaml_emitter_delete(&w.em);
	buf_release(&w.out);
	return ret;
}

int
yaml_write_buf(struct buf *out, const json_t *v, int indent)
{
	if (write_direct(out, v, indent) == 0)
		return 0;
	return yaml_write_emitter(out, v, indent);
}

int
yaml_write(FILE *f, const json_t *v)
{
	return yaml_write_indent(f, v, 2);
}

int
yaml_write_indent(FILE *f, const json_t *v, int indent)
{
	struct buf text = BUF_INIT;
	int ret = -1;

	if (yaml_write_buf(&text, v, indent) < 0)
		goto done;
	if (fwrite(text.ptr, 1, text.len, f) != text.len) {
		error("cannot write YAML: %s", strerror(errno));
		goto done;
	}
	ret = 0;
done:
	buf_release(&text);
	return ret;
}
