"""A cluster the user names with a kubeconfig (a Rancher cluster, say). Never created or deleted here."""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from .provider import Provider, ProviderError


class ExistingProvider(Provider):
    name = "existing"
    simulated = False

    def __init__(self, kubeconfig: str | None, allow: bool = False, allow_cluster_scoped: bool = False):
        path = (
            kubeconfig or os.environ.get("KUBECONFIG", "").split(os.pathsep)[0] or str(Path.home() / ".kube" / "config")
        )
        self._kubeconfig = Path(path)
        self.allow = allow
        self.cluster_scoped_allowed = allow_cluster_scoped
        self._version = "unknown"

    @property
    def kubeconfig(self) -> Path:
        return self._kubeconfig

    @property
    def version(self) -> str:
        return self._version

    def unavailable(self) -> str | None:
        if not self.allow:
            return (
                f"refusing to use the existing cluster of {self._kubeconfig}: a test run creates and deletes "
                "namespaces there; pass --allow-existing-cluster if that is what you want"
            )
        if not self._kubeconfig.is_file():
            return f"no kubeconfig at {self._kubeconfig}: pass --kubeconfig PATH or set KUBECONFIG"
        try:
            data = yaml.safe_load(self._kubeconfig.read_text()) or {}
        except (OSError, yaml.YAMLError) as e:
            return f"cannot read kubeconfig {self._kubeconfig}: {e}"
        if not data.get("current-context"):
            return f"kubeconfig {self._kubeconfig} has no current-context: set one with kubectl config use-context"
        return None

    def create(self) -> None:
        reason = self.unavailable()
        if reason:
            raise ProviderError(reason)
        from kubernetes import client, config

        try:
            api = config.new_client_from_config(config_file=str(self._kubeconfig))
            info = client.VersionApi(api).get_code()
        except Exception as e:  # any failure to reach the cluster
            raise ProviderError(f"cannot reach the cluster of {self._kubeconfig}: {e}") from None
        self._version = info.git_version.lstrip("v")

    def delete(self) -> None:
        """Nothing to delete: the run removes only the namespaces and objects it created."""

    def describe(self) -> str:
        return f"existing cluster {self._kubeconfig} (Kubernetes {self.version})"
