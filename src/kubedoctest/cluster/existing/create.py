"""Connect to an existing cluster: a copy of the kubeconfig holding only the confirmed context, in
the run's folder, and the API server's version (which also proves it answers)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from ...live import safety
from ..namespaces import CONNECT_TIMEOUT, client
from ..provider import ProviderError, failure


def connect(data: dict[str, Any], context: str, source: Path, folder: Path) -> tuple[str, str]:
    """Writes folder/kubeconfig; returns the server's address and its Kubernetes version."""
    try:
        config = safety.minify(data, context, source.parent, os.environ.get("PATH", ""))
    except safety.Refused as e:
        raise ProviderError(str(e)) from None
    server = str(config["clusters"][0]["cluster"].get("server", ""))
    kubeconfig = folder / "kubeconfig"
    kubeconfig.touch(mode=0o600)
    kubeconfig.write_text(yaml.safe_dump(config))
    from kubernetes import client as k8s

    try:
        info = k8s.VersionApi(client(kubeconfig, folder)).get_code(_request_timeout=CONNECT_TIMEOUT)
    except Exception as e:  # any failure to reach the cluster
        raise failure(
            "reach", "existing", context, f"cannot reach the cluster of context {context!r} at {server}: {e}"
        ) from None
    return server, info.git_version.lstrip("v")
