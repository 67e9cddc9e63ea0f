/*
 * cmd_run.c - `berth run`: a one-off container for a service, attached to
 * our terminal, exiting with the container's exit code.
 *
 * The steps, as docker compose's run: converge the service's dependencies
 * (up_converge, which also creates the project's networks and volumes),
 * make sure the service's image exists (build or pull), create
 * <project>-<service>-run-<12 hex> from the service's container spec with
 * the one-off labels and the command-line overrides, attach, start, wait,
 * and remove it with --rm.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>
#include <jansson.h>

#include "cmd.h"
#include "container_spec.h"
#include "dotenv.h"
#include "engine.h"
#include "hijack.h"
#include "image_build.h"
#include "labels.h"
#include "lifecycle.h"
#include "log.h"
#include "naming.h"
#include "project.h"
#include "session.h"
#include "strv.h"
#include "up.h"
#include "xalloc.h"

static const char run_usage[] =
	"Usage: berth run [OPTIONS] SERVICE [COMMAND] [ARGS...]\n"
	"\n"
	"Run a one-off command in a new container of a service. Its\n"
	"dependencies are started first. The exit status is the command's.\n"
	"\n"
	"Options:\n"
	"      --rm                remove the container when it exits\n"
	"  -d, --detach            run in the background, print the container ID\n"
	"  -e, --env KEY[=VAL]     set an environment variable (repeatable)\n"
	"  -l, --label KEY=VAL     add a label (repeatable)\n"
	"      --name NAME         name the container\n"
	"  -u, --user USER         run as this user\n"
	"  -w, --workdir DIR       working directory in the container\n"
	"      --entrypoint CMD    override the image's entrypoint\n"
	"  -v, --volume SPEC       bind mount a volume (repeatable)\n"
	"  -p, --publish SPEC      publish a port, [IP:][HOST:]CONTAINER[/PROTO]\n"
	"                          (repeatable)\n"
	"  -P, --service-ports     publish the service's ports\n"
	"      --no-deps           do not start the service's dependencies\n"
	"  -T, --no-TTY            no pseudo-TTY (the default when our stdin or\n"
	"                          stdout is not a terminal)\n"
	"  -i, --interactive       keep stdin open (the default)\n"
	"      --cap-add CAP       add a Linux capability (repeatable)\n"
	"      --cap-drop CAP      drop a Linux capability (repeatable)\n"
	"      --env-from-file FILE\n"
	"                          read KEY=VAL lines into the environment\n"
	"                          (repeatable; -e wins)\n"
	"      --use-aliases       join the service's networks with its aliases\n"
	"      --pull POLICY       pull the image before running: always,\n"
	"                          missing (the default) or never\n"
	"      --quiet-pull        pull without printing progress\n"
	"      --build             build the service's image first\n"
	"      --remove-orphans    remove containers of services not in the\n"
	"                          compose file\n";

static int run_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_run_entry = {
	.name = "run",
	.summary = "Run a one-off command on a service",
	.usage = run_usage,
	.exec = run_exec,
};

struct run_opts {
	bool rm, detach, service_ports, no_deps, no_tty;
	bool use_aliases, quiet_pull, build, remove_orphans;
	const char *name, *user, *workdir, *entrypoint;
	const char *pull; /* always, missing, never; NULL: as before */
	struct strv env, labels, volumes, publish;
	struct strv cap_add, cap_drop, env_files;
	json_t *file_env; /* --env-from-file's KEY=VAL, loaded by run_run */
};

static void
run_opts_release(struct run_opts *o)
{
	strv_clear(&o->env);
	strv_clear(&o->labels);
	strv_clear(&o->volumes);
	strv_clear(&o->publish);
	strv_clear(&o->cap_add);
	strv_clear(&o->cap_drop);
	strv_clear(&o->env_files);
	json_decref(o->file_env);
}

static int
run_parse(struct run_opts *o, int argc, char **argv)
{
	enum {
		OPT_RM = 256,
		OPT_NAME,
		OPT_ENTRYPOINT,
		OPT_NO_DEPS,
		OPT_CAP_ADD,
		OPT_CAP_DROP,
		OPT_ENV_FROM_FILE,
		OPT_USE_ALIASES,
		OPT_PULL,
		OPT_QUIET_PULL,
		OPT_BUILD,
		OPT_REMOVE_ORPHANS,
	};
	static const struct option opts[] = {
		{ "rm", no_argument, NULL, OPT_RM },
		{ "detach", no_argument, NULL, 'd' },
		{ "env", required_argument, NULL, 'e' },
		{ "label", required_argument, NULL, 'l' },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "user", required_argument, NULL, 'u' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "entrypoint", required_argument, NULL, OPT_ENTRYPOINT },
		{ "volume", required_argument, NULL, 'v' },
		{ "publish", required_argument, NULL, 'p' },
		{ "service-ports", no_argument, NULL, 'P' },
		{ "no-deps", no_argument, NULL, OPT_NO_DEPS },
		{ "no-TTY", no_argument, NULL, 'T' },
		{ "no-tty", no_argument, NULL, 'T' },
		{ "interactive", no_argument, NULL, 'i' },
		{ "cap-add", required_argument, NULL, OPT_CAP_ADD },
		{ "cap-drop", required_argument, NULL, OPT_CAP_DROP },
		{ "env-from-file", required_argument, NULL, OPT_ENV_FROM_FILE },
		{ "use-aliases", no_argument, NULL, OPT_USE_ALIASES },
		{ "pull", required_argument, NULL, OPT_PULL },
		{ "quiet-pull", no_argument, NULL, OPT_QUIET_PULL },
		{ "build", no_argument, NULL, OPT_BUILD },
		{ "remove-orphans", no_argument, NULL, OPT_REMOVE_ORPHANS },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	const char *v;
	int c;

	while ((c = cmd_getopt(&cmd_run_entry, argc, argv, "+de:l:u:w:v:p:PTi",
			       opts)) != -1) {
		if (c < 0)
			return cmd_getopt_exit(c);
		switch (c) {
		case OPT_RM:
			o->rm = true;
			break;
		case 'd':
			o->detach = true;
			break;
		case 'e':
			if (strchr(optarg, '='))
				strv_push(&o->env, optarg);
			else if ((v = getenv(optarg)))
				strv_pushf(&o->env, "%s=%s", optarg, v);
			break;
		case 'l':
			if (!strchr(optarg, '='))
				return cmd_usage_error(
					&cmd_run_entry,
					"--label wants KEY=VAL, not \"%s\"",
					optarg);
			strv_push(&o->labels, optarg);
			break;
		case OPT_NAME:
			o->name = optarg;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'w':
			o->workdir = optarg;
			break;
		case OPT_ENTRYPOINT:
			o->entrypoint = optarg;
			break;
		case 'v':
			strv_push(&o->volumes, optarg);
			break;
		case 'p':
			strv_push(&o->publish, optarg);
			break;
		case 'P':
			o->service_ports = true;
			break;
		case OPT_NO_DEPS:
			o->no_deps = true;
			break;
		case 'T':
			o->no_tty = true;
			break;
		case OPT_CAP_ADD:
			strv_push(&o->cap_add, optarg);
			break;
		case OPT_CAP_DROP:
			strv_push(&o->cap_drop, optarg);
			break;
		case OPT_ENV_FROM_FILE:
			strv_push(&o->env_files, optarg);
			break;
		case OPT_USE_ALIASES:
			o->use_aliases = true;
			break;
		case OPT_PULL:
			if (strcmp(optarg, "always") != 0 &&
			    strcmp(optarg, "missing") != 0 &&
			    strcmp(optarg, "never") != 0)
				return cmd_usage_error(
					&cmd_run_entry,
					"--pull wants always, missing or "
					"never, not \"%s\"",
					optarg);
			o->pull = optarg;
			break;
		case OPT_QUIET_PULL:
			o->quiet_pull = true;
			break;
		case OPT_BUILD:
			o->build = true;
			break;
		case OPT_REMOVE_ORPHANS:
			o->remove_orphans = true;
			break;
		}
	}
	if (optind >= argc)
		return cmd_usage_error(&cmd_run_entry,
				       "a service name is needed");
	return -1;
}

/* 64 random hex digits: the slug label; its first 12 name the container. */
static char *
run_slug(void)
{
	unsigned char r[32];
	char *s = xmalloc(65);
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, r, sizeof(r)) != (ssize_t)sizeof(r))
		die("cannot read /dev/urandom");
	close(fd);
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(s + 2 * i, 3, "%02x", r[i]);
	return s;
}

/* Replace or add KEY=VAL in the Env array. */
static void
env_set(json_t *env, const char *kv)
{
	size_t klen = strcspn(kv, "=");
	size_t i;
	json_t *e;

	json_array_foreach (env, i, e) {
		const char *s = json_string_value(e);
		if (s && strncmp(s, kv, klen) == 0 &&
		    (s[klen] == '=' || s[klen] == '\0')) {
			json_array_set_new(env, i, json_string(kv));
			return;
		}
	}
	json_array_append_new(env, json_string(kv));
}

/* -p [IP:][HOST:]CONTAINER[/PROTO] into PortBindings and ExposedPorts. */
static int
run_publish(json_t *spec, json_t *host, const char *arg)
{
	char *s = xstrdup(arg), *proto = strchr(s, '/');
	char *parts[3] = { NULL, NULL, NULL }, *p = s, *key;
	size_t n = 0;
	json_t *bind, *list;

	if (proto)
		*proto++ = '\0';
	while (n < 3 && p) {
		parts[n++] = p;
		if ((p = strchr(p, ':')))
			*p++ = '\0';
	}
	if (p || *parts[n - 1] == '\0' ||
	    strspn(parts[n - 1], "0123456789-") != strlen(parts[n - 1])) {
		free(s);
		return error("invalid --publish \"%s\"", arg);
	}
	key = xasprintf("%s/%s", parts[n - 1], proto ? proto : "tcp");
	bind = json_pack("{s:s, s:s}", "HostIp", n == 3 ? parts[0] : "",
			 "HostPort", n >= 2 ? parts[n - 2] : "");
	if (!json_is_object(json_object_get(host, "PortBindings")))
		json_object_set_new(host, "PortBindings", json_object());
	list = json_object_get(json_object_get(host, "PortBindings"), key);
	if (!json_is_array(list)) {
		list = json_array();
		json_object_set_new(json_object_get(host, "PortBindings"), key,
				    list);
	}
	json_array_append_new(list, bind);
	if (!json_is_object(json_object_get(spec, "ExposedPorts")))
		json_object_set_new(spec, "ExposedPorts", json_object());
	json_object_set_new(json_object_get(spec, "ExposedPorts"), key,
			    json_object());
	free(key);
	free(s);
	return 0;
}

/* Words of --entrypoint, split on blanks (quotes group words). */
static json_t *
run_words(const char *s)
{
	json_t *a = json_array();
	struct strv w = STRV_INIT;
	char *cur = xmalloc(strlen(s) + 1);
	size_t len = 0;
	bool in = false;
	char q = 0;

	for (; *s; s++) {
		if (q ? *s == q : (*s == '"' || *s == '\'')) {
			q = q ? 0 : *s;
			in = true;
		} else if (!q && (*s == ' ' || *s == '\t')) {
			if (in) {
				cur[len] = '\0';
				strv_push(&w, cur);
			}
			len = 0;
			in = false;
		} else {
			cur[len++] = *s;
			in = true;
		}
	}
	if (in) {
		cur[len] = '\0';
		strv_push(&w, cur);
	}
	for (size_t i = 0; i < w.n; i++)
		json_array_append_new(a, json_string(w.v[i]));
	strv_clear(&w);
	free(cur);
	return a;
}

/* A relative bind source is relative to the project directory. */
static char *
run_volume(const struct project *p, const char *spec)
{
	if (spec[0] == '.')
		return xasprintf("%s/%s", p->workdir, spec);
	return xstrdup(spec);
}

/* Append the words of caps to the array HostConfig.<key>. */
static void
run_caps(json_t *host, const char *key, const struct strv *caps)
{
	if (caps->n && !json_is_array(json_object_get(host, key)))
		json_object_set_new(host, key, json_array());
	for (size_t i = 0; i < caps->n; i++)
		json_array_append_new(json_object_get(host, key),
				      json_string(caps->v[i]));
}

/* The service's spec, turned one-off with the command line's overrides. */
static json_t *
run_spec(const struct project *p, const struct service *s,
	 const struct run_opts *o, char *const *cmd, size_t ncmd,
	 const char *slug, const char *image_id, bool tty)
{
	json_t *spec = container_spec(p, s, 1, image_id);
	json_t *host = json_object_get(spec, "HostConfig");
	json_t *labels = json_object_get(spec, "Labels");
	json_t *eps = json_object_get(json_object_get(spec, "NetworkingConfig"),
				      "EndpointsConfig");
	const char *k;
	json_t *v;

	json_object_set_new(labels, LABEL_ONEOFF, json_string("True"));
	json_object_set_new(labels, LABEL_SLUG, json_string(slug));
	for (size_t i = 0; i < o->labels.n; i++) {
		char *key =
			xstrndup(o->labels.v[i], strcspn(o->labels.v[i], "="));
		json_object_set_new(
			labels, key,
			json_string(strchr(o->labels.v[i], '=') + 1));
		free(key);
	}
	/* A one-off is not restarted, and uses the service's aliases only
	 * with --use-aliases. */
	json_object_set_new(host, "RestartPolicy",
			    json_pack("{s:s}", "Name", "no"));
	if (!o->use_aliases)
		json_object_foreach (eps, k, v)
			json_object_del(v, "Aliases");
	run_caps(host, "CapAdd", &o->cap_add);
	run_caps(host, "CapDrop", &o->cap_drop);
	if (!o->service_ports) {
		/* Not published, not exposed: what `expose` lists stays. */
		json_t *exposed = json_object_get(spec, "ExposedPorts");
		json_object_foreach (json_object_get(host, "PortBindings"), k,
				     v)
			json_object_del(exposed, k);
		json_object_del(host, "PortBindings");
	}
	if (ncmd) {
		json_t *a = json_array();
		for (size_t i = 0; i < ncmd; i++)
			json_array_append_new(a, json_string(cmd[i]));
		json_object_set_new(spec, "Cmd", a);
	}
	if (o->entrypoint) {
		json_object_set_new(spec, "Entrypoint",
				    run_words(o->entrypoint));
		if (ncmd == 0)
			json_object_set_new(spec, "Cmd", json_array());
	}
	if (!json_is_array(json_object_get(spec, "Env")))
		json_object_set_new(spec, "Env", json_array());
	/* --env-from-file over the service's environment, -e over both. */
	json_object_foreach (o->file_env, k, v) {
		char *kv = xasprintf("%s=%s", k, json_string_value(v));
		env_set(json_object_get(spec, "Env"), kv);
		free(kv);
	}
	for (size_t i = 0; i < o->env.n; i++)
		env_set(json_object_get(spec, "Env"), o->env.v[i]);
	if (o->user)
		json_object_set_new(spec, "User", json_string(o->user));
	if (o->workdir)
		json_object_set_new(spec, "WorkingDir",
				    json_string(o->workdir));
	if (o->volumes.n && !json_is_array(json_object_get(host, "Binds")))
		json_object_set_new(host, "Binds", json_array());
	for (size_t i = 0; i < o->volumes.n; i++) {
		char *b = run_volume(p, o->volumes.v[i]);
		json_array_append_new(json_object_get(host, "Binds"),
				      json_string(b));
		free(b);
	}
	json_object_set_new(spec, "Tty", json_boolean(tty));
	json_object_set_new(spec, "OpenStdin", json_boolean(!o->detach));
	json_object_set_new(spec, "StdinOnce", json_boolean(!o->detach));
	json_object_set_new(spec, "AttachStdin", json_boolean(!o->detach));
	json_object_set_new(spec, "AttachStdout", json_boolean(!o->detach));
	json_object_set_new(spec, "AttachStderr", json_boolean(!o->detach));
	/* Detached, nobody stays to remove it: the engine does. */
	if (o->rm && o->detach)
		json_object_set_new(host, "AutoRemove", json_true());
	return spec;
}

/* Converge the dependencies of service k (with --no-deps: none; the
 * project's networks and volumes in any case), removing orphans with
 * --remove-orphans. */
static int
run_deps(struct target *t, size_t k, const struct run_opts *o)
{
	struct up_ctx u;
	bool any = false;
	int ret;

	up_ctx_init(&u, t->g);
	u.engine = t->engine;
	u.project = t->project;
	u.selected = xcalloc(t->project->nservices + 1, sizeof(bool));
	u.selected[k] = true;
	if (!o->no_deps)
		graph_close_deps(&t->project->graph, u.selected);
	u.selected[k] = false;
	/* The one-off joins its service's networks and volumes. */
	u.resources_of = xcalloc(t->project->nservices + 1, sizeof(bool));
	u.resources_of[k] = true;
	for (size_t i = 0; i < t->project->nservices; i++)
		any = any || u.selected[i];
	u.detach = true;
	u.build = o->build;
	u.quiet_pull = o->quiet_pull;
	u.remove_orphans = u.remove_orphans || o->remove_orphans;
	u.wait = any; /* healthy dependencies before the one-off starts */
	ret = up_converge(&u, NULL);
	u.engine = NULL;
	u.project = NULL;
	free(u.resources_of);
	up_ctx_release(&u);
	return ret == EXIT_OK ? 0 : -1;
}

static void
build_done(int result, void *arg)
{
	int *state = arg;

	*state = result < 0 ? -1 : 1;
}

/*
 * The service's image, built (stale or missing, or always with --build) or
 * pulled (missing, or as --pull says); its id (caller frees).
 */
static char *
run_image(struct target *t, const struct service *s, const struct run_opts *o)
{
	char *ref = service_image_ref(t->project, s), *reason = NULL;
	char *id = NULL;
	bool has_build = json_is_object(json_object_get(s->def, "build"));
	int need, state = 0, r;

	if (o->build && has_build)
		need = 1;
	else
		need = image_build_needed(t->engine, t->project, s, &reason);
	free(reason);
	if (need < 0)
		goto done;
	if (need == 1) {
		r = image_build_start(t->engine, t->project, s, NULL,
				      build_done, &state);
	} else if (o->pull &&
		   (r = image_pull_wanted(t->engine, ref, o->pull)) != 1) {
		/* Not to be pulled (0), or an error (-1). */
		if (r == 0 && (r = image_exists(t->engine, ref, &id)) == 0)
			error("image \"%s\" of service \"%s\" is missing and "
			      "--pull is \"%s\"",
			      ref, s->name, o->pull);
		goto done;
	} else if (!o->pull && (r = image_exists(t->engine, ref, &id)) != 0) {
		goto done; /* there (1), or an error (-1) */
	} else {
		r = image_pull_start(t->engine, ref,
				     container_spec_platform(t->project, s),
				     o->quiet_pull, s->name, build_done,
				     &state);
	}
	if (r < 0)
		goto done;
	while (state == 0)
		ev_run(engine_loop(t->engine), EVRUN_ONCE);
	if (state > 0 && image_exists(t->engine, ref, &id) == 0)
		error("image \"%s\" is still missing", ref);
done:
	free(ref);
	return id;
}

/* POST /containers/create, then the networks beyond the first. */
static char *
run_create(struct target *t, const struct service *s, json_t *spec,
	   const char *name, bool use_aliases)
{
	char *path = container_spec_create_path(t->project, s, name);
	json_t *resp = NULL, *extra = NULL, *e;
	char *id = NULL;
	size_t i;

	if (engine_call(t->engine, "POST", path, spec, &resp) < 0)
		goto done;
	const char *rid = json_string_value(json_object_get(resp, "Id"));
	id = xstrdup(rid ? rid : "");
	json_array_foreach (json_object_get(resp, "Warnings"), i, e)
		if (json_is_string(e))
			warning("%s: %s", name, json_string_value(e));
	extra = container_spec_extra_networks(t->project, s, 1);
	json_array_foreach (extra, i, e) {
		json_t *body = json_deep_copy(json_object_get(e, "body"));
		char *net = engine_escape(
			json_string_value(json_object_get(e, "network")));
		char *p = xasprintf("/networks/%s/connect", net);
		if (!use_aliases)
			json_object_del(json_object_get(body, "EndpointConfig"),
					"Aliases");
		json_object_set_new(body, "Container", json_string(id));
		int r = engine_call(t->engine, "POST", p, body, NULL);
		json_decref(body);
		free(net);
		free(p);
		if (r < 0) {
			free(id);
			id = NULL;
			break;
		}
	}
done:
	json_decref(extra);
	json_decref(resp);
	free(path);
	return id;
}

static void
run_remove(struct target *t, const char *id)
{
	char *path = xasprintf("/containers/%s?v=1&force=1", id);

	engine_call(t->engine, "DELETE", path, NULL, NULL);
	free(path);
}

/* Attach, start, follow, wait: the container's exit code, or -1. */
static int
run_attached(struct target *t, const char *id, bool tty)
{
	char *attach = xasprintf("/containers/%s/attach?stream=1&stdin=1"
				 "&stdout=1&stderr=1",
				 id);
	char *start = xasprintf("/containers/%s/start", id);
	char *resize = xasprintf("/containers/%s/resize", id);
	char *kill = xasprintf("/containers/%s/kill", id);
	char *wait = xasprintf("/containers/%s/wait", id);
	struct hijack h = HIJACK_INIT;
	json_t *w = NULL;
	int code = -1;

	/* Attached before it starts, so no output is lost. */
	if (hijack_open(t->engine, "POST", attach, NULL, &h) < 0 ||
	    engine_call(t->engine, "POST", start, NULL, NULL) < 0)
		goto done;
	struct session_opts so = {
		.tty = tty,
		.forward_stdin = true,
		.resize_path = tty ? resize : NULL,
		.signal_path = tty ? NULL : kill,
	};
	if (session_run(t->engine, &h, &so) < 0)
		goto done;
	if (engine_call(t->engine, "POST", wait, NULL, &w) == 0)
		code = (int)json_integer_value(
			json_object_get(w, "StatusCode"));
done:
	hijack_close(&h);
	json_decref(w);
	free(attach);
	free(start);
	free(resize);
	free(kill);
	free(wait);
	return code;
}

static int
run_run(struct target *t, const struct run_opts *o, char *const *cmd,
	size_t ncmd, const char *service)
{
	int k = project_service_index(t->project, service);
	bool tty = !o->no_tty && !o->detach && session_can_tty();
	char *slug = NULL, *name = NULL, *image_id = NULL, *id = NULL;
	json_t *spec = NULL;
	int ret = EXIT_FAIL;

	if (k < 0) {
		error("no such service: %s", service);
		return EXIT_FAIL;
	}
	const struct service *s = &t->project->services[k];
	/* Bad -p values fail before anything changes. */
	for (size_t i = 0; i < o->publish.n; i++) {
		json_t *a = json_object(), *b = json_object();
		int r = run_publish(a, b, o->publish.v[i]);
		json_decref(a);
		json_decref(b);
		if (r < 0)
			return EXIT_FAIL;
	}
	/* So do bad --env-from-file files. */
	for (size_t i = 0; i < o->env_files.n; i++)
		if (dotenv_load_file(o->file_env, o->env_files.v[i],
				     t->project->environment) < 0)
			return EXIT_FAIL;
	if (run_deps(t, (size_t)k, o) < 0 ||
	    (image_id = run_image(t, s, o)) == NULL)
		goto done;
	slug = run_slug();
	name = o->name ? xstrdup(o->name) :
			 xasprintf("%s%s%s%srun%s%.12s", t->project->name,
				   naming_compat() ? "_" : "-", s->name,
				   naming_compat() ? "_" : "-",
				   naming_compat() ? "_" : "-", slug);
	spec = run_spec(t->project, s, o, cmd, ncmd, slug, image_id, tty);
	for (size_t i = 0; i < o->publish.n; i++)
		if (run_publish(spec, json_object_get(spec, "HostConfig"),
				o->publish.v[i]) < 0)
			goto done;
	if ((id = run_create(t, s, spec, name, o->use_aliases)) == NULL)
		goto done;
	if (o->detach) {
		char *start = xasprintf("/containers/%s/start", id);
		if (engine_call(t->engine, "POST", start, NULL, NULL) == 0) {
			puts(id);
			ret = EXIT_OK;
		}
		free(start);
		goto done;
	}
	int code = run_attached(t, id, tty);
	if (o->rm)
		run_remove(t, id);
	ret = code < 0 ? EXIT_FAIL : code;
done:
	json_decref(spec);
	free(slug);
	free(name);
	free(image_id);
	free(id);
	return ret;
}

static int
run_exec(struct globals *g, int argc, char **argv)
{
	struct run_opts o = { .env = STRV_INIT,
			      .labels = STRV_INIT,
			      .volumes = STRV_INIT,
			      .publish = STRV_INIT,
			      .cap_add = STRV_INIT,
			      .cap_drop = STRV_INIT,
			      .env_files = STRV_INIT,
			      .file_env = json_object() };
	struct target t;
	int ret = EXIT_FAIL, r;

	if ((r = run_parse(&o, argc, argv)) >= 0) {
		run_opts_release(&o);
		return r;
	}
	naming_set_compat(g->compatibility);
	if (target_open(&t, g, TARGET_PROJECT | TARGET_NO_LIST) == 0)
		ret = run_run(&t, &o, argv + optind + 1,
			      (size_t)(argc - optind - 1), argv[optind]);
	target_close(&t);
	run_opts_release(&o);
	return ret;
}
