"""A Kubernetes API client from a kubeconfig file, shared by the live tier and the providers.

The kubernetes package writes the certificates and keys of a kubeconfig to temporary files;
`folder` is where they go, so they leave with the run's folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def api_client(kubeconfig: Path, folder: Path, pool: int | None = None, retries: int | None = None) -> Any:
    """A kubernetes.client.ApiClient for the current context of `kubeconfig`."""
    from kubernetes import client
    from kubernetes.config import kube_config

    configuration = client.Configuration()
    loader = kube_config.KubeConfigLoader(
        config_dict=yaml.safe_load(kubeconfig.read_text()),
        config_base_path=str(kubeconfig.parent),
        temp_file_path=str(folder),
    )
    loader.load_and_set(configuration)
    if pool is not None:
        configuration.connection_pool_maxsize = pool
    if retries is not None:
        configuration.retries = retries
    return client.ApiClient(configuration)
