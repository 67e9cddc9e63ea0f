/*
 * test_cp_paths.c - the path rules of `berth cp` (cp_paths.h), case by
 * case against what docker cp does.
 */
#include <stdlib.h>

#include "cp_paths.h"
#include "test.h"

static void
check_split_arg(const char *arg, const char *svc, const char *path)
{
	char *s, *p;

	cp_split_arg(arg, &s, &p);
	CHECK_STR(s, svc);
	CHECK_STR(p, path);
	free(s);
	free(p);
}

static void
test_split_arg(void)
{
	check_split_arg("web:/etc/hosts", "web", "/etc/hosts");
	check_split_arg("web:rel/x", "web", "rel/x");
	check_split_arg("web:", "web", "");
	check_split_arg("/abs/a:b", NULL, "/abs/a:b");
	check_split_arg("./a:b", NULL, "./a:b");
	check_split_arg("../a:b", NULL, "../a:b");
	check_split_arg("file", NULL, "file");
	check_split_arg("-", NULL, "-");
	check_split_arg(":x", NULL, ":x");
}

static void
check_clean(const char *in, const char *want)
{
	char *got = cp_clean(in);

	CHECK_STR(got, want);
	free(got);
}

static void
test_clean(void)
{
	check_clean("", ".");
	check_clean(".", ".");
	check_clean("/", "/");
	check_clean("//a//b/", "/a/b");
	check_clean("a/./b/.", "a/b");
	check_clean("a/../b", "b");
	check_clean("a/../..", "..");
	check_clean("../a/..", "..");
	check_clean("/../a", "/a");
	check_clean("/a/b/..", "/a");
	check_clean("/a/..", "/");
	check_clean("../../x", "../../x");
}

static void
check_split(const char *in, const char *dir, const char *base)
{
	char *d, *b;

	cp_split_dir_entry(in, &d, &b);
	CHECK_STR(d, dir);
	CHECK_STR(b, base);
	free(d);
	free(b);
}

static void
test_split_dir_entry(void)
{
	check_split("/a/b", "/a", "b");
	check_split("/a/b/", "/a", "b");
	check_split("/a/b/.", "/a/b", ".");
	check_split("/a/b/./", "/a/b", ".");
	check_split("b", ".", "b");
	check_split("/", "/", "/");
	check_split("/.", "/", ".");
	check_split(".", ".", ".");
}

static void
test_asserts(void)
{
	CHECK(cp_asserts_dir("a/"));
	CHECK(cp_asserts_dir("a/."));
	CHECK(cp_asserts_dir("."));
	CHECK(!cp_asserts_dir("a"));
	CHECK(!cp_asserts_dir("a/.b"));
	CHECK(cp_specifies_current_dir("a/./"));
	CHECK(!cp_has_trailing_sep(""));
}

static void
check_abs(const char *in, const char *cwd, const char *want)
{
	char *got = cp_local_abs(in, cwd);

	CHECK_STR(got, want);
	free(got);
}

static void
test_local_abs(void)
{
	check_abs("f", "/w", "/w/f");
	check_abs("d/", "/w", "/w/d/");
	check_abs("d/.", "/w", "/w/d/.");
	check_abs(".", "/w", "/w/.");
	check_abs("./", "/w", "/w/./");
	check_abs("../x//y", "/w/v", "/w/x/y");
	check_abs("/abs/./z/", "/w", "/abs/z/");
	check_abs("/", "/w", "/");
}

static void
test_link_path(void)
{
	char *p = cp_link_path("/a/b/link", "target");

	CHECK_STR(p, "/a/b/target");
	free(p);
	p = cp_link_path("/a/b/link", "../t");
	CHECK_STR(p, "/a/t");
	free(p);
	p = cp_link_path("/a/b/link", "/abs//t/");
	CHECK_STR(p, "/abs/t");
	free(p);
}

static void
test_follow_name(void)
{
	char *rebase, *p;

	p = cp_follow_name("/a/link", "/a/real", &rebase);
	CHECK_STR(p, "/a/real");
	CHECK_STR(rebase, "link");
	free(p);
	free(rebase);
	p = cp_follow_name("/a/link/", "/b/real", &rebase);
	CHECK_STR(p, "/b/real/");
	CHECK_STR(rebase, "link");
	free(p);
	free(rebase);
	p = cp_follow_name("/a/link/.", "/b/real", &rebase);
	CHECK_STR(p, "/b/real/.");
	CHECK_STR(rebase, NULL);
	free(p);
	p = cp_follow_name("/a/same", "/b/same", &rebase);
	CHECK_STR(rebase, NULL);
	free(p);
}

/* One cp_prepare case: the plan, or the error. */
static void
check_prepare(const struct cp_info *src, const struct cp_info *dst,
	      int want_ret, const char *dir, const char *from, const char *to)
{
	struct cp_plan p;
	int ret = cp_prepare(src, dst, &p);

	CHECK_INT(ret, want_ret);
	CHECK_STR(p.dst_dir, dir);
	CHECK_STR(p.from, from);
	CHECK_STR(p.to, to);
	cp_plan_release(&p);
}

static void
test_prepare(void)
{
	struct cp_info file = { "/h/f.txt", true, false, NULL };
	struct cp_info dir = { "/h/d", true, true, NULL };
	struct cp_info contents = { "/h/d/.", true, true, NULL };
	struct cp_info linked = { "/h/real", true, false, "alias" };
	struct cp_info edir = { "/c/etc", true, true, NULL };
	struct cp_info efile = { "/c/etc/x", true, false, NULL };
	struct cp_info fresh = { "/c/new", false, false, NULL };
	struct cp_info fresh_dir = { "/c/new/", false, false, NULL };

	/* A file into an existing directory keeps its name. */
	check_prepare(&file, &edir, CP_OK, "/c/etc", "f.txt", "f.txt");
	/* ... or the name it was followed from. */
	check_prepare(&linked, &edir, CP_OK, "/c/etc", "real", "alias");
	/* Onto an existing file, or to a new name: the destination's. */
	check_prepare(&file, &efile, CP_OK, "/c/etc", "f.txt", "x");
	check_prepare(&file, &fresh, CP_OK, "/c", "f.txt", "new");
	check_prepare(&linked, &fresh, CP_OK, "/c", "real", "new");
	/* "new/" must exist for a file. */
	check_prepare(&file, &fresh_dir, CP_ERR_NO_DIR, NULL, NULL, NULL);
	/* A directory: inside an existing one, or as the new name. */
	check_prepare(&dir, &edir, CP_OK, "/c/etc", "d", "d");
	check_prepare(&dir, &fresh, CP_OK, "/c", "d", "new");
	check_prepare(&dir, &fresh_dir, CP_OK, "/c", "d", "new");
	check_prepare(&dir, &efile, CP_ERR_COPY_DIR, NULL, NULL, NULL);
	/* Its contents: "." stays "." in an existing directory. */
	check_prepare(&contents, &edir, CP_OK, "/c/etc", ".", ".");
	check_prepare(&contents, &fresh, CP_OK, "/c", ".", "new");
	CHECK_STR(cp_strerror(CP_ERR_COPY_DIR), "cannot copy directory");
	CHECK_STR(cp_strerror(CP_ERR_NO_DIR), "no such directory");
}

static void
check_rename(const char *name, const char *from, const char *to,
	     const char *want)
{
	char *got = cp_rename_entry(name, from, to);

	CHECK_STR(got, want);
	free(got);
}

static void
test_rename_entry(void)
{
	check_rename("d", "d", "e", "e");
	check_rename("d/", "d", "e", "e");
	check_rename("d/x/y", "d", "e", "e/x/y");
	check_rename("dd/x", "d", "e", NULL);
	check_rename("./", ".", "new", "new");
	check_rename("./a", ".", "new", "new/a");
	check_rename("./a", ".", ".", "./a");
	check_rename("x", "d", "e", NULL);
}

static void
test_entry_safe(void)
{
	CHECK(cp_entry_safe("a/b"));
	CHECK(cp_entry_safe("./a"));
	CHECK(cp_entry_safe("a..b/c"));
	CHECK(!cp_entry_safe("/etc/passwd"));
	CHECK(!cp_entry_safe("a/../../x"));
	CHECK(!cp_entry_safe(".."));
	CHECK(!cp_entry_safe(""));
}

int
main(void)
{
	TEST_RUN(test_split_arg);
	TEST_RUN(test_clean);
	TEST_RUN(test_split_dir_entry);
	TEST_RUN(test_asserts);
	TEST_RUN(test_local_abs);
	TEST_RUN(test_link_path);
	TEST_RUN(test_follow_name);
	TEST_RUN(test_prepare);
	TEST_RUN(test_rename_entry);
	TEST_RUN(test_entry_safe);
	return test_report();
}
