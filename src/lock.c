/*
 * lock.c - the per-project lock (lock.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"
#include "log.h"
#include "xalloc.h"

static char *
lock_dir(void)
{
	const char *run = getenv("XDG_RUNTIME_DIR");
	struct stat st;

	if (run && *run && stat(run, &st) == 0 && S_ISDIR(st.st_mode) &&
	    access(run, W_OK) == 0)
		return xasprintf("%s/berth", run);
	return xasprintf("/tmp/berth-%u", (unsigned)getuid());
}

static long
holder_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return atol(buf);
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int
project_lock(const char *project, int timeout)
{
	char *dir = lock_dir();
	char *path = xasprintf("%s/%s.lock", dir, project);
	const char *env = getenv("BERTH_LOCK_TIMEOUT");
	char pid[32];
	int fd = -1;
	long waited = 0;
	bool said = false;

	if (env && *env)
		timeout = atoi(env);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		error("cannot create %s: %s", dir, strerror(errno));
		goto done;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		error("cannot open %s: %s", path, strerror(errno));
		goto done;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			error("cannot lock %s: %s", path, strerror(errno));
			close(fd);
			fd = -1;
			goto done;
		}
		if (!said) {
			fprintf(stderr,
				"another berth is changing project \"%s\" "
				"(pid %ld); waiting\n",
				project, holder_pid(fd));
			said = true;
		}
		if (waited >= (long)timeout * 1000) {
			error("project \"%s\" is still locked by pid %ld after "
			      "%ds",
			      project, holder_pid(fd), timeout);
			hint("if no berth runs, remove %s", path);
			close(fd);
			fd = -1;
			goto done;
		}
		sleep_ms(50);
		waited += 50;
	}
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, strlen(pid), 0) < 0)
		debug("cannot write the pid to %s", path);
done:
	free(dir);
	free(path);
	return fd;
}

void
project_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
