"""Pods on real nodes (kind): why a workload is not becoming ready, in words a reader can act on.

On simulated nodes containers never run, so none of this applies there. On kind, a crash loop,
an image that cannot be pulled or a volume that cannot be mounted would otherwise only show as a
timeout; here the wait stops early and the failure carries each container's last state, the pod's
events and the tail of its log.
"""

from __future__ import annotations

from typing import Any

from kubernetes import client as kube_client

from .api import Api, ApiError

Obj = dict[str, Any]
STUCK = {
    "CrashLoopBackOff": "crash loop",
    "ImagePullBackOff": "image cannot be pulled",
    "ErrImagePull": "image cannot be pulled",
    "ErrImageNeverPull": "image not present",
    "InvalidImageName": "invalid image name",
    "CreateContainerConfigError": "container configuration error",
    "CreateContainerError": "container cannot be created",
    "RunContainerError": "container cannot start",
}
LOG_LINES = 15
SETTLE_SECONDS = 3.0  # how long a workload that became ready must stay so (real nodes)


def _statuses(pod: Obj) -> list[Obj]:
    status = pod.get("status") or {}
    return [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]


def stuck(pod: Obj) -> str | None:
    """A reason this pod will not become ready by itself, or None."""
    for cs in _statuses(pod):
        waiting = (cs.get("state") or {}).get("waiting") or {}
        reason = waiting.get("reason", "")
        if reason in STUCK and (reason != "CrashLoopBackOff" or cs.get("restartCount", 0) >= 2):
            return f"container {cs.get('name')} is in {reason} ({STUCK[reason]})"
    return None


def _selector(obj: Obj) -> str | None:
    kind = obj.get("kind")
    if kind == "Pod":
        return None
    spec = obj.get("spec") or {}
    labels = (
        (spec.get("selector") or {}).get("matchLabels") if kind != "ReplicationController" else spec.get("selector")
    )
    if not labels:
        labels = (((spec.get("template") or {}).get("metadata") or {}).get("labels")) or {}
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items())) or None


def pods_of(api: Api, obj: Obj, namespace: str | None) -> list[Obj]:
    if not namespace:
        return []
    try:
        if obj.get("kind") == "Pod":
            pod = api.get("v1", "Pod", (obj.get("metadata") or {}).get("name", ""), namespace)
            return [pod] if pod else []
        selector = _selector(obj)
        if selector is None:
            return []
        return list(api.list("v1", "Pod", namespace, selector).get("items") or [])
    except ApiError:
        return []


def first_stuck(api: Api, obj: Obj, namespace: str | None) -> str | None:
    """For a workload being waited on: the first of its pods that is stuck, and why."""
    if obj.get("kind") not in (
        "Pod",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "ReplicationController",
        "Job",
    ):
        return None
    for pod in pods_of(api, obj, namespace):
        reason = stuck(pod)
        if reason:
            return f"pod {(pod.get('metadata') or {}).get('name')}: {reason}"
    return None


def _last_state(cs: Obj) -> str:
    for key in ("lastState", "state"):
        term = (cs.get(key) or {}).get("terminated")
        if term:
            text = f"terminated ({term.get('reason', '?')}, exit code {term.get('exitCode', '?')})"
            return text + (f": {term['message'].strip()}" if term.get("message") else "")
    waiting = (cs.get("state") or {}).get("waiting")
    if waiting:
        return f"waiting ({waiting.get('reason', '?')})" + (f": {waiting['message']}" if waiting.get("message") else "")
    if (cs.get("state") or {}).get("running"):
        return "running, not ready" if not cs.get("ready") else "running"
    return "unknown"


def _log_tail(api: Api, pod: str, container: str, namespace: str, restarted: bool) -> str:
    """The last lines the container printed: of this instance, else of the one before (a crash)."""
    core = kube_client.CoreV1Api(api.client)
    for previous in (False, True) if restarted else (False,):
        try:
            text = core.read_namespaced_pod_log(
                pod, namespace, container=container, tail_lines=LOG_LINES, previous=previous, _request_timeout=10
            )
        except Exception:  # no log yet (never started), or the previous instance is gone
            continue
        text = str(text or "").strip()
        if text and not text.startswith("unable to retrieve container logs"):
            return text
    return ""


def describe(api: Api, obj: Obj, namespace: str | None, limit: int = 2) -> str:
    """Container last states, events and log tails of the object's pods (at most `limit` pods)."""
    parts = []
    for pod in pods_of(api, obj, namespace)[:limit]:
        name = (pod.get("metadata") or {}).get("name", "")
        lines = [f"pod {name} ({(pod.get('status') or {}).get('phase', '?')})"]
        for cs in _statuses(pod):
            lines.append(f"  container {cs.get('name')}: {_last_state(cs)}, restarts {cs.get('restartCount', 0)}")
            log = _log_tail(api, name, cs.get("name", ""), namespace or "", restarted=cs.get("restartCount", 0) > 0)
            if log:
                lines.append("    log tail: " + " | ".join(log.splitlines()[-LOG_LINES:]))
        events = api.events(name, namespace)
        if events:
            lines.append("  events: " + " | ".join(events[-8:]))
        parts.append("\n".join(lines))
    return ("\n" + "\n".join(parts)) if parts else ""


def _restarts(pods_: list[Obj]) -> dict[tuple[str, str], int]:
    return {
        ((p.get("metadata") or {}).get("name", ""), cs.get("name", "")): int(cs.get("restartCount", 0))
        for p in pods_
        for cs in _statuses(p)
    }


def unstable(api: Api, obj: Obj, namespace: str | None, settle: float) -> str | None:
    """After a workload first looks ready: None when, `settle` seconds later, none of its pods'
    containers restarted or stopped; else which one and why."""
    import time

    if obj.get("kind") not in ("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"):
        return None
    before = _restarts(pods_of(api, obj, namespace))
    time.sleep(settle)
    for pod in pods_of(api, obj, namespace):
        name = (pod.get("metadata") or {}).get("name", "")
        if (pod.get("status") or {}).get("phase") == "Succeeded":
            continue
        init = {cs.get("name") for cs in (pod.get("status") or {}).get("initContainerStatuses") or []}
        for cs in _statuses(pod):
            key = (name, cs.get("name", ""))
            restarted = int(cs.get("restartCount", 0)) > before.get(key, 0)
            # an init container that finished is done, not stopped; only its restarts count
            stopped = cs.get("name") not in init and (
                bool((cs.get("state") or {}).get("terminated"))
                or bool((cs.get("state") or {}).get("waiting") and before.get(key) is not None)
            )
            if restarted or stopped:
                return f"it was ready for a moment, then container {cs.get('name')} of pod {name} stopped ({_last_state(cs)})"
    return None


def not_ready(api: Api, namespace: str, limit: int = 3) -> str:
    """After a runbook step failed: the page's Pods that are neither ready nor done (at most
    `limit`), each with its phase, why it is not scheduled, its containers' states and its last
    events; "" when every Pod is ready or done."""
    try:
        items = api.list("v1", "Pod", namespace).get("items") or []
    except ApiError as e:
        return f"\nthe namespace's Pods could not be listed: {e}"
    parts: list[str] = []
    for pod in items:
        if len(parts) == limit:  # the events of the others would be listed for nothing
            break
        status = pod.get("status") or {}
        phase = status.get("phase", "?")
        statuses = _statuses(pod)
        if phase in ("Succeeded", "Failed") or (phase == "Running" and all(cs.get("ready") for cs in statuses)):
            continue
        name = (pod.get("metadata") or {}).get("name", "")
        lines = [f"pod {name} ({phase})"]
        for c in status.get("conditions") or []:
            if c.get("type") == "PodScheduled" and c.get("status") != "True":
                lines.append(f"  not scheduled: {c.get('reason', '?')}: {c.get('message', '')}".rstrip(": "))
        lines += [f"  container {cs.get('name')}: {_last_state(cs)}" for cs in statuses]
        events = api.events(name, namespace)
        if events:
            lines.append("  events: " + " | ".join(events[-5:]))
        parts.append("\n".join(lines))
    if not parts:
        return ""
    return "\nthe namespace's Pods that are not ready or done:\n" + "\n".join(parts)
