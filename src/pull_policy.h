/*
 * pull_policy.h - when a service's image is pulled (compose `pull_policy`).
 *
 *   always              every time
 *   never               never (a missing image is an error later)
 *   missing             when the image is not present (the default);
 *   if_not_present      an alias of missing
 *   build               never pulled: the image is built instead
 *   daily, weekly,      when missing, or when the image was last tagged
 *   every_<duration>    longer ago than that ("every_12h", "every_2d",
 *                       "every_1h30m"; units ns us ms s m h d w)
 */
#ifndef BERTH_PULL_POLICY_H
#define BERTH_PULL_POLICY_H

#include <stdbool.h>

/*
 * Pull now? policy NULL or "" means missing. last_tag_time and now are
 * unix seconds (last_tag_time 0: unknown, counts as long ago). Returns 1
 * to pull, 0 not to, -1 for a policy that is not one of the above (not
 * reported: see pull_policy_check).
 */
int pull_needed(const char *policy, bool image_exists, long long last_tag_time,
		long long now);
/* Report an unknown policy for service svc; 0 or -1. */
int pull_policy_check(const char *policy, const char *svc);
/* A duration such as "1h30m" or "2d" in seconds, or -1 when malformed. */
long long duration_parse(const char *s);

#endif
