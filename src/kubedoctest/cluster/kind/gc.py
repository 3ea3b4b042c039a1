"""What dead kind runs left: registered clusters whose owner is gone, containers labelled by kind
with our name prefix that no run claims, and build containers of dead `cluster build` runs. A
cluster of `kubedoctest cluster up` belongs to no run: it stays until `cluster down`."""

from __future__ import annotations

from collections.abc import Callable

from .. import docker, records
from ..provider import ProviderError
from ..records import Entry
from . import delete
from .nodeimage.node import remove_dead_builds


def remove(entry: Entry, log: Callable[[str], None]) -> None:
    """Delete the kind cluster of a registry entry, then the entry (kept when something stays)."""
    data = entry.data or {}
    delete.delete(str(data.get("cluster") or entry.name), entry.folder, bool(data.get("made_network")),
                  dict(data.get("sysctls") or {}))  # fmt: skip
    entry.path.unlink(missing_ok=True)


def gc(log: Callable[[str], None]) -> list[str]:
    if docker.available() is not None:
        return []
    removed = []
    live = {e.data.get("cluster") or e.name for e in records.entries("kind") if e.data and e.owner_alive()}
    for entry in records.dead("kind"):
        name = str(entry.data.get("cluster") or entry.name) if entry.data else entry.name
        try:
            remove(entry, log)
            removed.append(name)
            log(f"removed kind cluster {name!r} left behind")
        except ProviderError as e:
            log(f"kubedoctest: {e}")
        entry.path.unlink(missing_ok=True)
    for cluster in sorted(delete.orphans() - live - set(removed)):
        try:
            delete.delete(cluster, None, False, {})
            removed.append(cluster)
            log(f"removed kind cluster {cluster!r} left behind (no run claims it)")
        except ProviderError as e:
            log(f"kubedoctest: {e}")
    removed += remove_dead_builds(log)
    return removed
