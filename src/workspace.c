/*
 * workspace.c - compose files, project directory, environment and the
 * name given by -p or COMPOSE_PROJECT_NAME (workspace.h).
 *
 * The order is docker compose's (cmd/compose/compose.go toProjectOptions
 * over compose-go cli/options.go):
 *
 *   1. the OS environment, which always wins;
 *   2. the env files (--env-file, COMPOSE_ENV_FILES, else .env in the
 *      working directory: --project-directory, the first -f file's
 *      directory, or the current directory), merged under it; COMPOSE_*
 *      keys from them are exported to the process (setEnvWithDotEnv);
 *   3. the compose files: -f, else COMPOSE_FILE, else discovery upwards;
 *   4. .env again from the project directory, now that it is known,
 *      merged under everything read so far;
 *   5. the name from -p or COMPOSE_PROJECT_NAME, which must be normal.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "dotenv.h"
#include "log.h"
#include "workspace.h"
#include "xalloc.h"

extern char **environ;

/* Discovery names, in order of preference (compose-go DefaultFileNames). */
static const char *const default_files[] = {
	"compose.yaml",
	"compose.yml",
	"docker-compose.yml",
	"docker-compose.yaml",
};
static const char *const override_files[] = {
	"compose.override.yml",
	"compose.override.yaml",
	"docker-compose.override.yml",
	"docker-compose.override.yaml",
};

/* Paths */

/* Lexically clean an absolute path: no ".", "..", or repeated '/'. */
static char *
path_clean(const char *abs)
{
	struct buf b = BUF_INIT;
	const char *p = abs;

	while (*p) {
		const char *e;
		size_t n;

		while (*p == '/')
			p++;
		e = strchr(p, '/');
		n = e ? (size_t)(e - p) : strlen(p);
		if (n == 0)
			break;
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = strrchr(b.ptr, '/');
			buf_setlen(&b, slash ? (size_t)(slash - b.ptr) : 0);
		} else if (!(n == 1 && p[0] == '.')) {
			buf_addch(&b, '/');
			buf_add(&b, p, n);
		}
		p += n;
	}
	if (b.len == 0)
		buf_addch(&b, '/');
	return buf_detach(&b, NULL);
}

/* p made absolute against base, then cleaned (Go's filepath.Abs). */
static char *
path_abs(const char *base, const char *p)
{
	char *joined, *res;

	if (p[0] == '/')
		return path_clean(p);
	joined = xasprintf("%s/%s", base, p);
	res = path_clean(joined);
	free(joined);
	return res;
}

static char *
path_dir(const char *abs)
{
	const char *slash = strrchr(abs, '/');

	if (slash == NULL || slash == abs)
		return xstrdup("/");
	return xstrndup(abs, (size_t)(slash - abs));
}

/* The current directory, as $PWD spells it when that is the same place
   (Go's os.Getwd does this, and the project name comes from it). */
static char *
current_dir(void)
{
	const char *pwd = getenv("PWD");
	struct stat a, b;
	size_t size = 256;
	char *buf;

	if (pwd && pwd[0] == '/' && stat(pwd, &a) == 0 && stat(".", &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return path_clean(pwd);
	for (;;) {
		buf = xmalloc(size);
		if (getcwd(buf, size))
			return buf;
		free(buf);
		if (errno != ERANGE)
			return NULL;
		size *= 2;
	}
}

static bool
exists(const char *path, bool *is_dir)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return false;
	if (is_dir)
		*is_dir = S_ISDIR(st.st_mode);
	return true;
}

/* Environment */

static json_t *
env_from_os(void)
{
	json_t *env = json_object();

	for (char **e = environ; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		char *key;
		json_t *v;

		if (eq == NULL || eq == *e)
			continue;
		key = xstrndup(*e, (size_t)(eq - *e));
		v = json_string(eq + 1);
		if (v) /* values that are not UTF-8 cannot be used */
			json_object_set_new(env, key, v);
		free(key);
	}
	return env;
}

static const char *
env_get(const json_t *env, const char *key)
{
	return json_string_value(json_object_get(env, key));
}

/* Go's strconv.ParseBool; -1 when s is not a boolean. */
static int
parse_go_bool(const char *s)
{
	static const char *const t[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const f[] = { "0",	  "f",	   "F",
					 "FALSE", "false", "False" };

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		if (strcmp(s, t[i]) == 0)
			return 1;
		if (strcmp(s, f[i]) == 0)
			return 0;
	}
	return -1;
}

/* Is the default .env disabled by COMPOSE_DISABLE_ENV_FILE? -1: bad. */
static int
dotenv_disabled(void)
{
	const char *v = getenv("COMPOSE_DISABLE_ENV_FILE");
	int b;

	if (v == NULL)
		return 0;
	b = parse_go_bool(v);
	if (b < 0)
		return error("invalid boolean value for "
			     "COMPOSE_DISABLE_ENV_FILE: \"%s\"",
			     v);
	return b;
}

/* Add to env whatever of add it lacks: what is set wins. */
static void
env_merge_under(json_t *env, json_t *add)
{
	const char *key;
	json_t *v;

	json_object_foreach (add, key, v)
		if (json_object_get(env, key) == NULL)
			json_object_set(env, key, v);
}

/*
 * Read env files into w->env, under what is set. explicit: files named by
 * the user (each must exist); else the .env in wd, if there is one.
 * Returns the values read (caller frees) or NULL on error.
 */
static json_t *
env_files_load(struct workspace *w, const struct strv *explicit,
	       const char *cwd, const char *wd)
{
	json_t *read = json_object();
	struct strv files = STRV_INIT;
	bool is_dir = false;
	int off;

	if (explicit->n) {
		for (size_t i = 0; i < explicit->n; i++)
			strv_push_nodup(&files, path_abs(cwd, explicit->v[i]));
	} else {
		char *dot;

		if ((off = dotenv_disabled()) < 0)
			goto fail;
		dot = path_abs(wd, ".env");
		if (!off && exists(dot, &is_dir) && !is_dir)
			strv_push_nodup(&files, dot);
		else
			free(dot);
	}
	for (size_t i = 0; i < files.n; i++) {
		if (!exists(files.v[i], &is_dir)) {
			error("couldn't find env file: %s", files.v[i]);
			goto fail;
		}
		if (is_dir) /* compose-go skips these */
			continue;
		/* Values see the environment so far, then earlier files. */
		if (dotenv_load_file(read, files.v[i], w->env) < 0)
			goto fail;
		if (!strv_contains(&w->env_files, files.v[i]))
			strv_push(&w->env_files, files.v[i]);
	}
	strv_clear(&files);
	env_merge_under(w->env, read);
	return read;
fail:
	strv_clear(&files);
	json_decref(read);
	return NULL;
}

/* COMPOSE_* settings made in env files act as if exported (docker
   compose's setEnvWithDotEnv), so later getenv() calls see them. */
static void
export_compose_vars(const json_t *read)
{
	const char *key;
	json_t *v;

	json_object_foreach ((json_t *)read, key, v)
		if (strncmp(key, "COMPOSE_", 8) == 0 && getenv(key) == NULL)
			setenv(key, json_string_value(v), 1);
}

/* Compose files */

static int
file_add(struct workspace *w, const char *cwd, const char *f)
{
	char *abs;

	if (strcmp(f, "-") == 0) {
		strv_push(&w->files, "-");
		return 0;
	}
	abs = path_abs(cwd, f);
	if (!exists(abs, NULL)) {
		error("cannot read compose file '%s': %s", abs,
		      strerror(errno));
		free(abs);
		return -1;
	}
	strv_push_nodup(&w->files, abs);
	return 0;
}

/* Split s on the separator string sep, skipping empty pieces. */
static void
split_str(struct strv *out, const char *s, const char *sep)
{
	size_t n = strlen(sep);

	while (*s) {
		const char *e = n ? strstr(s, sep) : NULL;
		size_t len = e ? (size_t)(e - s) : strlen(s);

		if (len)
			strv_push_nodup(out, xstrndup(s, len));
		s += len;
		if (e)
			s += n;
	}
}

/* Existing names among names in dir, in order. */
static void
find_in_dir(struct strv *found, const char *dir, const char *const *names,
	    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *p = path_abs(dir, names[i]);

		if (exists(p, NULL))
			strv_push_nodup(found, p);
		else
			free(p);
	}
}

static void
warn_multiple(const char *what, const struct strv *found)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < found->n; i++)
		buf_addf(&b, "%s%s", i ? ", " : "", found->v[i]);
	warning("found multiple %s with supported names: %s", what, b.ptr);
	warning("using %s", found->v[0]);
	buf_release(&b);
}

/* Look for compose.yaml & co. in dir and then its parents. */
static int
discover(struct workspace *w, const char *start)
{
	char *dir = xstrdup(start);

	for (;;) {
		struct strv found = STRV_INIT, over = STRV_INIT;
		char *parent;

		find_in_dir(&found, dir, default_files,
			    ARRAY_SIZE(default_files));
		if (found.n) {
			if (found.n > 1)
				warn_multiple("config files", &found);
			strv_push(&w->files, found.v[0]);
			find_in_dir(&over, dir, override_files,
				    ARRAY_SIZE(override_files));
			if (over.n > 1)
				warn_multiple("override files", &over);
			if (over.n)
				strv_push(&w->files, over.v[0]);
			strv_clear(&found);
			strv_clear(&over);
			free(dir);
			return 0;
		}
		parent = path_dir(dir);
		if (strcmp(parent, dir) == 0) {
			free(parent);
			break;
		}
		free(dir);
		dir = parent;
	}
	free(dir);
	error("no configuration file provided: not found");
	hint("create compose.yaml here or in a parent directory, or name the "
	     "files with -f or COMPOSE_FILE");
	return -1;
}

static int
files_resolve(struct workspace *w, const struct load_opts *o, const char *cwd,
	      const char *projdir)
{
	const char *cf = env_get(w->env, "COMPOSE_FILE");

	if (o->files && o->files->n) {
		for (size_t i = 0; i < o->files->n; i++)
			if (file_add(w, cwd, o->files->v[i]) < 0)
				return -1;
		return 0;
	}
	if (cf && *cf) {
		const char *sep = env_get(w->env, "COMPOSE_PATH_SEPARATOR");
		struct strv parts = STRV_INIT;
		int ret = 0;

		split_str(&parts, cf, sep && *sep ? sep : ":");
		for (size_t i = 0; i < parts.n && ret == 0; i++)
			ret = file_add(w, cwd, parts.v[i]);
		strv_clear(&parts);
		if (ret == 0 && w->files.n == 0)
			return error("COMPOSE_FILE names no file");
		return ret;
	}
	return discover(w, projdir ? projdir : cwd);
}

/* The directory of the first file that is not stdin, or NULL. */
static char *
first_file_dir(const struct strv *files, const char *cwd)
{
	for (size_t i = 0; files && i < files->n; i++) {
		if (strcmp(files->v[i], "-") != 0) {
			char *abs = path_abs(cwd, files->v[i]);
			char *dir = path_dir(abs);

			free(abs);
			return dir;
		}
	}
	return NULL;
}

/* Project name */

char *
project_name_normalize(const char *in)
{
	struct buf b = BUF_INIT;

	for (const char *p = in; *p; p++) {
		char c = *p;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-') {
			if (b.len == 0 && (c == '_' || c == '-'))
				continue; /* no leading '_' or '-' */
			buf_addch(&b, c);
		}
	}
	return buf_detach(&b, NULL);
}

bool
project_name_is_valid(const char *name)
{
	char *norm;
	bool ok;

	if (name == NULL || *name == '\0')
		return false;
	norm = project_name_normalize(name);
	ok = strcmp(norm, name) == 0;
	free(norm);
	return ok;
}

static int
name_resolve(struct workspace *w, const struct load_opts *o)
{
	const char *name = o->project_name;

	if (name == NULL || *name == '\0')
		name = env_get(w->env, "COMPOSE_PROJECT_NAME");
	if (name == NULL || *name == '\0')
		return 0;
	if (!project_name_is_valid(name))
		return error("invalid project name \"%s\": must consist only "
			     "of lowercase alphanumeric characters, hyphens, "
			     "and underscores as well as start with a letter "
			     "or number",
			     name);
	w->name_from_cli_or_env = xstrdup(name);
	/* So that compose files can say ${COMPOSE_PROJECT_NAME}. */
	json_object_set_new(w->env, "COMPOSE_PROJECT_NAME", json_string(name));
	return 0;
}

int
workspace_resolve(struct workspace *w, const struct load_opts *o)
{
	struct strv env_files = STRV_INIT;
	char *cwd = current_dir(), *projdir = NULL, *wd = NULL;
	const char *ef;
	json_t *read = NULL;
	int ret = -1;

	*w = (struct workspace)WORKSPACE_INIT;
	w->env = env_from_os();
	if (cwd == NULL) {
		error("cannot get the current directory: %s", strerror(errno));
		goto done;
	}
	if (o->project_dir && *o->project_dir)
		projdir = path_abs(cwd, o->project_dir);
	if (o->env_files && o->env_files->n) {
		for (size_t i = 0; i < o->env_files->n; i++)
			strv_push(&env_files, o->env_files->v[i]);
	} else if ((ef = getenv("COMPOSE_ENV_FILES")) && *ef) {
		strv_split(&env_files, ef, ',');
	}

	/* The first env file pass, from the working directory. */
	wd = projdir ? xstrdup(projdir) : first_file_dir(o->files, cwd);
	if (wd == NULL)
		wd = xstrdup(cwd);
	if ((read = env_files_load(w, &env_files, cwd, wd)) == NULL)
		goto done;
	export_compose_vars(read);
	json_decref(read);
	if (env_files.n == 0 && w->env_files.n && dotenv_disabled() > 0) {
		/* That .env disabled itself: keep only what it exported. */
		json_decref(w->env);
		w->env = env_from_os();
		strv_clear(&w->env_files);
	}

	if (files_resolve(w, o, cwd, projdir) < 0)
		goto done;
	w->workdir = projdir ? xstrdup(projdir) :
			       first_file_dir(&w->files, cwd);
	if (w->workdir == NULL) /* only stdin */
		w->workdir = xstrdup(cwd);

	/* The second pass: .env of the project directory, if another. */
	if (env_files.n == 0 && strcmp(w->workdir, wd) != 0) {
		if ((read = env_files_load(w, &env_files, cwd, w->workdir)) ==
		    NULL)
			goto done;
		json_decref(read);
	}
	ret = name_resolve(w, o);
done:
	if (ret < 0)
		workspace_release(w);
	strv_clear(&env_files);
	free(cwd);
	free(projdir);
	free(wd);
	return ret;
}

void
workspace_release(struct workspace *w)
{
	if (w == NULL)
		return;
	strv_clear(&w->files);
	free(w->workdir);
	w->workdir = NULL;
	json_decref(w->env);
	w->env = NULL;
	strv_clear(&w->env_files);
	free(w->name_from_cli_or_env);
	w->name_from_cli_or_env = NULL;
}
