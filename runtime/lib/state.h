/* A container's state directory under --root: state.json (keel's record),
 * exec.fifo (present while the container is created and not yet started),
 * config.json (the config as create read it), exec.err (the init's last
 * words when it fails between start and exec), all guarded by a per-container
 * flock that serializes concurrent keel commands on one container. */
#ifndef KEEL_STATE_H
#define KEEL_STATE_H

#include <stdbool.h>

#include "keel/error.h"
#include "keel/runtime_state.h"

enum container_status {
    STATUS_CREATING,
    STATUS_CREATED,
    STATUS_RUNNING,
    STATUS_PAUSED,
    STATUS_STOPPED,
};

#define STATE_FILE "state.json"
#define EXEC_FIFO "exec.fifo"
#define CONFIG_COPY "config.json"
#define EXEC_ERROR "exec.err"    /* why the init died between start and exec */

struct container {
    char *root;        /* the state root (--root) */
    char *id;
    char *dir;         /* root/id */
    int dirfd;         /* the state directory, locked */
    struct keel_container_state st;
};

/* ^[A-Za-z0-9_+.-]+$, not "." or "..", at most 1024 bytes (runc's rule). */
int state_validate_id(const char *id, keel_err *err);

/* Makes the state directory of a new container and locks it; fails when it
 * exists. */
int container_new(const char *root, const char *id, struct container *c, keel_err *err);
/* Locks an existing container's state directory and reads its state. */
int container_open(const char *root, const char *id, struct container *c, keel_err *err);
/* Locks the state directory of a container whose create never finished
 * (killed before state.json): EEXIST when it has a state after all. */
int container_open_unfinished(const char *root, const char *id, struct container *c, keel_err *err);
/* The same without the lock, for readers that must not wait on a create in
 * progress (list): state.json is replaced atomically, so it reads whole. */
int container_peek(const char *root, const char *id, struct container *c, keel_err *err);
/* Writes state.json atomically. */
int container_save(struct container *c, keel_err *err);
/* Removes the state directory (the lock goes with it). */
int container_remove(struct container *c, keel_err *err);
void container_close(struct container *c);
/* A struct container that closes itself at the end of its scope; initialise it
 * with CONTAINER_INIT (container_open and friends leave it closable on failure). */
#define cleanup_container __attribute__((cleanup(container_close)))
#define CONTAINER_INIT { .dirfd = -1 }

/* The status derived from the process and the exec FIFO. */
enum container_status container_status(const struct container *c);
const char *status_name(enum container_status s);

/* The spec's state object (pid 0 once stopped), for `state`, `list` and hooks. */
int container_oci_state(const struct container *c, enum container_status s,
                        struct oci_state *out, keel_err *err);
/* The same as JSON, for hooks' stdin. */
char *container_state_json(const struct container *c, enum container_status s, bool pretty,
                           keel_err *err);

/* Reads the config saved by create (for delete's poststop hooks, exec, ...). */
int container_load_config(const struct container *c, struct oci_config *cfg, keel_err *err);

#endif
