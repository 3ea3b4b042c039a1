"""What dead kwok runs left: their processes (still naming their folder) and their folders."""

from __future__ import annotations

import shutil
from collections.abc import Callable

from .. import processes, records
from ..provider import ProviderError, failure
from ..records import Entry


def remove(entry: Entry, log: Callable[[str], None]) -> None:
    """Kill what is left of a registered kwok cluster, remove its folder, then its entry."""
    folder = entry.folder
    if folder is not None:
        processes.kill_tree((entry.data or {}).get("pids", []), folder)
        shutil.rmtree(folder, ignore_errors=True)
        if folder.exists():
            raise failure("delete", "kwok", entry.name, f"cannot remove {folder}; remove it by hand")
    entry.path.unlink(missing_ok=True)


def gc(log: Callable[[str], None]) -> list[str]:
    """Entries of runs whose owner is dead (a `cluster up` cluster whose processes still run is kept)."""
    removed = []
    for entry in records.dead("kwok"):
        try:
            remove(entry, log)
        except ProviderError as e:  # one stuck cluster does not stop the removal of the others
            log(f"kubedoctest: {e}")
            continue
        removed.append(entry.name)
        log(f"removed kwok cluster {entry.name!r} left behind" + (f" in {entry.folder}" if entry.folder else ""))
    return removed
