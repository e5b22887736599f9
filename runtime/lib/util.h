/* Small helpers shared by the runtime: atomic file writes, /proc reads, time. */
#ifndef KEEL_UTIL_H
#define KEEL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "keel/cleanup.h"
#include "keel/error.h"
#include "keel/fsutil.h"

/* A child that is killed (SIGKILL) and reaped when its variable leaves scope,
 * unless handed on with steal_fd (crun's cleanup_pid): the undo of a fork.
 * Only for keel's own children; nothing for pid <= 0. */
void kill_and_reap(pid_t *pid);
#define cleanup_pid __attribute__((cleanup(kill_and_reap)))

/* Writes data to dirfd/name through a temporary name and rename (no fsync:
 * state lives on tmpfs and a crash loses the containers anyway). */
int write_file_atomic(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                      keel_err *err);

/* The process' start time in clock ticks since boot (field 22 of
 * /proc/PID/stat) and whether it is a zombie; -1 when it does not exist. */
int proc_start_time(pid_t pid, uint64_t *start, bool *zombie);
/* Whether pid is alive (not a zombie) and started at `start`. */
bool proc_alive(pid_t pid, uint64_t start);

/* Writes process.oomScoreAdj to the host's /proc/PID/oom_score_adj (0: this
 * process), before the process is in the container: the container's /proc
 * could be redirected by a racing shared mount (CVE-2025-52881). */
int proc_write_oom_score_adj(pid_t pid, int value, keel_err *err);

/* "2026-11-28T03:51:21.123456789Z" */
void time_rfc3339(char *buf, size_t len);

/* Makes path and its parents (mode 0700 for the new ones). */
int mkdir_p(const char *path, mode_t mode, keel_err *err);

/* Resolves path against the current directory (no symlink resolution). */
char *path_absolute(const char *path, keel_err *err);

#endif
