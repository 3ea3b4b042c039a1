"""What "works" means for each kind of object, as predicates over the object's live state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Obj = dict[str, Any]


@dataclass(frozen=True)
class Expectation:
    kind: str
    name: str
    condition: str  # Available, Ready, Succeeded, Complete, Bound, Pending, Established, Endpoints, Exists
    simulated_note: str | None = None  # set when the expectation cannot be checked on simulated nodes

    def describe(self) -> str:
        return f"{self.kind}/{self.name} {self.condition}"


def _conditions(obj: Obj) -> dict[str, str]:
    return {c.get("type", ""): c.get("status", "") for c in (obj.get("status") or {}).get("conditions") or []}


def _generation_seen(obj: Obj) -> bool:
    status = obj.get("status") or {}
    return status.get("observedGeneration", 0) >= (obj.get("metadata") or {}).get("generation", 0)


def _replicas(obj: Obj) -> int:
    r = (obj.get("spec") or {}).get("replicas")
    return 1 if r is None else int(r)


def deployment_available(obj: Obj) -> bool:
    s = obj.get("status") or {}
    want = _replicas(obj)
    return (
        _generation_seen(obj)
        and _conditions(obj).get("Available") == "True"
        and s.get("updatedReplicas", 0) == want
        and s.get("availableReplicas", 0) >= want
    )


def replicas_ready(obj: Obj) -> bool:
    s = obj.get("status") or {}
    want = _replicas(obj)
    return _generation_seen(obj) and s.get("readyReplicas", 0) >= want and s.get("replicas", 0) >= want


def statefulset_ready(obj: Obj) -> bool:
    s = obj.get("status") or {}
    want = _replicas(obj)
    return _generation_seen(obj) and s.get("readyReplicas", 0) >= want and s.get("updatedReplicas", want) >= want


def daemonset_ready(obj: Obj) -> bool:
    s = obj.get("status") or {}
    want = s.get("desiredNumberScheduled", 0)
    return _generation_seen(obj) and want > 0 and s.get("numberReady", 0) >= want


def pod_ready(obj: Obj) -> bool:
    return _conditions(obj).get("Ready") == "True" or (obj.get("status") or {}).get("phase") == "Succeeded"


def pod_succeeded(obj: Obj) -> bool:
    return (obj.get("status") or {}).get("phase") == "Succeeded"


def job_complete(obj: Obj) -> bool:
    return _conditions(obj).get("Complete") == "True"


def phase_is(*phases: str) -> Callable[[Obj], bool]:
    return lambda obj: (obj.get("status") or {}).get("phase") in phases


def crd_established(obj: Obj) -> bool:
    return _conditions(obj).get("Established") == "True"


def exists(obj: Obj) -> bool:
    return True


def failed_now(obj: Obj, condition: str) -> str | None:
    """A reason to stop waiting early: the object reached a state it will not leave."""
    kind = obj.get("kind")
    status = obj.get("status") or {}
    if kind == "Job" and _conditions(obj).get("Failed") == "True":
        return "the Job failed"
    if kind == "Pod" and status.get("phase") == "Failed":
        return "the Pod failed"
    if kind == "Deployment":
        for c in status.get("conditions") or []:
            if c.get("type") == "Progressing" and c.get("reason") == "ProgressDeadlineExceeded":
                return "the Deployment exceeded its progress deadline"
            if c.get("type") == "ReplicaFailure" and c.get("status") == "True":
                return f"a ReplicaSet cannot create pods: {c.get('message')}"
    if kind in ("ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet"):
        for c in status.get("conditions") or []:
            if c.get("type") == "ReplicaFailure" and c.get("status") == "True":
                return f"cannot create pods: {c.get('message')}"
    return None


PREDICATES: dict[tuple[str, str], Callable[[Obj], bool]] = {
    ("Deployment", "Available"): deployment_available,
    ("Deployment", "Ready"): deployment_available,
    ("ReplicaSet", "Ready"): replicas_ready,
    ("ReplicationController", "Ready"): replicas_ready,
    ("StatefulSet", "Ready"): statefulset_ready,
    ("DaemonSet", "Ready"): daemonset_ready,
    ("Pod", "Ready"): pod_ready,
    ("Pod", "Succeeded"): pod_succeeded,
    ("Job", "Complete"): job_complete,
    ("PersistentVolumeClaim", "Bound"): phase_is("Bound"),
    ("PersistentVolumeClaim", "Pending"): phase_is("Pending"),
    ("PersistentVolume", "Available"): phase_is("Available", "Bound"),
    ("PersistentVolume", "Bound"): phase_is("Bound"),
    ("CustomResourceDefinition", "Established"): crd_established,
    ("Namespace", "Ready"): phase_is("Active"),
}


def predicate(kind: str, condition: str) -> Callable[[Obj], bool] | None:
    if condition == "Exists":
        return exists
    return PREDICATES.get((kind, condition))


def default_condition(obj: Obj) -> str:
    kind = obj.get("kind")
    if kind == "Deployment":
        return "Available"
    if kind in ("StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"):
        return "Ready"
    if kind == "Pod":
        policy = (obj.get("spec") or {}).get("restartPolicy", "Always")
        return "Ready" if policy == "Always" else "Succeeded"
    if kind == "Job":
        return "Complete"
    if kind == "PersistentVolumeClaim":
        return "Bound"
    if kind == "PersistentVolume":
        return "Available"
    if kind == "CustomResourceDefinition":
        return "Established"
    if kind == "Service":
        return "Endpoints"
    return "Exists"


def summarize(obj: Obj) -> str:
    """The last status of an object in one line: phase, replicas and conditions."""
    status = obj.get("status") or {}
    parts = []
    if "phase" in status:
        parts.append(f"phase {status['phase']}")
    for key in (
        "replicas",
        "readyReplicas",
        "updatedReplicas",
        "availableReplicas",
        "desiredNumberScheduled",
        "numberReady",
    ):
        if key in status:
            parts.append(f"{key} {status[key]}")
    for c in status.get("conditions") or []:
        text = f"{c.get('type')}={c.get('status')}"
        if c.get("reason"):
            text += f" ({c['reason']}"
            text += f": {c['message']})" if c.get("message") else ")"
        parts.append(text)
    return "; ".join(parts) or "no status"
