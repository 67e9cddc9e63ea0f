/*
 * test_workspace.c - compose file discovery, project directory, the
 * project environment (.env, --env-file, COMPOSE_*) and project names,
 * in temporary directory trees.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fixture.h"
#include "log.h"
#include "pos.h"
#include "test.h"
#include "workspace.h"
#include "xalloc.h"

static char home[4096]; /* where the tests started */
static char root[64];	/* this test's temporary tree */

static const char *const compose_vars[] = {
	"COMPOSE_FILE",		"COMPOSE_PATH_SEPARATOR",
	"COMPOSE_ENV_FILES",	"COMPOSE_DISABLE_ENV_FILE",
	"COMPOSE_PROJECT_NAME", "COMPOSE_PROFILES",
	"BERTH_TEST_X",
};

static void
clear_vars(void)
{
	for (size_t i = 0; i < sizeof(compose_vars) / sizeof(*compose_vars);
	     i++)
		unsetenv(compose_vars[i]);
}

/* Write root/rel (making directories on the way). */
static void
put(const char *rel, const char *content)
{
	free(fixture_write(root, rel, content));
}

static void
mkdirs(const char *rel)
{
	put(rel, ""); /* makes the parents; then replace the file by a dir */
	{
		char *path = xasprintf("%s/%s", root, rel);
		remove(path);
		mkdir(path, 0755);
		free(path);
	}
}

/* Enter root/rel, with $PWD saying so (as a shell would). */
static void
enter(const char *rel)
{
	char *path = xasprintf("%s%s%s", root, *rel ? "/" : "", rel);

	if (chdir(path) == 0)
		setenv("PWD", path, 1);
	free(path);
}

static void
setup(void)
{
	strcpy(root, "/tmp/berth-ws-XXXXXX");
	if (mkdtemp(root) == NULL)
		abort();
	clear_vars();
}

static void
teardown(void)
{
	if (chdir(home) == 0)
		setenv("PWD", home, 1);
	fixture_rm_rf(root);
	clear_vars();
}

static char *
at(const char *rel)
{
	static char b[4][4096];
	static int n;
	char *p = b[n++ % 4];

	snprintf(p, 4096, "%s%s%s", root, *rel ? "/" : "", rel);
	return p;
}

static const char *
env_of(const struct workspace *w, const char *key)
{
	return json_string_value(json_object_get(w->env, key));
}

static int
resolve(struct workspace *w, const struct load_opts *o, struct buf *log)
{
	int r;

	log_capture(log);
	r = workspace_resolve(w, o);
	log_capture(NULL);
	return r;
}

static void
test_discovery_parents(void)
{
	struct workspace w;
	struct load_opts o = { 0 };
	struct buf log = BUF_INIT;

	setup();
	put("compose.yaml", "services: {}\n");
	put("compose.override.yml", "services: {}\n");
	mkdirs("sub/deeper");
	enter("sub/deeper");
	REQUIRE(resolve(&w, &o, &log) == 0);
	CHECK_INT(w.files.n, 2);
	CHECK_STR(w.files.v[0], at("compose.yaml"));
	CHECK_STR(w.files.v[1], at("compose.override.yml"));
	CHECK_STR(w.workdir, root);
	CHECK(w.name_from_cli_or_env == NULL);
	CHECK_STR(log.ptr, "");
	workspace_release(&w);
	buf_release(&log);
	teardown();
}

static void
test_discovery_preference(void)
{
	struct workspace w;
	struct load_opts o = { 0 };
	struct buf log = BUF_INIT, want = BUF_INIT;

	setup();
	put("docker-compose.yaml", "");
	put("docker-compose.yml", "");
	put("docker-compose.override.yaml", "");
	enter("");
	REQUIRE(resolve(&w, &o, &log) == 0);
	CHECK_INT(w.files.n, 2);
	/* docker-compose.yml is preferred over .yaml, as in compose-go */
	CHECK_STR(w.files.v[0], at("docker-compose.yml"));
	CHECK_STR(w.files.v[1], at("docker-compose.override.yaml"));
	buf_addf(&want,
		 "berth: warning: found multiple config files with supported "
		 "names: %s, %s\nberth: warning: using %s\n",
		 at("docker-compose.yml"), at("docker-compose.yaml"),
		 at("docker-compose.yml"));
	CHECK_STR(log.ptr, want.ptr);
	workspace_release(&w);
	put("compose.yaml", "");
	buf_reset(&log);
	REQUIRE(resolve(&w, &o, &log) == 0);
	CHECK_STR(w.files.v[0], at("compose.yaml"));
	workspace_release(&w);
	buf_release(&log);
	buf_release(&want);
	teardown();
}

static void
test_no_file(void)
{
	struct workspace w;
	struct load_opts o = { 0 };
	struct buf log = BUF_INIT;
	struct stat st;

	setup();
	enter("");
	/* Only meaningful when no parent of /tmp has a compose file. */
	if (stat("/tmp/compose.yaml", &st) == 0 ||
	    stat("/compose.yaml", &st) == 0) {
		teardown();
		return;
	}
	CHECK(resolve(&w, &o, &log) < 0);
	CHECK_STR(log.ptr, "berth: no configuration file provided: not found\n"
			   "hint: create compose.yaml here or in a parent "
			   "directory, or name the files with -f or "
			   "COMPOSE_FILE\n");
	CHECK(w.env == NULL && w.files.n == 0);
	buf_release(&log);
	teardown();
}

static void
test_explicit_files(void)
{
	struct workspace w;
	struct strv files = STRV_INIT;
	struct load_opts o = { 0 };
	struct buf log = BUF_INIT, want = BUF_INIT;

	setup();
	put("compose.yaml", "");
	put("compose.override.yaml", "");
	put("app/base.yaml", "");
	put("app/extra.yaml", "");
	enter("");
	strv_push(&files, "app/base.yaml");
	strv_push(&files, "./app/../app/extra.yaml");
	strv_push(&files, "-");
	o.files = &files;
	REQUIRE(resolve(&w, &o, &log) == 0);
	/* no override file with -f; relative paths against the cwd */
	CHECK_INT(w.files.n, 3);
	CHECK_STR(w.files.v[0], at("app/base.yaml"));
	CHECK_STR(w.files.v[1], at("app/extra.yaml"));
	CHECK_STR(w.files.v[2], "-");
	CHECK_STR(w.workdir, at("app"));
	workspace_release(&w);
	/* stdin alone: the project directory is the current one */
	strv_clear(&files);
	strv_push(&files, "-");
	REQUIRE(resolve(&w, &o, &log) == 0);
	CHECK_STR(w.workdir, root);
	workspace_release(&w);
	/* a missing file */
	strv_clear(&files);
	strv_push(&files, "nope.yaml");
	CHECK(resolve(&w, &o, &log) < 0);
	buf_addf(&want,
		 "berth: cannot read compose file '%s': No such file or "
		 "directory\n",
		 at("nope.yaml"));
	CHECK_STR(log.ptr, want.ptr);
	strv_clear(&files);
	buf_release(&log);
	buf_release(&want);
	teardown();
}

static void
test_compose_file_env(void)
{
	struct workspace w;
	struct load_opts o = { 0 };
	struct buf log = BUF_INIT;

	setup();
	put("a.yaml", "");
	put("sub/b.yaml", "");
	put("compose.override.yaml", "");
	enter("");
	setenv("COMPOSE_FILE", "a.yaml:sub/b.yaml", 1);
	REQUIRE(resolve(&w, &o, &log) == 0);
	CHECK_INT(w.files.n, 2);
	CHECK_STR(w.files.v[0], at("a.yaml"));
	CHECK_STR(w.files.v[1], at("sub/b.yaml"));
	workspace_release(&w);
	setenv("COMPOSE_FILE", "sub/b.yaml;;a.yaml", 1);
	setenv("COMPOSE_PATH_SEPARATOR", ";", 1);
	REQUIRE(resolve(&w, &o, &log) == 0);
	CHECK_INT(w.files.n, 2);
	CHECK_STR(w.files.v[0], at("sub/b.yaml"));
	CHECK_STR(w.files.v[1], at("a.yaml"));
	CHECK_STR(w.workdir, at("sub"));
	workspace_release(&w);
	/* COMPOSE_FILE may come from .env */
	unsetenv("COMPOSE_FILE");
	unsetenv("COMPOSE_PATH_SEPARATOR");
	put(".env", "COMPOSE_FILE=sub/b.yaml\n");
	REQUIRE(resolve(&w, &o, &log) == 0);
	CHECK_INT(w.files.n, 1);
	CHECK_STR(w.files.v[0], at("sub/b.yaml"));
	workspace_release(&w);
	CHECK_STR(log.ptr, "");
	buf_release(&log);
	teardown();
}

static void
test_env_precedence(void)
{
	struct workspace w;
	struct load_opts o = { 0 };
	struct buf log = BUF_INIT;

	setup();
	put("compose.yaml", "");
	put(".env", "BERTH_TEST_X=dotenv\nONLY_ROOT=root\nSHARED=root\n"
		    "REF=${BERTH_TEST_X}\n");
	put("sub/.env", "SHARED=sub\nONLY_SUB=sub\n");
	setenv("BERTH_TEST_X", "os", 1);
	enter("sub");
	REQUIRE(resolve(&w, &o, &log) == 0);
	/* OS > .env of the cwd > .env of the project directory */
	CHECK_STR(env_of(&w, "BERTH_TEST_X"), "os");
	CHECK_STR(env_of(&w, "REF"), "os");
	CHECK_STR(env_of(&w, "SHARED"), "sub");
	CHECK_STR(env_of(&w, "ONLY_SUB"), "sub");
	CHECK_STR(env_of(&w, "ONLY_ROOT"), "root");
	CHECK_STR(env_of(&w, "PATH"), getenv("PATH"));
	CHECK_INT(w.env_files.n, 2);
	CHECK_STR(w.env_files.v[0], at("sub/.env"));
	CHECK_STR(w.env_files.v[1], at(".env"));
	CHECK_STR(w.workdir, root);
	workspace_release(&w);
	/* COMPOSE_DISABLE_ENV_FILE turns .env off */
	setenv("COMPOSE_DISABLE_ENV_FILE", "true", 1);
	REQUIRE(resolve(&w, &o, &log) == 0);
	CHECK(env_of(&w, "SHARED") == NULL);
	CHECK_INT(w.env_files.n, 0);
	workspace_release(&w);
	setenv("COMPOSE_DISABLE_ENV_FILE", "maybe", 1);
	CHECK(resolve(&w, &o, &log) < 0);
	CHECK_STR(log.ptr, "berth: invalid boolean value for "
			   "COMPOSE_DISABLE_ENV_FILE: \"maybe\"\n");
	buf_release(&log);
	teardown();
}

static void
test_env_files_option(void)
{
	struct workspace w;
	struct strv ef = STRV_INIT;
	struct load_opts o = { 0 };
	struct buf log = BUF_INIT, want = BUF_INIT;

	setup();
	put("compose.yaml", "");
	put(".env", "FROM_DOTENV=1\n");
	put("one.env", "A=1\nB=1\n");
	put("two.env", "B=2\nC=${A}${B}\n");
	enter("");
	strv_push(&ef, "one.env");
	strv_push(&ef, "two.env");
	o.env_files = &ef;
	REQUIRE(resolve(&w, &o, &log) == 0);
	/* later files win; .env is not read at all */
	CHECK_STR(env_of(&w, "A"), "1");
	CHECK_STR(env_of(&w, "B"), "2");
	CHECK_STR(env_of(&w, "C"), "12");
	CHECK(env_of(&w, "FROM_DOTENV") == NULL);
	CHECK_INT(w.env_files.n, 2);
	CHECK_STR(w.env_files.v[1], at("two.env"));
	workspace_release(&w);
	/* COMPOSE_ENV_FILES, comma-separated, when no --env-file */
	o.env_files = NULL;
	setenv("COMPOSE_ENV_FILES", "two.env,one.env", 1);
	REQUIRE(resolve(&w, &o, &log) == 0);
	CHECK_STR(env_of(&w, "B"), "1");
	CHECK_STR(env_of(&w, "C"), "2"); /* A was not read yet */
	CHECK(env_of(&w, "FROM_DOTENV") == NULL);
	CHECK_STR(log.ptr, "berth: warning: The \"A\" variable is not set. "
			   "Defaulting to a blank string.\n");
	buf_reset(&log);
	workspace_release(&w);
	unsetenv("COMPOSE_ENV_FILES");
	/* a missing env file is an error */
	strv_push(&ef, "missing.env");
	o.env_files = &ef;
	CHECK(resolve(&w, &o, &log) < 0);
	buf_addf(&want, "berth: couldn't find env file: %s\n",
		 at("missing.env"));
	CHECK_STR(log.ptr, want.ptr);
	strv_clear(&ef);
	buf_release(&log);
	buf_release(&want);
	teardown();
}

static void
test_compose_vars_exported(void)
{
	struct workspace w;
	struct load_opts o = { 0 };
	struct buf log = BUF_INIT;

	setup();
	put("compose.yaml", "");
	put(".env", "COMPOSE_PROFILES=debug\nCOMPOSE_FILE=compose.yaml\n"
		    "OTHER=1\n");
	setenv("COMPOSE_FILE", "compose.yaml", 1);
	enter("");
	REQUIRE(resolve(&w, &o, &log) == 0);
	CHECK_STR(getenv("COMPOSE_PROFILES"), "debug");
	CHECK(getenv("OTHER") == NULL);
	workspace_release(&w);
	unsetenv("COMPOSE_PROFILES");
	/* a .env that disables .env keeps only its exported COMPOSE_* */
	put(".env", "COMPOSE_DISABLE_ENV_FILE=1\nOTHER=1\n");
	REQUIRE(resolve(&w, &o, &log) == 0);
	CHECK(env_of(&w, "OTHER") == NULL);
	CHECK_STR(env_of(&w, "COMPOSE_DISABLE_ENV_FILE"), "1");
	workspace_release(&w);
	unsetenv("COMPOSE_DISABLE_ENV_FILE");
	buf_release(&log);
	teardown();
}

static void
test_project_directory(void)
{
	struct workspace w;
	struct load_opts o = { 0 };
	struct buf log = BUF_INIT;

	setup();
	put("compose.yaml", "");
	put("proj/compose.yml", "");
	put("proj/.env", "WHERE=proj\n");
	put(".env", "WHERE=root\n");
	enter("");
	o.project_dir = "proj";
	REQUIRE(resolve(&w, &o, &log) == 0);
	CHECK_INT(w.files.n, 1);
	CHECK_STR(w.files.v[0], at("proj/compose.yml"));
	CHECK_STR(w.workdir, at("proj"));
	CHECK_STR(env_of(&w, "WHERE"), "proj");
	workspace_release(&w);
	buf_release(&log);
	teardown();
}

static void
test_names(void)
{
	char *n;

	n = project_name_normalize("My_Project.Name");
	CHECK_STR(n, "my_projectname");
	free(n);
	n = project_name_normalize("__--Abc-1");
	CHECK_STR(n, "abc-1");
	free(n);
	n = project_name_normalize("\xc3\x84pfel B");
	CHECK_STR(n, "pfelb");
	free(n);
	n = project_name_normalize("-_.");
	CHECK_STR(n, "");
	free(n);
	CHECK(project_name_is_valid("web-app_2"));
	CHECK(project_name_is_valid("2fast"));
	CHECK(!project_name_is_valid("Web"));
	CHECK(!project_name_is_valid("_web"));
	CHECK(!project_name_is_valid("-web"));
	CHECK(!project_name_is_valid("web.app"));
	CHECK(!project_name_is_valid(""));
	CHECK(!project_name_is_valid(NULL));
}

static void
test_name_sources(void)
{
	struct workspace w;
	struct load_opts o = { 0 };
	struct buf log = BUF_INIT;

	setup();
	put("compose.yaml", "");
	put(".env", "COMPOSE_PROJECT_NAME=fromdotenv\n");
	enter("");
	REQUIRE(resolve(&w, &o, &log) == 0);
	CHECK_STR(w.name_from_cli_or_env, "fromdotenv");
	workspace_release(&w);
	unsetenv("COMPOSE_PROJECT_NAME"); /* exported by the .env */
	setenv("COMPOSE_PROJECT_NAME", "fromos", 1);
	REQUIRE(resolve(&w, &o, &log) == 0);
	CHECK_STR(w.name_from_cli_or_env, "fromos");
	workspace_release(&w);
	o.project_name = "cli";
	REQUIRE(resolve(&w, &o, &log) == 0);
	CHECK_STR(w.name_from_cli_or_env, "cli");
	/* the name given is what ${COMPOSE_PROJECT_NAME} will say */
	CHECK_STR(env_of(&w, "COMPOSE_PROJECT_NAME"), "cli");
	workspace_release(&w);
	o.project_name = "Bad.Name";
	CHECK(resolve(&w, &o, &log) < 0);
	CHECK_STR(log.ptr, "berth: invalid project name \"Bad.Name\": must "
			   "consist only of lowercase alphanumeric characters, "
			   "hyphens, and underscores as well as start with a "
			   "letter or number\n");
	buf_reset(&log);
	o.project_name = NULL;
	setenv("COMPOSE_PROJECT_NAME", "_bad", 1);
	CHECK(resolve(&w, &o, &log) < 0);
	CHECK(strstr(log.ptr, "invalid project name \"_bad\"") != NULL);
	buf_release(&log);
	teardown();
}

int
main(void)
{
	if (getcwd(home, sizeof(home)) == NULL)
		return 1;
	TEST_RUN(test_discovery_parents);
	TEST_RUN(test_discovery_preference);
	TEST_RUN(test_no_file);
	TEST_RUN(test_explicit_files);
	TEST_RUN(test_compose_file_env);
	TEST_RUN(test_env_precedence);
	TEST_RUN(test_env_files_option);
	TEST_RUN(test_compose_vars_exported);
	TEST_RUN(test_project_directory);
	TEST_RUN(test_names);
	TEST_RUN(test_name_sources);
	pos_reset();
	return test_report();
}
