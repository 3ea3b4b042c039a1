"""The record of every cluster (or run's footprint on a cluster) this machine has under way, that gc
reads to remove what a run left behind when its owner died (kill -9) before it could clean up,
and `cluster status|down` read for the clusters of `cluster up`.

Entries are JSON files written atomically (temporary file, fsync, rename), so a reader sees either
no entry or a whole one; an entry that cannot be read is never taken as dead.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .build import cache_root
from .processes import alive

UNREADABLE_GRACE = 600.0  # an unreadable entry older than this is removed by gc (never a younger one)


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


def remove_stale_temporary_files(log: Callable[[str], None]) -> None:
    """Temporary files of interrupted atomic writes (never renamed) older than the grace period."""
    for tmp in registry_dir().glob(".*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            if time.time() - tmp.stat().st_mtime > UNREADABLE_GRACE:
                tmp.unlink()
                log(f"removed an interrupted registry write {tmp}")
