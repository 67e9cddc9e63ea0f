/*
 * config_vars.c - the variables a compose model uses (config_vars.h).
 *
 * compose-go finds them with its interpolation pattern, whose braced form
 * ${NAME<op><rest>} runs greedily to the last "}" on the line and is then
 * cut at the brace that closes the first "${"; what follows is searched
 * again. The scan below does the same without a regex engine.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "config_vars.h"
#include "xalloc.h"

static void extract(json_t *vars, const char *s, size_t len);

static bool
name_start(int c)
{
	return c == '_' || isalpha(c);
}

static size_t
name_len(const char *s, size_t len)
{
	size_t n = 0;

	if (len == 0 || !name_start((unsigned char)s[0]))
		return 0;
	while (n < len && (s[n] == '_' || isalnum((unsigned char)s[n])))
		n++;
	return n;
}

/* Merge one use of a variable into vars (compose-go's combineVariable). */
static void
add_var(json_t *vars, const char *name, size_t nlen, const char *def,
	size_t dlen, const char *alt, size_t alen, bool required)
{
	char *key = xstrndup(name, nlen);
	json_t *v = json_object_get(vars, key);

	if (v == NULL) {
		v = json_pack("{s:s, s:s%, s:s%, s:b}", "Name", key,
			      "DefaultValue", def, dlen, "PresenceValue", alt,
			      alen, "Required", required);
		json_object_set_new(vars, key, v);
	} else {
		if (required)
			json_object_set_new(v, "Required", json_true());
		if (dlen &&
		    !*json_string_value(json_object_get(v, "DefaultValue")))
			json_object_set_new(v, "DefaultValue",
					    json_stringn(def, dlen));
		if (alen &&
		    !*json_string_value(json_object_get(v, "PresenceValue")))
			json_object_set_new(v, "PresenceValue",
					    json_stringn(alt, alen));
	}
	free(key);
}

/* Index of the "}" closing the first "${" in m, or -1. */
static long
closing_brace(const char *m, size_t len)
{
	int open = 0;

	for (size_t i = 0; i < len; i++) {
		if (m[i] == '}' && --open == 0)
			return (long)i;
		if (m[i] == '$' && i + 1 < len && m[i + 1] == '{') {
			open++;
			i++;
		}
	}
	return -1;
}

/* One braced match m = "${...}" as the pattern matched it. */
static void
extract_braced(json_t *vars, const char *m, size_t len)
{
	long close = closing_brace(m, len);
	const char *val = m + 2, *rest, *arg;
	size_t vlen = len - 3, n, rlen, alen;
	size_t colon;
	char op;

	if (close > 0) {
		vlen = (size_t)close - 2;
		if ((size_t)close + 1 < len)
			extract(vars, m + close + 1, len - (size_t)close - 1);
	}
	n = name_len(val, vlen);
	rest = val + n;
	rlen = vlen - n;
	colon = rlen && rest[0] == ':';
	op = rlen > colon ? rest[colon] : '\0';
	arg = rest + colon + 1;
	alen = rlen > colon ? rlen - colon - 1 : 0;
	switch (op) {
	case '?':
		add_var(vars, val, n, "", 0, "", 0, true);
		break;
	case '-':
		add_var(vars, val, n, arg, alen, "", 0, false);
		break;
	case '+':
		add_var(vars, val, n, "", 0, arg, alen, false);
		break;
	default:
		add_var(vars, val, n, "", 0, "", 0, false);
		return;
	}
	/* Defaults, alternates and messages are interpolated too. */
	extract(vars, arg, alen);
}

/* The braced pattern's end: "${NAME}" or "${NAME[:]<-+?>...}" with the
   greedy rest ending at the line's last "}". 0 when it does not match. */
static size_t
braced_match_len(const char *s, size_t len)
{
	size_t n = name_len(s + 2, len - 2), i = 2 + n, last = 0;

	if (n == 0 || i >= len)
		return 0;
	if (s[i] == '}')
		return i + 1;
	if (s[i] == ':')
		i++;
	if (i >= len || s[i] == '\0' || !strchr("-+?", s[i]))
		return 0;
	for (i++; i < len && s[i] != '\n'; i++)
		if (s[i] == '}')
			last = i + 1;
	return last;
}

static void
extract(json_t *vars, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t n;

		if (s[i] != '$' || i + 1 >= len) {
			i++;
			continue;
		}
		if (s[i + 1] == '$') {
			i += 2;
		} else if ((n = name_len(s + i + 1, len - i - 1))) {
			add_var(vars, s + i + 1, n, "", 0, "", 0, false);
			i += 1 + n;
		} else if (s[i + 1] == '{' &&
			   (n = braced_match_len(s + i, len - i))) {
			extract_braced(vars, s + i, n);
			i += n;
		} else {
			i += s[i + 1] == '{' ? 2 : 1;
		}
	}
}

static void
walk(json_t *vars, const json_t *v)
{
	const char *key;
	json_t *child;
	size_t i;

	if (json_is_string(v)) {
		extract(vars, json_string_value(v), json_string_length(v));
	} else if (json_is_object(v)) {
		json_object_foreach ((json_t *)v, key, child)
			walk(vars, child);
	} else if (json_is_array(v)) {
		json_array_foreach (v, i, child)
			walk(vars, child);
	}
}

json_t *
config_variables(const json_t *model)
{
	json_t *vars = json_object();

	walk(vars, model);
	return vars;
}
