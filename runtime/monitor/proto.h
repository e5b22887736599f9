/* The attach.sock protocol: frames of a type byte, a 32-bit length in host
 * order (both ends are on this machine) and the payload.
 *
 *   client -> monitor: a request first (ATTACH, WAIT, STOP, KILL, HOLD, UPDATE),
 *                      then, attached, STDIN / STDIN_EOF / RESIZE / SIGNAL
 *   monitor -> client: RESULT (status + message) for start, stop, kill, update;
 *                      HELLO (tty) then STDOUT / STDERR for attach;
 *                      EXIT (the container's status) for attach and wait.
 * HOLD is answered by nothing: the monitor closes it when it exits for good
 * (`logs -f` knows then that the log is complete). */
#ifndef KEEL_MONITOR_PROTO_H
#define KEEL_MONITOR_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "keel/error.h"

enum frame_type {
    F_ATTACH = 1, /* payload: u8 stdin */
    F_DETACHED,   /* start without --attach: no payload */
    F_WAIT,
    F_STOP,       /* payload: "TIMEOUT SIGNAL" (-1 for the container's defaults) */
    F_KILL,       /* payload: signal number as text */
    F_HOLD,
    F_STDIN,
    F_STDIN_EOF,
    F_RESIZE,     /* payload: u16 rows, u16 cols */
    F_SIGNAL,     /* payload: signal number as text */
    F_RESULT,     /* payload: status as text, a space, the message */
    F_HELLO,      /* payload: u8 tty */
    F_STDOUT,
    F_STDERR,
    F_EXIT,       /* payload: status as text */
    F_UPDATE,     /* payload: the new restart policy (docker update --restart) */
};

#define FRAME_MAX (64u << 10)

struct frame {
    uint8_t type;
    uint32_t len;
    char data[FRAME_MAX + 1]; /* NUL after the payload */
};

/* Sends one frame in one write. -1 with errno. */
int frame_send(int fd, uint8_t type, const void *data, size_t len);
/* A frame whose payload is text. */
int frame_send_text(int fd, uint8_t type, const char *text);
/* Reads one frame (blocking). 0, or -1 with errno (0 at a clean end: EOF). */
int frame_recv(int fd, struct frame *f);

/* CDIR/attach.sock's address through /proc/self/fd/DIRFD, so that a long
 * CDIR still fits in sun_path. */
void attach_sock_path(int dirfd, char *buf, size_t len);
/* Connects to CDIR/attach.sock; -1 with err "container ... is not running"
 * style message when nobody listens (errno ECONNREFUSED or ENOENT). */
int attach_sock_connect(const char *dir, keel_err *err);

#endif
