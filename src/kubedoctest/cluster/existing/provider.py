"""A cluster the user names with a kubeconfig and a context (a Rancher cluster, say).

Never created or deleted here. The run reads the user's kubeconfig once and works from a copy that
holds only the confirmed context (in a temporary folder of its own), so nothing downstream (the
API client, runbook steps) can reach another cluster of that kubeconfig.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from ...live import safety
from .. import build, records
from ..provider import Log, Provider, ProviderError
from ..records import Entry
from . import create, delete, gc


class ExistingProvider(Provider):
    name = "existing"
    simulated = False
    owned = False

    def setup(self) -> None:
        path = (
            self.source_kubeconfig
            or os.environ.get("KUBECONFIG", "").split(os.pathsep)[0]
            or str(Path.home() / ".kube" / "config")
        )
        self.source = Path(path)
        self.server = ""
        self._version = "unknown"
        pinned = build.bin_dir() / "kubectl"
        found = shutil.which("kubectl")
        self.kubectl = pinned if pinned.is_file() else Path(found) if found else None

    def default_name(self) -> str:
        return self.context or "(current context)"

    @property
    def kubeconfig(self) -> Path:
        if self.folder is None:
            raise ProviderError("the existing cluster is not connected")
        return self.folder / "kubeconfig"

    @property
    def version(self) -> str:
        return self._version

    def _read(self) -> dict[str, Any]:
        if not self.source.is_file():
            raise ProviderError(f"no kubeconfig at {self.source}: pass --kubeconfig PATH or set KUBECONFIG")
        try:
            data = yaml.safe_load(self.source.read_text()) or {}
        except (OSError, yaml.YAMLError) as e:
            raise ProviderError(f"cannot read kubeconfig {self.source}: {e}") from None
        if not isinstance(data, dict):
            raise ProviderError(f"kubeconfig {self.source} is not a kubeconfig (not a mapping)")
        return data

    def confirmed_context(self, data: dict[str, Any]) -> str:
        """The context to use, once the user has named it (the safety module's rule "context")."""
        try:
            return safety.confirmed_context(data, self.source, self.context, self.allow_existing)
        except safety.Refused as e:
            raise ProviderError(str(e)) from None

    def unavailable(self) -> str | None:
        try:
            self.confirmed_context(self._read())
        except ProviderError as e:
            return str(e)
        return None

    def create(self) -> None:
        data = self._read()
        context = self.confirmed_context(data)
        self.context = self.cluster_name = context
        self.folder = Path(tempfile.mkdtemp(prefix="kubedoctest-existing-"))
        records.register(f"existing-{self.folder.name}", self.folder, [], os.getpid(), self.name)
        self.server, self._version = create.connect(data, context, self.source, self.folder)

    def delete(self) -> None:
        delete.delete(self.cluster_name, self.folder)
        self.folder = None

    def describe(self) -> str:
        return f"existing cluster: context {self.context!r} at {self.server or '?'} (Kubernetes {self.version})"

    @classmethod
    def remove(cls, entry: Entry, log: Log) -> None:
        gc.remove(entry, log)

    @classmethod
    def gc(cls, log: Log) -> list[str]:
        return gc.gc(log)
