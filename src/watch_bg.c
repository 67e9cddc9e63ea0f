/*
 * watch_bg.c - the background watcher of `berth up -d --watch`
 * (watch_bg.h).
 *
 * The watcher is a new berth process, `berth watch --no-up`, given the
 * options that load the same project: re-executing rather than going on
 * in a forked copy, since a fork would share the parent's engine
 * connections and event loop. It is a daemon: the first child calls
 * setsid and forks again, so the watcher has no controlling terminal and
 * is not our child; it reports the watcher's pid through a pipe.
 *
 * The pid file holds "PID STARTTIME" (the start time from /proc/PID/stat):
 * a pid the kernel reused for another process does not count as ours.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "log.h"
#include "project.h"
#include "strv.h"
#include "up.h"
#include "watch_bg.h"
#include "xalloc.h"

char *
watch_bg_dir(const char *project)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	if (xdg && *xdg == '/')
		return xasprintf("%s/berth/%s", xdg, project);
	return xasprintf("%s/.local/state/berth/%s", home ? home : "/tmp",
			 project);
}

/* mkdir -p */
static int
make_dirs(const char *path)
{
	char *p = xstrdup(path);
	int ret = 0;

	for (char *s = p + 1; ret == 0; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			ret = error("cannot create \"%s\": %s", p,
				    strerror(errno));
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return ret;
}

/* Field 22 of /proc/PID/stat, the start time; 0 when pid is gone (or a
 * zombie: where nothing reaps orphans, a dead watcher stays one). */
static unsigned long long
start_time(pid_t pid)
{
	char path[64], text[1024], state = 0;
	unsigned long long t = 0;
	const char *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	/* After the command name in parentheses: state is field 3. */
	p = strrchr(text, ')');
	if (p == NULL ||
	    sscanf(p + 1,
		   " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u "
		   "%*u %*d %*d %*d %*d %*d %*d %llu",
		   &state, &t) != 2 ||
	    state == 'Z' || state == 'X')
		return 0;
	return t;
}

static char *
pid_path(const char *project)
{
	char *dir = watch_bg_dir(project);
	char *path = xasprintf("%s/watch.pid", dir);

	free(dir);
	return path;
}

pid_t
watch_bg_running(const char *project)
{
	char *path = pid_path(project);
	FILE *f = fopen(path, "r");
	unsigned long long t = 0;
	long pid = 0;

	free(path);
	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld %llu", &pid, &t) != 2 || pid <= 0)
		pid = 0;
	fclose(f);
	if (pid && (t == 0 || start_time((pid_t)pid) != t))
		pid = 0;
	return (pid_t)pid;
}

/* The argv of the watcher: the options that load the same project. */
static int
watcher_args(const struct up_ctx *ctx, bool quiet, struct strv *args)
{
	const struct globals *g = ctx->g;

	strv_push(args, "berth");
	for (size_t i = 0; i < g->files.n; i++) {
		if (strcmp(g->files.v[i], "-") == 0)
			return error("cannot watch in the background a project "
				     "read from standard input");
		strv_push(args, "-f");
		strv_push(args, g->files.v[i]);
	}
	strv_push(args, "-p");
	strv_push(args, ctx->project->name);
	if (g->project_dir) {
		strv_push(args, "--project-directory");
		strv_push(args, g->project_dir);
	}
	for (size_t i = 0; i < g->env_files.n; i++) {
		strv_push(args, "--env-file");
		strv_push(args, g->env_files.v[i]);
	}
	for (size_t i = 0; i < g->profiles.n; i++) {
		strv_push(args, "--profile");
		strv_push(args, g->profiles.v[i]);
	}
	if (g->compatibility)
		strv_push(args, "--compatibility");
	if (g->parallel)
		strv_pushf(args, "--parallel=%d", g->parallel);
	/* A log file: no colours, no cursor moves. */
	strv_push(args, "--ansi=never");
	strv_push(args, "--progress=plain");
	strv_push(args, "watch");
	strv_push(args, "--no-up");
	if (quiet)
		strv_push(args, "--quiet");
	strv_push(args, "--");
	for (size_t i = 0; i < ctx->nservices; i++)
		strv_push(args, ctx->services[i]);
	return 0;
}

/* In the watcher, between fork and exec: only async-signal-safe calls. */
static void
watcher_exec(char **argv, int log_fd, int null_fd)
{
	static const char msg[] = "berth: cannot start the watcher\n";

	dup2(null_fd, STDIN_FILENO);
	dup2(log_fd, STDOUT_FILENO);
	dup2(log_fd, STDERR_FILENO);
	/* Not every library marks its descriptors close-on-exec: the
	 * engine's connections stay ours. */
	for (int fd = STDERR_FILENO + 1; fd < 1024; fd++)
		close(fd);
	execv("/proc/self/exe", argv);
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(127);
	_exit(127);
}

/* Double fork; returns the watcher's pid, or -1 after reporting. */
static pid_t
spawn(char **argv, int log_fd)
{
	int pfd[2], null_fd, status;
	pid_t child, watcher = -1;

	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0 || pipe(pfd) < 0) {
		error("cannot start the watcher: %s", strerror(errno));
		if (null_fd >= 0)
			close(null_fd);
		return -1;
	}
	fcntl(pfd[0], F_SETFD, FD_CLOEXEC);
	fcntl(pfd[1], F_SETFD, FD_CLOEXEC);
	fflush(NULL);
	child = fork();
	if (child == 0) {
		pid_t w;
		close(pfd[0]);
		setsid();
		w = fork();
		if (w == 0)
			watcher_exec(argv, log_fd, null_fd);
		if (write(pfd[1], &w, sizeof(w)) != (ssize_t)sizeof(w))
			_exit(1);
		_exit(w < 0);
	}
	close(pfd[1]);
	if (child < 0) {
		error("cannot start the watcher: %s", strerror(errno));
	} else {
		if (read(pfd[0], &watcher, sizeof(watcher)) !=
			    (ssize_t)sizeof(watcher) ||
		    watcher <= 0) {
			error("cannot start the watcher");
			watcher = -1;
		}
		waitpid(child, &status, 0);
	}
	close(pfd[0]);
	close(null_fd);
	return watcher;
}

static int
write_pid(const char *project, pid_t pid)
{
	char *path = pid_path(project);
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	int ret = 0;

	if (f == NULL ||
	    fprintf(f, "%ld %llu\n", (long)pid, start_time(pid)) < 0 ||
	    fclose(f) != 0 || rename(tmp, path) < 0)
		ret = error("cannot write \"%s\": %s", path, strerror(errno));
	free(tmp);
	free(path);
	return ret;
}

int
watch_bg_start(struct up_ctx *ctx, bool quiet)
{
	const char *project = ctx->project->name;
	char *dir = watch_bg_dir(project);
	char *log = xasprintf("%s/watch.log", dir);
	char *lockp = xasprintf("%s/watch.lock", dir);
	struct strv args = STRV_INIT;
	int lock_fd = -1, log_fd = -1, ret = -1;
	pid_t pid;

	if (watcher_args(ctx, quiet, &args) < 0 || make_dirs(dir) < 0)
		goto done;
	/* Two ups at once start one watcher. */
	lock_fd = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock_fd < 0 || flock(lock_fd, LOCK_EX) < 0) {
		error("cannot lock \"%s\": %s", lockp, strerror(errno));
		goto done;
	}
	if ((pid = watch_bg_running(project))) {
		printf("already watching in the background (pid %ld, log: "
		       "%s)\n",
		       (long)pid, log);
		ret = 0;
		goto done;
	}
	log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (log_fd < 0) {
		error("cannot open \"%s\": %s", log, strerror(errno));
		goto done;
	}
	pid = spawn(args.v, log_fd);
	if (pid < 0 || write_pid(project, pid) < 0)
		goto done;
	printf("watching in the background (pid %ld, log: %s)\n", (long)pid,
	       log);
	ret = 0;
done:
	fflush(stdout);
	if (log_fd >= 0)
		close(log_fd);
	if (lock_fd >= 0)
		close(lock_fd);
	strv_clear(&args);
	free(lockp);
	free(log);
	free(dir);
	return ret;
}

int
watch_bg_stop(const char *project)
{
	pid_t pid = watch_bg_running(project);
	char *path = pid_path(project);
	struct timespec tick = { 0, 50 * 1000 * 1000 };

	if (pid > 0 && kill(pid, SIGTERM) == 0) {
		/* It finishes what it applies (a sync, a rebuild) first. */
		for (int i = 0; i < 100 && start_time(pid); i++)
			nanosleep(&tick, NULL);
		if (start_time(pid))
			kill(pid, SIGKILL);
	}
	unlink(path);
	free(path);
	return pid > 0;
}
