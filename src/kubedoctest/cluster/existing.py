"""A cluster the user names with a kubeconfig and a context (a Rancher cluster, say).

Never created or deleted here. The run reads the user's kubeconfig once and works from a copy that
holds only the confirmed context (in a temporary folder of its own), so nothing downstream (the
API client, runbook steps) can reach another cluster of that kubeconfig. Which context, what the
copy holds and which namespaces are leftovers are the safety module's rules (live/safety/).
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from ..kubeclient import api_client
from ..live import safety
from . import processes
from .provider import Provider, ProviderError

CONNECT_TIMEOUT = 15.0


class ExistingProvider(Provider):
    name = "existing"
    simulated = False
    owned = False

    def __init__(self, kubeconfig: str | None, context: str | None = None, allow: bool | str | None = None):
        path = (
            kubeconfig or os.environ.get("KUBECONFIG", "").split(os.pathsep)[0] or str(Path.home() / ".kube" / "config")
        )
        self.source = Path(path)
        self.context = context
        self.allow = allow
        self.server = ""
        self.folder: Path | None = None
        self._version = "unknown"
        from .build import bin_dir

        pinned = bin_dir() / "kubectl"
        found = shutil.which("kubectl")
        self.kubectl = pinned if pinned.is_file() else Path(found) if found else None

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
        """The context to use, once the user has named it (the safety module's rule)."""
        try:
            return safety.confirmed_context(data, self.source, self.context, self.allow)
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
        type(self).gc(lambda m: print(m, file=sys.stderr))  # runs of this machine that died: their namespaces
        try:
            config = safety.minify(data, context, self.source.parent, os.environ.get("PATH", ""))
        except safety.Refused as e:
            raise ProviderError(str(e)) from None
        self.server = str(config["clusters"][0]["cluster"].get("server", ""))
        self.folder = Path(tempfile.mkdtemp(prefix="kubedoctest-existing-"))
        processes.register(f"existing-{self.folder.name}", self.folder, [], os.getpid(), self.name)
        self.kubeconfig.touch(mode=0o600)
        self.kubeconfig.write_text(yaml.safe_dump(config))
        self.context = context
        from kubernetes import client

        try:
            api = _client(self.kubeconfig, self.folder)
            info = client.VersionApi(api).get_code(_request_timeout=CONNECT_TIMEOUT)
        except Exception as e:  # any failure to reach the cluster
            raise ProviderError(f"cannot reach the cluster of context {context!r} at {self.server}: {e}") from None
        self._version = info.git_version.lstrip("v")

    def delete(self) -> None:
        """Only the run's own copy of the kubeconfig goes: the run removes only what it created."""
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            if self.folder.exists():
                raise ProviderError(f"failed to remove the run's folder {self.folder}")
            processes.unregister(f"existing-{self.folder.name}")
            self.folder = None

    def describe(self) -> str:
        return f"existing cluster: context {self.context!r} at {self.server or '?'} (Kubernetes {self.version})"

    @classmethod
    def gc(cls, log: Callable[[str], None]) -> list[str]:
        """Runs on someone else's cluster that died: delete the namespaces they labelled and annotated
        as theirs (nothing else), then their folder. An unreachable cluster keeps the entry."""
        removed = []
        for entry in processes.entries(cls.name):
            if entry.data is None or entry.owner_alive():
                continue
            folder = Path(entry.data.get("folder") or "/nonexistent")
            owner = f"{entry.data.get('host') or socket.gethostname()}/{entry.data.get('owner')}"
            if (folder / "kubeconfig").is_file():
                try:
                    names = delete_namespaces_of(folder / "kubeconfig", folder)
                except Exception as e:  # unreachable: keep the entry so a later gc tries again
                    log(f"kubedoctest: cannot remove namespaces left by run {owner} on the cluster of {folder}: {e}")
                    continue
                for n in names:
                    log(f"removed namespace {n!r} left by run {owner}")
            shutil.rmtree(folder, ignore_errors=True)
            entry.path.unlink(missing_ok=True)
            removed.append(entry.name)
            log(f"removed existing-cluster run {entry.name!r} left behind")
        return removed


def _client(kubeconfig: Path, folder: Path) -> Any:
    return api_client(kubeconfig, folder)


def delete_namespaces_of(kubeconfig: Path, folder: Path) -> list[str]:
    """The namespaces the safety module says dead runs of this machine left there, deleted."""
    from kubernetes import client

    core = client.CoreV1Api(_client(kubeconfig, folder))
    found = core.list_namespace(label_selector=safety.RUN_LABEL, _request_timeout=CONNECT_TIMEOUT)
    metas = [core.api_client.sanitize_for_serialization(ns.metadata) for ns in found.items]
    names = [m["name"] for m in metas if safety.left_by_dead_run(m, processes.alive)]
    for name in names:
        core.delete_namespace(name, _request_timeout=CONNECT_TIMEOUT)
    return names
