"""The one interface every cluster provider implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path


class ProviderError(RuntimeError):
    """A cluster that cannot be had: the message says why and what to do."""


class Provider(ABC):
    name: str = ""
    simulated: bool = False  # True: no kubelet, containers do not run (kwok)
    cluster_scoped_allowed: bool = True  # may the run create PersistentVolumes, Namespaces, ...
    kubectl: Path | None = None  # a kubectl of the cluster's own minor version, when known

    @abstractmethod
    def unavailable(self) -> str | None:
        """None when this provider can run here, else the reason and what to do."""

    @abstractmethod
    def create(self) -> None:
        """Start the cluster; on failure delete what was made (unless retained) and raise ProviderError."""

    @abstractmethod
    def delete(self) -> None:
        """Remove everything create made. Safe to call twice."""

    @property
    @abstractmethod
    def kubeconfig(self) -> Path: ...

    @property
    @abstractmethod
    def version(self) -> str: ...

    def logs(self) -> str:
        return ""

    def describe(self) -> str:
        return f"{self.name} {self.version}"
