/*
 * cmd_exec.c - `berth exec`: run a command in a service's running
 * container, attached to our terminal, and exit with its exit code.
 *
 * POST /containers/{id}/exec creates the process, POST /exec/{id}/start
 * runs it on a hijacked connection (hijack.h, session.h), GET
 * /exec/{id}/json gives its exit code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "engine.h"
#include "exit_poll.h"
#include "hijack.h"
#include "lifecycle.h"
#include "log.h"
#include "session.h"
#include "strv.h"
#include "xalloc.h"

static const char exec_usage[] =
	"Usage: berth exec [OPTIONS] SERVICE COMMAND [ARGS...]\n"
	"\n"
	"Run a command in a service's running container. The exit status is\n"
	"the command's.\n"
	"\n"
	"Options:\n"
	"  -d, --detach            run the command in the background\n"
	"  -e, --env KEY[=VAL]     set an environment variable (repeatable);\n"
	"                          KEY alone takes its value from ours\n"
	"      --index N           the service's container number N (default:\n"
	"                          the first)\n"
	"      --privileged        give the process extended privileges\n"
	"  -u, --user USER         run as this user\n"
	"  -w, --workdir DIR       run in this directory\n"
	"  -T, --no-TTY            no pseudo-TTY (the default when our stdin or\n"
	"                          stdout is not a terminal)\n"
	"  -i, --interactive       keep stdin open (the default)\n";

static int exec_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_exec_entry = {
	.name = "exec",
	.summary = "Execute a command in a running container",
	.usage = exec_usage,
	.exec = exec_exec,
};

struct exec_opts {
	bool detach, privileged, no_tty;
	int index;
	const char *user, *workdir;
	struct strv env;
};

/* -e KEY=VAL as given; -e KEY from our environment (skipped if unset). */
static void
env_add(struct strv *env, const char *arg)
{
	const char *v;

	if (strchr(arg, '='))
		strv_push(env, arg);
	else if ((v = getenv(arg)))
		strv_pushf(env, "%s=%s", arg, v);
}

static int
exec_parse(struct exec_opts *o, int argc, char **argv)
{
	enum { OPT_INDEX = 256, OPT_PRIVILEGED };
	static const struct option opts[] = {
		{ "detach", no_argument, NULL, 'd' },
		{ "env", required_argument, NULL, 'e' },
		{ "index", required_argument, NULL, OPT_INDEX },
		{ "privileged", no_argument, NULL, OPT_PRIVILEGED },
		{ "user", required_argument, NULL, 'u' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "no-TTY", no_argument, NULL, 'T' },
		{ "no-tty", no_argument, NULL, 'T' },
		{ "interactive", no_argument, NULL, 'i' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	/* "+": options end at SERVICE; the command's own options follow. */
	while ((c = cmd_getopt(&cmd_exec_entry, argc, argv, "+de:u:w:Ti",
			       opts)) != -1) {
		if (c < 0)
			return cmd_getopt_exit(c);
		switch (c) {
		case 'd':
			o->detach = true;
			break;
		case 'e':
			env_add(&o->env, optarg);
			break;
		case OPT_INDEX:
			if (target_parse_index(&cmd_exec_entry, optarg,
					       &o->index) < 0)
				return EXIT_USAGE;
			break;
		case OPT_PRIVILEGED:
			o->privileged = true;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'w':
			o->workdir = optarg;
			break;
		case 'T':
			o->no_tty = true;
			break;
		}
	}
	if (argc - optind < 2)
		return cmd_usage_error(&cmd_exec_entry,
				       argc - optind < 1 ?
					       "a service name is needed" :
					       "a command is needed");
	return -1;
}

static json_t *
strv_json(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* POST /containers/{id}/exec; the new exec's id, or NULL (reported). */
static char *
exec_create(struct engine *e, const char *cid, const struct exec_opts *o,
	    bool tty, char *const *cmd, size_t ncmd)
{
	json_t *body = json_pack("{s:b, s:b, s:b, s:b, s:b, s:o, s:o}",
				 "AttachStdin", !o->detach, "AttachStdout",
				 !o->detach, "AttachStderr", !o->detach, "Tty",
				 tty, "Privileged", o->privileged, "Cmd",
				 strv_json(cmd, ncmd), "Env",
				 strv_json(o->env.v, o->env.n));
	json_t *resp = NULL;
	char *path = xasprintf("/containers/%s/exec", cid);
	char *id = NULL;

	if (o->user)
		json_object_set_new(body, "User", json_string(o->user));
	if (o->workdir)
		json_object_set_new(body, "WorkingDir",
				    json_string(o->workdir));
	if (engine_call(e, "POST", path, body, &resp) == 0) {
		const char *s = json_string_value(json_object_get(resp, "Id"));
		if (s)
			id = xstrdup(s);
		else
			error("the engine did not say which exec it created");
	}
	json_decref(resp);
	json_decref(body);
	free(path);
	return id;
}

static int
exec_run(struct target *t, const struct exec_opts *o, char *const *cmd,
	 size_t ncmd, const char *service)
{
	const struct obs_container *c = target_pick(t, service, o->index);
	bool tty = !o->no_tty && !o->detach && session_can_tty();
	struct hijack h = HIJACK_INIT;
	char *id, *path = NULL, *resize = NULL, *body = NULL;
	int ret = EXIT_FAIL;

	if (c == NULL)
		return EXIT_FAIL;
	if ((id = exec_create(t->engine, c->id, o, tty, cmd, ncmd)) == NULL)
		return EXIT_FAIL;
	path = xasprintf("/exec/%s/start", id);
	body = xasprintf("{\"Detach\":%s,\"Tty\":%s}",
			 o->detach ? "true" : "false", tty ? "true" : "false");
	if (o->detach) {
		json_t *b = json_loads(body, 0, NULL);
		if (engine_call(t->engine, "POST", path, b, NULL) == 0)
			ret = EXIT_OK;
		json_decref(b);
		goto done;
	}
	if (hijack_open(t->engine, "POST", path, body, &h) < 0)
		goto done;
	resize = xasprintf("/exec/%s/resize", id);
	struct session_opts so = {
		.tty = tty,
		.forward_stdin = true,
		.resize_path = tty ? resize : NULL,
	};
	if (session_run(t->engine, &h, &so) == 0)
		ret = exit_poll(t->engine, "exec", id, NULL, 50, EXIT_FAIL);
done:
	hijack_close(&h);
	free(id);
	free(path);
	free(resize);
	free(body);
	return ret;
}

static int
exec_exec(struct globals *g, int argc, char **argv)
{
	struct exec_opts o = { .env = STRV_INIT };
	struct target t;
	int ret = EXIT_FAIL, r;

	if ((r = exec_parse(&o, argc, argv)) >= 0) {
		strv_clear(&o.env);
		return r;
	}
	if (target_open(&t, g, TARGET_ONEOFF) == 0)
		ret = exec_run(&t, &o, argv + optind + 1,
			       (size_t)(argc - optind - 1), argv[optind]);
	target_close(&t);
	strv_clear(&o.env);
	return ret;
}
