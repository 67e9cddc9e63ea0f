/*
 * registry_auth.c - image references and registry credentials
 * (registry_auth.h).
 *
 * A credential problem never stops a pull on its own: the registry may
 * not need credentials at all, and when it does its own "unauthorized"
 * answer says more than we could. So a broken config.json or a failing
 * helper is a warning and the request goes out anonymously.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "log.h"
#include "registry_auth.h"
#include "xalloc.h"

extern char **environ;

/* The last c in s[0..n), or NULL (memrchr is not portable). */
static const char *
last_char(const char *s, int c, size_t n)
{
	while (n--)
		if (s[n] == c)
			return s + n;
	return NULL;
}

int
image_ref_parse(const char *ref, struct image_ref *out)
{
	const char *at, *slash, *colon, *first;
	size_t name_len;

	memset(out, 0, sizeof(*out));
	if (ref == NULL || *ref == '\0')
		return -1;
	at = strchr(ref, '@');
	name_len = at ? (size_t)(at - ref) : strlen(ref);
	if (at)
		out->digest = xstrdup(at + 1);
	/* A tag is a ':' after the last '/' (a ':' before it is a port). */
	slash = last_char(ref, '/', name_len);
	colon = last_char(slash ? slash : ref, ':',
			  name_len - (size_t)((slash ? slash : ref) - ref));
	if (colon) {
		out->tag = xstrndup(colon + 1,
				    name_len - (size_t)(colon + 1 - ref));
		name_len = (size_t)(colon - ref);
	} else if (!at) {
		out->tag = xstrdup("latest");
	}
	out->name = xstrndup(ref, name_len);
	first = strchr(out->name, '/');
	if (first && (memchr(out->name, '.', (size_t)(first - out->name)) ||
		      memchr(out->name, ':', (size_t)(first - out->name)) ||
		      strncmp(out->name, "localhost/", 10) == 0))
		out->registry =
			xstrndup(out->name, (size_t)(first - out->name));
	else
		out->registry = xstrdup("docker.io");
	return 0;
}

void
image_ref_release(struct image_ref *r)
{
	if (r == NULL)
		return;
	free(r->registry);
	free(r->name);
	free(r->tag);
	free(r->digest);
	memset(r, 0, sizeof(*r));
}

char *
base64url_encode(const unsigned char *in, size_t len)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789-_";
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)in[i] << 16;
		size_t n = len - i;

		if (n > 1)
			v |= (unsigned)in[i + 1] << 8;
		if (n > 2)
			v |= in[i + 2];
		buf_addch(&b, tab[(v >> 18) & 63]);
		buf_addch(&b, tab[(v >> 12) & 63]);
		buf_addch(&b, n > 1 ? tab[(v >> 6) & 63] : '=');
		buf_addch(&b, n > 2 ? tab[v & 63] : '=');
	}
	return buf_detach(&b, NULL);
}

static int
b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Standard base64 (config.json's `auth`); NULL when malformed. */
static char *
base64_decode(const char *s)
{
	struct buf b = BUF_INIT;
	unsigned v = 0;
	int bits = 0;

	for (; *s && *s != '='; s++) {
		int x = b64_value(*s);

		if (x < 0) {
			buf_release(&b);
			return NULL;
		}
		v = (v << 6) | (unsigned)x;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addch(&b, (int)((v >> bits) & 0xff));
		}
	}
	return buf_detach(&b, NULL);
}

/* "https://host:port/v1/" -> "host:port". Caller frees. */
static char *
auth_key_host(const char *key)
{
	const char *s = strstr(key, "://");

	s = s ? s + 3 : key;
	return xstrndup(s, strcspn(s, "/"));
}

static char *
config_dir(void)
{
	const char *d = getenv("DOCKER_CONFIG");

	if (d && *d)
		return xstrdup(d);
	return xasprintf("%s/.docker", getenv("HOME") ? getenv("HOME") : "");
}

/* Run `docker-credential-NAME get` with server on stdin; its JSON answer. */
static json_t *
cred_helper_get(const char *helper, const char *server)
{
	char *prog = xasprintf("docker-credential-%s", helper);
	char *argv[] = { prog, (char *)"get", NULL };
	posix_spawn_file_actions_t fa;
	int in[2] = { -1, -1 }, out[2] = { -1, -1 };
	struct buf b = BUF_INIT;
	json_t *ret = NULL;
	pid_t pid = -1;
	int status = 0, rc;
	char chunk[4096];
	ssize_t n;

	if (pipe(in) < 0 || pipe(out) < 0) {
		warning("cannot run %s: %s", prog, strerror(errno));
		goto done;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_addclose(&fa, in[1]);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	in[0] = out[1] = -1;
	if (rc != 0) {
		warning("cannot run the credential helper %s: %s", prog,
			strerror(rc));
		pid = -1;
		goto done;
	}
	if (write(in[1], server, strlen(server)) < 0)
		debug("writing to %s: %s", prog, strerror(errno));
	close(in[1]);
	in[1] = -1;
	while ((n = read(out[0], chunk, sizeof(chunk))) > 0 && b.len < 65536)
		buf_add(&b, chunk, (size_t)n);
	waitpid(pid, &status, 0);
	pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* "credentials not found" is the helper's normal "no". */
		if (strstr(b.ptr, "not found") == NULL)
			warning("%s get failed for \"%s\": %s", prog, server,
				b.len ? b.ptr : "no output");
		goto done;
	}
	ret = json_loadb(b.ptr, b.len, 0, NULL);
	if (ret == NULL)
		warning("%s get: answer is not JSON", prog);
done:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	buf_release(&b);
	free(prog);
	return ret;
}

/* Fill auth (an X-Registry-Auth object) from a config.json `auths` entry. */
static void
auth_from_entry(json_t *entry, json_t *auth)
{
	const char *a = json_string_value(json_object_get(entry, "auth"));
	const char *tok =
		json_string_value(json_object_get(entry, "identitytoken"));

	if (a && *a) {
		char *plain = base64_decode(a);
		char *colon = plain ? strchr(plain, ':') : NULL;

		if (colon) {
			*colon = '\0';
			json_object_set_new(auth, "username",
					    json_string(plain));
			json_object_set_new(auth, "password",
					    json_string(colon + 1));
		}
		free(plain);
	} else {
		json_t *u = json_object_get(entry, "username");
		json_t *p = json_object_get(entry, "password");
		if (json_is_string(u))
			json_object_set(auth, "username", u);
		if (json_is_string(p))
			json_object_set(auth, "password", p);
	}
	if (tok && *tok)
		json_object_set_new(auth, "identitytoken", json_string(tok));
}

/* The credentials for registry from config.json, into auth. */
static void
lookup(json_t *cfg, const char *registry, json_t *auth)
{
	bool hub = strcmp(registry, "docker.io") == 0 ||
		   strcmp(registry, "index.docker.io") == 0;
	const char *server = hub ? DOCKER_HUB_AUTH_KEY : registry;
	const char *helper = json_string_value(
		json_object_get(json_object_get(cfg, "credHelpers"), registry));
	json_t *auths = json_object_get(cfg, "auths");
	const char *key;
	json_t *entry;

	if (helper == NULL)
		helper = json_string_value(json_object_get(cfg, "credsStore"));
	if (helper && *helper) {
		json_t *c = cred_helper_get(helper, server);
		const char *user =
			json_string_value(json_object_get(c, "Username"));
		const char *secret =
			json_string_value(json_object_get(c, "Secret"));

		if (user && secret) {
			if (strcmp(user, "<token>") == 0) {
				json_object_set_new(auth, "identitytoken",
						    json_string(secret));
			} else {
				json_object_set_new(auth, "username",
						    json_string(user));
				json_object_set_new(auth, "password",
						    json_string(secret));
			}
		}
		json_decref(c);
		if (json_object_size(auth))
			return;
	}
	json_object_foreach (auths, key, entry) {
		char *host = auth_key_host(key);
		bool match = strcmp(host, registry) == 0 ||
			     (hub && (strcmp(host, "index.docker.io") == 0 ||
				      strcmp(host, "docker.io") == 0));

		free(host);
		if (match) {
			auth_from_entry(entry, auth);
			if (json_object_size(auth))
				return;
		}
	}
}

int
registry_auth_header(const char *registry, char **out)
{
	char *dir = config_dir();
	char *path = xasprintf("%s/config.json", dir);
	json_t *auth = json_object();
	json_t *cfg;
	json_error_t err;
	char *text;

	cfg = json_load_file(path, 0, &err);
	if (cfg == NULL && access(path, F_OK) == 0)
		warning("cannot read \"%s\": %s (line %d)", path, err.text,
			err.line);
	if (cfg)
		lookup(cfg, registry, auth);
	if (json_object_size(auth))
		json_object_set_new(auth, "serveraddress",
				    json_string(registry));
	text = json_dumps(auth, JSON_COMPACT | JSON_SORT_KEYS);
	*out = base64url_encode((const unsigned char *)text, strlen(text));
	free(text);
	json_decref(auth);
	json_decref(cfg);
	free(path);
	free(dir);
	return 0;
}

char *
registry_auth_build_config(void)
{
	char *dir = config_dir();
	char *path = xasprintf("%s/config.json", dir);
	json_t *cfg = json_load_file(path, 0, NULL);
	json_t *all = json_object();
	const char *key;
	json_t *entry;
	char *text, *ret = NULL;

	json_object_foreach (json_object_get(cfg, "auths"), key, entry) {
		json_t *auth = json_object();

		auth_from_entry(entry, auth);
		if (json_object_size(auth)) {
			json_object_set_new(auth, "serveraddress",
					    json_string(key));
			json_object_set(all, key, auth);
		}
		json_decref(auth);
	}
	if (json_object_size(all)) {
		text = json_dumps(all, JSON_COMPACT | JSON_SORT_KEYS);
		ret = base64url_encode((const unsigned char *)text,
				       strlen(text));
		free(text);
	}
	json_decref(all);
	json_decref(cfg);
	free(path);
	free(dir);
	return ret;
}
