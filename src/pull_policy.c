/*
 * pull_policy.c - compose `pull_policy` decisions (pull_policy.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pull_policy.h"

long long
duration_parse(const char *s)
{
	static const struct {
		const char *unit;
		double seconds;
	} units[] = {
		/* "ms" before "m", so milliseconds are not minutes */
		{ "ns", 1e-9 }, { "us", 1e-6 }, { "\xc2\xb5s", 1e-6 },
		{ "ms", 1e-3 }, { "s", 1 },	{ "m", 60 },
		{ "h", 3600 },	{ "d", 86400 }, { "w", 604800 },
	};
	double total = 0;

	if (s == NULL || *s == '\0')
		return -1;
	while (*s) {
		char *end;
		double v;
		size_t i;

		if (!isdigit((unsigned char)*s) && *s != '.')
			return -1;
		v = strtod(s, &end);
		if (end == s)
			return -1;
		s = end;
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t n = strlen(units[i].unit);
			if (strncmp(s, units[i].unit, n) == 0)
				break;
		}
		if (i == sizeof(units) / sizeof(units[0]))
			return -1;
		total += v * units[i].seconds;
		s += strlen(units[i].unit);
	}
	return (long long)total;
}

/* The refresh interval of daily/weekly/every_X in seconds; 0 if none, -1 bad.
 */
static long long
refresh_interval(const char *policy)
{
	if (strcmp(policy, "daily") == 0)
		return 86400;
	if (strcmp(policy, "weekly") == 0)
		return 7 * 86400;
	if (strncmp(policy, "every_", 6) == 0) {
		long long d = duration_parse(policy + 6);
		return d > 0 ? d : -1;
	}
	return 0;
}

int
pull_needed(const char *policy, bool image_exists, long long last_tag_time,
	    long long now)
{
	long long every;

	if (policy == NULL || *policy == '\0' ||
	    strcmp(policy, "missing") == 0 ||
	    strcmp(policy, "if_not_present") == 0)
		return !image_exists;
	if (strcmp(policy, "always") == 0)
		return 1;
	if (strcmp(policy, "never") == 0 || strcmp(policy, "build") == 0)
		return 0;
	every = refresh_interval(policy);
	if (every <= 0)
		return -1;
	if (!image_exists || last_tag_time <= 0)
		return 1;
	return now - last_tag_time >= every;
}

int
pull_policy_check(const char *policy, const char *svc)
{
	if (pull_needed(policy, false, 0, 0) >= 0)
		return 0;
	error("service \"%s\": invalid pull_policy \"%s\"", svc, policy);
	hint("use always, never, missing, build, daily, weekly or "
	     "every_<duration>");
	return -1;
}
