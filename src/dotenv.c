/*
 * dotenv.c - `.env` files, read the way compose-go's dotenv parser does
 * (dotenv.h).
 *
 * The file is a sequence of statements, not of lines: after a quoted value
 * the parser simply looks for the next statement, so `A="x" # note` works
 * and a double-quoted value may run over several lines. Keys end at `=`,
 * `:` (the YAML-ish form) or a newline (a bare key, taken from the
 * environment). Unquoted values end at the newline or at ` #`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dotenv.h"
#include "interp.h"
#include "log.h"
#include "pos.h"
#include "xalloc.h"

struct dparser {
	const char *s;
	size_t len, i;
	int line;
	const char *name;
	json_t *env;
	const json_t *lookup;
	json_t *warned; /* unset-variable warnings already given */
};

__attribute__((format(printf, 3, 4))) static int
derr(struct dparser *p, int line, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	diag_error(NULL, NULL, "%s:%d: %s", p->name, line, b.ptr);
	buf_release(&b);
	return -1;
}

/* Length of the space (not newline) at s[i], 0 if none: ASCII blanks and
   the UTF-8 forms of NEL and NO-BREAK SPACE, as Go's isSpace there. */
static size_t
space_len(const char *s, size_t len, size_t i)
{
	unsigned char c = (unsigned char)s[i];

	if (c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r')
		return 1;
	if (c == 0xc2 && i + 1 < len &&
	    ((unsigned char)s[i + 1] == 0x85 ||
	     (unsigned char)s[i + 1] == 0xa0))
		return 2;
	return 0;
}

static void
skip_blanks(struct dparser *p)
{
	size_t n;

	while (p->i < p->len && (n = space_len(p->s, p->len, p->i)) > 0)
		p->i += n;
}

/* Skip whitespace, newlines and comment lines; false at the end. */
static bool
statement_start(struct dparser *p)
{
	for (;;) {
		skip_blanks(p);
		if (p->i >= p->len)
			return false;
		if (p->s[p->i] == '\n') {
			p->line++;
			p->i++;
		} else if (p->s[p->i] == '#') {
			while (p->i < p->len && p->s[p->i] != '\n')
				p->i++;
		} else {
			return true;
		}
	}
}

static bool
is_key_char(unsigned char c)
{
	/* Bytes of multi-byte UTF-8 count as letters (Go's IsLetter). */
	return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' ||
	       c == '[' || c == ']';
}

static int
interpolate(struct dparser *p, int line, const char *in, struct buf *out)
{
	struct interp_opts o = { 0 };
	char *res, *err;

	o.env = p->lookup;   /* the OS environment first */
	o.fallback = p->env; /* then earlier lines and files */
	o.warn_unset = true;
	o.warned = p->warned;
	if (interp_string(in, &o, &res, &err) < 0) {
		derr(p, line, "%s", err);
		free(err);
		return -1;
	}
	buf_adds(out, res);
	free(res);
	return 0;
}

/* Append the UTF-8 encoding of code point cp (< 0x800 here). */
static void
add_utf8(struct buf *b, unsigned cp)
{
	if (cp < 0x80) {
		buf_addch(b, (int)cp);
	} else {
		buf_addch(b, (int)(0xc0 | (cp >> 6)));
		buf_addch(b, (int)(0x80 | (cp & 0x3f)));
	}
}

/*
 * Shell-style escapes of double-quoted values: \a \b \f \n \r \t \v \\ \"
 * and octal \0NNN; \$ becomes $$ so interpolation leaves one literal $.
 * Anything else, \c included, stays as written.
 */
static void
expand_escapes(const char *in, struct buf *out)
{
	static const char from[] = "abfnrtv\\\"", to[] = "\a\b\f\n\r\t\v\\\"";

	for (size_t i = 0; in[i]; i++) {
		const char *hit;
		size_t nd = 0;
		unsigned v = 0;

		if (in[i] != '\\' || in[i + 1] == '\0') {
			buf_addch(out, in[i]);
			continue;
		}
		if (in[i + 1] == '$') {
			buf_adds(out, "$$");
			i++;
		} else if ((hit = strchr(from, in[i + 1])) != NULL) {
			buf_addch(out, to[hit - from]);
			i++;
		} else if (in[i + 1] == 'c') {
			buf_adds(out, "\\c");
			i++;
		} else if (in[i + 1] == '0') {
			while (nd < 3 && in[i + 2 + nd] >= '0' &&
			       in[i + 2 + nd] <= '9')
				nd++;
			for (size_t k = 0; k < nd; k++)
				v = v * 8 + (unsigned)(in[i + 2 + k] - '0');
			/* Only \0 plus exactly three octal digits up to 255
			   means something (Go's \ooo). */
			if (nd == 3 && strspn(in + i + 2, "01234567") >= 3 &&
			    v <= 255)
				add_utf8(out, v);
			else
				buf_add(out, in + i, 2 + nd);
			i += 1 + nd;
		} else {
			buf_addch(out, '\\');
		}
	}
}

/* Scan a quoted value at p->i (the quote); an escaped quote loses its
   backslash, any other escape keeps it. */
static int
quoted_value(struct dparser *p, struct buf *raw)
{
	char q = p->s[p->i];
	size_t start = p->i;
	int line = p->line;
	bool esc = false;

	for (p->i++; p->i < p->len; p->i++) {
		char c = p->s[p->i];

		if (c == '\n')
			p->line++;
		if (esc) {
			if (c != q)
				buf_addch(raw, '\\');
			buf_addch(raw, c);
			esc = false;
		} else if (c == '\\') {
			esc = true;
		} else if (c == q) {
			p->i++;
			return 0;
		} else {
			buf_addch(raw, c);
		}
	}
	{
		const char *nl = memchr(p->s + start, '\n', p->len - start);
		size_t n = nl ? (size_t)(nl - (p->s + start)) : p->len - start;

		return derr(p, line, "unterminated quoted value %.*s", (int)n,
			    p->s + start);
	}
}

/* An unquoted value: to the end of the line, cut at " #", trimmed. */
static void
unquoted_value(struct dparser *p, struct buf *raw)
{
	size_t end = p->i, n;
	const char *cut;

	while (end < p->len && p->s[end] != '\n')
		end++;
	buf_add(raw, p->s + p->i, end - p->i);
	p->i = end;
	cut = strstr(raw->ptr, " #");
	if (cut)
		buf_setlen(raw, (size_t)(cut - raw->ptr));
	n = raw->len;
	while (n > 0 && strchr(" \t\v\f\r", raw->ptr[n - 1]))
		n--;
	buf_setlen(raw, n);
}

static int
set_value(struct dparser *p, int line, const char *key, const char *val)
{
	json_t *j = json_string(val);

	if (j == NULL)
		return derr(p, line, "value of \"%s\" is not valid UTF-8", key);
	json_object_set_new(p->env, key, j);
	return 0;
}

/* Parse the value of key (p->i just past `=` or `:`) and set it. */
static int
statement_value(struct dparser *p, int line, const char *key)
{
	struct buf raw = BUF_INIT, val = BUF_INIT;
	char q;
	int ret = -1;

	skip_blanks(p);
	q = p->i < p->len ? p->s[p->i] : '\0';
	if (q == '\'' || q == '"') {
		if (quoted_value(p, &raw) < 0)
			goto done;
		if (q == '\'') {
			buf_add(&val, raw.ptr, raw.len);
		} else {
			struct buf esc = BUF_INIT;

			expand_escapes(raw.ptr, &esc);
			ret = interpolate(p, line, esc.ptr, &val);
			buf_release(&esc);
			if (ret < 0)
				goto done;
		}
	} else {
		unquoted_value(p, &raw);
		if (interpolate(p, line, raw.ptr, &val) < 0)
			goto done;
	}
	ret = set_value(p, line, key, val.ptr);
done:
	buf_release(&raw);
	buf_release(&val);
	return ret;
}

static int
statement(struct dparser *p)
{
	int line = p->line;
	size_t j, ks;
	char term = '\0', *key;
	int ret = 0;

	if (p->len - p->i > 6 && strncmp(p->s + p->i, "export", 6) == 0 &&
	    space_len(p->s, p->len, p->i + 6) > 0) {
		p->i += 6;
		skip_blanks(p);
	}
	ks = p->i;
	for (j = ks; j < p->len; j++) {
		unsigned char c = (unsigned char)p->s[j];
		size_t sl = space_len(p->s, p->len, j);

		if (sl) {
			j += sl - 1;
			continue;
		}
		if (c == '=' || c == ':' || c == '\n') {
			term = (char)c;
			break;
		}
		if (!is_key_char(c)) {
			const char *nl = memchr(p->s + ks, '\n', p->len - ks);
			int n = (int)(nl ? (size_t)(nl - (p->s + ks)) :
					   p->len - ks);

			return derr(p, line,
				    "unexpected character \"%c\" in variable "
				    "name \"%.*s\"",
				    c, n, p->s + ks);
		}
	}
	key = xstrndup(p->s + ks, j - ks);
	for (size_t n = strlen(key); n > 0 && strchr(" \t\v\f\r", key[n - 1]);
	     n--)
		key[n - 1] = '\0';
	p->i = j < p->len ? j + 1 : j;
	if (strpbrk(key, " \t\v\f\r"))
		ret = derr(p, line, "key cannot contain a space");
	else if (*key == '\0')
		ret = derr(p, line, "missing variable name before '%c'", term);
	else if (term == '\n' || term == '\0') {
		/* A bare KEY: inherit it from the environment, if set. */
		const json_t *v = p->lookup ? json_object_get(p->lookup, key) :
					      NULL;

		if (term == '\n')
			p->line++;
		if (json_is_string(v))
			json_object_set(p->env, key, (json_t *)v);
	} else {
		ret = statement_value(p, line, key);
	}
	free(key);
	return ret;
}

int
dotenv_parse(json_t *env, const char *text, size_t len, const char *name,
	     const json_t *lookup)
{
	struct dparser p = { text, len, 0, 1, name, env, lookup, NULL };
	int ret = 0;

	/* Editors on Windows like to start files with a BOM. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		p.i = 3;
	p.warned = json_object();
	while (statement_start(&p))
		if ((ret = statement(&p)) < 0)
			break;
	json_decref(p.warned);
	return ret;
}

int
dotenv_load_file(json_t *env, const char *path, const json_t *lookup)
{
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;
	FILE *f = fopen(path, "rb");
	int ret = -1;

	if (f == NULL) {
		if (errno == ENOENT)
			return error("couldn't find env file: %s", path);
		return error("cannot read env file '%s': %s", path,
			     strerror(errno));
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	if (ferror(f))
		error("cannot read env file '%s': %s", path, strerror(errno));
	else
		ret = dotenv_parse(env, b.ptr, b.len, path, lookup);
	fclose(f);
	buf_release(&b);
	return ret;
}
