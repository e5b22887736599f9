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

/* A compiled filter: plain memory, so it survives fork() and can be written to
 * the state directory for `exec` without compiling again. */
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

/* Frees what the struct owns and zeroes it. */
void keel_seccomp_release(struct keel_seccomp *f);

/* Installs the filter on the calling process. When the filter uses NOTIFY,
 * *listener_fd receives the (O_CLOEXEC) listener fd, otherwise -1.
 *
 * When to call it (runc's order, which the spec's noNewPrivileges implies):
 * loading a filter needs either no_new_privs or CAP_SYS_ADMIN. With
 * process.noNewPrivileges true, set PR_SET_NO_NEW_PRIVS and load last, right
 * before execve, so that the fewest runtime syscalls run under the filter.
 * With noNewPrivileges false, load it before capabilities are dropped (and
 * before setuid), while CAP_SYS_ADMIN is still held; the remaining setup
 * (capset, setgroups, setresuid, chdir, execve) then runs under the filter. */
int keel_seccomp_load(const struct keel_seccomp *f, int *listener_fd, keel_err *err);

/* Sends the listener fd and the container process state (the spec's
 * "containerProcessState") to f->listener_path: one connection, one message with
 * the fd as SCM_RIGHTS, then closed. `pid` is the container process as the
 * runtime sees it; `state` is the container's state (status "creating" for
 * create/run, "running" for exec). Runs in the runtime, not in the container,
 * since listenerPath is a host path. */
int keel_seccomp_send_listener(const struct keel_seccomp *f, int listener_fd, pid_t pid,
                               const struct oci_state *state, keel_err *err);

/* Writes the compiled filter to `path` (temp name + rename) and reads it back,
 * so that `exec` loads the container's filter without recompiling it. */
int keel_seccomp_save(const struct keel_seccomp *f, const char *path, keel_err *err);
int keel_seccomp_read(const char *path, struct keel_seccomp *out, keel_err *err);

/* Fills features.json's linux.seccomp (zeroed first): actions, operators and
 * architectures this libseccomp knows, and the flags the kernel accepts. */
int keel_seccomp_features(struct oci_features_seccomp *out, keel_err *err);

#endif
