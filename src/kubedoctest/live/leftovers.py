"""On a cluster the run did not create: the namespaces that earlier runs from this machine left
when their process died (a crash, kill -9), found by the run label and the owner annotation."""

from __future__ import annotations

from collections.abc import Callable

from ..cluster import namespaces, processes
from .api import Api, ApiError
from .snippet import RUN_LABEL


def remove_dead_runs_namespaces(api: Api, log: Callable[[str], None]) -> None:
    """Namespaces of earlier runs from this machine whose process is gone (a crash, kill -9)."""
    host = namespaces.owner_id().split("/")[0]
    try:
        found = api.list("v1", "Namespace", None, RUN_LABEL).get("items", [])
    except ApiError as e:
        log(f"kubedoctest: cannot look for namespaces left by earlier runs (kubectl get ns -l {RUN_LABEL}): {e}")
        return
    for ns in found:
        meta = ns.get("metadata") or {}
        owner = (meta.get("annotations") or {}).get(namespaces.OWNER_ANNOTATION, "")
        owner_host, _, pid = owner.rpartition("/")
        if owner_host == host and pid.isdigit() and not processes.alive(int(pid)) and not meta.get("deletionTimestamp"):
            try:
                api.delete("v1", "Namespace", meta["name"], None, meta.get("uid"))
            except ApiError as e:
                log(f"kubedoctest: cannot remove namespace {meta['name']!r} left by {owner}: {e}")
                continue
            log(f"kubedoctest: removed namespace {meta['name']!r} left by an earlier run ({owner})")
