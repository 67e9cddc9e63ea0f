/*
 * registry_auth.h - image references and registry credentials.
 *
 * Credentials come from the docker CLI's config.json ($DOCKER_CONFIG, or
 * ~/.docker): an `auths` entry (base64 "user:password" in `auth`, or
 * `username`/`password`, or an `identitytoken`), or a credential helper
 * (`credHelpers` per registry, else `credsStore`) run as
 * `docker-credential-NAME get`. The engine takes them in the
 * X-Registry-Auth header: base64url of {username, password, serveraddress}.
 */
#ifndef BERTH_REGISTRY_AUTH_H
#define BERTH_REGISTRY_AUTH_H

/* The parts of an image reference; every field is owned. */
struct image_ref {
	char *registry; /* "docker.io" when none is named */
	char *name;	/* everything before the tag or digest */
	char *tag;	/* "latest" when neither tag nor digest is given */
	char *digest;	/* "sha256:..." or NULL */
};

/* Split ref. Returns 0, or -1 for an empty reference (not reported). */
int image_ref_parse(const char *ref, struct image_ref *out);
void image_ref_release(struct image_ref *r);

/* The docker CLI's key for Docker Hub credentials. */
#define DOCKER_HUB_AUTH_KEY "https://index.docker.io/v1/"

/*
 * The X-Registry-Auth value for registry (a host[:port], or "docker.io"):
 * the credentials found, or the encoding of {} when there are none.
 * Returns 0, or -1 after reporting a broken config.json or a failing
 * credential helper. Caller frees *out.
 */
int registry_auth_header(const char *registry, char **out);

/*
 * The X-Registry-Config value for a build (base images from private
 * registries): every config.json `auths` entry, keyed by registry. NULL
 * when there are none. Credential helpers are not asked: a build may name
 * any registry and asking each helper for everything would be slow.
 */
char *registry_auth_build_config(void);

/* base64url (RFC 4648 §5, with padding) of len bytes. Caller frees. */
char *base64url_encode(const unsigned char *data, size_t len);

#endif
