"""The namespaces of runs that died on a cluster the run did not create, removed by gc: which ones
(and the marks that tell) are the safety module's rules ("marks", "dead-runs")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..kubeclient import api_client
from ..live import safety
from . import processes

CONNECT_TIMEOUT = 15.0


def client(kubeconfig: Path, folder: Path) -> Any:
    return api_client(kubeconfig, folder)


def delete_namespaces_of(kubeconfig: Path, folder: Path) -> list[str]:
    from kubernetes import client as k8s

    core = k8s.CoreV1Api(client(kubeconfig, folder))
    found = core.list_namespace(label_selector=safety.RUN_LABEL, _request_timeout=CONNECT_TIMEOUT)
    metas = [core.api_client.sanitize_for_serialization(ns.metadata) for ns in found.items]
    names = [m["name"] for m in metas if safety.left_by_dead_run(m, processes.alive)]
    for name in names:
        core.delete_namespace(name, _request_timeout=CONNECT_TIMEOUT)
    return names
