"""Child processes of a local cluster: start, stop, free ports, and the registry that `gc` reads
to remove what a run left behind when its owner died (kill -9) before it could clean up.

Registry entries are JSON files written atomically (temporary file, fsync, rename), so a reader
sees either no entry or a whole one; an entry that cannot be read is never taken as dead.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .build import cache_root

_PR_SET_PDEATHSIG = 1
UNREADABLE_GRACE = 600.0  # an unreadable entry older than this is removed by gc (never a younger one)


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


def registry_dir() -> Path:
    d = cache_root() / "clusters"
    d.mkdir(parents=True, exist_ok=True)
    return d


def entry_path(name: str) -> Path:
    return registry_dir() / f"{name}.json"


def write_atomic(path: Path, text: str) -> None:
    """Write a whole file or nothing: temporary file in the same folder, fsync, rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def register(
    name: str,
    folder: Path | None,
    pids: list[int],
    owner: int | None,
    provider: str = "kwok",
    extra: dict[str, Any] | None = None,
) -> Path:
    """Record a cluster (or a run's footprint on a cluster) so gc can remove it if its owner dies."""
    path = entry_path(name)
    data = {
        "name": name,
        "provider": provider,
        "folder": str(folder) if folder else None,
        "pids": pids,
        "owner": owner,
        "host": socket.gethostname(),
        "started": time.time(),
        **(extra or {}),
    }
    write_atomic(path, json.dumps(data))
    return path


def unregister(name: str) -> None:
    entry_path(name).unlink(missing_ok=True)


@dataclass
class Entry:
    path: Path
    data: dict[str, Any] | None  # None: the file could not be read or parsed
    age: float = 0.0
    problem: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str((self.data or {}).get("name") or self.path.stem)

    def owner_alive(self) -> bool:
        """True while the run that wrote it may still be running (an unreadable entry counts as alive
        until it is old: it may be a writer we cannot see yet)."""
        if self.data is None:
            return self.age < UNREADABLE_GRACE
        owner = self.data.get("owner")
        if owner is not None:
            return alive(owner)
        if self.data.get("pids"):
            return any(alive(p) for p in self.data["pids"])  # `cluster up` of kwok: alive while they run
        return bool(self.data.get("detached"))  # `cluster up` of kind: its containers live until `cluster down`

    @property
    def detached(self) -> bool:
        """Brought up with `kubedoctest cluster up`: it belongs to no run."""
        return bool((self.data or {}).get("detached"))

    @property
    def folder(self) -> Path | None:
        folder = (self.data or {}).get("folder")
        return Path(folder) if folder else None


def entries(provider: str | None = None) -> Iterator[Entry]:
    """Every registry entry (of one provider type), tolerating files that vanish or are being replaced."""
    for path in sorted(registry_dir().glob("*.json")):
        try:
            stat = path.stat()
            text = path.read_text()
        except FileNotFoundError:
            continue  # removed meanwhile
        except OSError as e:
            yield Entry(path, None, 0.0, f"cannot read {path}: {e}")
            continue
        age = time.time() - stat.st_mtime
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except ValueError as e:
            yield Entry(path, None, age, f"cannot parse {path}: {e}")
            continue
        if provider is None or data.get("provider", "kwok") == provider:
            yield Entry(path, data, age)


def read(name: str) -> dict[str, Any] | None:
    entry = find(name)
    return entry.data if entry is not None else None


def find(name: str) -> Entry | None:
    for e in entries():
        if e.path.stem == name:
            return e
    return None


def dead(provider: str) -> Iterator[Entry]:
    """The readable entries of a provider type whose owner is gone."""
    for e in entries(provider):
        if e.data is not None and not e.owner_alive():
            yield e


def remove_unreadable(log: Callable[[str], None]) -> None:
    """Entries that could not be read for longer than the grace period, and interrupted writes."""
    remove_stale_temporary_files(log)
    for e in entries():
        if e.data is None and not e.owner_alive():
            e.path.unlink(missing_ok=True)
            log(f"removed an unreadable registry entry {e.path} ({e.problem})")


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


def remove_stale_temporary_files(log: Callable[[str], None]) -> None:
    """Temporary files of interrupted atomic writes (never renamed) older than the grace period."""
    for tmp in registry_dir().glob(".*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            if time.time() - tmp.stat().st_mtime > UNREADABLE_GRACE:
                tmp.unlink()
                log(f"removed an interrupted registry write {tmp}")
