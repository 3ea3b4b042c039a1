"""On a cluster the run did not create: the namespaces that earlier runs from this machine left
when their process died (a crash, kill -9); which ones is the safety module's rule ("dead-runs")."""

from __future__ import annotations

from collections.abc import Callable

from ..cluster import processes
from .api import Api, ApiError
from .safety import RUN_LABEL, left_by_dead_run


def remove_dead_runs_namespaces(api: Api, log: Callable[[str], None]) -> None:
    """Namespaces of earlier runs from this machine whose process is gone (a crash, kill -9)."""
    try:
        found = api.list("v1", "Namespace", None, RUN_LABEL).get("items", [])
    except ApiError as e:
        log(f"kubedoctest: cannot look for namespaces left by earlier runs (kubectl get ns -l {RUN_LABEL}): {e}")
        return
    for ns in found:
        meta = ns.get("metadata") or {}
        if left_by_dead_run(meta, processes.alive):
            try:
                api.delete("v1", "Namespace", meta["name"], None, meta.get("uid"))
            except ApiError as e:
                log(f"kubedoctest: cannot remove namespace {meta['name']!r} left by an earlier run: {e}")
                continue
            log(f"kubedoctest: removed namespace {meta['name']!r} left by an earlier run")
