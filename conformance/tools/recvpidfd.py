#!/usr/bin/env python3
"""recvpidfd.py SOCKET OUTPUT: the receiving end of a runtime's --pidfd-socket.

Listens on the unix socket SOCKET, takes the pidfd the runtime sends with SCM_RIGHTS and
writes to OUTPUT the pid it refers to (the "Pid:" line of its fdinfo, which only a pidfd
has) and whether pidfd_send_signal with signal 0 through it works: "PID ok", or "-" when
no fd came.
"""
import array
import os
import signal
import sys

from unixsock import accept_one, recv_with_fds


def describe(fd):
    with open(f"/proc/self/fdinfo/{fd}") as info:
        pid = next((line.split()[1] for line in info if line.startswith("Pid:")), "none")
    try:
        signal.pidfd_send_signal(fd, 0)
        alive = "ok"
    except OSError as e:
        alive = f"signal failed: {e}"
    return f"{pid} {alive}"


def main():
    path, output = sys.argv[1], sys.argv[2]
    conn = accept_one(path)
    fds = array.array("i")
    recv_with_fds(conn, 4096, 1, fds)
    conn.close()
    result = describe(fds[0]) if fds else "-"
    with open(output + ".tmp", "w") as out:
        out.write(result)
    os.rename(output + ".tmp", output)


if __name__ == "__main__":
    main()
