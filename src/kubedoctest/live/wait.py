"""What a snippet's objects are waited for (their expectation: the default for their kind, or the
snippet's `expect=`; adapted to what the cluster can show), and the wait itself, with what went
wrong when it fails (events; on real nodes the pods' last state and log)."""

from __future__ import annotations

import time
from typing import Any

from ..model import Manifest, Snippet
from ..parse import directives
from . import expect, images, pods
from .api import Api
from .images import Availability
from .kubectl_resources import kind_of
from .state import Applied, PageState

WORKLOADS = {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}
EXTERNAL_NOTE = (
    "{what} was not waited for: its pods need a server outside the cluster that the manifest names "
    "(an NFS export, say), which a test cluster does not have; checked that it was created"
)
IMAGE_NOTE = (
    "{what} was not waited for: image not available here: {images} (no local stand-in, and this machine "
    "cannot pull it); checked that it was created"
)


class Waits:
    def __init__(self, api: Api, simulated: bool, images: Availability):
        self.api, self.simulated, self.images = api, simulated, images

    def expectations(
        self, s: Snippet, applied: list[Applied], state: PageState
    ) -> list[tuple[expect.Expectation, Applied]]:
        explicit: dict[tuple[str, str], str] = {}
        for short, name, condition in s.directives.expect:
            explicit[(kind_of(short), name)] = condition
        by_key = {(a.manifest.kind, a.manifest.name): a for a in applied}
        earlier = {(a.manifest.kind, a.manifest.name): a for a in state.applied}
        for key in explicit:
            if key not in by_key and key not in earlier:
                raise directives.DirectiveError(
                    f"expect names {key[0]}/{key[1]}, which this snippet and the page before it do not create"
                )
        out = []
        for a in applied:
            condition = explicit.get((a.manifest.kind, a.manifest.name)) or expect.default_condition(a.manifest.obj)
            if condition == "Endpoints" and not _selects_pods(a.manifest.obj, state.pod_labels):
                condition = "Exists"  # a Service whose pods this page does not create
            exp = self.adapt(expect.Expectation(a.manifest.kind, a.manifest.name, condition), s.directives.requires)
            missing = sorted(set(images.of_object(a.manifest.obj)) & self.images.unavailable)
            if missing and exp.kind in WORKLOADS and not self.simulated:
                note = IMAGE_NOTE.format(what=exp.describe(), images=", ".join(missing))
                exp = expect.Expectation(exp.kind, exp.name, "Exists", note)
            out.append((exp, a))
        out += [(expect.Expectation(k[0], k[1], c), earlier[k]) for k, c in explicit.items() if k not in by_key]
        return out

    def adapt(self, exp: expect.Expectation, req: frozenset[str]) -> expect.Expectation:
        """What can be checked here: on simulated nodes a bare Pod never runs to completion (check
        that it runs, and say so); with real nodes, pods that need a server outside the cluster
        (requires="external": an NFS export, say) cannot start, so they are only created."""
        if "external" in req and exp.kind in WORKLOADS and not self.simulated:
            return expect.Expectation(exp.kind, exp.name, "Exists", EXTERNAL_NOTE.format(what=exp.describe()))
        if self.simulated and exp.kind == "Pod" and exp.condition == "Succeeded":
            note = "Pod Succeeded was not checked: simulated nodes never finish a container; checked that it was scheduled and started"
            return expect.Expectation(exp.kind, exp.name, "Ready", note)
        return exp

    def wait(self, exp: expect.Expectation, a: Applied, timeout: float) -> str | None:
        started = time.monotonic()
        m = a.manifest
        if exp.condition == "Endpoints":
            return self.wait_endpoints(a, timeout)
        check = expect.predicate(exp.kind, exp.condition)
        if check is None:
            return f"expectation {exp.describe()} is not defined for {exp.kind}; use one of the conditions listed in the docs"

        def stop(o: dict[str, Any]) -> str | None:
            early = expect.failed_now(o, exp.condition)
            if early is None and not self.simulated and exp.condition not in ("Exists", "Pending"):
                early = pods.first_stuck(self.api, o, a.namespace)  # a crash loop will not end by itself
            return early

        ok, last, reason = self.api.wait(m.api_version, m.kind, m.name, a.namespace, check, timeout, stop)
        if ok and not self.simulated and exp.condition in ("Ready", "Available") and last is not None:
            # a container that exits at once is Ready for a moment: it must still be ready, with no
            # container restarted, a little later
            unstable = pods.unstable(self.api, last, a.namespace, pods.SETTLE_SECONDS)
            if unstable:
                ok, reason = False, unstable
                last = self.api.get(m.api_version, m.kind, m.name, a.namespace) or last
        if ok:
            return None
        text = f"{m.describe()} did not become {exp.condition}" + (
            f": {reason}" if reason else f" within {time.monotonic() - started:.0f} s"
        )
        text += f"; last status: {expect.summarize(last) if last else 'the object is gone'}"
        text += describe_failure(self.api, m, a.namespace)
        if not self.simulated and last is not None:
            text += pods.describe(self.api, last, a.namespace)
        return text

    def wait_endpoints(self, a: Applied, timeout: float) -> str | None:
        deadline = time.monotonic() + timeout
        selector = f"kubernetes.io/service-name={a.manifest.name}"
        while time.monotonic() < deadline:
            slices = self.api.list("discovery.k8s.io/v1", "EndpointSlice", a.namespace, selector).get("items", [])
            if any((ep.get("conditions") or {}).get("ready") for sl in slices for ep in sl.get("endpoints") or []):
                return None
            time.sleep(0.1)
        return f"Service/{a.manifest.name} got no ready endpoints within {timeout:.0f} s: its selector matches no ready pod"


def describe_failure(api: Api, m: Manifest, namespace: str | None) -> str:
    """What to add to a failed wait: the object's events. The seam for real nodes: on kind, extend
    this with the failing pods' container last state and log tail (crash loops, image pulls)."""
    events = api.events(m.name, namespace)
    return "; events: " + " | ".join(events) if events else ""


def _selects_pods(service: dict[str, Any], pod_labels: list[dict[str, str]]) -> bool:
    selector = (service.get("spec") or {}).get("selector")
    if not selector:
        return False
    return any(all(labels.get(k) == v for k, v in selector.items()) for labels in pod_labels)
