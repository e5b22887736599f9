"""The receiving end of a unix socket for the suite's tools (recvtty, seccompagent)."""
import socket


def accept_one(path):
    """Listens on the unix socket path and returns its first connection."""
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    conn, _ = srv.accept()
    srv.close()
    return conn


def recv_with_fds(conn, size, max_fds, fds):
    """One recvmsg of up to size bytes; fds sent with SCM_RIGHTS are appended
    to fds (an array("i")). Returns the data."""
    data, ancdata, _, _ = conn.recvmsg(size, socket.CMSG_SPACE(max_fds * fds.itemsize))
    for level, kind, cdata in ancdata:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(cdata[: len(cdata) - (len(cdata) % fds.itemsize)])
    return data
