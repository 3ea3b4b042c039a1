"""Runs on someone else's cluster that died: delete the namespaces they labelled and annotated as
theirs (nothing else), then their folder. An unreachable cluster keeps the entry."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Callable
from pathlib import Path

from .. import records
from ..namespaces import delete_namespaces_of
from ..provider import ProviderError, failure
from ..records import Entry


def remove(entry: Entry, log: Callable[[str], None]) -> None:
    data = entry.data or {}
    folder = Path(data.get("folder") or "/nonexistent")
    owner = f"{data.get('host') or socket.gethostname()}/{data.get('owner')}"
    if (folder / "kubeconfig").is_file():
        try:
            names = delete_namespaces_of(folder / "kubeconfig", folder)
        except Exception as e:  # unreachable: keep the entry so a later gc tries again
            raise failure(
                "clean up", "existing", entry.name, f"cannot remove the namespaces left by run {owner}: {e}"
            ) from None
        for n in names:
            log(f"removed namespace {n!r} left by run {owner}")
    shutil.rmtree(folder, ignore_errors=True)
    entry.path.unlink(missing_ok=True)


def gc(log: Callable[[str], None]) -> list[str]:
    removed = []
    for entry in records.dead("existing"):
        try:
            remove(entry, log)
        except ProviderError as e:  # an unreachable cluster: the others are still removed
            log(f"kubedoctest: {e}")
            continue
        removed.append(entry.name)
        log(f"removed existing-cluster run {entry.name!r} left behind")
    return removed
