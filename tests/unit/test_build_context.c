/*
 * test_build_context.c - build context scan, tar stream and digest, on a
 * temporary directory: what the tar holds (links not followed, hard links,
 * long names, modes, ignored files absent, Dockerfile always sent), and
 * when the digest changes (content, mode, args) and when it must not
 * (an ignored file, a touch).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>

#include "buf.h"
#include "build_context.h"
#include "build_digest.h"
#include "fixture.h"
#include "log.h"
#include "test.h"
#include "xalloc.h"

static char tmp[256];

/* Write tmp/rel with mode. */
static void
put(const char *rel, const char *text, mode_t mode)
{
	char *path = fixture_write(tmp, rel, text);

	chmod(path, mode);
	free(path);
}

/* The tar of the context as "type mode path [-> target] [size]" lines. */
static char *
tar_listing(const struct build_context *c, struct buf *content_of_a)
{
	struct tar_stream *t = tar_stream_new(c);
	struct buf tar = BUF_INIT, out = BUF_INIT;
	char chunk[777]; /* odd size: pieces straddle entries */
	long n;
	struct archive *a;
	struct archive_entry *ae;

	while ((n = tar_stream_read(t, chunk, sizeof(chunk))) > 0)
		buf_add(&tar, chunk, (size_t)n);
	tar_stream_free(t);
	if (n < 0) {
		buf_release(&tar);
		return NULL;
	}
	a = archive_read_new();
	archive_read_support_format_tar(a);
	archive_read_open_memory(a, tar.ptr, tar.len);
	while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
		mode_t m = archive_entry_mode(ae);
		const char *type = archive_entry_hardlink(ae) ? "h" :
				   S_ISDIR(m)		      ? "d" :
				   S_ISLNK(m)		      ? "l" :
								"f";

		buf_addf(&out, "%s %04o %s", type, (unsigned)(m & 07777),
			 archive_entry_pathname(ae));
		if (archive_entry_symlink(ae))
			buf_addf(&out, " -> %s", archive_entry_symlink(ae));
		if (archive_entry_hardlink(ae))
			buf_addf(&out, " => %s", archive_entry_hardlink(ae));
		if (S_ISREG(m) && !archive_entry_hardlink(ae))
			buf_addf(&out, " %lld",
				 (long long)archive_entry_size(ae));
		if (archive_entry_uid(ae) != 0 || archive_entry_gid(ae) != 0)
			buf_adds(&out, " OWNER");
		buf_addch(&out, '\n');
		if (content_of_a &&
		    strcmp(archive_entry_pathname(ae), "a.txt") == 0) {
			char b[256];
			la_ssize_t k;
			while ((k = archive_read_data(a, b, sizeof(b))) > 0)
				buf_add(content_of_a, b, (size_t)k);
		}
	}
	archive_read_free(a);
	buf_release(&tar);
	return buf_detach(&out, NULL);
}

static void
make_tree(void)
{
	char *p;

	snprintf(tmp, sizeof(tmp), "/tmp/berth-test-ctx.XXXXXX");
	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	put("Dockerfile", "FROM scratch\nCOPY . /\n", 0644);
	put("a.txt", "alpha\n", 0644);
	put("run.sh", "#!/bin/sh\n", 0755);
	put("src/main.c", "int main(void) { return 0; }\n", 0600);
	put("node_modules/x/index.js", "x\n", 0644);
	put("logs/keep.log", "keep\n", 0644);
	put("logs/drop.log", "drop\n", 0644);
	put(".dockerignore", "node_modules\n*.log\n**/*.log\n!logs/keep.log\n",
	    0644);
	p = xasprintf("%s/outside-link", tmp);
	if (symlink("/etc/passwd", p) < 0)
		perror("symlink");
	free(p);
	p = xasprintf("%s/a-hardlink.txt", tmp);
	{
		char *a = xasprintf("%s/a.txt", tmp);
		if (link(a, p) < 0)
			perror("link");
		free(a);
	}
	free(p);
	/* A name longer than ustar's 100 bytes. */
	put("deep/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/"
	    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/"
	    "cccccccccccccccccccccccccccccccccccccccccccccccccccc.txt",
	    "long\n", 0644);
}

static void
test_tar_contents(void)
{
	struct build_context c;
	struct buf a = BUF_INIT;
	char *list;

	REQUIRE(build_context_scan(&c, tmp, NULL, NULL) == 0);
	CHECK_STR(c.dockerfile, "Dockerfile");
	list = tar_listing(&c, &a);
	REQUIRE(list != NULL);
	CHECK_STR(
		list,
		"f 0644 .dockerignore 43\n"
		"f 0644 Dockerfile 22\n"
		"f 0644 a-hardlink.txt 6\n"
		"h 0644 a.txt => a-hardlink.txt\n"
		"d 0755 deep/\n"
		"d 0755 deep/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/\n"
		"d 0755 deep/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/"
		"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/\n"
		"f 0644 deep/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/"
		"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/"
		"cccccccccccccccccccccccccccccccccccccccccccccccccccc.txt 5\n"
		"d 0755 logs/\n"
		"f 0644 logs/keep.log 5\n"
		"l 0777 outside-link -> /etc/passwd\n"
		"f 0755 run.sh 10\n"
		"d 0755 src/\n"
		"f 0600 src/main.c 29\n");
	free(list);
	buf_release(&a);
	build_context_release(&c);
}

/* An ignored Dockerfile and .dockerignore are still sent. */
static void
test_build_files_always_sent(void)
{
	struct build_context c;
	char *list, *di = xasprintf("%s/.dockerignore", tmp);
	char *sub = xasprintf("%s/sub", tmp);
	FILE *f = fopen(di, "w");

	fputs("*\n", f);
	fclose(f);
	mkdir(sub, 0755);
	put("sub/Dockerfile.dev", "FROM scratch\n", 0644);
	REQUIRE(build_context_scan(&c, tmp, "sub/Dockerfile.dev", NULL) == 0);
	list = tar_listing(&c, NULL);
	CHECK_STR(list, "f 0644 .dockerignore 2\n"
			"f 0644 sub/Dockerfile.dev 13\n");
	free(list);
	build_context_release(&c);

	/* <Dockerfile>.dockerignore wins over the context's. */
	put("sub/Dockerfile.dev.dockerignore", "node_modules\n", 0644);
	REQUIRE(build_context_scan(&c, tmp, "sub/Dockerfile.dev", NULL) == 0);
	list = tar_listing(&c, NULL);
	CHECK(strstr(list, "f 0644 a.txt") || strstr(list, "a.txt =>"));
	CHECK(strstr(list, "node_modules") == NULL);
	CHECK(strstr(list, "logs/drop.log") != NULL);
	free(list);
	build_context_release(&c);

	f = fopen(di, "w");
	fputs("node_modules\n*.log\n**/*.log\n!logs/keep.log\n", f);
	fclose(f);
	fixture_rm_rf(sub);
	free(di);
	free(sub);
}

static void
test_inline_dockerfile(void)
{
	struct build_context c;
	char *list;

	REQUIRE(build_context_scan(&c, tmp, NULL, "FROM scratch\n") == 0);
	CHECK_STR(c.dockerfile, BUILD_GENERATED_DOCKERFILE);
	list = tar_listing(&c, NULL);
	/* Generated first, and .dockerignore extended to drop it. */
	CHECK(strncmp(list,
		      "f 0600 " BUILD_GENERATED_DOCKERFILE " 13\n"
		      "f 0644 .dockerignore 62\n",
		      strlen("f 0600 " BUILD_GENERATED_DOCKERFILE " 13\n"
			     "f 0644 .dockerignore 62\n")) == 0);
	free(list);
	build_context_release(&c);

	/* An empty directory: only the generated entries (no walk array). */
	char empty[] = "/tmp/berth-empty-ctx-XXXXXX";
	REQUIRE(mkdtemp(empty) != NULL);
	REQUIRE(build_context_scan(&c, empty, NULL, "FROM scratch\n") == 0);
	list = tar_listing(&c, NULL);
	CHECK_STR(list, "f 0600 " BUILD_GENERATED_DOCKERFILE " 13\n"
			"f 0600 .dockerignore 19\n");
	free(list);
	build_context_release(&c);
	rmdir(empty);
}

static void
test_errors(void)
{
	struct build_context c;
	struct buf log = BUF_INIT;
	char *missing = xasprintf("%s/nope", tmp);
	char *secret = xasprintf("%s/secret.txt", tmp);

	log_capture(&log);
	CHECK_INT(build_context_scan(&c, missing, NULL, NULL), -1);
	CHECK(strstr(log.ptr, "nope") != NULL);
	buf_reset(&log);
	CHECK_INT(build_context_scan(&c, tmp, "Dockerfile.missing", NULL), -1);
	CHECK(strstr(log.ptr, "Dockerfile.missing") != NULL);
	log_capture(NULL);

	/* An unreadable file is named when hashing, before any request. */
	if (geteuid() != 0) {
		put("secret.txt", "s\n", 0000);
		REQUIRE(build_context_scan(&c, tmp, NULL, NULL) == 0);
		buf_reset(&log);
		log_capture(&log);
		CHECK_INT(build_digest_files(&c, NULL), -1);
		log_capture(NULL);
		CHECK(strstr(log.ptr, "secret.txt") != NULL);
		build_context_release(&c);
		unlink(secret);
	}
	free(missing);
	free(secret);
	buf_release(&log);
}

static void
digest_of(json_t *args, char out[65], const char *cache)
{
	struct build_context c;
	struct build_params bp = { .args = args };

	if (build_context_scan(&c, tmp, NULL, NULL) < 0 ||
	    build_digest_files(&c, cache) < 0) {
		strcpy(out, "error");
		return;
	}
	build_digest(&c, &bp, out);
	build_context_release(&c);
}

static void
test_digest(void)
{
	json_t *args = json_pack("{s:s}", "V", "1");
	json_t *args2 = json_pack("{s:s}", "V", "2");
	char *cache = xasprintf("%s.stat", tmp);
	char d0[65], d1[65], d2[65];
	char *path = xasprintf("%s/src/main.c", tmp);
	struct timespec ts[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };

	digest_of(args, d0, NULL);
	digest_of(args, d1, cache);
	CHECK_STR(d1, d0); /* stable, with or without a cache */
	digest_of(args, d1, cache);
	CHECK_STR(d1, d0);

	/* Args are inputs. */
	digest_of(args2, d2, cache);
	CHECK(strcmp(d2, d0) != 0);

	/* A touch is not a change. */
	utimensat(AT_FDCWD, path, ts, 0);
	digest_of(args, d1, cache);
	CHECK_STR(d1, d0);

	/* An ignored file is not an input. */
	put("logs/drop.log", "changed\n", 0644);
	put("node_modules/x/index.js", "changed\n", 0644);
	digest_of(args, d1, cache);
	CHECK_STR(d1, d0);

	/* Content and mode are. */
	put("src/main.c", "int main(void) { return 1; }\n", 0600);
	digest_of(args, d1, cache);
	CHECK(strcmp(d1, d0) != 0);
	put("src/main.c", "int main(void) { return 0; }\n", 0600);
	digest_of(args, d2, cache);
	CHECK_STR(d2, d0);
	chmod(path, 0644);
	digest_of(args, d1, cache);
	CHECK(strcmp(d1, d0) != 0);
	chmod(path, 0600);
	digest_of(args, d1, cache);
	CHECK_STR(d1, d0);

	/* A same-size edit within the same second is still seen. */
	put("a.txt", "ALPHA\n", 0644);
	digest_of(args, d1, cache);
	CHECK(strcmp(d1, d0) != 0);
	put("a.txt", "alpha\n", 0644);
	digest_of(args, d1, cache);
	CHECK_STR(d1, d0);

	unlink(cache);
	free(cache);
	free(path);
	json_decref(args);
	json_decref(args2);
}

static void
test_manifest_diff(void)
{
	json_t *args = json_pack("{s:s}", "V", "1");
	json_t *args2 = json_pack("{s:s}", "V", "2");
	struct build_params bp = { .args = args };
	char *man = xasprintf("%s.manifest", tmp);
	struct build_context c;
	char d0[65];
	char *why;

	REQUIRE(build_context_scan(&c, tmp, NULL, NULL) == 0);
	REQUIRE(build_digest_files(&c, NULL) == 0);
	build_digest(&c, &bp, d0);
	build_manifest_save(man, d0, &c, &bp);
	build_context_release(&c);

	put("src/main.c", "changed\n", 0600);
	put("src/new.c", "new\n", 0644);
	REQUIRE(build_context_scan(&c, tmp, NULL, NULL) == 0);
	REQUIRE(build_digest_files(&c, NULL) == 0);
	why = build_manifest_diff(man, d0, &c, &bp);
	CHECK_STR(why, "context changed: src/main.c, src/new.c");
	free(why);
	bp.args = args2;
	why = build_manifest_diff(man, d0, &c, &bp);
	CHECK_STR(why, "context changed: src/main.c, src/new.c; build args "
		       "changed");
	free(why);
	/* Another build's manifest says nothing. */
	CHECK(build_manifest_diff(man, "0000", &c, &bp) == NULL);
	/* A platform asked for is an input; none keeps older digests. */
	{
		char d1[65], d2[65], d3[65];
		bp.args = args;
		build_digest(&c, &bp, d1);
		bp.platform = "";
		build_digest(&c, &bp, d2);
		CHECK_STR(d2, d1);
		bp.platform = "linux/amd64";
		build_digest(&c, &bp, d3);
		CHECK(strcmp(d3, d1) != 0);
		why = build_manifest_diff(man, d0, &c, &bp);
		CHECK_STR(why, "context changed: src/main.c, src/new.c; "
			       "platform changed");
		free(why);
		build_manifest_save(man, d3, &c, &bp);
		bp.platform = "linux/arm64";
		why = build_manifest_diff(man, d3, &c, &bp);
		CHECK_STR(why, "platform changed");
		free(why);
		bp.platform = NULL;
		why = build_manifest_diff(man, d3, &c, &bp);
		CHECK_STR(why, "platform changed");
		free(why);
		bp.platform = NULL;
	}
	build_context_release(&c);
	put("src/main.c", "int main(void) { return 0; }\n", 0600);
	{
		char *p = xasprintf("%s/src/new.c", tmp);
		unlink(p);
		free(p);
	}
	unlink(man);
	free(man);
	json_decref(args);
	json_decref(args2);
}

/*
 * A link whose target changed since the last build is told apart (the
 * engine's cache would not see it); a changed file or a new link is not.
 */
static void
test_manifest_relinked(void)
{
	char *dir = xasprintf("%s/relink", tmp);
	char *lnk = xasprintf("%s/lnk", dir), *file = xasprintf("%s/f", dir);
	char *man = xasprintf("%s.manifest", dir);
	char *lnk2 = xasprintf("%s/lnk2", dir);
	struct build_params bp = { 0 };
	struct build_context c;
	char d0[65];
	FILE *f;

	REQUIRE(mkdir(dir, 0755) == 0);
	REQUIRE(symlink("/target/one", lnk) == 0);
	{
		char *df = xasprintf("%s/Dockerfile", dir);
		REQUIRE((f = fopen(df, "w")) != NULL);
		fputs("FROM scratch\n", f);
		fclose(f);
		free(df);
	}
	REQUIRE((f = fopen(file, "w")) != NULL);
	fputs("v1\n", f);
	fclose(f);
	REQUIRE(build_context_scan(&c, dir, NULL, NULL) == 0);
	REQUIRE(build_digest_files(&c, NULL) == 0);
	CHECK(!build_manifest_relinked(man, &c)); /* no manifest yet */
	build_digest(&c, &bp, d0);
	build_manifest_save(man, d0, &c, &bp);
	CHECK(!build_manifest_relinked(man, &c));
	build_context_release(&c);

	/* A changed file and a new link: the cache sees both. */
	REQUIRE((f = fopen(file, "w")) != NULL);
	fputs("v2\n", f);
	fclose(f);
	REQUIRE(symlink("/target/new", lnk2) == 0);
	REQUIRE(build_context_scan(&c, dir, NULL, NULL) == 0);
	REQUIRE(build_digest_files(&c, NULL) == 0);
	CHECK(!build_manifest_relinked(man, &c));
	build_context_release(&c);

	/* The same link, another target: the cache would not see it. */
	unlink(lnk);
	REQUIRE(symlink("/target/two", lnk) == 0);
	REQUIRE(build_context_scan(&c, dir, NULL, NULL) == 0);
	REQUIRE(build_digest_files(&c, NULL) == 0);
	CHECK(build_manifest_relinked(man, &c));
	build_context_release(&c);

	unlink(man);
	fixture_rm_rf(dir);
	free(dir);
	free(lnk);
	free(lnk2);
	free(file);
	free(man);
}

/* Thousands of files stream in bounded pieces and list back complete. */
static void
test_many_files(void)
{
	struct build_context c;
	char name[64];
	char *list;
	size_t lines = 0;

	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "many/d%02d/f%03d", i % 10, i);
		put(name, "x", 0644);
	}
	REQUIRE(build_context_scan(&c, tmp, NULL, NULL) == 0);
	list = tar_listing(&c, NULL);
	REQUIRE(list != NULL);
	for (char *s = list; (s = strchr(s, '\n')); s++)
		lines++;
	CHECK_INT(lines, c.n);
	CHECK(strstr(list, "f 0644 many/d09/f299 1\n") != NULL);
	free(list);
	build_context_release(&c);
}

int
main(void)
{
	make_tree();
	TEST_RUN(test_tar_contents);
	TEST_RUN(test_build_files_always_sent);
	TEST_RUN(test_inline_dockerfile);
	TEST_RUN(test_errors);
	TEST_RUN(test_digest);
	TEST_RUN(test_manifest_diff);
	TEST_RUN(test_manifest_relinked);
	TEST_RUN(test_many_files);
	fixture_rm_rf(tmp);
	return test_report();
}
