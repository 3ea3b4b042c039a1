"""A cluster the user names with a kubeconfig and a context (a Rancher cluster, say).

Never created or deleted here. The run reads the user's kubeconfig once and works from a copy that
holds only the confirmed context (in a temporary folder of its own), so nothing downstream (the
API client, runbook steps) can reach another cluster of that kubeconfig.
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

from ...kubeclient import api_client
from .. import processes
from ..provider import Provider, ProviderError

RUN_LABEL = "kubedoctest.io/run"
OWNER_ANNOTATION = "kubedoctest.io/owner"  # "<host>/<pid>" of the run that created the namespace
CONNECT_TIMEOUT = 15.0


def owner_id(pid: int | None = None) -> str:
    return f"{socket.gethostname()}/{pid or os.getpid()}"


def minify(config: dict[str, Any], context: str, base: Path, path_env: str) -> dict[str, Any]:
    """The kubeconfig reduced to one context, its cluster and its user, with relative file paths made
    absolute (they were relative to the original file) and exec plugins resolved to absolute paths."""
    ctx = next((c for c in config.get("contexts") or [] if c.get("name") == context), None)
    if ctx is None:
        known = ", ".join(repr(c.get("name")) for c in config.get("contexts") or []) or "none"
        raise ProviderError(f"kubeconfig has no context {context!r}; its contexts: {known}")
    spec = dict(ctx.get("context") or {})
    cluster = next((c for c in config.get("clusters") or [] if c.get("name") == spec.get("cluster")), None)
    user = next((u for u in config.get("users") or [] if u.get("name") == spec.get("user")), None)
    if cluster is None:
        raise ProviderError(f"context {context!r} names cluster {spec.get('cluster')!r}, which the kubeconfig lacks")
    cluster = {"name": cluster["name"], "cluster": dict(cluster.get("cluster") or {})}
    for key in ("certificate-authority",):
        if cluster["cluster"].get(key):
            cluster["cluster"][key] = str(base / cluster["cluster"][key])
    users = []
    if user is not None:
        user = {"name": user["name"], "user": dict(user.get("user") or {})}
        for key in ("client-certificate", "client-key", "tokenFile"):
            if user["user"].get(key):
                user["user"][key] = str(base / user["user"][key])
        plugin = user["user"].get("exec")
        if isinstance(plugin, dict) and plugin.get("command") and "/" not in plugin["command"]:
            found = shutil.which(plugin["command"], path=path_env)
            if found:
                user["user"]["exec"] = {**plugin, "command": found}
        users.append(user)
    spec.pop("namespace", None)
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [cluster],
        "users": users,
        "contexts": [{"name": context, "context": spec}],
        "current-context": context,
    }


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
        from ..build import bin_dir

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
        """The context to use, once the user has named it: refuses otherwise, naming the context."""
        current = data.get("current-context") or ""
        allow = self.allow if isinstance(self.allow, str) and self.allow else None
        wanted = self.context or allow or current
        how = (
            f"a test run creates and deletes namespaces there; name the context to confirm: "
            f"--allow-existing-cluster={wanted or 'CONTEXT'} (or --context {wanted or 'CONTEXT'} --allow-existing-cluster)"
        )
        if not self.allow:
            return self._refuse(f"refusing to use the existing cluster of {self.source} (context {wanted!r}): {how}")
        names = [c.get("name") for c in data.get("contexts") or [] if isinstance(c, dict)]
        if allow and allow not in names:
            hint = (
                f"; {allow!r} is a path: the option takes an optional value, so the word after it is read as "
                "the context; write --allow-existing-cluster=CONTEXT, or put the paths first"
                if Path(allow).exists()
                else ""
            )
            return self._refuse(
                f"--allow-existing-cluster={allow} names a context that {self.source} does not have "
                f"(its contexts: {', '.join(map(str, names)) or 'none'}){hint}"
            )
        if allow and self.context and allow != self.context:
            return self._refuse(
                f"--allow-existing-cluster={allow} confirms a context other than --context {self.context}; "
                "they must name the same context"
            )
        if not self.context and not allow:
            return self._refuse(
                f"refusing to use the current context {current!r} of {self.source} without naming it: {how}"
            )
        return wanted

    def _refuse(self, message: str) -> str:
        raise ProviderError(message)

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
        config = minify(data, context, self.source.parent, os.environ.get("PATH", ""))
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
                    names = delete_namespaces_of(folder / "kubeconfig", folder, owner)
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


def delete_namespaces_of(kubeconfig: Path, folder: Path, owner: str) -> list[str]:
    from kubernetes import client

    core = client.CoreV1Api(_client(kubeconfig, folder))
    found = core.list_namespace(label_selector=RUN_LABEL, _request_timeout=CONNECT_TIMEOUT)
    names = [
        ns.metadata.name
        for ns in found.items
        if (ns.metadata.annotations or {}).get(OWNER_ANNOTATION) == owner and not ns.metadata.deletion_timestamp
    ]
    for name in names:
        core.delete_namespace(name, _request_timeout=CONNECT_TIMEOUT)
    return names
