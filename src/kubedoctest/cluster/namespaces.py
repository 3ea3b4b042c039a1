"""The run's mark on a cluster it did not create: each namespace it makes is labelled
kubedoctest.io/run and annotated with the run's host and process, so the namespaces of a run that
died can be found and removed (gc), and nothing else ever is."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

from ..kubeclient import api_client

RUN_LABEL = "kubedoctest.io/run"
OWNER_ANNOTATION = "kubedoctest.io/owner"  # "<host>/<pid>" of the run that created the namespace
CONNECT_TIMEOUT = 15.0


def owner_id(pid: int | None = None) -> str:
    return f"{socket.gethostname()}/{pid or os.getpid()}"


def client(kubeconfig: Path, folder: Path) -> Any:
    return api_client(kubeconfig, folder)


def delete_namespaces_of(kubeconfig: Path, folder: Path, owner: str) -> list[str]:
    from kubernetes import client as k8s

    core = k8s.CoreV1Api(client(kubeconfig, folder))
    found = core.list_namespace(label_selector=RUN_LABEL, _request_timeout=CONNECT_TIMEOUT)
    names = [
        ns.metadata.name
        for ns in found.items
        if (ns.metadata.annotations or {}).get(OWNER_ANNOTATION) == owner and not ns.metadata.deletion_timestamp
    ]
    for name in names:
        core.delete_namespace(name, _request_timeout=CONNECT_TIMEOUT)
    return names
