#!/usr/bin/env python3
"""seccompagent.py SOCKET OUTPUT: a minimal seccomp agent for SCMP_ACT_NOTIFY.

Accepts one connection on the unix socket SOCKET, reads the container process state the
runtime sends (JSON, file descriptors by SCM_RIGHTS in the first message), notes in
OUTPUT.closed whether the runtime then closed the connection, writes the JSON to OUTPUT and
the number of fds received to OUTPUT.fds, then closes the seccomp fd so that notified syscalls fail with ENOSYS.
"""
import array
import json
import os
import socket
import sys

from unixsock import accept_one, recv_with_fds


def complete(payload):
    try:
        json.loads(payload)
        return True
    except ValueError:
        return False


def main():
    path, output = sys.argv[1], sys.argv[2]
    conn = accept_one(path)
    payload = b""
    fds = array.array("i")
    closed = "no"
    while True:
        data = recv_with_fds(conn, 65536, 16, fds)
        if not data:
            closed = "yes"
            break
        payload += data
        if complete(payload):
            # The runtime MUST close the connection now: give it a moment to.
            conn.settimeout(2)
            try:
                closed = "no" if conn.recv(1) else "yes"
            except socket.timeout:
                closed = "no"
            break
    conn.close()
    with open(output + ".closed", "w") as out:
        out.write(closed)
    with open(output, "wb") as out:
        out.write(payload)
    for fd in fds:
        os.close(fd)
    with open(output + ".fds", "w") as out:
        out.write(str(len(fds)))


if __name__ == "__main__":
    main()
