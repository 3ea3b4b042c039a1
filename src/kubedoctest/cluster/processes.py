"""Child processes of a local cluster: start, stop, free ports, and the registry that `gc` reads
to remove clusters whose owner died (kill -9) before it could clean up."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from .build import cache_root

_PR_SET_PDEATHSIG = 1


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:  # runs in the child before exec
    os.setsid()  # own session: a Ctrl-C at the terminal reaches us only, and we stop them in order
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def start(command: list[str], log: Path, env: dict[str, str] | None = None, detach: bool = False) -> subprocess.Popen:
    """Start a child; unless detached it is killed by the kernel when this process dies (even by kill -9)."""
    out = log.open("ab")
    try:
        return subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=detach,
            preexec_fn=None if detach else _die_with_parent,
        )
    finally:
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
            p.wait()


def registry_dir() -> Path:
    d = cache_root() / "clusters"
    d.mkdir(parents=True, exist_ok=True)
    return d


def register(name: str, folder: Path, pids: list[int], owner: int | None) -> Path:
    entry = registry_dir() / f"{name}.json"
    entry.write_text(json.dumps({"name": name, "folder": str(folder), "pids": pids, "owner": owner}))
    return entry


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\x00", b" ").decode(errors="replace")
    except OSError:
        return ""


def kill_tree(pids: list[int], folder: Path) -> None:
    """Kill processes that still belong to the cluster in folder (their command line names it)."""
    for pid in pids:
        if _alive(pid) and str(folder) in _cmdline(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def gc(log=print) -> list[str]:
    """Remove clusters whose owner process is gone; returns their names."""
    removed = []
    for entry in sorted(registry_dir().glob("*.json")):
        try:
            data = json.loads(entry.read_text())
        except (OSError, ValueError):
            entry.unlink(missing_ok=True)
            continue
        if data.get("owner") is not None and _alive(data["owner"]):
            continue
        if data.get("owner") is None and any(_alive(p) for p in data.get("pids", [])):
            continue  # a cluster started with `cluster up`: alive until `cluster down`
        folder = Path(data["folder"])
        kill_tree(data.get("pids", []), folder)
        shutil.rmtree(folder, ignore_errors=True)
        entry.unlink(missing_ok=True)
        removed.append(data.get("name", entry.stem))
        log(f"removed cluster {data.get('name')!r} left behind in {folder}")
    return removed
