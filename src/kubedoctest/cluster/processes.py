"""Child processes of a local cluster: start them (dying with the run unless detached), stop them,
free ports, whether a process lives, and killing what is left of a dead run's cluster. The record
of each cluster that gc reads is records.py."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

_PR_SET_PDEATHSIG = 1


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:  # runs in the child before exec
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    os.setsid()  # own session: a Ctrl-C at the terminal reaches us only, and we stop them in order
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _detached() -> None:  # runs in the child before exec
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    os.setsid()


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def start(command: list[str], log: Path, env: dict[str, str] | None = None, detach: bool = False) -> subprocess.Popen:
    """Start a child; unless detached it is killed by the kernel when this process dies (even by kill -9)."""
    out = log.open("ab")
    # SIGINT/SIGTERM wait while forking: a handler that ran inside Python's fork callbacks would
    # have its exception printed and dropped; they are delivered right after, in plain code
    main = threading.current_thread() is threading.main_thread()
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS) if main else None
    try:
        return subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            preexec_fn=_detached if detach else _die_with_parent,
        )
    finally:
        if old is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
        out.close()


def stop(procs: list[subprocess.Popen], grace: float = 5.0) -> None:
    for p in procs:
        if p.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                p.terminate()
    deadline = time.monotonic() + grace
    for p in procs:
        remaining = max(0.1, deadline - time.monotonic())
        try:
            p.wait(timeout=remaining)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                p.kill()
            p.wait(timeout=grace)


def alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\x00", b" ").decode(errors="replace")
    except OSError:
        return ""


def kill_tree(pids: list[int], folder: Path) -> list[int]:
    """Kill processes that still belong to the cluster in folder (their command line names it)."""
    killed = []
    for pid in pids:
        if alive(pid) and str(folder) in cmdline(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
    return killed
