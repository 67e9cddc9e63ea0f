/*
 * cmd.c - the table of commands and the shared option-parsing helpers.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

const struct cmd_entry *const cmd_table[] = {
	&cmd_version_entry, &cmd_config_entry,	&cmd_up_entry,
	&cmd_down_entry,    &cmd_create_entry,	&cmd_plan_entry,
	&cmd_ps_entry,	    &cmd_start_entry,	&cmd_stop_entry,
	&cmd_restart_entry, &cmd_kill_entry,	&cmd_rm_entry,
	&cmd_pause_entry,   &cmd_unpause_entry, &cmd_exec_entry,
	&cmd_cp_entry,	    &cmd_top_entry,	&cmd_stats_entry,
	&cmd_port_entry,    &cmd_images_entry,	&cmd_ls_entry,
	&cmd_run_entry,	    &cmd_logs_entry,	&cmd_events_entry,
	&cmd_wait_entry,    &cmd_watch_entry,	&cmd_build_entry,
	&cmd_pull_entry,    &cmd_push_entry,	&cmd_scale_entry,
	&cmd_volumes_entry, &cmd_attach_entry,	&cmd_export_entry,
	&cmd_commit_entry,  &cmd_help_entry,	NULL,
};

const struct cmd_entry *
cmd_find(const char *name)
{
	for (size_t i = 0; cmd_table[i]; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

int
cmd_help(const struct cmd_entry *e)
{
	fputs(e->usage, stdout);
	return EXIT_OK;
}

int
cmd_usage_error(const struct cmd_entry *e, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("berth: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	fputs(e->usage, stderr);
	return EXIT_USAGE;
}

int
cmd_getopt(const struct cmd_entry *e, int argc, char **argv,
	   const char *shortopts, const struct option *longopts)
{
	int c, idx = -1;

	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, &idx);
	if (c == '?') {
		if (optopt)
			cmd_usage_error(e, "unknown or incomplete option '-%c'",
					optopt);
		else
			cmd_usage_error(e, "unknown or incomplete option '%s'",
					argv[optind - 1]);
		return CMD_BAD_OPTION;
	}
	if (c == ':') {
		cmd_usage_error(e, "option '%s' needs a value",
				argv[optind - 1]);
		return CMD_BAD_OPTION;
	}
	if (c == 'h' + 256) {
		cmd_help(e);
		return CMD_HELP_SHOWN;
	}
	return c;
}

int
cmd_getopt_exit(int r)
{
	return r == CMD_HELP_SHOWN ? EXIT_OK : EXIT_USAGE;
}

int
cmd_getopt_none(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = cmd_getopt(e, argc, argv, "", opts)) != -1)
		if (c < 0)
			return c;
	return 0;
}
