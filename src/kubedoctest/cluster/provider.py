"""The one interface every cluster provider implements."""

from __future__ import annotations

import shutil
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path


class ProviderError(RuntimeError):
    """A cluster that cannot be had: the message says why and what to do."""


class Provider(ABC):
    name: str = ""
    simulated: bool = False  # True: no kubelet, containers do not run (kwok)
    owned: bool = True  # True: the run created this cluster; False: someone else's (existing)
    kubectl: Path | None = None  # a kubectl of the cluster's own minor version, when known
    folder: Path | None = None  # the cluster's own folder, removed with it (and by `cluster gc`)

    @abstractmethod
    def unavailable(self) -> str | None:
        """None when this provider can run here, else the reason and what to do."""

    @abstractmethod
    def create(self) -> None:
        """Start the cluster, or raise ProviderError. May be interrupted at any point (a signal):
        the caller then calls delete(), which must remove whatever was made so far."""

    @abstractmethod
    def delete(self) -> None:
        """Remove everything create made. Safe to call twice and after a create that stopped half-way.
        Failures are raised as ProviderError naming what could not be removed and the command."""

    @property
    @abstractmethod
    def kubeconfig(self) -> Path: ...

    @property
    @abstractmethod
    def version(self) -> str: ...

    def describe(self) -> str:
        return f"{self.name} {self.version}"

    @classmethod
    def gc(cls, log: Callable[[str], None]) -> list[str]:
        """Remove what runs of this provider type left behind (registry entries with
        provider=cls.name whose owner is dead): their processes and folders. Never touches an
        entry whose owner may be alive. Providers with more to remove (containers) extend it."""
        from . import processes

        removed = []
        for entry in processes.entries(cls.name):
            if entry.data is None or entry.owner_alive():
                continue
            folder = Path(entry.data["folder"]) if entry.data.get("folder") else None
            if folder is not None:
                processes.kill_tree(entry.data.get("pids", []), folder)
                shutil.rmtree(folder, ignore_errors=True)
                if folder.exists():
                    log(f"kubedoctest: could not remove {folder} left by {entry.name!r}; remove it by hand")
                    continue
            entry.path.unlink(missing_ok=True)
            removed.append(entry.name)
            log(f"removed {cls.name} cluster {entry.name!r} left behind" + (f" in {folder}" if folder else ""))
        return removed


def provider_classes() -> list[type[Provider]]:
    """Every provider type, for `cluster gc`."""
    from .existing.provider import ExistingProvider
    from .kind.provider import KindProvider
    from .kwok.provider import KwokProvider

    return [KwokProvider, KindProvider, ExistingProvider]
