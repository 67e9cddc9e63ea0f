/*
 * format.c - the text formatting of format.h.
 *
 * The rules follow what users of docker compose see, so scripts that read
 * its tables keep working: go-units for durations and sizes, the Docker
 * CLI's DisplayablePorts for port lists, Go's tabwriter for tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "format.h"
#include "strv.h"
#include "xalloc.h"

char *
format_duration(long long seconds)
{
	long long minutes = seconds / 60;
	/* go-units rounds hours to the nearest, and only hours. */
	long long hours = (seconds + 1800) / 3600;

	if (seconds < 1)
		return xstrdup("Less than a second");
	if (seconds == 1)
		return xstrdup("1 second");
	if (seconds < 60)
		return xasprintf("%lld seconds", seconds);
	if (minutes == 1)
		return xstrdup("About a minute");
	if (minutes < 60)
		return xasprintf("%lld minutes", minutes);
	if (hours == 1)
		return xstrdup("About an hour");
	if (hours < 48)
		return xasprintf("%lld hours", hours);
	if (hours < 24 * 7 * 2)
		return xasprintf("%lld days", hours / 24);
	if (hours < 24 * 30 * 2)
		return xasprintf("%lld weeks", hours / 24 / 7);
	if (hours < 24 * 365 * 2)
		return xasprintf("%lld months", hours / 24 / 30);
	return xasprintf("%lld years", seconds / 3600 / 24 / 365);
}

/* go-units CustomSize: bytes in the largest of the 9 units under base. */
static char *
custom_size(double bytes, double base, const char *const units[9],
	    int precision)
{
	size_t i = 0;

	while (bytes >= base && i < 8) {
		bytes /= base;
		i++;
	}
	return xasprintf("%.*g%s", precision, bytes, units[i]);
}

char *
format_size(double bytes)
{
	static const char *const units[9] = { "B",  "kB", "MB", "GB", "TB",
					      "PB", "EB", "ZB", "YB" };

	return custom_size(bytes, 1000.0, units, 3);
}

char *
format_binary_size(double bytes)
{
	static const char *const units[9] = { "B",   "KiB", "MiB", "GiB", "TiB",
					      "PiB", "EiB", "ZiB", "YiB" };

	return custom_size(bytes, 1024.0, units, 4);
}

/* Byte length of the first max UTF-8 characters of s. */
static size_t
utf8_prefix(const char *s, size_t max)
{
	size_t chars = 0, i = 0;

	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (chars == max)
				break;
			chars++;
		}
	}
	return i;
}

static size_t
utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

char *
format_ellipsis(const char *s, size_t max)
{
	if (max == 0)
		return xstrdup("");
	if (utf8_len(s) <= max)
		return xstrdup(s);
	if (max == 1)
		return xstrndup(s, utf8_prefix(s, 1));
	return xasprintf("%.*s…", (int)utf8_prefix(s, max - 1), s);
}

char *
format_quote(const char *s)
{
	struct buf b = BUF_INIT;

	buf_addch(&b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '"':
			buf_adds(&b, "\\\"");
			break;
		case '\\':
			buf_adds(&b, "\\\\");
			break;
		case '\n':
			buf_adds(&b, "\\n");
			break;
		case '\t':
			buf_adds(&b, "\\t");
			break;
		case '\r':
			buf_adds(&b, "\\r");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				buf_addf(&b, "\\x%02x", c);
			else
				buf_addch(&b, c);
		}
	}
	buf_addch(&b, '"');
	return buf_detach(&b, NULL);
}

char *
format_short_id(const char *id)
{
	const char *colon = strchr(id, ':');

	if (colon)
		id = colon + 1;
	return xstrndup(id, 12);
}

struct port {
	const char *ip, *type;
	long priv, pub;
};

static int
port_cmp(const void *a, const void *b)
{
	const struct port *x = a, *y = b;
	int c;

	if (x->priv != y->priv)
		return x->priv < y->priv ? -1 : 1;
	if ((c = strcmp(x->ip, y->ip)))
		return c;
	if (x->pub != y->pub)
		return x->pub < y->pub ? -1 : 1;
	return strcmp(x->type, y->type);
}

/* A group of consecutive ports sharing a key ("tcp" or "0.0.0.0/tcp"). */
struct port_group {
	char *key;
	long first, last;
};

static void
group_format(struct strv *out, const struct port_group *g)
{
	const char *slash = strrchr(g->key, '/');
	char range[48];

	if (g->first == g->last)
		snprintf(range, sizeof(range), "%ld", g->first);
	else
		snprintf(range, sizeof(range), "%ld-%ld", g->first, g->last);
	if (slash)
		strv_pushf(out, "%.*s:%s->%s/%s", (int)(slash - g->key), g->key,
			   range, range, slash + 1);
	else
		strv_pushf(out, "%s/%s", range, g->key);
}

char *
format_ports(const json_t *ports)
{
	size_t n = json_array_size(ports), ngroups = 0;
	struct port *ps = xcalloc(n + 1, sizeof(*ps));
	struct port_group *groups = xcalloc(n + 1, sizeof(*groups));
	struct strv result = STRV_INIT, mappings = STRV_INIT;
	struct buf out = BUF_INIT;

	for (size_t i = 0; i < n; i++) {
		const json_t *p = json_array_get(ports, i);
		const char *ip = json_string_value(json_object_get(p, "IP"));
		const char *type =
			json_string_value(json_object_get(p, "Type"));
		ps[i].ip = ip ? ip : "";
		ps[i].type = type ? type : "tcp";
		ps[i].priv = (long)json_integer_value(
			json_object_get(p, "PrivatePort"));
		ps[i].pub = (long)json_integer_value(
			json_object_get(p, "PublicPort"));
	}
	qsort(ps, n, sizeof(*ps), port_cmp);
	for (size_t i = 0; i < n; i++) {
		char *key;
		size_t g;

		if (*ps[i].ip && ps[i].pub != ps[i].priv) {
			/* A remapped port: its own entry, IPv6 in brackets. */
			bool v6 = strchr(ps[i].ip, ':') != NULL;
			strv_pushf(&mappings, "%s%s%s:%ld->%ld/%s",
				   v6 ? "[" : "", ps[i].ip, v6 ? "]" : "",
				   ps[i].pub, ps[i].priv, ps[i].type);
			continue;
		}
		key = *ps[i].ip ? xasprintf("%s/%s", ps[i].ip, ps[i].type) :
				  xstrdup(ps[i].type);
		for (g = 0; g < ngroups; g++)
			if (strcmp(groups[g].key, key) == 0)
				break;
		if (g == ngroups) {
			groups[ngroups].key = key;
			groups[ngroups].first = groups[ngroups].last =
				ps[i].priv;
			ngroups++;
			continue;
		}
		free(key);
		if (ps[i].priv == groups[g].last + 1) {
			groups[g].last = ps[i].priv;
			continue;
		}
		/* A gap: the group so far is printed, a new one begins. */
		group_format(&result, &groups[g]);
		groups[g].first = groups[g].last = ps[i].priv;
	}
	for (size_t g = 0; g < ngroups; g++) {
		group_format(&result, &groups[g]);
		free(groups[g].key);
	}
	for (size_t i = 0; i < mappings.n; i++)
		strv_push(&result, mappings.v[i]);
	for (size_t i = 0; i < result.n; i++) {
		if (i)
			buf_adds(&out, ", ");
		buf_adds(&out, result.v[i]);
	}
	strv_clear(&result);
	strv_clear(&mappings);
	free(groups);
	free(ps);
	return buf_detach(&out, NULL);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *
format_state_summary(const char *const *states, size_t n)
{
	const char **sorted = xcalloc(n + 1, sizeof(*sorted));
	struct buf out = BUF_INIT;

	if (n) /* states may be NULL when n is 0 */
		memcpy(sorted, states, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), str_cmp);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && strcmp(sorted[j], sorted[i]) == 0)
			j++;
		buf_addf(&out, "%s%s(%zu)", out.len ? ", " : "", sorted[i],
			 j - i);
		i = j;
	}
	free(sorted);
	return buf_detach(&out, NULL);
}

void
format_table(struct buf *out, const struct strv *rows, size_t ncols,
	     size_t minwidth, size_t padding)
{
	size_t *width = xcalloc(ncols + 1, sizeof(*width));
	size_t nrows = ncols ? rows->n / ncols : 0;

	for (size_t r = 0; r < nrows; r++)
		for (size_t c = 0; c < ncols; c++) {
			size_t w = utf8_len(rows->v[r * ncols + c]) + padding;
			if (w < minwidth)
				w = minwidth;
			if (w > width[c])
				width[c] = w;
		}
	for (size_t r = 0; r < nrows; r++) {
		for (size_t c = 0; c < ncols; c++) {
			const char *cell = rows->v[r * ncols + c];
			buf_adds(out, cell);
			if (c + 1 == ncols)
				break;
			for (size_t w = utf8_len(cell); w < width[c]; w++)
				buf_addch(out, ' ');
		}
		buf_addch(out, '\n');
	}
	free(width);
}

int
format_status_exit_code(const char *status)
{
	if (status == NULL || strncmp(status, "Exited (", 8) != 0)
		return -1;
	return atoi(status + 8);
}

const char *
format_status_health(const char *status)
{
	if (status == NULL)
		return "";
	if (strstr(status, "(healthy)"))
		return "healthy";
	if (strstr(status, "(unhealthy)"))
		return "unhealthy";
	if (strstr(status, "(health: starting)"))
		return "starting";
	return "";
}

char *
format_labels(const json_t *labels)
{
	struct strv kv = STRV_INIT;
	struct buf b = BUF_INIT;
	const char *k;
	json_t *v;

	json_object_foreach ((json_t *)labels, k, v)
		strv_pushf(&kv, "%s=%s", k,
			   json_string_value(v) ? json_string_value(v) : "");
	strv_sort(&kv);
	for (size_t i = 0; i < kv.n; i++)
		buf_addf(&b, "%s%s", i ? "," : "", kv.v[i]);
	strv_clear(&kv);
	return buf_detach(&b, NULL);
}
