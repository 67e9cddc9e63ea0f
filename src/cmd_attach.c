/*
 * cmd_attach.c - `berth attach`: our terminal joined to a service
 * container's main process (POST /containers/{id}/attach, hijacked as
 * exec and run do: hijack.h, session.h) until it exits; then exit with
 * its exit code.
 *
 * As `docker attach`: only output printed from now on, our stdin goes to
 * the process when the container keeps stdin open, and without a TTY the
 * signals we get (Ctrl-C) are passed on to it (--sig-proxy=false: they
 * end us instead, and the container runs on). Detaching (the engine's
 * detach keys, ctrl-p ctrl-q unless --detach-keys) exits 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "cmd.h"
#include "engine.h"
#include "exit_poll.h"
#include "hijack.h"
#include "lifecycle.h"
#include "log.h"
#include "session.h"
#include "xalloc.h"

static const char attach_usage[] =
	"Usage: berth attach [OPTIONS] SERVICE\n"
	"\n"
	"Attach our standard input, output and error to a service's running\n"
	"container. The exit status is the container's.\n"
	"\n"
	"Options:\n"
	"      --detach-keys KEYS  the key sequence that detaches (default:\n"
	"                          ctrl-p,ctrl-q)\n"
	"      --index N           the service's container number N (default:\n"
	"                          the first)\n"
	"      --no-stdin          do not attach our standard input\n"
	"      --sig-proxy         pass the signals we get to the container\n"
	"                          (the default; --sig-proxy=false does not)\n";

static int attach_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_attach_entry = {
	.name = "attach",
	.summary = "Attach to a service's running container",
	.usage = attach_usage,
	.exec = attach_exec,
};

struct attach_opts {
	int index;
	bool no_stdin, sig_proxy;
	const char *detach_keys;
};

static int
attach_session(struct target *t, const char *id, const struct attach_opts *o,
	       const json_t *inspect)
{
	const json_t *cfg = json_object_get(inspect, "Config");
	bool tty = json_is_true(json_object_get(cfg, "Tty"));
	bool in = !o->no_stdin &&
		  json_is_true(json_object_get(cfg, "OpenStdin"));
	struct buf path = BUF_INIT;
	char *resize = xasprintf("/containers/%s/resize", id);
	char *kill = xasprintf("/containers/%s/kill", id);
	struct hijack h = HIJACK_INIT;
	int ret = EXIT_FAIL;

	buf_addf(&path,
		 "/containers/%s/attach?stream=1&stdin=%d&stdout=1&stderr=1",
		 id, in ? 1 : 0);
	if (o->detach_keys) {
		char *k = engine_escape(o->detach_keys);
		buf_addf(&path, "&detachKeys=%s", k);
		free(k);
	}
	if (hijack_open(t->engine, "POST", path.ptr, NULL, &h) < 0)
		goto done;
	struct session_opts so = {
		.tty = tty,
		.forward_stdin = in,
		.resize_path = tty && isatty(STDOUT_FILENO) ? resize : NULL,
		/* With a TTY, Ctrl-C is a byte for the process. */
		.signal_path = !tty && o->sig_proxy ? kill : NULL,
	};
	/* Still running once the stream closed: we detached, so 0. */
	if (session_run(t->engine, &h, &so) == 0)
		ret = exit_poll(t->engine, "containers", id, "State", 100,
				EXIT_OK);
done:
	hijack_close(&h);
	buf_release(&path);
	free(resize);
	free(kill);
	return ret;
}

static int
attach_run(struct target *t, const char *service, const struct attach_opts *o)
{
	const struct obs_container *c = target_pick(t, service, o->index);
	json_t *inspect = NULL;
	char *path;
	int ret = EXIT_FAIL;

	if (c == NULL)
		return EXIT_FAIL;
	path = xasprintf("/containers/%s/json", c->id);
	if (engine_call(t->engine, "GET", path, NULL, &inspect) < 0)
		goto done;
	const json_t *st = json_object_get(inspect, "State");
	if (json_is_true(json_object_get(st, "Paused")))
		error("cannot attach to paused container %s: unpause it first",
		      c->name);
	else if (!json_is_true(json_object_get(st, "Running")))
		error("cannot attach to stopped container %s: start it first",
		      c->name);
	else
		ret = attach_session(t, c->id, o, inspect);
done:
	json_decref(inspect);
	free(path);
	return ret;
}

static int
attach_parse(struct attach_opts *o, int argc, char **argv)
{
	enum { OPT_INDEX = 256, OPT_NO_STDIN, OPT_SIG_PROXY, OPT_DETACH_KEYS };
	static const struct option opts[] = {
		{ "detach-keys", required_argument, NULL, OPT_DETACH_KEYS },
		{ "index", required_argument, NULL, OPT_INDEX },
		{ "no-stdin", no_argument, NULL, OPT_NO_STDIN },
		{ "sig-proxy", optional_argument, NULL, OPT_SIG_PROXY },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = cmd_getopt(&cmd_attach_entry, argc, argv, "", opts)) !=
	       -1) {
		if (c < 0)
			return cmd_getopt_exit(c);
		switch (c) {
		case OPT_DETACH_KEYS:
			o->detach_keys = optarg;
			break;
		case OPT_INDEX:
			if (target_parse_index(&cmd_attach_entry, optarg,
					       &o->index) < 0)
				return EXIT_USAGE;
			break;
		case OPT_NO_STDIN:
			o->no_stdin = true;
			break;
		case OPT_SIG_PROXY:
			if (optarg == NULL || strcmp(optarg, "true") == 0 ||
			    strcmp(optarg, "1") == 0)
				o->sig_proxy = true;
			else if (strcmp(optarg, "false") == 0 ||
				 strcmp(optarg, "0") == 0)
				o->sig_proxy = false;
			else
				return cmd_usage_error(
					&cmd_attach_entry,
					"invalid --sig-proxy \"%s\": use true "
					"or false",
					optarg);
			break;
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(
			&cmd_attach_entry,
			argc - optind < 1 ? "a service name is needed" :
					    "only one service can be attached");
	return -1;
}

static int
attach_exec(struct globals *g, int argc, char **argv)
{
	struct attach_opts o = { .sig_proxy = true };
	struct target t;
	int ret = EXIT_FAIL, r;

	if ((r = attach_parse(&o, argc, argv)) >= 0)
		return r;
	if (target_open(&t, g, TARGET_ONEOFF) == 0)
		ret = attach_run(&t, argv[optind], &o);
	target_close(&t);
	return ret;
}
