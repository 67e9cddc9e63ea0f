/*
 * test_filewatch.c - directory watching (inotify and the polling
 * fallback) on a scratch tree, and watch's editor temp file rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ev.h>

#include "buf.h"
#include "filewatch.h"
#include "strv.h"
#include "test.h"
#include "xalloc.h"

struct seen {
	struct strv ev;
	const char *root;
};

static void
on_event(const char *path, enum filewatch_kind kind, bool dir, void *arg)
{
	struct seen *s = arg;
	size_t n = strlen(s->root);

	strv_pushf(&s->ev, "%c%s %s",
		   kind == FILEWATCH_CHANGED ? 'C' :
		   kind == FILEWATCH_REMOVED ? 'R' :
					       'S',
		   dir ? "d" : "",
		   strncmp(path, s->root, n) == 0 ? path + n : path);
}

static bool
skip_git(const char *path, void *arg)
{
	const char *base = strrchr(path, '/');
	return base && strcmp(base + 1, ".git") == 0;
}

/* Run the loop until want shows up among the events (or secs pass). */
static bool
wait_for(struct seen *s, const char *want, double secs)
{
	ev_tstamp until = ev_time() + secs;

	while (ev_time() < until) {
		if (strv_contains(&s->ev, want))
			return true;
		ev_run(EV_DEFAULT, EVRUN_NOWAIT);
		usleep(10000);
	}
	return strv_contains(&s->ev, want);
}

static bool
wait_event(struct seen *s, const char *want)
{
	return wait_for(s, want, 3);
}

static void
touch(const char *root, const char *rel, const char *text)
{
	char *p = xasprintf("%s%s", root, rel);
	FILE *f = fopen(p, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
	free(p);
}

static void
scenario(bool polling)
{
	char tmpl[] = "/tmp/berth-test-fw.XXXXXX";
	char *root = mkdtemp(tmpl);
	struct seen s = { STRV_INIT, root };
	struct filewatch *w;
	char *p;

	REQUIRE(root != NULL);
	p = xasprintf("%s/old", root);
	mkdir(p, 0755);
	free(p);
	p = xasprintf("%s/.git", root);
	mkdir(p, 0755);
	free(p);
	w = filewatch_new(EV_DEFAULT, on_event, skip_git, &s);
	CHECK_INT(filewatch_add(w, root), 0);
	if (polling)
		filewatch_force_polling(w, 0.05);
	else
		CHECK_INT(filewatch_count(w), 2); /* root and old/, not .git */
	CHECK(filewatch_polling(w) == polling);

	touch(root, "/a.txt", "a");
	CHECK(wait_event(&s, "C /a.txt"));
	touch(root, "/old/b.txt", "b");
	CHECK(wait_event(&s, "C /old/b.txt"));

	/* A new directory is watched, and what it already holds reported. */
	p = xasprintf("%s/new", root);
	mkdir(p, 0755);
	free(p);
	touch(root, "/new/c.txt", "c");
	CHECK(wait_event(&s, "C /new/c.txt"));
	p = xasprintf("%s/new/deeper", root);
	mkdir(p, 0755);
	free(p);
	CHECK(wait_event(&s, "Cd /new/deeper"));
	touch(root, "/new/deeper/d.txt", "d");
	CHECK(wait_event(&s, "C /new/deeper/d.txt"));

	p = xasprintf("%s/a.txt", root);
	unlink(p);
	free(p);
	CHECK(wait_event(&s, "R /a.txt"));

	/* .git is not watched. */
	touch(root, "/.git/index", "x");
	wait_for(&s, "never", 0.3);
	CHECK(!strv_contains(&s.ev, "C /.git/index"));

	filewatch_free(w);
	strv_clear(&s.ev);
	p = xasprintf("rm -rf '%s'", root);
	CHECK(system(p) == 0);
	free(p);
}

static void
test_inotify(void)
{
	scenario(false);
}

static void
test_polling(void)
{
	scenario(true);
}

/* A single file is watched through its directory. */
static void
test_file_root(void)
{
	char tmpl[] = "/tmp/berth-test-fw.XXXXXX";
	char *root = mkdtemp(tmpl);
	struct seen s = { STRV_INIT, root };
	struct filewatch *w;
	char *p;

	REQUIRE(root != NULL);
	touch(root, "/Dockerfile", "FROM x\n");
	w = filewatch_new(EV_DEFAULT, on_event, NULL, &s);
	p = xasprintf("%s/Dockerfile", root);
	CHECK_INT(filewatch_add(w, p), 0);
	free(p);
	touch(root, "/Dockerfile", "FROM y\n");
	CHECK(wait_event(&s, "C /Dockerfile"));
	filewatch_free(w);
	strv_clear(&s.ev);
	p = xasprintf("rm -rf '%s'", root);
	CHECK(system(p) == 0);
	free(p);
}

static void
test_temp_files(void)
{
	CHECK(filewatch_is_temp_file(".main.c.swp"));
	CHECK(filewatch_is_temp_file(".main.c.swx"));
	CHECK(filewatch_is_temp_file("main.c~"));
	CHECK(filewatch_is_temp_file(".#main.c"));
	CHECK(filewatch_is_temp_file("#main.c#"));
	CHECK(filewatch_is_temp_file("4913"));
	CHECK(filewatch_is_temp_file("main.c___jb_tmp___"));
	CHECK(!filewatch_is_temp_file("main.c"));
	CHECK(!filewatch_is_temp_file("main.swp")); /* vim's are hidden */
	CHECK(!filewatch_is_temp_file("#"));
	CHECK(!filewatch_is_temp_file(".gitignore"));
}

int
main(void)
{
	TEST_RUN(test_inotify);
	TEST_RUN(test_polling);
	TEST_RUN(test_file_root);
	TEST_RUN(test_temp_files);
	return test_report();
}
