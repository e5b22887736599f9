/* What the cgroup files share: the open directories, the per-version
 * controller tables and the helpers that read and write control files. */
#ifndef KEEL_CGROUP_INTERNAL_H
#define KEEL_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cgroup.h"
#include "cgroup_convert.h"
#include "cgroup_manager.h"

/* One cgroup directory, opened once; control files are reached with openat.
 * fd is -1 when the hierarchy is not there. path is for messages. */
struct cg_dir {
    int fd;
    char *path;
};

/* What a controller applies: the resources, and the device rules when the
 * device list is to be (re)written (NULL at update). */
struct cg_apply {
    const struct oci_resources *r;
    const struct cg_device_rule *rules;
    size_t nrules;
};

struct cg_controller {
    /* v1: the hierarchy's directory under the root. v2: the controller's
     * name in cgroup.controllers, NULL for what needs none (devices, unified). */
    const char *name;
    /* v2 only: the v1 hierarchy that does the same job; on a hybrid host the
     * v2 controller serves only where that hierarchy is missing. */
    const char *v1_name;
    int (*apply)(const struct cg_dir *d, const struct cg_apply *a, keel_err *err);
    int (*stats)(const struct cg_dir *d, struct runc_stats *s, keel_err *err);
};

#define CG_V1_MAX 16
extern const struct cg_controller cg_v1_controllers[];
extern const size_t cg_v1_ncontrollers;
extern const struct cg_controller cg_v2_controllers[];
extern const size_t cg_v2_ncontrollers;

struct cgroup {
    enum cgroup_mode mode;
    const struct cgroup_manager *manager; /* chosen from mode, cgroup_manager_for */
    char *root;
    char *path;
    struct cg_dir v1[CG_V1_MAX]; /* indexed like cg_v1_controllers */
    struct cg_dir unified;       /* v2, or hybrid's root/unified */
    char unified_controllers[256]; /* the unified dir's cgroup.controllers */
    uint64_t oom_kills;            /* v2 memory.events oom_kill last seen */
    bool unified_joined;           /* the process was cloned into unified (CLONE_INTO_CGROUP) */
};

/* --- the directories in cgroupfs (cgroup_fs.c), for the managers --- */
/* Which kinds of hierarchy an operation covers. */
enum { CG_HIERS_V1 = 1, CG_HIERS_V2 = 2, CG_HIERS_ALL = 3 };
/* Makes the container's directory in each hierarchy of the kinds given and
 * keeps it open; on failure removes the leaves it made. */
int cg_fs_create(struct cgroup *cg, int which, keel_err *err);
/* Removes the leaves cg_fs_create made (parents shared with others stay). */
void cg_fs_undo_create(struct cgroup *cg, int which);
/* Opens the directories made earlier; a v1 hierarchy without one is skipped,
 * none at all is ENOENT. */
int cg_fs_open(struct cgroup *cg, int which, keel_err *err);
/* rmdir of the open directories, sub-cgroups first; EBUSY retried for a second. */
int cg_fs_remove(struct cgroup *cg, int which, keel_err *err);
/* rmdir of root/<hierarchy>path without opening anything; unified is where
 * cgroup2 is under root ("" or "/unified"). False at the first busy one. */
bool cg_fs_remove_if_empty(const char *root, const char *path, int which, const char *unified);
/* pid into cgroup.procs of each open directory of the kinds given. */
int cg_fs_add_pid(struct cgroup *cg, int which, pid_t pid, keel_err *err);
/* The open v1 directories' `tasks` files, for cgroup_join_self. */
int cg_fs_open_tasks(struct cgroup *cg, int *fds, size_t *n, keel_err *err);
/* The v1 hierarchy's open directory, NULL when there is none. */
struct cg_dir *cg_v1_dir(struct cgroup *cg, const char *name);
void cg_dir_close(struct cg_dir *d);
/* Whether word is one of the space-separated words of list. */
bool cg_has_word(const char *list, const char *word);

/* Whether a v2 controller serves cg: always on v2; on hybrid only where its
 * v1 hierarchy is missing and cgroup2 has the controller (cgroup_resources.c). */
bool cg_v2_serves(struct cgroup *cg, const struct cg_controller *c);

/* --- control files (cgroup_file.c) --- */
/* Writes value to file; the error names the file's full path and the value:
 * "write /sys/fs/cgroup/memory/keel/c1/memory.limit_in_bytes=1: Device or resource busy". */
int cg_write(const struct cg_dir *d, const char *file, const char *value, keel_err *err);
int cg_writef(const struct cg_dir *d, const char *file, keel_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Reads a whole file into buf (NUL-terminated, trailing newline dropped).
 * Returns the length, or -1; err->errnum is ENOENT for a missing file. */
ssize_t cg_read(const struct cg_dir *d, const char *file, char *buf, size_t size, keel_err *err);
/* A file holding one number ("max" reads as UINT64_MAX). */
int cg_read_u64(const struct cg_dir *d, const char *file, uint64_t *v, keel_err *err);
/* A "key value" line of a flat keyed file (memory.stat, cpu.stat, ...);
 * *v stays untouched when the key is absent. */
int cg_read_keyed(const struct cg_dir *d, const char *file, const char *key, uint64_t *v,
                  keel_err *err);
bool cg_exists(const struct cg_dir *d, const char *file);

/* Stats helpers: read a number when the file is there, ignore it when not. */
int cg_stat_u64(const struct cg_dir *d, const char *file, uint64_t *v, bool *has, keel_err *err);
/* Allocates *p (a stats sub-object) when NULL. */
void *cg_stats_obj(void *p, size_t size);
#define CG_STATS_OBJ(p) ((p) = cg_stats_obj((p), sizeof *(p)))
/* Sets a stats scalar and its has_ flag when v is non-zero (runc's omitempty). */
#define CG_SET(obj, field, v) \
    do { uint64_t cg_v_ = (v); if (cg_v_ != 0) { (obj)->field = cg_v_; (obj)->has_##field = true; } } while (0)
/* Sets a scalar that runc prints even when zero. */
#define CG_SET_ALWAYS(obj, field, v) \
    do { (obj)->field = (v); (obj)->has_##field = true; } while (0)

/* cpuset.cpus and cpuset.mems, the same files in both versions. */
int cg_cpuset_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err);
/* memory.checkBeforeUpdate, both versions: fails when limit is below the
 * usage read from usage_file. */
int cg_memory_check_usage(const struct cg_dir *d, const char *usage_file, int64_t limit,
                          keel_err *err);

/* Hugetlb stats shared by both versions: for each file "hugetlb.SIZE.<usage>"
 * in the directory, the three named files give usage, max and failcnt. */
int cg_hugetlb_stats(const struct cg_dir *d, const char *usage, const char *max,
                     const char *failcnt, struct runc_stats *s, keel_err *err);

/* --- devices --- */
/* Attaches the v2 device program built from rules to the cgroup directory,
 * replacing the one keel attached before (cgroup_bpf.c). */
int cg_bpf_attach_devices(const struct cg_dir *d, const struct cg_device_rule *rules,
                          size_t n, keel_err *err);

#endif
