/*
 * cmd_port.c - `berth port`: the public address a service's private port
 * is published on ("0.0.0.0:8080").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "cmd.h"
#include "lifecycle.h"
#include "log.h"
#include "xalloc.h"

static const char port_usage[] =
	"Usage: berth port [OPTIONS] SERVICE PRIVATE_PORT\n"
	"\n"
	"Print the public address for a port binding of a service.\n"
	"\n"
	"Options:\n"
	"      --index N           the service's container number N (default:\n"
	"                          the first)\n"
	"      --protocol PROTO    tcp (default), udp or sctp\n";

static int port_exec(struct globals *g, int argc, char **argv);

const struct cmd_entry cmd_port_entry = {
	.name = "port",
	.summary = "Print the public port for a port binding",
	.usage = port_usage,
	.exec = port_exec,
};

static int
port_find(const struct obs_container *c, long port, const char *proto)
{
	struct buf have = BUF_INIT;
	size_t i;
	json_t *p;

	json_array_foreach (c->ports, i, p) {
		const char *type =
			json_string_value(json_object_get(p, "Type"));
		const char *ip = json_string_value(json_object_get(p, "IP"));
		long priv = (long)json_integer_value(
			json_object_get(p, "PrivatePort"));
		long pub = (long)json_integer_value(
			json_object_get(p, "PublicPort"));

		if (pub && priv == port && type && strcmp(type, proto) == 0) {
			printf("%s:%ld\n", ip ? ip : "", pub);
			buf_release(&have);
			return 0;
		}
		if (pub)
			buf_addf(&have, "%s%ld/%s", have.len ? ", " : "", pub,
				 type ? type : "tcp");
	}
	error("no port %ld/%s for container %s: %s", port, proto, c->name,
	      have.ptr);
	buf_release(&have);
	return -1;
}

static int
port_exec(struct globals *g, int argc, char **argv)
{
	enum { OPT_INDEX = 256, OPT_PROTOCOL };
	static const struct option opts[] = {
		{ "index", required_argument, NULL, OPT_INDEX },
		{ "protocol", required_argument, NULL, OPT_PROTOCOL },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	const char *proto = "tcp";
	const struct obs_container *ctr;
	struct target t;
	int c, index = 0, ret = EXIT_FAIL;
	char *end;
	long port;

	while ((c = cmd_getopt(&cmd_port_entry, argc, argv, "", opts)) != -1) {
		if (c < 0)
			return cmd_getopt_exit(c);
		if (c == OPT_PROTOCOL) {
			proto = optarg;
		} else if (c == OPT_INDEX) {
			if (target_parse_index(&cmd_port_entry, optarg,
					       &index) < 0)
				return EXIT_USAGE;
		}
	}
	if (argc - optind != 2)
		return cmd_usage_error(&cmd_port_entry,
				       "SERVICE and PRIVATE_PORT are needed");
	port = strtol(argv[optind + 1], &end, 10);
	if (*end || port < 1 || port > 65535)
		return cmd_usage_error(&cmd_port_entry, "invalid port \"%s\"",
				       argv[optind + 1]);
	if (strcmp(proto, "tcp") && strcmp(proto, "udp") &&
	    strcmp(proto, "sctp"))
		return cmd_usage_error(&cmd_port_entry,
				       "invalid protocol \"%s\"", proto);
	if (target_open(&t, g, TARGET_ONEOFF) == 0 &&
	    (ctr = target_pick(&t, argv[optind], index)) &&
	    port_find(ctr, port, proto) == 0)
		ret = EXIT_OK;
	target_close(&t);
	return ret;
}
