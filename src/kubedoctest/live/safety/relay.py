"""The relay of a page's network namespace: the one way out of it, to the test cluster's API server.

Run as a program (standard library only) inside the namespaces `network.PageNetwork` makes, where it
is process 1 of the page's PID namespace (every process of the page's steps dies with it): it brings
up the loopback interface, hides the host's `/run` (the sockets of docker, containerd and other
daemons) behind an empty tmpfs, listens on the API server's address inside the namespace and
carries each connection through a unix socket (in its working folder, the page's sandbox) to the host side, which connects to the API server.
The host side runs `serve` too, from the other end.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import signal
import socket
import struct
import sys
import threading
from collections.abc import Callable

_SIOCGIFFLAGS, _SIOCSIFFLAGS, _IFF_UP = 0x8913, 0x8914, 0x1


def loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        flags = struct.unpack("16sH", fcntl.ioctl(s, _SIOCGIFFLAGS, struct.pack("16sH", b"lo", 0)))[1]
        fcntl.ioctl(s, _SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | _IFF_UP))


def hide(path: str) -> None:
    """An empty tmpfs over `path` in this mount namespace (the host's stays as it is)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.mount(b"tmpfs", path.encode(), b"tmpfs", 0, b"mode=0755") != 0:
        raise OSError(ctypes.get_errno(), f"cannot hide {path}: {os.strerror(ctypes.get_errno())}")


def _pipe(src: socket.socket, dst: socket.socket) -> None:
    try:
        while data := src.recv(65536):
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s, how in ((dst, socket.SHUT_WR), (src, socket.SHUT_RD)):
            try:
                s.shutdown(how)
            except OSError:
                pass


def _carry(client: socket.socket, connect: Callable[[], socket.socket]) -> None:
    try:
        upstream = connect()
    except OSError:
        client.close()
        return
    back = threading.Thread(target=_pipe, args=(upstream, client), daemon=True)
    back.start()
    _pipe(client, upstream)
    back.join()
    client.close()
    upstream.close()


def serve(listener: socket.socket, connect: Callable[[], socket.socket], stop: threading.Event | None = None) -> None:
    """Accept until the listener is closed (or `stop` is set); each connection carried to `connect()`."""
    while not (stop and stop.is_set()):
        try:
            client, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=_carry, args=(client, connect), daemon=True).start()


def listen_tcp(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(64)
    return s


def _to_unix(path: str) -> Callable[[], socket.socket]:
    def connect() -> socket.socket:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        return s

    return connect


def main(argv: list[str]) -> int:
    host, port, unix_path, hidden = argv[0], int(argv[1]), argv[2], argv[3:]
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # process 1: orphans (a port-forward in the background) are reaped
    try:
        loopback_up()
        for path in hidden:
            hide(path)
        listener = listen_tcp(host, port)
    except OSError as e:
        print(f"error: {e}", flush=True)
        return 1
    print("ready", flush=True)
    serve(listener, _to_unix(unix_path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
