#!/usr/bin/env python3
"""recvtty.py SOCKET OUTPUT: the receiving end of a runtime's --console-socket.

Listens on the unix socket SOCKET, takes the pty master that the runtime sends with
SCM_RIGHTS, copies everything the container writes to its terminal into OUTPUT until the
terminal closes, and writes "-" to OUTPUT.done when it got no fd.
"""
import array
import os
import sys

from unixsock import accept_one, recv_with_fds


def receive_fd(conn):
    fds = array.array("i")
    recv_with_fds(conn, 4096, 1, fds)
    return fds[0] if fds else -1


def main():
    path, output = sys.argv[1], sys.argv[2]
    conn = accept_one(path)
    fd = receive_fd(conn)
    conn.close()
    with open(output, "wb") as out:
        while fd >= 0:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO once the last slave fd closes
                break
            if not chunk:
                break
            out.write(chunk)
            out.flush()
    with open(output + ".done", "w") as done:
        done.write("ok" if fd >= 0 else "-")


if __name__ == "__main__":
    main()
