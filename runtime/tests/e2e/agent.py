#!/usr/bin/env python3
"""A seccomp agent and console-socket receiver for exec-seccomp.t: listens on a
unix socket, takes one connection's SCM_RIGHTS fd and payload, and reports them.

  agent.py seccomp SOCK OUT   write the container process state (JSON) and the
                              number of fds to OUT, then close the listener fd
  agent.py serve SOCK OUT     as seccomp, then let every notified syscall
                              continue, appending its number to OUT.nrs
  agent.py console SOCK OUT   read the terminal master until EOF into OUT
"""
import fcntl
import json
import os
import select
import socket
import struct
import sys

# _IOWR('!', 0, struct seccomp_notif) and _IOWR('!', 1, struct seccomp_notif_resp)
NOTIF_RECV = 0xC0502100
NOTIF_SEND = 0xC0182101
FLAG_CONTINUE = 1


def serve(fd, out):
    """Answers notifications until the filter has no task left."""
    while True:
        ready = select.poll()
        ready.register(fd, select.POLLIN)
        events = ready.poll()
        if any(ev & (select.POLLHUP | select.POLLERR) for _, ev in events):
            return
        req = bytearray(80)
        try:
            fcntl.ioctl(fd, NOTIF_RECV, req)
        except OSError:
            return
        notif_id, _pid, _flags, nr = struct.unpack_from("<QIIi", req)
        with open(out + ".nrs", "a") as f:
            f.write("%d\n" % nr)
        resp = bytearray(struct.pack("<QqiI", notif_id, 0, 0, FLAG_CONTINUE))
        try:
            fcntl.ioctl(fd, NOTIF_SEND, resp)
        except OSError:
            pass


def main():
    mode, path, out = sys.argv[1:4]
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    with open(out + ".ready", "w"):
        pass
    conn, _ = srv.accept()
    payload, fds, _, _ = socket.recv_fds(conn, 65536, 4)
    if mode in ("seccomp", "serve"):
        while True:
            more = conn.recv(65536)
            if not more:
                break
            payload += more
        state = json.loads(payload)
        state["receivedFds"] = len(fds)
        with open(out, "w") as f:
            json.dump(state, f)
        if mode == "serve":
            serve(fds[0], out)
        for fd in fds:
            os.close(fd)
        return
    data = b""
    while True:
        try:
            chunk = os.read(fds[0], 4096)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    with open(out, "wb") as f:
        f.write(data)


main()
