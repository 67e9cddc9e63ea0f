/*
 * logfmt.c - the pure parts of log output (logmux.h): colours, prefixes,
 * engine timestamps and --since/--until values. No I/O, so unit tests
 * check them byte for byte.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "logmux.h"

/* docker compose's order: five colours, then the same five bold. */
static const char *const palette[] = {
	"36", "33", "32", "35", "34", "1;36", "1;33", "1;32", "1;35", "1;34",
};

const char *
logmux_color(size_t i)
{
	return palette[i % (sizeof(palette) / sizeof(palette[0]))];
}

const char *
logmux_prefix_of(const char *project, const char *name)
{
	size_t n = project ? strlen(project) : 0;

	if (*name == '/')
		name++;
	if (n && strncmp(name, project, n) == 0 && name[n] == '-' &&
	    name[n + 1])
		return name + n + 1;
	return name;
}

void
logmux_format_prefix(struct buf *out, const char *prefix, size_t width,
		     const char *color)
{
	size_t len = strlen(prefix);

	if (color)
		buf_addf(out, "\033[%sm", color);
	buf_add(out, prefix, len);
	for (; len < width; len++)
		buf_addch(out, ' ');
	buf_add(out, " | ", 3);
	if (color)
		buf_adds(out, "\033[0m");
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

/* n digits at s[*i] into *v; false when they are not all digits. */
static bool
digits(const char *s, size_t len, size_t *i, int n, int *v)
{
	*v = 0;
	for (int k = 0; k < n; k++, (*i)++) {
		if (*i >= len || !isdigit((unsigned char)s[*i]))
			return false;
		*v = *v * 10 + (s[*i] - '0');
	}
	return true;
}

/*
 * Parse "YYYY-MM-DD[THH:MM[:SS[.frac]]][Z|+HH:MM]". *zoned says whether a
 * zone was given (else the time is local). Returns the length or 0.
 */
static size_t
parse_datetime(const char *s, size_t len, int64_t *ns, bool *zoned)
{
	size_t i = 0;
	int y, mo, d, h = 0, mi = 0, sec = 0;
	int64_t frac = 0, off = 0;

	*zoned = false;
	if (!digits(s, len, &i, 4, &y) || i >= len || s[i++] != '-' ||
	    !digits(s, len, &i, 2, &mo) || i >= len || s[i++] != '-' ||
	    !digits(s, len, &i, 2, &d))
		return 0;
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return 0;
	if (i < len && (s[i] == 'T' || s[i] == 't')) {
		i++;
		if (!digits(s, len, &i, 2, &h) || i >= len || s[i++] != ':' ||
		    !digits(s, len, &i, 2, &mi))
			return 0;
		if (i < len && s[i] == ':') {
			i++;
			if (!digits(s, len, &i, 2, &sec))
				return 0;
			if (i < len && s[i] == '.') {
				int64_t scale = 100000000;
				i++;
				if (i >= len || !isdigit((unsigned char)s[i]))
					return 0;
				for (; i < len && isdigit((unsigned char)s[i]);
				     i++) {
					frac += (s[i] - '0') * scale;
					scale /= 10;
				}
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			return 0;
	}
	if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
		*zoned = true;
	} else if (i < len && (s[i] == '+' || s[i] == '-')) {
		int oh, om, sign = s[i] == '-' ? -1 : 1;
		i++;
		if (!digits(s, len, &i, 2, &oh) || i >= len || s[i++] != ':' ||
		    !digits(s, len, &i, 2, &om))
			return 0;
		off = sign * ((int64_t)oh * 3600 + om * 60);
		*zoned = true;
	}
	int64_t secs = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
		       h * 3600 + mi * 60 + sec - off;
	*ns = secs * 1000000000 + frac;
	return i;
}

size_t
logmux_parse_ts(const char *s, size_t len, int64_t *ns)
{
	bool zoned;
	size_t n = parse_datetime(s, len, ns, &zoned);

	/* The engine always writes a zone and the time with seconds. */
	if (n < 20 || !zoned)
		return 0;
	return n;
}

void
logmux_format_ts(struct buf *out, int64_t ns)
{
	int64_t secs = ns / 1000000000, frac = ns % 1000000000;
	int y;
	unsigned m, d;

	if (frac < 0) {
		frac += 1000000000;
		secs--;
	}
	int64_t days = secs / 86400, rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	buf_addf(out, "%04d-%02u-%02uT%02d:%02d:%02d.%09lldZ", y, m, d,
		 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60),
		 (long long)frac);
}

/* A Go-style duration: "1h30m", "10m", "1.5h", "300ms", "90s". */
static int
parse_duration(const char *s, int64_t *ns)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = {
		{ "ns", 1 },   { "us", 1e3 },	{ "ms", 1e6 },	  { "s", 1e9 },
		{ "m", 60e9 }, { "h", 3600e9 }, { "d", 86400e9 }, /* beyond Go:
								     days are
								     handy for
								     logs */
	};
	double total = 0;

	if (*s == '\0')
		return -1;
	while (*s) {
		char *end;
		size_t best = 0, k;
		double v = strtod(s, &end);

		if (end == s || v < 0 || !isdigit((unsigned char)*s))
			return -1;
		s = end;
		for (k = 0; k < sizeof(units) / sizeof(units[0]); k++) {
			size_t ul = strlen(units[k].unit);
			if (strncmp(s, units[k].unit, ul) == 0 &&
			    (best == 0 || ul > strlen(units[best - 1].unit)))
				best = k + 1;
		}
		if (best == 0)
			return -1;
		total += v * units[best - 1].ns;
		s += strlen(units[best - 1].unit);
	}
	*ns = (int64_t)total;
	return 0;
}

int
logmux_time_arg(const char *arg, int64_t now_ns, struct buf *out)
{
	int64_t ns, d;
	bool zoned;
	size_t len = strlen(arg);
	char *end;

	if (parse_duration(arg, &d) == 0) {
		ns = now_ns - d;
	} else if (len && parse_datetime(arg, len, &ns, &zoned) == len) {
		if (!zoned) {
			/* No zone: local time, as docker does. */
			struct tm tm;
			time_t t = (time_t)(ns / 1000000000);
			int64_t frac = ns % 1000000000;
			gmtime_r(&t, &tm);
			tm.tm_isdst = -1;
			ns = (int64_t)mktime(&tm) * 1000000000 + frac;
		}
	} else {
		/* Unix seconds, with an optional fraction (exact). */
		int64_t scale = 100000000;
		if (!isdigit((unsigned char)*arg))
			return -1;
		ns = (int64_t)strtoll(arg, &end, 10) * 1000000000;
		if (*end == '.')
			for (end++; isdigit((unsigned char)*end); end++) {
				ns += (*end - '0') * scale;
				scale /= 10;
			}
		if (*end)
			return -1;
	}
	if (ns < 0)
		ns = 0;
	buf_addf(out, "%lld.%09lld", (long long)(ns / 1000000000),
		 (long long)(ns % 1000000000));
	return 0;
}

bool
logmux_want_color(const char *ansi, bool no_color, int fd)
{
	const char *nc = getenv("NO_COLOR");

	if (no_color || (ansi && strcmp(ansi, "never") == 0))
		return false;
	if (ansi && strcmp(ansi, "always") == 0)
		return true;
	if (nc && *nc)
		return false;
	return isatty(fd) == 1;
}
