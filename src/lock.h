/*
 * lock.h - one berth at a time changes a project.
 *
 * Two `berth up` runs on one project would both see a container missing
 * and both create it. Commands that change a project take an exclusive
 * flock on $XDG_RUNTIME_DIR/berth/<project>.lock (or /tmp/berth-<uid>/)
 * before they observe, and keep it until they exit. The file holds the
 * holder's pid for the waiting message.
 */
#ifndef BERTH_LOCK_H
#define BERTH_LOCK_H

/*
 * Take the lock of project. While another process holds it, say so
 * (`another berth is changing project "P" (pid N); waiting`) and wait up
 * to timeout seconds (BERTH_LOCK_TIMEOUT overrides; default 300). Returns
 * the lock's fd (>= 0) or -1 after reporting.
 */
int project_lock(const char *project, int timeout);
/* Release (close) a lock from project_lock; -1 is ignored. */
void project_unlock(int fd);

#endif
