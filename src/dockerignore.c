/*
 * dockerignore.c - .dockerignore patterns (dockerignore.h).
 *
 * moby turns each pattern into a Go regular expression, except for three
 * cheap shapes it recognises first: an exact path, a "prefix**" and a
 * "**suffix" (the last matched as a plain string suffix, which is why
 * "**.txt" matches "a/b.txt"). We classify patterns the same way and, for
 * the rest, interpret a small token list with a memoised backtracking
 * matcher that behaves like the regular expression moby would build:
 * '*' is [^/]*, '?' one character but '/', '**' followed by more is
 * (.*\/)? and a final '**' is .*.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dockerignore.h"
#include "log.h"
#include "xalloc.h"

enum match_type { MATCH_EXACT, MATCH_PREFIX, MATCH_SUFFIX, MATCH_REGEXP };

enum tok_kind {
	TOK_LIT,   /* bytes */
	TOK_STAR,  /* [^/]* */
	TOK_QMARK, /* [^/] */
	TOK_CLASS, /* [...] */
	TOK_DSTAR, /* (.*\/)? */
	TOK_ANY,   /* .* */
};

struct rune_range {
	uint32_t lo, hi;
};

struct tok {
	enum tok_kind kind;
	char *lit; /* TOK_LIT */
	size_t len;
	struct rune_range *ranges; /* TOK_CLASS */
	size_t nranges;
	bool negated;
};

struct ignore_pattern {
	char *text; /* cleaned, without the leading '!' */
	bool exclusion;
	enum match_type type;
	struct tok *toks;
	size_t ntoks;
};

/* Decode one UTF-8 character; invalid bytes decode as U+FFFD, length 1. */
static size_t
rune_decode(const char *s, size_t len, uint32_t *r)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n;
	uint32_t v;

	if (len == 0)
		return 0;
	if (u[0] < 0x80) {
		*r = u[0];
		return 1;
	}
	if ((u[0] & 0xe0) == 0xc0)
		n = 2, v = u[0] & 0x1f;
	else if ((u[0] & 0xf0) == 0xe0)
		n = 3, v = u[0] & 0x0f;
	else if ((u[0] & 0xf8) == 0xf0)
		n = 4, v = u[0] & 0x07;
	else
		goto bad;
	if (n > len)
		goto bad;
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			goto bad;
		v = (v << 6) | (u[i] & 0x3f);
	}
	*r = v;
	return n;
bad:
	*r = 0xfffd;
	return 1;
}

char *
path_clean(const char *p)
{
	size_t n = strlen(p), r = 0, w = 0, dotdot = 0;
	bool rooted = n > 0 && p[0] == '/';
	char *out = xmalloc(n + 2);

	if (n == 0) {
		free(out);
		return xstrdup(".");
	}
	if (rooted) {
		out[w++] = '/';
		r = dotdot = 1;
	}
	while (r < n) {
		if (p[r] == '/') {
			r++;
		} else if (p[r] == '.' && (r + 1 == n || p[r + 1] == '/')) {
			r++;
		} else if (p[r] == '.' && p[r + 1] == '.' &&
			   (r + 2 == n || p[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				w--;
				while (w > dotdot && out[w] != '/')
					w--;
			} else if (!rooted) {
				if (w > 0)
					out[w++] = '/';
				out[w++] = '.';
				out[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				out[w++] = '/';
			while (r < n && p[r] != '/')
				out[w++] = p[r++];
		}
	}
	if (w == 0)
		out[w++] = '.';
	out[w] = '\0';
	return out;
}

/* One class member for validation: an escape or a character, not '-' or ']'. */
static const char *
class_char(const char *s, uint32_t *r)
{
	size_t n;

	if (*s == '\0' || *s == '-' || *s == ']')
		return NULL;
	if (*s == '\\') {
		s++;
		if (*s == '\0')
			return NULL;
	}
	n = rune_decode(s, strlen(s), r);
	return s + n;
}

/*
 * Parse "[...]" at s (just after the '['), as Go's filepath.Match reads
 * it. Returns the position after ']', or NULL for a malformed class.
 */
static const char *
class_parse(const char *s, struct tok *t)
{
	size_t alloc = 0;

	t->kind = TOK_CLASS;
	if (*s == '^') {
		t->negated = true;
		s++;
	}
	for (;;) {
		struct rune_range rr;

		if (*s == ']' && t->nranges > 0)
			return s + 1;
		s = class_char(s, &rr.lo);
		if (s == NULL)
			return NULL;
		rr.hi = rr.lo;
		if (*s == '-') {
			s = class_char(s + 1, &rr.hi);
			if (s == NULL)
				return NULL;
		}
		ALLOC_GROW(t->ranges, t->nranges + 1, alloc);
		t->ranges[t->nranges++] = rr;
	}
}

static struct tok *
tok_add(struct ignore_pattern *p, size_t *alloc, enum tok_kind kind)
{
	struct tok *t;

	ALLOC_GROW(p->toks, p->ntoks + 1, *alloc);
	t = &p->toks[p->ntoks++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	return t;
}

static void
lit_add(struct ignore_pattern *p, size_t *alloc, const char *s, size_t n)
{
	struct tok *t = p->ntoks ? &p->toks[p->ntoks - 1] : NULL;

	if (t == NULL || t->kind != TOK_LIT) {
		t = tok_add(p, alloc, TOK_LIT);
		t->lit = xmalloc(1);
	}
	t->lit = xrealloc(t->lit, t->len + n + 1);
	memcpy(t->lit + t->len, s, n);
	t->len += n;
	t->lit[t->len] = '\0';
}

/*
 * Classify and tokenise p->text as moby's compile does. Returns -1 for a
 * pattern Go's filepath.Match would reject.
 */
static int
pattern_compile(struct ignore_pattern *p)
{
	const char *s = p->text;
	size_t alloc = 0;
	enum match_type type = MATCH_EXACT;

	for (int i = 0; *s; i++) {
		char c = *s++;

		if (c == '*' && *s == '*') {
			s++;
			if (*s == '/')
				s++;
			if (*s == '\0') {
				tok_add(p, &alloc, TOK_ANY);
				type = type == MATCH_EXACT ? MATCH_PREFIX :
							     MATCH_REGEXP;
			} else {
				tok_add(p, &alloc, TOK_DSTAR);
				type = MATCH_REGEXP;
			}
			if (i == 0)
				type = MATCH_SUFFIX;
		} else if (c == '*') {
			tok_add(p, &alloc, TOK_STAR);
			type = MATCH_REGEXP;
		} else if (c == '?') {
			tok_add(p, &alloc, TOK_QMARK);
			type = MATCH_REGEXP;
		} else if (c == '\\') {
			uint32_t r;
			size_t n;

			if (*s == '\0')
				return -1;
			n = rune_decode(s, strlen(s), &r);
			lit_add(p, &alloc, s, n);
			s += n;
			type = MATCH_REGEXP;
		} else if (c == '[') {
			struct tok *t = tok_add(p, &alloc, TOK_CLASS);

			s = class_parse(s, t);
			if (s == NULL)
				return -1;
			type = MATCH_REGEXP;
		} else if (c == ']') {
			lit_add(p, &alloc, s - 1, 1);
			type = MATCH_REGEXP;
		} else {
			lit_add(p, &alloc, s - 1, 1);
		}
	}
	p->type = type;
	return 0;
}

static void
pattern_release(struct ignore_pattern *p)
{
	for (size_t i = 0; i < p->ntoks; i++) {
		free(p->toks[i].lit);
		free(p->toks[i].ranges);
	}
	free(p->toks);
	free(p->text);
}

void
dockerignore_init(struct dockerignore *d)
{
	memset(d, 0, sizeof(*d));
}

void
dockerignore_release(struct dockerignore *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++)
		pattern_release(&d->pats[i]);
	free(d->pats);
	dockerignore_init(d);
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

/* Trim s[0..*len) in place; returns the new start. */
static const char *
trim(const char *s, size_t *len)
{
	while (*len && is_space(*s))
		s++, (*len)--;
	while (*len && is_space(s[*len - 1]))
		(*len)--;
	return s;
}

static int
add_at(struct dockerignore *d, const char *pattern, const char *origin,
       int line)
{
	size_t len = strlen(pattern);
	const char *s = trim(pattern, &len);
	char *raw, *clean;
	struct ignore_pattern p = { 0 };
	int ret = 0;

	if (len == 0)
		return 0;
	raw = xstrndup(s, len);
	clean = path_clean(raw);
	free(raw);
	if (clean[0] == '!') {
		if (clean[1] == '\0') {
			ret = line ? error("%s:%d: illegal exclusion pattern "
					   "\"!\"",
					   origin, line) :
				     error("%s: illegal exclusion pattern \"!\"",
					   origin);
			free(clean);
			return ret;
		}
		p.exclusion = true;
		p.text = xstrdup(clean + 1);
		free(clean);
	} else {
		p.text = clean;
	}
	if (pattern_compile(&p) < 0) {
		if (line)
			error("%s:%d: syntax error in pattern \"%s\"", origin,
			      line, p.text);
		else
			error("%s: syntax error in pattern \"%s\"", origin,
			      p.text);
		pattern_release(&p);
		return -1;
	}
	if (p.exclusion)
		d->exclusions = true;
	ALLOC_GROW(d->pats, d->n + 1, d->alloc);
	d->pats[d->n++] = p;
	return 0;
}

int
dockerignore_add(struct dockerignore *d, const char *pattern,
		 const char *origin)
{
	return add_at(d, pattern, origin, 0);
}

int
dockerignore_parse(struct dockerignore *d, const char *text, size_t len,
		   const char *origin)
{
	const char *end = text + len;
	struct buf pat = BUF_INIT;
	int line = 0, ret = 0;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		text += 3;
	while (text < end) {
		const char *nl = memchr(text, '\n', (size_t)(end - text));
		size_t n = nl ? (size_t)(nl - text) : (size_t)(end - text);
		const char *s = text;
		bool invert;

		text = nl ? nl + 1 : end;
		line++;
		if (n && s[0] == '#')
			continue;
		s = trim(s, &n);
		if (n == 0)
			continue;
		invert = s[0] == '!';
		if (invert) {
			s++, n--;
			s = trim(s, &n);
		}
		buf_reset(&pat);
		if (invert)
			buf_addch(&pat, '!');
		if (n) {
			char *raw = xstrndup(s, n);
			char *clean = path_clean(raw);
			const char *c = clean;

			if (strlen(c) > 1 && c[0] == '/')
				c++;
			buf_adds(&pat, c);
			free(raw);
			free(clean);
		}
		if (add_at(d, pat.ptr, origin, line) < 0)
			ret = -1;
	}
	buf_release(&pat);
	return ret;
}

static bool
class_match(const struct tok *t, uint32_t r)
{
	bool in = false;

	for (size_t i = 0; i < t->nranges && !in; i++)
		in = r >= t->ranges[i].lo && r <= t->ranges[i].hi;
	return in != t->negated;
}

struct matcher {
	const struct ignore_pattern *p;
	const char *s;
	size_t len;
	unsigned char *failed; /* ntoks x (len + 1): known dead ends */
};

static bool
toks_match(struct matcher *m, size_t ti, size_t si)
{
	const struct tok *t;
	size_t key, n, k;
	uint32_t r;
	bool ok = false;

	if (ti == m->p->ntoks)
		return si == m->len;
	key = ti * (m->len + 1) + si;
	if (m->failed[key])
		return false;
	t = &m->p->toks[ti];
	switch (t->kind) {
	case TOK_LIT:
		ok = m->len - si >= t->len &&
		     memcmp(m->s + si, t->lit, t->len) == 0 &&
		     toks_match(m, ti + 1, si + t->len);
		break;
	case TOK_QMARK:
	case TOK_CLASS:
		n = rune_decode(m->s + si, m->len - si, &r);
		if (n == 0)
			break;
		if (t->kind == TOK_QMARK ? r != '/' : class_match(t, r))
			ok = toks_match(m, ti + 1, si + n);
		break;
	case TOK_STAR:
		for (k = si;; k++) {
			if (toks_match(m, ti + 1, k)) {
				ok = true;
				break;
			}
			if (k == m->len || m->s[k] == '/')
				break;
		}
		break;
	case TOK_ANY:
		for (k = si;; k++) {
			if (toks_match(m, ti + 1, k)) {
				ok = true;
				break;
			}
			if (k == m->len || m->s[k] == '\n')
				break;
		}
		break;
	case TOK_DSTAR:
		ok = toks_match(m, ti + 1, si);
		for (k = si; !ok && k < m->len && m->s[k] != '\n'; k++)
			if (m->s[k] == '/')
				ok = toks_match(m, ti + 1, k + 1);
		break;
	}
	if (!ok)
		m->failed[key] = 1;
	return ok;
}

static bool
pattern_match(const struct ignore_pattern *p, const char *path, size_t len)
{
	size_t tlen = strlen(p->text);

	switch (p->type) {
	case MATCH_EXACT:
		return len == tlen && memcmp(path, p->text, len) == 0;
	case MATCH_PREFIX:
		return len >= tlen - 2 && memcmp(path, p->text, tlen - 2) == 0;
	case MATCH_SUFFIX: {
		const char *suffix = p->text + 2;
		size_t slen = tlen - 2;

		if (len >= slen && memcmp(path + len - slen, suffix, slen) == 0)
			return true;
		return slen > 0 && suffix[0] == '/' && len == slen - 1 &&
		       memcmp(path, suffix + 1, len) == 0;
	}
	case MATCH_REGEXP:
		break;
	}
	{
		unsigned char small[2048];
		size_t need = p->ntoks * (len + 1);
		struct matcher m = { p, path, len, small };
		bool ok;

		if (need > sizeof(small))
			m.failed = xcalloc(need, 1);
		else
			memset(small, 0, need);
		ok = toks_match(&m, 0, 0);
		if (m.failed != small)
			free(m.failed);
		return ok;
	}
}

bool
dockerignore_match(const struct dockerignore *d, const char *path,
		   const bool *parent, bool *bits)
{
	size_t len = strlen(path);
	bool matched = false;

	for (size_t i = 0; i < d->n; i++) {
		const struct ignore_pattern *p = &d->pats[i];
		bool m = parent ? parent[i] : false;

		if (!m) {
			/* An exception only matters once something matched. */
			if (p->exclusion != matched) {
				if (bits)
					bits[i] = false;
				continue;
			}
			m = pattern_match(p, path, len);
			/* Without walk state, try each parent directory. */
			for (size_t k = 0; !m && !parent && k < len; k++)
				if (path[k] == '/')
					m = pattern_match(p, path, k);
		}
		if (bits)
			bits[i] = m;
		if (m)
			matched = !p->exclusion;
	}
	return matched;
}

bool
dockerignore_excludes(const struct dockerignore *d, const char *path)
{
	return dockerignore_match(d, path, NULL, NULL);
}

bool
dockerignore_can_prune(const struct dockerignore *d, const char *dir)
{
	size_t dlen = strlen(dir);

	if (!d->exclusions)
		return true;
	for (size_t i = 0; i < d->n; i++) {
		const struct ignore_pattern *p = &d->pats[i];
		size_t plen = strlen(p->text);

		if (!p->exclusion)
			continue;
		/* Does "pattern/" start with "dir/"? */
		if (plen + 1 >= dlen + 1 && memcmp(p->text, dir, dlen) == 0 &&
		    (plen == dlen || p->text[dlen] == '/'))
			return false;
	}
	return true;
}
