"""How `python wsgi.py` listens: every connection has Nagle's algorithm off.

The servers write a response's headers and body in two sends; with Nagle on,
the body waits for the client's delayed ACK (about 40 ms per response on a
keep-alive connection, every page and every static file). The test looks at
the server's own accepted socket, in each async mode, by taking a copy of its
descriptor (pidfd_getfd: the server is this process's child)."""

from __future__ import annotations

import ctypes
import os
import shutil
import socket

import pytest
from fixtures.servers import free_port, start_server

from hotline.serving import nodelay_listener

SYS_PIDFD_GETFD = 438  # the same number on x86-64 and arm64


def server_socket_for(pid: int, client: socket.socket) -> socket.socket:
    """The server's end of `client`'s connection, as a socket of this process."""
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    try:
        for name in os.listdir(f"/proc/{pid}/fd"):
            try:
                if not os.readlink(f"/proc/{pid}/fd/{name}").startswith("socket:"):
                    continue
            except FileNotFoundError:
                continue
            fd = libc.syscall(SYS_PIDFD_GETFD, pidfd, int(name), 0)
            if fd < 0:
                error = ctypes.get_errno()
                pytest.skip(f"pidfd_getfd is not allowed here ({os.strerror(error)})")
            theirs = socket.socket(fileno=fd)
            try:
                if theirs.getpeername() == client.getsockname():
                    return theirs
            except OSError:
                pass
            theirs.close()
    finally:
        os.close(pidfd)
    raise AssertionError("the server has no socket for this connection")


def test_the_listener_hands_nodelay_to_every_connection():
    listener = nodelay_listener("127.0.0.1", 0, lambda address: socket.create_server(address))
    with listener, socket.create_connection(listener.getsockname()):
        accepted, _ = listener.accept()
        with accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    # Without it a new connection has Nagle on, so the check above means something.
    with socket.create_server(("127.0.0.1", 0)) as plain:
        with socket.create_connection(plain.getsockname()):
            accepted, _ = plain.accept()
            with accepted:
                assert not accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


@pytest.mark.parametrize("mode", ["eventlet", "gevent"])
def test_the_server_answers_without_nagle(mode, template_databases, tmp_path):
    db_path = tmp_path / "hotline.sqlite3"
    shutil.copy(template_databases["demo"], db_path)
    port = free_port()
    process = start_server(
        {"DATABASE_URL": f"sqlite:///{db_path}", "HOTLINE_ASYNC_MODE": mode}, port
    )
    try:
        with socket.create_connection(("127.0.0.1", port)) as client:
            client.sendall(b"GET /static/app.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert client.recv(64).startswith(b"HTTP/1.1 200")
            theirs = server_socket_for(process.pid, client)
            with theirs:
                assert theirs.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        process.terminate()
        process.wait(timeout=10)
