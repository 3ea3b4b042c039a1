"""The relay of a page's network namespace: the one way out of it, to the test cluster's API server.

Run as a program (standard library only) inside the namespaces `network.PageNetwork` makes, where it
is process 1 of the page's PID namespace (every process of the page's steps dies with it): it brings
up the loopback interface, listens on the API server's address inside the namespace, makes the
page's root (`confine`: only the system's program folders and the page's own, rule "filesystem")
and carries each connection through a unix socket (in the page's folder) to the host side, which
connects to the API server.
The host side runs `serve` too, from the other end.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import re
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


_libc = ctypes.CDLL(None, use_errno=True)
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC, _MS_REMOUNT = 1, 2, 4, 8, 32
_MS_NOATIME, _MS_NODIRATIME, _MS_BIND, _MS_REC, _MS_RELATIME = 1024, 2048, 4096, 16384, 1 << 21
_MNT_DETACH, _CLONE_NEWNS, _CLONE_NEWUSER = 2, 0x00020000, 0x10000000
# a mount's flags that a user namespace may not drop on remount (statvfs's f_flag -> mount's flag)
_KEPT = {os.ST_NOSUID: _MS_NOSUID, os.ST_NODEV: _MS_NODEV, os.ST_NOEXEC: _MS_NOEXEC, os.ST_NOATIME: _MS_NOATIME,
         os.ST_NODIRATIME: _MS_NODIRATIME, os.ST_RELATIME: _MS_RELATIME}  # fmt: skip
_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41, "loongarch64": 41, "ppc64le": 203, "ppc64": 203,
               "s390x": 217, "i686": 217, "i386": 217, "armv7l": 218, "armv6l": 218}  # fmt: skip

# What a step sees of this machine (rule "filesystem"): the system's program folders, read-only...
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
# ...but not the cluster credentials a node keeps in /etc (kubeadm's admin.conf, k3s' and rke2's k3s.yaml)
CREDENTIALS = ("/etc/kubernetes", "/etc/rancher")
DEVICES = ("null", "zero", "full", "random", "urandom", "tty")


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    fs = fstype.encode() if fstype else None
    _check(_libc.mount(source.encode(), target.encode(), fs, flags, data.encode() or None), f"cannot mount {target}")


def _read_only(target: str) -> None:
    """Remount a bind (and every mount under it) read-only, keeping the flags it must keep."""
    below = [target]
    with open("/proc/self/mountinfo", encoding="utf-8") as info:
        for line in info:
            point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), line.split()[4])
            if point.startswith(target + "/"):
                below.append(point)
    for path in below:
        kept = os.statvfs(path).f_flag
        flags = _MS_REMOUNT | _MS_BIND | _MS_RDONLY | sum(m for s, m in _KEPT.items() if kept & s)
        _mount("none", path, None, flags)


def _file(path: str, mode: int = 0o644) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, mode))


def confine(folder: str, files: list[str]) -> None:
    """Make this mount namespace's root a new one that holds only the system's program folders
    (read-only), the page's own folder (at its path), the tools it was given (read-only, at their
    path), a /dev of harmless devices, a /proc of the page's own processes and empty /tmp, /var/tmp
    and /run; the host's root is detached. Then lock it: a mount namespace of a new user namespace
    gets it, where no mount can be undone to reveal what is under it nor made writable again."""
    new = os.path.join(folder, "root")
    os.mkdir(new, 0o755)
    _mount("tmpfs", new, "tmpfs", _MS_NOSUID | _MS_NODEV, "mode=0755")
    for top in SYSTEM:
        inside = new + top
        if os.path.islink(top):
            os.symlink(os.readlink(top), inside)
        elif os.path.isdir(top):
            os.mkdir(inside, 0o755)
            _mount(top, inside, None, _MS_BIND | _MS_REC)
            _read_only(inside)
    for covered in CREDENTIALS:
        if os.path.isdir(new + covered):
            _mount("tmpfs", new + covered, "tmpfs", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC | _MS_RDONLY, "mode=0755")
    for tool in files:
        if not any(tool == top or tool.startswith(top + "/") for top in SYSTEM):
            _file(new + tool)
            _mount(tool, new + tool, None, _MS_BIND)
            _read_only(new + tool)
    dev = new + "/dev"
    os.mkdir(dev, 0o755)
    _mount("tmpfs", dev, "tmpfs", _MS_NOSUID | _MS_NOEXEC, "mode=0755")
    for name in DEVICES:
        if os.path.exists("/dev/" + name):
            _file(f"{dev}/{name}", 0o666)
            _mount("/dev/" + name, f"{dev}/{name}", None, _MS_BIND)
    for name, to in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                     ("stderr", "/proc/self/fd/2")):  # fmt: skip
        os.symlink(to, f"{dev}/{name}")
    for empty, mode in (
        ("/dev/shm", 0o1777),
        ("/tmp", 0o1777),
        ("/var/tmp", 0o1777),
        ("/run", 0o755),
        ("/proc", 0o555),
    ):
        os.makedirs(new + empty, exist_ok=True)
        os.chmod(new + empty, mode)
    # a /proc of this PID namespace only: the host's would show the writer's processes, and
    # /proc/PID/root of any of them is the host's whole filesystem
    _mount("proc", new + "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC)
    own = new + folder
    os.makedirs(own, exist_ok=True)
    _mount(folder, own, None, _MS_BIND)
    machine = os.uname().machine
    if machine not in _PIVOT_ROOT:
        raise OSError(0, f"this machine ({machine}) is not known to kubedoctest's relay (no pivot_root number)")
    os.chdir(new)
    _check(_libc.syscall(_PIVOT_ROOT[machine], b".", b"."), "cannot pivot_root")
    _check(_libc.umount2(b".", _MNT_DETACH), "cannot detach the host's root")
    os.chdir(folder)
    _check(_libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNS), "cannot lock the page's mounts")


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
    host, port, unix_name, work, files = argv[0], int(argv[1]), argv[2], argv[3], argv[4:]
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # process 1: orphans (a port-forward in the background) are reaped
    try:
        loopback_up()
        listener = listen_tcp(host, port)
        folder = os.getcwd()
        confine(folder, files)
        os.chdir(work)  # where `nsenter --wdns` finds it; the socket to the host side is in the folder
        unix_path = os.path.relpath(os.path.join(folder, unix_name), work)
    except OSError as e:
        print(f"error: {e}", flush=True)
        return 1
    print("ready", flush=True)
    serve(listener, _to_unix(unix_path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
