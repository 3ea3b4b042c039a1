"""Each page's runbook steps get a network of their own: they reach the test cluster's API server
and the local ports their own page opened, nothing else, whatever tool they run.

A page's steps run inside new user, network, PID and mount namespaces (`unshare`), entered with
`nsenter` for each step, so the port a step's `kubectl port-forward` opens is there for the next
step of the same page and for no other page. The namespace has only a loopback interface: the
host's ports (a `kubectl proxy` with the writer's credentials, another cluster's API server, a
port-forward to production), other machines, and the abstract unix sockets of the host are out of
reach, for kubectl and curl (static binaries or not), bash's `/dev/tcp` and any interpreter alike.
The one way out is a relay (relay.py, process 1 of the page's PID namespace) that listens on the
API server's address inside and carries each connection through a unix socket to this process,
which connects to the API server. The mount namespace's root is the page's own (relay.confine, rule
"filesystem"): the system's program folders read-only, the page's folder, its tools, a /proc of its
own PID namespace; not the writer's HOME, kubeconfigs, /tmp or any daemon's socket. The user
namespace maps only the run's own user, so a step holds no capability on the host (it cannot enter
the host's namespaces again) and needs no root: only unprivileged user namespaces, which most Linux
distributions allow.

Where the namespaces cannot be made (no `unshare`, user namespaces switched off, not Linux), the
page's steps are not run and each says why: there is no silent fall-back to the host's network.
"""

from __future__ import annotations

import contextlib
import ctypes
import ipaddress
import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from . import relay

READY_TIMEOUT = 20.0
CONNECT_TIMEOUT = 15.0
WHY = (
    "runbook steps run in network namespaces of their own (user, network, PID and mount namespaces "
    "made with util-linux's unshare and entered with nsenter), so that they reach only the test "
    "cluster and the ports their page opened"
)
_PR_SET_PDEATHSIG = 1


_BLOCKED = re.compile(
    r"Connection refused|Couldn't connect to server|Failed to connect to|Network is unreachable|"
    r"Could not resolve host|failed: Connection refused|unable to resolve host address",
    re.I,
)
BLOCKED_NOTE = (
    "; note: runbook steps reach only the test cluster's API server and the local ports an earlier "
    "step of their page opened with kubectl port-forward (safety rule 'network')"
)


_MISSING = re.compile(r"(/[^\s:'\"]+)'?:? (?:No such file or directory|no such file or directory)")
MISSING_NOTE = (
    "; note: runbook steps see only the system's program folders and their page's own folder, not "
    "{path} (safety rule 'filesystem')"
)


def explain(output: str, own: str = "") -> str:
    """What to add to a failed step's message when it could not connect, or found no file outside
    its page's folder (`own`): the rule that stopped it."""
    if _BLOCKED.search(output):
        return BLOCKED_NOTE
    for found in _MISSING.finditer(output):
        path = found.group(1)
        if not (own and (path + "/").startswith(own.rstrip("/") + "/")) and not any(
            path == top or path.startswith(top + "/") for top in relay.SYSTEM
        ):
            return MISSING_NOTE.format(path=path)
    return ""


class IsolationError(RuntimeError):
    """The page's namespaces could not be made: its steps must not run."""


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _die_with_parent() -> None:  # runs in the child before exec
    os.setsid()
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class PageNetwork:
    """The namespaces of one page's steps and their relay to the API server at `server` (a URL)."""

    def __init__(self, folder: Path, server: str, work: Path, tools: list[str]):
        url = urlsplit(server)
        if not url.hostname:
            raise IsolationError(f"the test cluster's server {server!r} names no host")
        self.host = url.hostname
        self.port = url.port or (443 if url.scheme == "https" else 80)
        self.inside = self.host if _loopback(self.host) and self.host != "localhost" else "127.0.0.1"
        # a server elsewhere (an existing cluster) is reached at the relay's address inside; its
        # certificate is still checked for its real name
        self.tls_server_name = None if _loopback(self.host) else self.host
        netloc = f"[{self.inside}]" if ":" in self.inside else self.inside
        self.server = urlunsplit((url.scheme, f"{netloc}:{self.port}", url.path, "", ""))
        if _loopback(self.host):
            self.server = server
        self.socket_path = folder / "api.sock"
        self._stop = threading.Event()
        self._holder: subprocess.Popen | None = None
        self.pid = 0
        unshare, nsenter = shutil.which("unshare"), shutil.which("nsenter")
        if not sys.platform.startswith("linux") or not unshare or not nsenter:
            raise IsolationError(f"{WHY}; this machine has no unshare/nsenter (Linux with util-linux is needed)")
        self._nsenter = nsenter
        # bound through the folder's descriptor: a unix socket's path is limited to 107 bytes
        folder_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self._listener.bind(f"/proc/self/fd/{folder_fd}/{self.socket_path.name}")
        finally:
            os.close(folder_fd)
        self._listener.listen(64)
        threading.Thread(
            target=relay.serve, args=(self._listener, self._connect, self._stop), daemon=True, name="kubedoctest-relay"
        ).start()
        self.work = work
        command = [
            unshare, "--user", "--map-root-user", "--net", "--pid", "--fork", "--kill-child", "--mount",
            "--propagation", "private", "--", sys.executable, "-I", "-S", relay.__file__,
            self.inside, str(self.port), self.socket_path.name, str(work), *tools,
        ]  # fmt: skip
        try:
            self._holder = subprocess.Popen(
                command, cwd=folder, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                preexec_fn=_die_with_parent,  # noqa: PLW1509 (only setsid and prctl)
            )  # fmt: skip
            self._wait_ready()
        except BaseException:
            self.close()
            raise

    def _connect(self) -> socket.socket:
        upstream = socket.create_connection((self.host, self.port), timeout=CONNECT_TIMEOUT)
        upstream.settimeout(None)  # a watch or a port-forward stream may stay quiet for minutes
        return upstream

    def _wait_ready(self) -> None:
        assert self._holder is not None and self._holder.stdout is not None
        with selectors.DefaultSelector() as sel:
            sel.register(self._holder.stdout, selectors.EVENT_READ)
            line = self._holder.stdout.readline().decode(errors="replace").strip() if sel.select(READY_TIMEOUT) else ""
        if line != "ready":
            self._holder.kill()
            _, err = self._holder.communicate()
            said = "; ".join(x for x in (line, err.decode(errors="replace").strip()) if x) or "no answer"
            hint = (
                "a /proc of the page's own PID namespace cannot be mounted where the host's /proc is partly "
                "masked, as in a container (docker run --security-opt systempaths=unconfined lifts the mask)"
                if "root/proc:" in said
                else "unprivileged user namespaces may be switched off: sysctl "
                "kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu 23.10 and later, "
                "kernel.unprivileged_userns_clone=1 on older Debian, user.max_user_namespaces > 0"
            )
            raise IsolationError(f"{WHY}; they could not be made here: {said} ({hint})")
        children = Path(f"/proc/{self._holder.pid}/task/{self._holder.pid}/children").read_text().split()
        if not children:
            raise IsolationError(f"{WHY}; the relay of the page's namespaces is gone")
        self.pid = int(children[0])

    def launcher(self) -> list[str]:
        """The command prefix that runs a program inside the page's namespaces, in its working folder.

        The step is the first user namespace's root (it owns the page's network and PID namespaces);
        its mount namespace is the relay's locked one (owned by a user namespace below it). The
        working folder is looked up inside (`--wdns`): `--wd` would hand the step a directory of
        the host's filesystem, from which `..` leads out of the page's root."""
        assert self._holder is not None
        return [
            self._nsenter, "-t", str(self.pid), f"--user=/proc/{self._holder.pid}/ns/user", "--net", "--pid",
            "--mount", f"--wdns={self.work}", "--",
        ]  # fmt: skip

    def close(self) -> None:
        """Every process of the page's steps dies (a port-forward left in the background too)."""
        self._stop.set()
        if self._holder is not None and self._holder.poll() is None:
            self._holder.kill()
            self._holder.wait()
        if self._holder is not None:
            for stream in (self._holder.stdout, self._holder.stderr):
                if stream is not None:
                    stream.close()
        self._listener.close()
        with contextlib.suppress(OSError):
            self.socket_path.unlink()
