/*
 * test_content_hash.c - the content of configs and secrets in the config
 * hash (project.c), the reasons naming it (diverge.c), and the files a
 * container gets copied in for `content:` and `environment:` sources
 * (container_spec_copies).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "container_spec.h"
#include "buf.h"
#include "diverge.h"
#include "log.h"
#include "project.h"
#include "test.h"
#include "xalloc.h"

static char dir[] = "/tmp/berth-test-content-XXXXXX";
static char *file_path;

static void
write_file(const char *text)
{
	FILE *f = fopen(file_path, "w");

	fputs(text, f);
	fclose(f);
}

/* A project whose web mounts config app (the file), config inline
 * (content), secret env (environment TOKEN); other mounts nothing. */
static struct project *
load(const char *token)
{
	char *text = xasprintf(
		"{\"name\":\"p\",\"services\":{"
		"\"web\":{\"image\":\"busybox\","
		"\"configs\":[{\"source\":\"app\"},{\"source\":\"inline\","
		"\"target\":\"/etc/in.conf\",\"mode\":288,\"uid\":\"1000\"}],"
		"\"secrets\":[{\"source\":\"env\"}]},"
		"\"other\":{\"image\":\"busybox\"}},"
		"\"configs\":{\"app\":{\"file\":\"%s\"},"
		"\"inline\":{\"content\":\"hello\\n\"}},"
		"\"secrets\":{\"env\":{\"environment\":\"TOKEN\"}}}",
		file_path);
	json_t *model = json_loads(text, 0, NULL);
	json_t *env = token ? json_pack("{s:s}", "TOKEN", token) :
			      json_object();
	struct project *p = NULL;

	free(text);
	if (model == NULL ||
	    project_from_model_env(&p, model, "/work", env, true) < 0)
		p = NULL;
	json_decref(env);
	return p;
}

static const struct service *
svc(const struct project *p, const char *name)
{
	int i = project_service_index(p, name);

	return i < 0 ? NULL : &p->services[i];
}

static void
sha256_hex(const char *text, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_Digest(text, len, md, &n, EVP_sha256(), NULL);
	for (unsigned int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void
test_digests(void)
{
	struct project *p;
	const struct service *web;
	char want[65];

	write_file("v1\n");
	p = load("s3cret");
	REQUIRE(p != NULL);
	web = svc(p, "web");
	REQUIRE(web != NULL);
	REQUIRE(web->content != NULL);
	sha256_hex("v1\n", 3, want);
	CHECK_STR(json_string_value(json_object_get(
			  json_object_get(web->content, "configs"), "app")),
		  want);
	sha256_hex("hello\n", 6, want);
	CHECK_STR(json_string_value(json_object_get(
			  json_object_get(web->content, "configs"), "inline")),
		  want);
	sha256_hex("s3cret", 6, want);
	CHECK_STR(json_string_value(json_object_get(
			  json_object_get(web->content, "secrets"), "env")),
		  want);
	CHECK(svc(p, "other")->content == NULL);
	project_free(p);
}

/* The hash is the sha256 of the label text: the label explains it. */
static void
test_hash_is_label(void)
{
	struct project *p;
	json_t *in;
	char *text, want[65];

	write_file("v1\n");
	p = load("s3cret");
	REQUIRE(p != NULL);
	for (size_t i = 0; i < p->nservices; i++) {
		in = diverge_service_input(&p->services[i]);
		text = json_dumps(in, JSON_COMPACT | JSON_SORT_KEYS);
		sha256_hex(text, strlen(text), want);
		CHECK_STR(p->services[i].hash, want);
		free(text);
		json_decref(in);
	}
	/* A service mounting nothing hashes as before. */
	project_hash_service(svc(p, "other")->def, want);
	CHECK_STR(svc(p, "other")->hash, want);
	project_free(p);
}

static void
test_hash_follows_content(void)
{
	struct project *a, *b, *c;

	write_file("v1\n");
	a = load("s3cret");
	write_file("v2\n");
	b = load("s3cret");
	c = load("other");
	REQUIRE(a && b && c);
	CHECK(strcmp(svc(a, "web")->hash, svc(b, "web")->hash) != 0);
	CHECK(strcmp(svc(b, "web")->hash, svc(c, "web")->hash) != 0);
	CHECK_STR(svc(a, "other")->hash, svc(b, "other")->hash);
	project_free(a);
	project_free(b);
	project_free(c);
}

static void
test_reasons(void)
{
	struct project *a, *b;
	struct strv r = STRV_INIT;
	json_t *old, *cur;
	char *joined;

	write_file("v1\n");
	a = load("s3cret");
	write_file("v2\n");
	b = load("new");
	REQUIRE(a && b);
	old = diverge_service_input(svc(a, "web"));
	cur = diverge_service_input(svc(b, "web"));
	diverge_config(old, cur, &r);
	joined = diverge_join(&r, 4);
	CHECK_STR(joined,
		  "configs.app content changed; secrets.env content changed");
	free(joined);
	strv_clear(&r);
	/* A label written before content was hashed. */
	json_decref(old);
	old = diverge_hash_input(svc(a, "web")->def);
	diverge_config(old, cur, &r);
	joined = diverge_join(&r, 4);
	CHECK_STR(joined, "configs.app content added; configs.inline content "
			  "added; secrets.env content added");
	free(joined);
	strv_clear(&r);
	json_decref(old);
	json_decref(cur);
	project_free(a);
	project_free(b);
}

static void
test_copies(void)
{
	struct project *p;
	struct buf msgs = BUF_INIT;
	json_t *copies = NULL, *c;

	write_file("v1\n");
	p = load("s3cret");
	REQUIRE(p != NULL);
	CHECK_INT(container_spec_copies(p, svc(p, "web"), &copies), 0);
	REQUIRE(json_array_size(copies) == 2);
	/* secrets first; the file-backed config is a bind, not a copy. */
	c = json_array_get(copies, 0);
	CHECK_STR(json_string_value(json_object_get(c, "path")),
		  "/run/secrets/env");
	CHECK_STR(json_string_value(json_object_get(c, "content")), "s3cret");
	CHECK_INT(json_integer_value(json_object_get(c, "mode")), 0444);
	c = json_array_get(copies, 1);
	CHECK_STR(json_string_value(json_object_get(c, "path")),
		  "/etc/in.conf");
	CHECK_STR(json_string_value(json_object_get(c, "content")), "hello\n");
	CHECK_INT(json_integer_value(json_object_get(c, "mode")), 0440);
	CHECK_INT(json_integer_value(json_object_get(c, "uid")), 1000);
	CHECK_INT(json_integer_value(json_object_get(c, "gid")), 0);
	json_decref(copies);
	copies = NULL;
	CHECK_INT(container_spec_copies(p, svc(p, "other"), &copies), 0);
	CHECK(copies == NULL);
	project_free(p);

	/* An unset variable is an error naming it. */
	unsetenv("TOKEN");
	p = load(NULL);
	REQUIRE(p != NULL);
	log_capture(&msgs);
	CHECK_INT(container_spec_copies(p, svc(p, "web"), &copies), -1);
	log_capture(NULL);
	CHECK(copies == NULL);
	CHECK(strstr(msgs.ptr, "environment variable \"TOKEN\" required by "
			       "secrets \"env\" of service \"web\" is not "
			       "set") != NULL);
	buf_release(&msgs);
	project_free(p);
}

/* Only regular files are read: a device or a FIFO would never end, or
 * block. */
static void
test_special_files(void)
{
	char *fifo = xasprintf("%s/fifo", dir);
	char *text = xasprintf(
		"{\"name\":\"p\",\"services\":{\"web\":{\"image\":\"x\","
		"\"configs\":[{\"source\":\"zero\"},{\"source\":\"fifo\"},"
		"{\"source\":\"dir\"}]}},"
		"\"configs\":{\"zero\":{\"file\":\"/dev/zero\"},"
		"\"fifo\":{\"file\":\"%s\"},\"dir\":{\"file\":\"%s\"}}}",
		fifo, dir);
	json_t *model = json_loads(text, 0, NULL);
	struct project *p = NULL;
	char want[65];

	REQUIRE(mkfifo(fifo, 0600) == 0);
	REQUIRE(model != NULL);
	REQUIRE(project_from_model(&p, model, "/work") == 0);
	CHECK(p->services[0].content == NULL);
	project_hash_service(p->services[0].def, want);
	CHECK_STR(p->services[0].hash, want);
	project_free(p);
	unlink(fifo);
	free(fifo);
	free(text);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	file_path = xasprintf("%s/app.conf", dir);
	TEST_RUN(test_digests);
	TEST_RUN(test_hash_is_label);
	TEST_RUN(test_hash_follows_content);
	TEST_RUN(test_reasons);
	TEST_RUN(test_copies);
	TEST_RUN(test_special_files);
	unlink(file_path);
	rmdir(dir);
	free(file_path);
	return test_report();
}
