/* linux.seccomp: compiled to BPF once (libseccomp) in the runtime, loaded with
 * seccomp(2) by the container process right before it execs the user program. */
#ifndef KEEL_SECCOMP_FILTER_H
#define KEEL_SECCOMP_FILTER_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "keel/error.h"
#include "keel/runtime_spec.h"

/* A compiled filter: plain memory, so it survives fork() into the container
 * process, and a few bytes to keep in the cache (seccomp_cache.c). */
struct keel_seccomp {
    struct sock_filter *prog;
    size_t prog_len;
    unsigned int flags;      /* SECCOMP_FILTER_FLAG_* given to seccomp(2) */
    bool notify;             /* a rule uses SCMP_ACT_NOTIFY: a listener fd comes back */
    char *listener_path;     /* linux.seccomp.listenerPath */
    char *listener_metadata; /* linux.seccomp.listenerMetadata */
    char **unknown;          /* syscall names this libseccomp does not know (skipped) */
    size_t unknown_len;
};

/* Compiles `s` into *out (zeroed first). Errors name the JSON path under
 * linux.seccomp ("linux.seccomp.syscalls[3].action: unknown action ..."). Unknown
 * syscall names are skipped, as runc does, and listed in out->unknown for the
 * caller to warn about. Rules whose action equals the default are dropped. */
int keel_seccomp_compile(const struct oci_seccomp *s, struct keel_seccomp *out, keel_err *err);

/* The same through a cache under cache_dir (made 0700 if missing; the
 * runtime's root): containers with the same profile, as docker's default
 * is, compile it once. A hit is verified against the whole profile, not a
 * hash; failing to store an entry is not an error. */
int keel_seccomp_compile_cached(const struct oci_seccomp *s, const char *cache_dir,
                                struct keel_seccomp *out, keel_err *err);

/* The cache's directory under the runtime's --root (a dot name: `list`
 * skips it). */
#define KEEL_SECCOMP_CACHE_DIR ".seccomp-cache"

/* Frees what the struct owns and zeroes it. */
void keel_seccomp_release(struct keel_seccomp *f);

/* Installs the filter on the calling process (keel_seccomp_apply says when).
 * When the filter uses NOTIFY, *listener_fd receives the (O_CLOEXEC) listener
 * fd, otherwise -1. It needs no_new_privs or CAP_SYS_ADMIN. */
int keel_seccomp_load(const struct keel_seccomp *f, int *listener_fd, keel_err *err);

/* The points of the container process' setup where the filter may go in:
 *   KEEL_SECCOMP_PREPARED     setup done, the runtime still waiting for READY;
 *   KEEL_SECCOMP_BEFORE_EXEC  right before execve.
 * BEFORE_EXEC, so that no syscall of keel's own but execve runs under the profile
 * (without noNewPrivileges the process keeps CAP_SYS_ADMIN in its effective set
 * up to there, see process.c); PREPARED when a NOTIFY listener fd must still
 * reach the runtime (after READY, `create` has gone). */
enum keel_seccomp_point {
    KEEL_SECCOMP_PREPARED,
    KEEL_SECCOMP_BEFORE_EXEC,
};

enum keel_seccomp_point keel_seccomp_point_for(const struct keel_seccomp *f);

/* Called at each point (f NULL: no filter, nothing to do): loads f when `point`
 * is its point; a NOTIFY listener fd then goes over fd_sock (SCM_RIGHTS) to the
 * runtime, which passes it on with keel_seccomp_forward_listener. */
int keel_seccomp_apply(const struct keel_seccomp *f, enum keel_seccomp_point point, int fd_sock,
                       keel_err *err);

/* The runtime's side: receives the listener fd from fd_sock and sends it with
 * the container process state to the agent (keel_seccomp_send_listener). */
int keel_seccomp_forward_listener(const struct keel_seccomp *f, int fd_sock, pid_t pid,
                                  const struct oci_state *state, keel_err *err);

/* Sends the listener fd and the container process state (the spec's
 * "containerProcessState") to f->listener_path: one connection, one message with
 * the fd as SCM_RIGHTS, then closed. `pid` is the container process as the
 * runtime sees it; `state` is the container's state (status "creating" for
 * create/run, "running" for exec). Runs in the runtime, not in the container,
 * since listenerPath is a host path. */
int keel_seccomp_send_listener(const struct keel_seccomp *f, int listener_fd, pid_t pid,
                               const struct oci_state *state, keel_err *err);

/* Sends fd over a unix socket with a one-byte payload (SCM_RIGHTS), as
 * keel_seccomp_forward_listener expects it. */
int keel_seccomp_pass_fd(int sock, int fd, keel_err *err);

/* Fills features.json's linux.seccomp (zeroed first): actions, operators and
 * architectures this libseccomp knows, and the flags the kernel accepts. */
int keel_seccomp_features(struct oci_features_seccomp *out, keel_err *err);

#endif
