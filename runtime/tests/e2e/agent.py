#!/usr/bin/env python3
"""A seccomp agent and console-socket receiver for exec-seccomp.t: listens on a
unix socket, takes one connection's SCM_RIGHTS fd and payload, and reports them.

  agent.py seccomp SOCK OUT   write the container process state (JSON) and the
                              number of fds to OUT, then close the listener fd
  agent.py console SOCK OUT   read the terminal master until EOF into OUT
"""
import json
import os
import socket
import sys


def main():
    mode, path, out = sys.argv[1:4]
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    with open(out + ".ready", "w"):
        pass
    conn, _ = srv.accept()
    payload, fds, _, _ = socket.recv_fds(conn, 65536, 4)
    if mode == "seccomp":
        while True:
            more = conn.recv(65536)
            if not more:
                break
            payload += more
        state = json.loads(payload)
        state["receivedFds"] = len(fds)
        with open(out, "w") as f:
            json.dump(state, f)
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
