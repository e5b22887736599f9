/* linux.namespaces: which to create, which to join by path, and the user
 * namespace's id maps and the time namespace's offsets. */
#ifndef KEEL_NAMESPACES_H
#define KEEL_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "keel/error.h"
#include "keel/runtime_spec.h"

#define NS_MAX 8

struct ns_join {
    int flag;  /* CLONE_NEW* */
    int fd;    /* the namespace to setns() into, opened in the runtime's namespaces */
};

struct ns_plan {
    int create;                 /* CLONE_NEW* flags of the namespaces to make */
    struct ns_join join[NS_MAX]; /* user first */
    int njoin;
};

/* The CLONE_NEW* flag of a spec namespace type ("pid", "network", ...), 0 if unknown. */
int ns_flag(const char *type);
/* The /proc/PID/ns/ name of a flag ("net" for CLONE_NEWNET). */
const char *ns_proc_name(int flag);
/* The spec type names this runtime supports, NULL-terminated (for features). */
extern const char *const ns_type_names[];

/* Reads linux.namespaces; opens every path now, in the runtime's namespaces. */
int ns_plan_build(const struct oci_config *cfg, struct ns_plan *plan, keel_err *err);
void ns_plan_close(struct ns_plan *plan);
bool ns_plan_has(const struct ns_plan *plan, int flag);
/* The fd of a joined namespace of this kind, -1 when not joined. */
int ns_plan_join_fd(const struct ns_plan *plan, int flag);

/* Writes /proc/PID/{uid,gid}_map from linux.uidMappings/gidMappings. */
int ns_write_id_maps(pid_t pid, const struct oci_config *cfg, keel_err *err);
/* "containerID hostID size\n" lines for a mapping list, into buf. */
int ns_format_id_map(const struct oci_id_mapping *m, size_t n, char *buf, size_t len, keel_err *err);
/* The host id of container id `id` (itself when there are no mappings). */
uint32_t ns_host_id(const struct oci_id_mapping *m, size_t n, uint32_t id);

/* Writes linux.timeOffsets to /proc/self/timens_offsets; the caller has just
 * unshared a time namespace that no process has entered yet. */
int ns_write_time_offsets(const struct oci_config *cfg, keel_err *err);

/* In the container process: setns() into each joined namespace except user
 * (done first, separately) and pid/time (handled around clone). */
int ns_join_all(const struct ns_plan *plan, int skip_flags, keel_err *err);

/* hostname and domainname (needs a new UTS namespace). */
int ns_set_names(const struct oci_config *cfg, keel_err *err);

#endif
