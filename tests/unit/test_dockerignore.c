/*
 * test_dockerignore.c - .dockerignore patterns against the engine's own
 * examples: moby's patternmatcher and ignorefile tests and Docker's
 * documented .dockerignore examples.
 */
#include <stdlib.h>

#include "buf.h"
#include "dockerignore.h"
#include "log.h"
#include "test.h"
#include "xalloc.h"

/* Does path match the one pattern pat (parent directories included)? */
static int
match1(const char *pat, const char *path)
{
	struct dockerignore d = DOCKERIGNORE_INIT;
	int r;

	if (dockerignore_add(&d, pat, "test") < 0)
		return -1;
	r = dockerignore_excludes(&d, path);
	dockerignore_release(&d);
	return r;
}

/* Like match1, with the walk's parent bits computed directory by directory. */
static int
match1_walk(const char *pat, const char *path)
{
	struct dockerignore d = DOCKERIGNORE_INIT;
	bool parent[1], bits[1];
	bool have = false;
	char buf[512];
	int r;

	if (dockerignore_add(&d, pat, "test") < 0)
		return -1;
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *s = buf; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (strcmp(buf, ".") != 0) {
			dockerignore_match(&d, buf, have ? parent : NULL, bits);
			parent[0] = bits[0];
			have = true;
		}
		*s = '/';
	}
	r = dockerignore_match(&d, path, have ? parent : NULL, NULL);
	dockerignore_release(&d);
	return r;
}

static int
match_many(const char *const *pats, const char *path)
{
	struct dockerignore d = DOCKERIGNORE_INIT;
	int r;

	for (size_t i = 0; pats[i]; i++)
		if (dockerignore_add(&d, pats[i], "test") < 0) {
			dockerignore_release(&d);
			return -1;
		}
	r = dockerignore_excludes(&d, path);
	dockerignore_release(&d);
	return r;
}

struct mcase {
	const char *pat, *path;
	int want; /* with parent-directory matching */
};

/* moby/patternmatcher TestMatches (inexact cases match only via parents). */
static const struct mcase matches_cases[] = {
	{ "**", "file", 1 },
	{ "**", "file/", 1 },
	{ "**/", "file", 1 },
	{ "**/", "file/", 1 },
	{ "**", "/", 1 },
	{ "**/", "/", 1 },
	{ "**", "dir/file", 1 },
	{ "**/", "dir/file", 1 },
	{ "**", "dir/file/", 1 },
	{ "**/", "dir/file/", 1 },
	{ "**/**", "dir/file", 1 },
	{ "**/**", "dir/file/", 1 },
	{ "dir/**", "dir/file", 1 },
	{ "dir/**", "dir/file/", 1 },
	{ "dir/**", "dir/dir2/file", 1 },
	{ "dir/**", "dir/dir2/file/", 1 },
	{ "**/dir", "dir", 1 },
	{ "**/dir", "dir/file", 1 },
	{ "**/dir2/*", "dir/dir2/file", 1 },
	{ "**/dir2/*", "dir/dir2/file/", 1 },
	{ "**/dir2/**", "dir/dir2/dir3/file", 1 },
	{ "**/dir2/**", "dir/dir2/dir3/file/", 1 },
	{ "**file", "file", 1 },
	{ "**file", "dir/file", 1 },
	{ "**/file", "dir/file", 1 },
	{ "**file", "dir/dir/file", 1 },
	{ "**/file", "dir/dir/file", 1 },
	{ "**/file*", "dir/dir/file", 1 },
	{ "**/file*", "dir/dir/file.txt", 1 },
	{ "**/file*txt", "dir/dir/file.txt", 1 },
	{ "**/file*.txt", "dir/dir/file.txt", 1 },
	{ "**/file*.txt*", "dir/dir/file.txt", 1 },
	{ "**/**/*.txt", "dir/dir/file.txt", 1 },
	{ "**/**/*.txt2", "dir/dir/file.txt", 0 },
	{ "**/*.txt", "file.txt", 1 },
	{ "**/**/*.txt", "file.txt", 1 },
	{ "a**/*.txt", "a/file.txt", 1 },
	{ "a**/*.txt", "a/dir/file.txt", 1 },
	{ "a**/*.txt", "a/dir/dir/file.txt", 1 },
	{ "a/*.txt", "a/dir/file.txt", 0 },
	{ "a/*.txt", "a/file.txt", 1 },
	{ "a/*.txt**", "a/file.txt", 1 },
	{ "a[b-d]e", "ae", 0 },
	{ "a[b-d]e", "ace", 1 },
	{ "a[b-d]e", "aae", 0 },
	{ "a[^b-d]e", "aze", 1 },
	{ ".*", ".foo", 1 },
	{ ".*", "foo", 0 },
	{ "abc.def", "abcdef", 0 },
	{ "abc.def", "abc.def", 1 },
	{ "abc.def", "abcZdef", 0 },
	{ "abc?def", "abcZdef", 1 },
	{ "abc?def", "abcdef", 0 },
	{ "**/foo/bar", "foo/bar", 1 },
	{ "**/foo/bar", "dir/foo/bar", 1 },
	{ "**/foo/bar", "dir/dir2/foo/bar", 1 },
	{ "abc/**", "abc", 0 },
	{ "abc/**", "abc/def", 1 },
	{ "abc/**", "abc/def/ghi", 1 },
	{ "**/.foo", ".foo", 1 },
	{ "**/.foo", "bar.foo", 0 },
	{ "a(b)c/def", "a(b)c/def", 1 },
	{ "a(b)c/def", "a(b)c/xyz", 0 },
	{ "a.|)$(}+{bc", "a.|)$(}+{bc", 1 },
	{ "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
	  "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", 1 },
	{ "dist/*.whl",
	  "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", 1 },
	{ "a\\\\", "a\\", 1 },
	{ "a\\*b", "a*b", 1 },
};

/* Go's filepath.Match tests as moby runs them (Matches, parents too). */
static const struct mcase go_match_cases[] = {
	{ "abc", "abc", 1 },
	{ "*", "abc", 1 },
	{ "*c", "abc", 1 },
	{ "a*", "a", 1 },
	{ "a*", "abc", 1 },
	{ "a*", "ab/c", 1 },
	{ "a*/b", "abc/b", 1 },
	{ "a*/b", "a/c/b", 0 },
	{ "a*b*c*d*e*/f", "axbxcxdxe/f", 1 },
	{ "a*b*c*d*e*/f", "axbxcxdxexxx/f", 1 },
	{ "a*b*c*d*e*/f", "axbxcxdxe/xxx/f", 0 },
	{ "a*b*c*d*e*/f", "axbxcxdxexxx/fff", 0 },
	{ "a*b?c*x", "abxbbxdbxebxczzx", 1 },
	{ "a*b?c*x", "abxbbxdbxebxczzy", 0 },
	{ "ab[c]", "abc", 1 },
	{ "ab[b-d]", "abc", 1 },
	{ "ab[e-g]", "abc", 0 },
	{ "ab[^c]", "abc", 0 },
	{ "ab[^b-d]", "abc", 0 },
	{ "ab[^e-g]", "abc", 1 },
	{ "a\\*b", "a*b", 1 },
	{ "a\\*b", "ab", 0 },
	{ "a?b",
	  "a\xe2\x98\xba"
	  "b",
	  1 },
	{ "a[^a]b",
	  "a\xe2\x98\xba"
	  "b",
	  1 },
	{ "a???b",
	  "a\xe2\x98\xba"
	  "b",
	  0 },
	{ "a[^a][^a][^a]b",
	  "a\xe2\x98\xba"
	  "b",
	  0 },
	{ "[a-\xce\xb6]*", "\xce\xb1", 1 },
	{ "*[a-\xce\xb6]", "A", 0 },
	{ "a?b", "a/b", 0 },
	{ "a*b", "a/b", 0 },
	{ "[\\]a]", "]", 1 },
	{ "[\\-]", "-", 1 },
	{ "[x\\-]", "x", 1 },
	{ "[x\\-]", "-", 1 },
	{ "[x\\-]", "z", 0 },
	{ "[\\-x]", "x", 1 },
	{ "[\\-x]", "-", 1 },
	{ "[\\-x]", "a", 0 },
	{ "*x", "xxx", 1 },
};

static void
test_patternmatcher_cases(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(matches_cases); i++) {
		const struct mcase *c = &matches_cases[i];
		int got = match1(c->pat, c->path);
		int walk = match1_walk(c->pat, c->path);

		if (got != c->want || walk != c->want)
			fprintf(stderr,
				"  pattern \"%s\" path \"%s\": got %d/%d\n",
				c->pat, c->path, got, walk);
		CHECK_INT(got, c->want);
		CHECK_INT(walk, c->want);
	}
}

static void
test_go_match_cases(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(go_match_cases); i++) {
		const struct mcase *c = &go_match_cases[i];
		int got = match1(c->pat, c->path);

		if (got != c->want)
			fprintf(stderr,
				"  pattern \"%s\" path \"%s\": got %d\n",
				c->pat, c->path, got);
		CHECK_INT(got, c->want);
	}
}

static void
test_bad_patterns(void)
{
	static const char *const bad[] = {
		"[]a]", "[-]", "[x-]", "[-x]", "\\", "[a-b-c]",
		"[",	"[^",  "[^bc", "a[",   "!",
	};
	struct buf log = BUF_INIT;

	log_capture(&log);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		buf_reset(&log);
		if (match1(bad[i], "a") != -1)
			fprintf(stderr, "  pattern \"%s\" was accepted\n",
				bad[i]);
		CHECK_INT(match1(bad[i], "a"), -1);
	}
	log_capture(NULL);
	CHECK(strstr(log.ptr, "illegal exclusion pattern") != NULL);
	buf_release(&log);
}

static void
test_exclusions(void)
{
	static const char *const p1[] = { "!fileutils.go", "*.go", NULL };
	static const char *const p2[] = { "docs", "!docs/README.md", NULL };
	static const char *const p3[] = { "docs/", "!docs/README.md", NULL };
	static const char *const p4[] = { "docs/*", "!docs/README.md", NULL };
	static const char *const p5[] = { "*.go", "!fileutils.go", NULL };
	static const char *const p6[] = { "**", "!util/docker/web", NULL };
	static const char *const p7[] = { "**", "!util/docker/web",
					  "util/docker/web/foo", NULL };
	static const char *const p8[] = { "**", "!dist/*.whl", NULL };

	CHECK_INT(match_many(p1, "fileutils.go"), 1);
	CHECK_INT(match_many(p2, "docs/README.md"), 0);
	CHECK_INT(match_many(p3, "docs/README.md"), 0);
	CHECK_INT(match_many(p4, "docs/README.md"), 0);
	CHECK_INT(match_many(p4, "docs/other.md"), 1);
	CHECK_INT(match_many(p5, "fileutils.go"), 0);
	CHECK_INT(match_many(p5, "main.go"), 1);
	CHECK_INT(match_many(p6, "util/docker/web/foo"), 0);
	CHECK_INT(match_many(p7, "util/docker/web/foo"), 1);
	CHECK_INT(match_many(p8, "dist/x-1.0-py3-none-any.whl"), 0);
}

/* The ignore-file reader: comments, '/' stripping, '!' handling. */
static void
test_parse_file(void)
{
	static const char text[] = "test1\n"
				   "/test2\n"
				   "/a/file/here\n"
				   "\n"
				   "lastfile\n"
				   "# this is a comment\n"
				   "  # not a comment: leading space\n"
				   "! /inverted/abs/path\r\n";
	struct dockerignore d = DOCKERIGNORE_INIT;

	REQUIRE(dockerignore_parse(&d, text, sizeof(text) - 1,
				   ".dockerignore") == 0);
	CHECK_INT(d.n, 6);
	CHECK(d.exclusions);
	CHECK(dockerignore_excludes(&d, "test1"));
	CHECK(dockerignore_excludes(&d, "test2"));
	CHECK(dockerignore_excludes(&d, "a/file/here"));
	CHECK(dockerignore_excludes(&d, "a/file/here/below"));
	CHECK(dockerignore_excludes(&d, "lastfile"));
	CHECK(!dockerignore_excludes(&d, "# this is a comment"));
	CHECK(dockerignore_excludes(&d, "# not a comment: leading space"));
	CHECK(!dockerignore_excludes(&d, "inverted/abs/path"));
	dockerignore_release(&d);

	struct buf log = BUF_INIT;
	log_capture(&log);
	CHECK_INT(dockerignore_parse(&d, "a\n!\n", 4, "ctx/.dockerignore"), -1);
	log_capture(NULL);
	CHECK_STR(log.ptr, "berth: ctx/.dockerignore:2: illegal exclusion "
			   "pattern \"!\"\n");
	dockerignore_release(&d);
	buf_release(&log);
}

/* Docker's documented .dockerignore example. */
static void
test_documented_example(void)
{
	static const char text[] = "# comment\n"
				   "*/temp*\n"
				   "*/*/temp*\n"
				   "temp?\n";
	struct dockerignore d = DOCKERIGNORE_INIT;

	REQUIRE(dockerignore_parse(&d, text, sizeof(text) - 1, "x") == 0);
	CHECK(dockerignore_excludes(&d, "somedir/temporary.txt"));
	CHECK(dockerignore_excludes(&d, "somedir/temp"));
	CHECK(dockerignore_excludes(&d, "somedir/subdir/temporary.txt"));
	CHECK(dockerignore_excludes(&d, "tempa"));
	CHECK(dockerignore_excludes(&d, "tempb"));
	CHECK(!dockerignore_excludes(&d, "temporary.txt"));
	CHECK(!dockerignore_excludes(&d, "a/b/c/temp"));
	dockerignore_release(&d);

	/* "*.md, !README*.md, README-secret.md": later lines win. */
	static const char text2[] = "*.md\n!README*.md\nREADME-secret.md\n";
	REQUIRE(dockerignore_parse(&d, text2, sizeof(text2) - 1, "x") == 0);
	CHECK(dockerignore_excludes(&d, "CHANGES.md"));
	CHECK(!dockerignore_excludes(&d, "README.md"));
	CHECK(!dockerignore_excludes(&d, "README-public.md"));
	CHECK(dockerignore_excludes(&d, "README-secret.md"));
	dockerignore_release(&d);

	/* A leading double star reaches .go files everywhere, the root too. */
	REQUIRE(dockerignore_parse(&d, "**/*.go\n", 8, "x") == 0);
	CHECK(dockerignore_excludes(&d, "main.go"));
	CHECK(dockerignore_excludes(&d, "a/b/c.go"));
	CHECK(!dockerignore_excludes(&d, "a/b/c.c"));
	dockerignore_release(&d);
}

static void
test_can_prune(void)
{
	struct dockerignore d = DOCKERIGNORE_INIT;

	REQUIRE(dockerignore_parse(&d, "docs\n", 5, "x") == 0);
	CHECK(dockerignore_can_prune(&d, "docs"));
	dockerignore_release(&d);
	REQUIRE(dockerignore_parse(&d, "docs\n!docs/README.md\n", 21, "x") ==
		0);
	CHECK(!dockerignore_can_prune(&d, "docs"));
	CHECK(dockerignore_can_prune(&d, "doc"));
	CHECK(dockerignore_can_prune(&d, "other"));
	dockerignore_release(&d);
}

static void
test_path_clean(void)
{
	static const char *const cases[][2] = {
		{ "", "." },	       { "abc", "abc" },
		{ "abc/", "abc" },     { "a//b", "a/b" },
		{ "./a/./b/", "a/b" }, { "a/../b", "b" },
		{ "../a", "../a" },    { "a/../..", ".." },
		{ "/../a", "/a" },     { "/", "/" },
		{ "//a//", "/a" },     { "a/b/../../..", ".." },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = path_clean(cases[i][0]);
		CHECK_STR(got, cases[i][1]);
		free(got);
	}
}

int
main(void)
{
	TEST_RUN(test_patternmatcher_cases);
	TEST_RUN(test_go_match_cases);
	TEST_RUN(test_bad_patterns);
	TEST_RUN(test_exclusions);
	TEST_RUN(test_parse_file);
	TEST_RUN(test_documented_example);
	TEST_RUN(test_can_prune);
	TEST_RUN(test_path_clean);
	return test_report();
}
