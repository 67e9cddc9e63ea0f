/*
 * main.c - global options and dispatch to a command.
 *
 * berth [global options] COMMAND [options] [SERVICE...]
 * Global options are read up to the first non-option word, the command
 * name; environment variables fill in what the command line left unset.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "berth_config.h"
#include "cmd.h"
#include "log.h"
#include "xalloc.h"

static const char main_usage[] =
	"Usage: berth [OPTIONS] COMMAND [ARGS...]\n"
	"\n"
	"Define and run multi-container applications with Docker, from\n"
	"compose files. A drop-in for `docker compose`.\n"
	"\n"
	"Options:\n"
	"  -f, --file FILE              compose file (repeatable; \"-\" reads stdin)\n"
	"  -p, --project-name NAME      project name\n"
	"      --project-directory DIR  working directory (default: the first file's)\n"
	"      --env-file FILE          environment file (repeatable)\n"
	"      --profile NAME           enable a profile (repeatable)\n"
	"      --ansi WHEN              colour and control characters: never, always, auto\n"
	"      --progress MODE          progress output: auto, tty, plain, json, quiet\n"
	"      --parallel N             at most N engine actions at once (-1: no limit)\n"
	"      --dry-run                show what would be done, change nothing\n"
	"      --compatibility          name containers with \"_\" as docker-compose v1 did\n"
	"      --debug                  print debug messages\n"
	"  -v, --version                print berth's version and exit\n"
	"  -h, --help                   print this help and exit\n"
	"\n"
	"Commands:\n";

static void
print_main_usage(FILE *to)
{
	fputs(main_usage, to);
	for (size_t i = 0; cmd_table[i]; i++) {
		if (cmd_table[i]->hidden)
			continue;
		fprintf(to, "  %-10s %s\n", cmd_table[i]->name,
			cmd_table[i]->summary);
	}
	fputs("\nRun 'berth COMMAND --help' for more about a command.\n", to);
}

static int
help_exec(struct globals *g, int argc, char **argv)
{
	const struct cmd_entry *e;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		if (argc >= 2)
			return cmd_help(&cmd_help_entry);
		print_main_usage(stdout);
		return EXIT_OK;
	}
	e = cmd_find(argv[1]);
	if (e == NULL) {
		error("unknown command \"%s\"", argv[1]);
		return EXIT_USAGE;
	}
	return cmd_help(e);
}

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.summary = "Show help for a command",
	.usage = "Usage: berth help [COMMAND]\n",
	.exec = help_exec,
};

enum {
	OPT_PROJECT_DIR = 256,
	OPT_ENV_FILE,
	OPT_PROFILE,
	OPT_ANSI,
	OPT_PROGRESS,
	OPT_PARALLEL,
	OPT_DRY_RUN,
	OPT_COMPAT,
	OPT_DEBUG,
};

static const struct option global_opts[] = {
	{ "file", required_argument, NULL, 'f' },
	{ "project-name", required_argument, NULL, 'p' },
	{ "project-directory", required_argument, NULL, OPT_PROJECT_DIR },
	{ "env-file", required_argument, NULL, OPT_ENV_FILE },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "ansi", required_argument, NULL, OPT_ANSI },
	{ "progress", required_argument, NULL, OPT_PROGRESS },
	{ "parallel", required_argument, NULL, OPT_PARALLEL },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "compatibility", no_argument, NULL, OPT_COMPAT },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ "version", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void
globals_release(struct globals *g)
{
	strv_clear(&g->files);
	strv_clear(&g->env_files);
	strv_clear(&g->profiles);
	free(g->project_name);
	free(g->project_dir);
	free(g->ansi);
	free(g->progress);
}

static int
check_choice(const char *opt, const char *val, const char *const *ok)
{
	for (size_t i = 0; ok[i]; i++)
		if (strcmp(val, ok[i]) == 0)
			return 0;
	error("invalid value \"%s\" for %s", val, opt);
	return -1;
}

/* Fill what the command line left unset from COMPOSE_* variables. */
static int
globals_from_env(struct globals *g)
{
	static const char *const ansi_ok[] = { "never", "always", "auto",
					       NULL };
	static const char *const progress_ok[] = { "auto", "tty",   "plain",
						   "json", "quiet", NULL };
	const char *v;

	if (g->ansi == NULL && (v = getenv("COMPOSE_ANSI")) && *v)
		g->ansi = xstrdup(v);
	if (g->progress == NULL && (v = getenv("COMPOSE_PROGRESS")) && *v)
		g->progress = xstrdup(v);
	if (g->parallel == 0 && (v = getenv("COMPOSE_PARALLEL_LIMIT")) && *v)
		g->parallel = atoi(v);
	if (!g->compatibility && (v = getenv("COMPOSE_COMPATIBILITY")) &&
	    (strcmp(v, "1") == 0 || strcmp(v, "true") == 0))
		g->compatibility = true;
	if (g->ansi == NULL)
		g->ansi = xstrdup("auto");
	if (g->progress == NULL)
		g->progress = xstrdup("auto");
	if (check_choice("--ansi", g->ansi, ansi_ok) < 0 ||
	    check_choice("--progress", g->progress, progress_ok) < 0)
		return -1;
	return 0;
}

static int
parse_parallel(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end || v < -1 || v == 0 || v > 100000) {
		error("invalid value \"%s\" for --parallel", s);
		hint("use a positive number, or -1 for no limit");
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* Returns the index of the command word, or -1 (exit status in *status). */
static int
parse_globals(struct globals *g, int argc, char **argv, int *status)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+f:p:vh", global_opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'f':
			strv_push(&g->files, optarg);
			break;
		case 'p':
			free(g->project_name);
			g->project_name = xstrdup(optarg);
			break;
		case OPT_PROJECT_DIR:
			free(g->project_dir);
			g->project_dir = xstrdup(optarg);
			break;
		case OPT_ENV_FILE:
			strv_push(&g->env_files, optarg);
			break;
		case OPT_PROFILE:
			strv_push(&g->profiles, optarg);
			break;
		case OPT_ANSI:
			free(g->ansi);
			g->ansi = xstrdup(optarg);
			break;
		case OPT_PROGRESS:
			free(g->progress);
			g->progress = xstrdup(optarg);
			break;
		case OPT_PARALLEL:
			if (parse_parallel(optarg, &g->parallel) < 0)
				goto usage;
			break;
		case OPT_DRY_RUN:
			g->dry_run = true;
			break;
		case OPT_COMPAT:
			g->compatibility = true;
			break;
		case OPT_DEBUG:
			g->debug = true;
			break;
		case 'v':
			printf("berth version %s\n", BERTH_VERSION);
			*status = EXIT_OK;
			return -1;
		case 'h':
			print_main_usage(stdout);
			*status = EXIT_OK;
			return -1;
		default:
			if (optopt && optopt < 256)
				error("unknown or incomplete option '-%c'",
				      optopt);
			else
				error("unknown or incomplete option '%s'",
				      argv[optind - 1]);
			goto usage;
		}
	}
	if (optind >= argc) {
		print_main_usage(stderr);
		*status = EXIT_USAGE;
		return -1;
	}
	return optind;
usage:
	fputc('\n', stderr);
	print_main_usage(stderr);
	*status = EXIT_USAGE;
	return -1;
}

/*
 * Installed as ~/.docker/cli-plugins/docker-compose, berth answers the
 * Docker CLI's plugin protocol: `docker-compose docker-cli-plugin-metadata`
 * asks who we are, and `docker compose ARGS` runs `docker-compose compose
 * ARGS`. Returns true when the metadata call was answered.
 */
static bool
plugin_protocol(int *argc, char ***argv)
{
	if (*argc < 2)
		return false;
	if (strcmp((*argv)[1], "docker-cli-plugin-metadata") == 0) {
		printf("{\"SchemaVersion\":\"0.1.0\",\"Vendor\":\"berth\","
		       "\"Version\":\"%s\",\"ShortDescription\":"
		       "\"Docker Compose (berth)\",\"URL\":\"\"}\n",
		       BERTH_VERSION);
		return true;
	}
	/* The CLI passes its own name for the plugin as the first word. */
	if (strcmp((*argv)[1], "compose") == 0 &&
	    getenv("DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND") != NULL) {
		(*argv)[1] = (*argv)[0];
		(*argc)--;
		(*argv)++;
	}
	return false;
}

int
main(int argc, char **argv)
{
	struct globals g = { .files = STRV_INIT,
			     .env_files = STRV_INIT,
			     .profiles = STRV_INIT };
	const struct cmd_entry *e;
	int status = EXIT_FAIL, idx;

	if (plugin_protocol(&argc, &argv))
		return EXIT_OK;
	idx = parse_globals(&g, argc, argv, &status);
	if (idx < 0)
		goto done;
	log_set_debug(g.debug || getenv("BERTH_DEBUG"));
	e = cmd_find(argv[idx]);
	if (e == NULL) {
		error("unknown command \"%s\"", argv[idx]);
		hint("run 'berth --help' for the list of commands");
		status = EXIT_USAGE;
		goto done;
	}
	if (globals_from_env(&g) < 0) {
		status = EXIT_USAGE;
		goto done;
	}
	/* Each command parses its own argv from the start. */
	optind = 0;
	status = e->exec(&g, argc - idx, argv + idx);
done:
	globals_release(&g);
	fflush(stdout);
	if (ferror(stdout))
		return status ? status : EXIT_FAIL;
	return status;
}
