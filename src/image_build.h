/*
 * image_build.h - the images of services: which one a service runs, whether
 * it is stale, and building, pulling and pushing them on the event loop.
 *
 * A built image carries the label dev.berth.build-digest (labels.h): the
 * sha256 of its build inputs (filtered context, Dockerfile, args, target,
 * labels; see build_digest.h). image_build_needed compares it with the
 * inputs on disk, so `up` rebuilds exactly the stale images.
 */
#ifndef BERTH_IMAGE_BUILD_H
#define BERTH_IMAGE_BUILD_H

#include <stdbool.h>

#include "engine.h"
#include "project.h"
#include "strv.h"

/*
 * Output: plain lines "web  | Step 1/3 : FROM ..." on stdout, or a tty
 * status block; see image_output.h (image_output_setup) to choose.
 */

/* The image a service runs: image:, else <project>-<service>. Caller frees. */
char *service_image_ref(const struct project *p, const struct service *s);

/*
 * Does s need a build before up? Compares the digest of the build inputs
 * with the dev.berth.build-digest label of the existing image. Returns 0 =
 * up to date, 1 = build needed (*reason set, e.g. "image missing",
 * "context changed: src/app.c, Dockerfile"; caller frees), -1 = error
 * (reported). Services without build: always 0.
 */
int image_build_needed(struct engine *e, const struct project *p,
		       const struct service *s, char **reason);

struct build_opts {
	bool no_cache, pull, quiet;
	struct strv *build_args; /* KEY=VAL */
};

/* Like image_build_needed, with the build's options (--build-arg counts). */
int image_build_needed_opts(struct engine *e, const struct project *p,
			    const struct service *s, const struct build_opts *o,
			    char **reason);

typedef void (*image_build_done_fn)(int result /* 0 or -1 (reported) */,
				    void *arg);

/*
 * Build on the event loop: streams the context tar, prints output with the
 * service prefix, labels the image with the digest; calls done when
 * finished. Returns 0 when started, -1 (reported) when it could not start
 * (done is then not called).
 */
int image_build_start(struct engine *e, const struct project *p,
		      const struct service *s, const struct build_opts *o,
		      image_build_done_fn done, void *arg);

/* Is the image present locally? 1 yes, 0 no, -1 error. */
int image_exists(struct engine *e, const char *ref, char **id_out);

/*
 * Pull ref on the event loop (POST /images/create, for platform when not
 * NULL, with the credentials of ref's registry). Progress is printed with
 * prefix ("web"), nothing when quiet; a failure reports the registry's
 * message naming the image. Returns 0 when started, -1 (reported) when
 * it could not start (done is then not called).
 */
int image_pull_start(struct engine *e, const char *ref, const char *platform,
		     bool quiet, const char *prefix, image_build_done_fn done,
		     void *arg);

/*
 * Should ref be pulled now under policy (pull_policy.h; NULL: missing)?
 * Inspects the local image for presence and LastTagTime. 1 yes, 0 no, -1
 * error (reported, also for an unknown policy).
 */
int image_pull_wanted(struct engine *e, const char *ref, const char *policy);

/* Push ref on the event loop (POST /images/{ref}/push), as image_pull_start. */
int image_push_start(struct engine *e, const char *ref, const char *platform,
		     bool quiet, const char *prefix, image_build_done_fn done,
		     void *arg);

#endif
