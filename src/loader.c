/*
 * loader.c - project_load(): compose files in, one validated project out
 * (loader.h).
 *
 * The order follows compose-go's loader.go, document by document: YAML ->
 * interpolation -> type casts -> include -> extends -> merge into the
 * model -> de-duplication. Then, once: schema validation, project name,
 * canonical form, profiles, reference checks, struct project.
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "canon.h"
#include "dotenv.h"
#include "interp.h"
#include "jsonx.h"
#include "loader.h"
#include "log.h"
#include "merge.h"
#include "pos.h"
#include "validate.h"
#include "workspace.h"
#include "xalloc.h"
#include "yaml_load.h"

#define MAX_INCLUDE_DEPTH 32

struct ld {
	const struct load_opts *o;
	json_t *warned;	      /* unset variables already warned about */
	struct strv includes; /* files being included, outermost first */
	unsigned tags;	      /* compose tags in the files read (POS_TAG_*) */
	const char *text;     /* project_load_buffer: the file "-" */
	size_t len;
};

static char *
dir_of(const char *path)
{
	char *copy = xstrdup(path), *d;

	if (strcmp(path, "-") == 0) {
		free(copy);
		return NULL;
	}
	d = xstrdup(dirname(copy));
	free(copy);
	return d;
}

/* path made absolute against dir. Caller frees. */
static char *
abs_under(const char *dir, const char *path)
{
	if (path[0] == '/' || dir == NULL)
		return xstrdup(path);
	return xasprintf("%s/%s", dir, path);
}

/* Parse, interpolate and cast one file: a list of documents. */
static int
read_docs(struct ld *ld, json_t **out, const char *path, const json_t *env)
{
	json_t *docs;
	size_t i;
	json_t *d;
	int ret = 0;

	unsigned tags = 0;

	*out = NULL;
	if (ld->text && strcmp(path, "-") == 0) {
		if (yaml_load_string_tags(&docs, ld->text, ld->len, "stdin",
					  &tags) < 0)
			return -1;
	} else if (yaml_load_file_tags(&docs, path, &tags) < 0) {
		return -1;
	}
	ld->tags |= tags;
	json_array_foreach (docs, i, d) {
		struct interp_opts io = { .env = env,
					  .warn_unset = !ld->o->quiet_warnings,
					  .warned = ld->warned };
		if (json_is_null(d))
			continue;
		if (!json_is_object(d)) {
			ret = diag_error(d, NULL,
					 "a compose file must be a mapping");
			continue;
		}
		if (!ld->o->no_interpolate && interp_tree(d, &io) < 0)
			ret = -1;
		canon_cast(d);
	}
	if (ret < 0) {
		json_decref(docs);
		return -1;
	}
	*out = docs;
	return 0;
}

/* ---- extends ---- */

struct ext_ctx {
	json_t *services; /* the services of the file being resolved */
	const char *file; /* its path */
	const char *dir;  /* its directory */
};

static int
resolve_extends(struct ld *ld, const struct ext_ctx *c, const char *name,
		const json_t *env, struct strv *chain);

static int
chain_error(const json_t *at, const char *name, const struct strv *chain,
	    const char *again)
{
	struct buf b = BUF_INIT;
	char *path = xasprintf("services.%s.extends", name);

	for (size_t i = 0; i < chain->n; i++)
		buf_addf(&b, "%s -> ", chain->v[i]);
	buf_adds(&b, again);
	diag_error(at, path, "circular extends: %s", b.ptr);
	free(path);
	buf_release(&b);
	return -1;
}

/* The base service of an extends, resolved itself, as a new copy. */
static json_t *
extends_base(struct ld *ld, const struct ext_ctx *c, const char *name,
	     const json_t *ext, const json_t *env, struct strv *chain)
{
	const char *svc = json_is_string(ext) ? json_string_value(ext) :
						jx_str(ext, "service");
	const char *file = json_is_object(ext) ? jx_str(ext, "file") : NULL;
	char *path = xasprintf("services.%s.extends", name);
	json_t *docs = NULL, *other = NULL, *base = NULL;
	struct ext_ctx oc = *c;
	char *abs = NULL, *odir = NULL;

	if (svc == NULL) {
		diag_error(ext, path, "\"service\" is required");
		goto done;
	}
	if (file) {
		abs = abs_under(c->dir, file);
		if (read_docs(ld, &docs, abs, env) < 0)
			goto done;
		other = json_object();
		size_t i;
		json_t *d;
		json_array_foreach (docs, i, d) {
			if (json_is_object(d))
				merge_tree(other, d);
		}
		oc.services = json_object_get(other, "services");
		oc.file = abs;
		odir = dir_of(abs);
		oc.dir = odir;
	}
	if (!json_is_object(json_object_get(oc.services, svc))) {
		diag_error(ext, path, "service \"%s\" not found in %s", svc,
			   oc.file);
		goto done;
	}
	char *key =
		xasprintf("%s%s%s", file ? oc.file : "", file ? ":" : "", svc);
	if (strv_contains(chain, key)) {
		chain_error(ext, name, chain, key);
		free(key);
		goto done;
	}
	strv_push_nodup(chain, key);
	if (resolve_extends(ld, &oc, svc, env, chain) == 0) {
		base = merge_strip_resets(json_object_get(oc.services, svc));
		if (file && strcmp(oc.dir, c->dir) != 0) {
			/* the base's relative paths are relative to its file */
			canon_service_syntax(base, svc);
			canon_service_paths(base, oc.dir);
		}
	}
	chain->n--;
	free(chain->v[chain->n]);
	chain->v[chain->n] = NULL;
done:
	json_decref(other);
	json_decref(docs);
	free(abs);
	free(odir);
	free(path);
	return base;
}

static int
resolve_extends(struct ld *ld, const struct ext_ctx *c, const char *name,
		const json_t *env, struct strv *chain)
{
	json_t *s = json_object_get(c->services, name), *ext, *base;

	ext = json_object_get(s, "extends");
	if (ext == NULL)
		return 0;
	if (!json_is_string(ext) && !json_is_object(ext)) {
		char *path = xasprintf("services.%s.extends", name);
		diag_error(ext, path, "must be a string or a mapping");
		free(path);
		return -1;
	}
	json_incref(ext);
	base = extends_base(ld, c, name, ext, env, chain);
	if (base == NULL) {
		json_decref(ext);
		return -1;
	}
	json_object_del(s, "extends");
	json_object_del(base, "extends");
	merge_service(base, s);
	merge_unique_service(base);
	pos_copy(base, s);
	json_object_set_new(c->services, name, base);
	json_decref(ext);
	return 0;
}

static int
apply_extends(struct ld *ld, json_t *doc, const char *file, const char *dir,
	      const json_t *env)
{
	struct ext_ctx c = { json_object_get(doc, "services"), file, dir };
	const char *name;
	json_t *s;
	int ret = 0;
	/* resolving one service may replace others: walk a name list */
	struct strv names = STRV_INIT;

	json_object_foreach (c.services, name, s)
		strv_push(&names, name);
	for (size_t i = 0; i < names.n; i++) {
		struct strv chain = STRV_INIT;
		strv_push(&chain, names.v[i]);
		if (resolve_extends(ld, &c, names.v[i], env, &chain) < 0)
			ret = -1;
		strv_clear(&chain);
		if (ret < 0)
			break; /* a cycle would be reported once per member */
	}
	strv_clear(&names);
	return ret;
}

/* ---- include ---- */

static int load_files(struct ld *ld, json_t *model, char **files, size_t n,
		      const char *workdir, const json_t *env);

/* A string or list of strings, made absolute under dir, into sv. */
static void
paths_of(struct strv *sv, const json_t *v, const char *dir)
{
	size_t i;
	json_t *e;

	if (json_is_string(v)) {
		strv_push_nodup(sv, abs_under(dir, json_string_value(v)));
		return;
	}
	json_array_foreach (v, i, e) {
		if (json_is_string(e))
			strv_push_nodup(sv,
					abs_under(dir, json_string_value(e)));
	}
}

/* Resources of an included project go into doc; what doc defines
   itself wins (compose-go include.go importResources). */
static int
import_resources(json_t *doc, json_t *inc)
{
	static const char *const kinds[] = { "services", "volumes", "networks",
					     "secrets",	 "configs", "models" };
	int ret = 0;

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		json_t *src = json_object_get(inc, kinds[i]);
		json_t *dst = json_object_get(doc, kinds[i]);
		const char *name;
		json_t *v;

		if (!json_is_object(src))
			continue;
		if (!json_is_object(dst)) {
			dst = json_object();
			json_object_set_new(doc, kinds[i], dst);
		}
		json_object_foreach (src, name, v) {
			json_t *local = json_object_get(dst, name);
			if (local == NULL || json_is_null(local)) {
				json_object_set(dst, name, v);
			} else if (strcmp(kinds[i], "services") == 0) {
				json_t *m = jx_copy(v);
				if (merge_service(m, local) < 0)
					ret = -1;
				json_object_set_new(dst, name, m);
			} else if (json_is_object(v) && json_is_object(local)) {
				json_object_update_missing(local, v);
			}
		}
	}
	return ret;
}

static int
include_one(struct ld *ld, json_t *doc, const json_t *entry,
	    const char *workdir, const json_t *env)
{
	struct strv files = STRV_INIT, envfiles = STRV_INIT;
	json_t *ienv = NULL, *inc = NULL;
	char *pdir = NULL;
	int ret = -1;

	if (json_is_string(entry)) {
		paths_of(&files, entry, workdir);
	} else if (json_is_object(entry)) {
		paths_of(&files, json_object_get(entry, "path"), workdir);
		paths_of(&envfiles, json_object_get(entry, "env_file"),
			 workdir);
		if (jx_str(entry, "project_directory"))
			pdir = abs_under(workdir,
					 jx_str(entry, "project_directory"));
	}
	if (files.n == 0) {
		diag_error(entry, "include", "no file to include");
		goto done;
	}
	for (size_t i = 0; i < ld->includes.n; i++)
		if (strcmp(ld->includes.v[i], files.v[0]) == 0 ||
		    ld->includes.n > MAX_INCLUDE_DEPTH) {
			struct buf b = BUF_INIT;
			for (size_t j = 0; j < ld->includes.n; j++)
				buf_addf(&b, "%s -> ", ld->includes.v[j]);
			buf_adds(&b, files.v[0]);
			diag_error(entry, "include", "include cycle: %s",
				   b.ptr);
			buf_release(&b);
			goto done;
		}
	if (pdir == NULL)
		pdir = dir_of(files.v[0]);
	if (envfiles.n == 0) {
		char *dot = xasprintf("%s/.env", pdir);
		struct stat st;
		if (stat(dot, &st) == 0 && S_ISREG(st.st_mode))
			strv_push(&envfiles, dot);
		free(dot);
	}
	/* the including project's variables win over the env files */
	json_t *fromfiles = json_object();
	for (size_t i = 0; i < envfiles.n; i++)
		if (dotenv_load_file(fromfiles, envfiles.v[i], env) < 0) {
			json_decref(fromfiles);
			goto done;
		}
	ienv = json_copy((json_t *)env);
	json_object_update_missing(ienv, fromfiles);
	json_decref(fromfiles);

	inc = json_object();
	ret = load_files(ld, inc, files.v, files.n, pdir, ienv);
	if (ret == 0) {
		json_object_del(inc, "version");
		canon_syntax(inc);
		canon_paths(inc, pdir);
		/* its env_file lines are read with its own variables (its
		   .env or env_file), not the including project's only */
		if (canon_environment(inc, ienv,
				      !ld->o->no_normalize &&
					      !ld->o->no_env_resolution) < 0)
			ret = -1;
		else
			ret = import_resources(doc, inc);
	}
done:
	json_decref(inc);
	json_decref(ienv);
	strv_clear(&files);
	strv_clear(&envfiles);
	free(pdir);
	return ret;
}

static int
apply_include(struct ld *ld, json_t *doc, const char *workdir,
	      const json_t *env)
{
	json_t *inc = json_object_get(doc, "include");
	size_t i;
	json_t *e;
	int ret = 0;

	if (inc == NULL)
		return 0;
	if (!json_is_array(inc))
		return diag_error(inc, "include", "must be a list");
	json_array_foreach (inc, i, e) {
		if (include_one(ld, doc, e, workdir, env) < 0)
			ret = -1;
	}
	json_object_del(doc, "include");
	return ret;
}

/* ---- files ---- */

static int
load_file(struct ld *ld, json_t *model, const char *path, const char *workdir,
	  const json_t *env)
{
	json_t *docs, *d;
	char *dir = dir_of(path);
	unsigned outer_tags = ld->tags;
	size_t i;
	int ret = 0;

	/* the tags of this file and of what it includes or extends */
	ld->tags = 0;
	if (read_docs(ld, &docs, path, env) < 0) {
		ld->tags |= outer_tags;
		free(dir);
		return -1;
	}
	strv_push(&ld->includes, path);
	json_array_foreach (docs, i, d) {
		json_t *version;

		if (!json_is_object(d))
			continue;
		version = json_object_get(d, "version");
		if (version) {
			diag_warning(version, NULL,
				     "the attribute `version` is obsolete, "
				     "it will be ignored, please remove it "
				     "to avoid potential confusion");
			json_object_del(d, "version");
		}
		/* d is not used after the merge: its nodes may move */
		if (apply_include(ld, d, workdir, env) < 0 ||
		    apply_extends(ld, d, path, dir ? dir : workdir, env) < 0 ||
		    merge_tree_move(model, d, ld->tags) < 0) {
			ret = -1;
			continue;
		}
		merge_unique(model);
	}
	ld->tags |= outer_tags;
	free(ld->includes.v[--ld->includes.n]);
	ld->includes.v[ld->includes.n] = NULL;
	json_decref(docs);
	free(dir);
	return ret;
}

static int
load_files(struct ld *ld, json_t *model, char **files, size_t n,
	   const char *workdir, const json_t *env)
{
	int ret = 0;

	for (size_t i = 0; i < n; i++)
		if (load_file(ld, model, files[i], workdir, env) < 0)
			ret = -1;
	return ret;
}

/* ---- project name and profiles ---- */

static char *
pick_name(const struct workspace *w, const json_t *model)
{
	const char *n = jx_str(model, "name");
	char *norm;

	if (w->name_from_cli_or_env)
		return xstrdup(w->name_from_cli_or_env);
	if (n) {
		norm = project_name_normalize(n);
		if (*norm)
			return norm;
		free(norm);
	}
	char *copy = xstrdup(w->workdir);
	norm = project_name_normalize(basename(copy));
	free(copy);
	return norm;
}

static bool
profile_on(const struct strv *on, const json_t *s)
{
	json_t *p = json_object_get(s, "profiles");
	size_t i;
	json_t *e;

	if (json_array_size(p) == 0)
		return true;
	if (strv_contains(on, "*"))
		return true;
	json_array_foreach (p, i, e) {
		if (json_is_string(e) &&
		    strv_contains(on, json_string_value(e)))
			return true;
	}
	return false;
}

/* Enable name and, transitively, what it depends on. */
static void
enable_with_deps(json_t *services, json_t *enabled, const char *name)
{
	json_t *s = json_object_get(services, name);
	const char *dep;
	json_t *d;

	if (s == NULL || json_object_get(enabled, name))
		return;
	json_object_set_new(enabled, name, json_true());
	json_object_foreach (json_object_get(s, "depends_on"), dep, d)
		enable_with_deps(services, enabled, dep);
}

static int
apply_profiles(const struct load_opts *o, const json_t *env, json_t *model,
	       struct strv *disabled)
{
	json_t *services = json_object_get(model, "services");
	json_t *enabled = json_object();
	struct strv on = STRV_INIT;
	const char *name, *dep;
	json_t *s, *d;
	void *tmp;
	int ret = 0;

	if (o->profiles && o->profiles->n)
		for (size_t i = 0; i < o->profiles->n; i++)
			strv_push(&on, o->profiles->v[i]);
	else if (jx_str(env, "COMPOSE_PROFILES"))
		strv_split(&on, jx_str(env, "COMPOSE_PROFILES"), ',');
	json_object_foreach (services, name, s) {
		if (profile_on(&on, s))
			json_object_set_new(enabled, name, json_true());
	}
	for (size_t i = 0; i < o->nservices; i++)
		enable_with_deps(services, enabled, o->services[i]);
	json_object_foreach_safe (services, tmp, name, s) {
		if (!json_object_get(enabled, name)) {
			strv_push(disabled, name);
			json_object_del(services, name);
		}
	}
	json_object_foreach (services, name, s) {
		json_object_foreach (json_object_get(s, "depends_on"), dep, d) {
			if (!strv_contains(disabled, dep) ||
			    json_is_false(json_object_get(d, "required")))
				continue;
			char *path = xasprintf("services.%s.depends_on", name);
			ret = diag_error(d, path,
					 "service \"%s\" depends on service "
					 "\"%s\", which is disabled by its "
					 "profiles",
					 name, dep);
			hint("enable it with --profile or name it on the "
			     "command line");
			free(path);
		}
	}
	strv_clear(&on);
	json_decref(enabled);
	return ret;
}

/* ---- the pipeline ---- */

/* project_load, with text standing for the file "-" when not NULL. */
static int
load(struct project **out, const struct load_opts *o, const char *text,
     size_t len)
{
	struct workspace w = WORKSPACE_INIT;
	struct ld ld = { o, json_object(), STRV_INIT, 0, text, len };
	struct strv disabled = STRV_INIT;
	json_t *model = json_object();
	struct project *p = NULL;
	char *name = NULL;
	bool refs_bad;
	int ret = -1;

	*out = NULL;
	if (workspace_resolve(&w, o) < 0)
		goto done;
	if (load_files(&ld, model, w.files.v, w.files.n, w.workdir, w.env) < 0)
		goto done;
	if (json_object_size(model) == 0) {
		error("empty compose file");
		goto done;
	}
	if ((o->no_interpolate ? validate_raw_template(model) :
				 validate_raw(model)) < 0)
		goto done;
	name = pick_name(&w, model);
	if (*name == '\0') {
		error("project name must not be empty");
		hint("set one with -p or a top-level `name:`");
		goto done;
	}
	if (!o->no_normalize) {
		struct canon_opts co = { w.workdir, name, w.env,
					 o->no_path_resolution,
					 o->no_env_resolution };
		if (canon_project(model, &co) < 0)
			goto done;
	} else {
		json_object_set_new(model, "name", json_string(name));
	}
	if (apply_profiles(o, w.env, model, &disabled) < 0)
		goto done;
	/* Bad references and bad depends_on are both reported before the
	   load fails: every problem of a file in one run. */
	refs_bad = !o->no_normalize && validate_refs(model) < 0;
	if (project_from_model_env(&p, json_incref(model), w.workdir, w.env,
				   !o->no_hash && !refs_bad) < 0 ||
	    refs_bad)
		goto done;
	for (size_t i = 0; i < w.files.n; i++)
		strv_push(&p->config_files, w.files.v[i]);
	for (size_t i = 0; i < w.env_files.n; i++)
		strv_push(&p->env_files, w.env_files.v[i]);
	for (size_t i = 0; i < disabled.n; i++)
		strv_push(&p->disabled, disabled.v[i]);
	*out = p;
	p = NULL;
	ret = 0;
done:
	project_free(p);
	json_decref(model);
	json_decref(ld.warned);
	strv_clear(&ld.includes);
	strv_clear(&disabled);
	free(name);
	workspace_release(&w);
	return ret;
}

int
project_load(struct project **out, const struct load_opts *o)
{
	return load(out, o, NULL, 0);
}

int
project_load_buffer(struct project **out, const char *text, size_t len,
		    const struct load_opts *o)
{
	struct strv files = STRV_INIT;
	struct load_opts lo = *o;
	int ret;

	strv_push(&files, "-");
	lo.files = &files;
	ret = load(out, &lo, text, len);
	strv_clear(&files);
	return ret;
}
