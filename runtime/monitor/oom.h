/* Whether the kernel's OOM killer struck in the container's memory cgroup:
 * the oom_kill counter of cgroup v1's memory.oom_control or v2's
 * memory.events, read when the container starts and again when it exits. */
#ifndef KEEL_MONITOR_OOM_H
#define KEEL_MONITOR_OOM_H

#include <stddef.h>
#include <sys/types.h>

/* The counter's file for pid's memory cgroup; -1 when there is none. */
int oom_counter_path(pid_t pid, char *buf, size_t len);
/* The count, or -1 when the file cannot be read. */
long oom_count(const char *path);

#endif
