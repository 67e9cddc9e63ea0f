/*
 * cmd.h - the command table and what every command receives.
 *
 * Adding a command: write cmd_<name>.c with a `const struct cmd_entry
 * cmd_<name>_entry` (name, summary, usage with its options, exec), declare
 * it below and list it in cmd_table[] in cmd.c. main.c parses the global
 * options, then calls exec with the command's own argv (argv[0] is the
 * command name), ready for getopt_long.
 */
#ifndef BERTH_CMD_H
#define BERTH_CMD_H

#include <getopt.h>
#include <stdbool.h>

#include "strv.h"

/* Exit statuses, documented in berth(1). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_DRIFT = 2, /* `plan`: something would change */
	EXIT_USAGE = 125,
	EXIT_INTERRUPTED = 130,
};

/* Global options, from the command line and then the environment. */
struct globals {
	struct strv files;     /* -f, repeatable ("-" is stdin) */
	char *project_name;    /* -p */
	char *project_dir;     /* --project-directory */
	struct strv env_files; /* --env-file, repeatable */
	struct strv profiles;  /* --profile, repeatable */
	char *ansi;	       /* never|always|auto */
	char *progress;	       /* auto|tty|plain|json|quiet */
	int parallel;	       /* --parallel; -1 = unlimited */
	bool dry_run;
	bool compatibility;
	bool debug;
};

struct cmd_entry {
	const char *name;
	const char *summary; /* one line for `berth --help` */
	const char *usage;   /* full help: synopsis, then options */
	int (*exec)(struct globals *g, int argc, char **argv);
	bool hidden;
};

extern const struct cmd_entry *const cmd_table[];

const struct cmd_entry *cmd_find(const char *name);
/* Print e's usage to stdout (--help) and return 0. */
int cmd_help(const struct cmd_entry *e);
/* Print e's usage and msg to stderr; return EXIT_USAGE. */
int cmd_usage_error(const struct cmd_entry *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * getopt_long over a command's argv with "--help" handled. Returns the
 * option character, -1 at the end, or a negative CMD_* code after printing
 * usage (see cmd_getopt_done).
 */
/* Every command lists this in its long options. */
#define CMD_OPT_HELP                                 \
	{                                            \
		"help", no_argument, NULL, 'h' + 256 \
	}
int cmd_getopt(const struct cmd_entry *e, int argc, char **argv,
	       const char *shortopts, const struct option *longopts);
#define CMD_HELP_SHOWN (-100)
#define CMD_BAD_OPTION (-101)
/* The exit status for a negative cmd_getopt result. */
int cmd_getopt_exit(int r);
/* cmd_getopt for a command whose only option is --help: 0 or CMD_*. */
int cmd_getopt_none(const struct cmd_entry *e, int argc, char **argv);

struct project;
struct load_opts;
/*
 * Load the project as every command does: the global options (-f, -p,
 * --project-directory, --env-file, --profile) as load options, and the
 * services named on the command line, whose profiles are then enabled.
 * Problems are reported; returns 0 or -1. cmd_load_opts fills o from g
 * for commands that set more loader options (borrowing g's strings).
 */
int cmd_load_project(struct globals *g, char *const *services, size_t n,
		     struct project **out);
void cmd_load_opts(const struct globals *g, struct load_opts *o);

extern const struct cmd_entry cmd_version_entry;
extern const struct cmd_entry cmd_config_entry;
extern const struct cmd_entry cmd_up_entry, cmd_down_entry, cmd_create_entry;
extern const struct cmd_entry cmd_plan_entry;
extern const struct cmd_entry cmd_ps_entry, cmd_start_entry, cmd_stop_entry;
extern const struct cmd_entry cmd_restart_entry, cmd_kill_entry, cmd_rm_entry;
extern const struct cmd_entry cmd_pause_entry, cmd_unpause_entry;
extern const struct cmd_entry cmd_exec_entry;
extern const struct cmd_entry cmd_cp_entry;
extern const struct cmd_entry cmd_top_entry, cmd_port_entry;
extern const struct cmd_entry cmd_stats_entry;
extern const struct cmd_entry cmd_images_entry, cmd_ls_entry;
extern const struct cmd_entry cmd_run_entry;
extern const struct cmd_entry cmd_logs_entry;
extern const struct cmd_entry cmd_events_entry;
extern const struct cmd_entry cmd_wait_entry;
extern const struct cmd_entry cmd_watch_entry;
extern const struct cmd_entry cmd_build_entry, cmd_pull_entry, cmd_push_entry;
extern const struct cmd_entry cmd_scale_entry, cmd_volumes_entry;
extern const struct cmd_entry cmd_attach_entry, cmd_export_entry;
extern const struct cmd_entry cmd_commit_entry;
extern const struct cmd_entry cmd_help_entry;

#endif
