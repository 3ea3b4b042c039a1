"""One YAML snippet on the cluster: dry-run, create (or apply over what the run owns), wait for each
object's expectation, and say exactly what went wrong."""

from __future__ import annotations

import copy
import re
import time
from dataclasses import dataclass, field
from typing import Any

from .. import directives
from ..model import Finding, Manifest, Result, Snippet, Status
from . import expect, images, pods
from .api import Api, ApiError
from .images import Availability
from .kinds import kind_of
from .safety import Policy, mark

ADMISSION_POLICIES = ("LimitRange", "ResourceQuota")  # namespace policies admission learns of by a cache
ADMISSION_SETTLE = 10.0

WORKLOADS = {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}
EXTERNAL_NOTE = (
    "{what} was not waited for: its pods need a server outside the cluster that the manifest names "
    "(an NFS export, say), which a test cluster does not have; checked that it was created"
)
IMAGE_NOTE = (
    "{what} was not waited for: image not available here: {images} (no local stand-in, and this machine "
    "cannot pull it); checked that it was created"
)
STANDIN_NOTE = "ran on local stand-in images: {images}; the real images were not available here"
KUBELET_NOTE = (
    "requires a kubelet: containers, image pulls, volume mounts and cluster DNS were not exercised "
    "on simulated nodes; checked: server-side dry-run, apply and {checked}"
)


@dataclass
class Applied:
    manifest: Manifest
    obj: dict[str, Any]
    namespace: str | None
    uid: str = ""  # set when this run created the object (cleanup deletes only these)


@dataclass
class PageState:
    namespace: str
    applied: list[Applied] = field(default_factory=list)
    pod_labels: list[dict[str, str]] = field(default_factory=list)  # template labels of pods created so far

    def owned_uid(self, m: Manifest, namespace: str | None) -> str:
        for a in self.applied:
            if (a.manifest.api_version, a.manifest.kind, a.manifest.name, a.namespace) == (
                m.api_version, m.kind, m.name, namespace,
            ):  # fmt: skip
                return a.uid
        return ""


def _req(s: Snippet) -> frozenset[str]:
    return s.directives.requires


class SnippetRun:
    def __init__(
        self, api: Api, policy: Policy, run_id: str, simulated: bool, timeout: float, images: Availability | None = None
    ):
        self.api, self.policy, self.run_id, self.simulated, self.timeout = api, policy, run_id, simulated, timeout
        self.images = images or Availability()

    def run(self, s: Snippet, manifests: list[Manifest], warnings: list[Finding], state: PageState) -> Result:
        started = time.monotonic()
        timeout = s.directives.timeout or self.timeout
        refusal = self.policy.refuse_snippet(manifests, self._scope)
        if refusal:
            return Result(s, Status.SKIPPED, "live", [Finding(s.where(), f"skipped: {refusal}", "info")])
        applied: list[Applied] = []
        for m in manifests:
            try:
                a = self._put(m, state)
            except _Failed as f:
                return self._fail(s, m, f.stage, f.message, started, f.fields)
            applied.append(a)
            state.applied.append(a)
            labels = _pod_template_labels(m.obj)
            blocked = "external" in _req(s) or set(images.of_object(m.obj)) & self.images.unavailable
            if labels is not None and not (blocked and not self.simulated):
                state.pod_labels.append(labels)  # pods that will be ready: a Service selecting them gets endpoints
        standins, unavailable = self.images.split([i for m in manifests for i in images.of_object(m.obj)])
        try:
            expectations = self._expectations(s, applied, state)
        except directives.DirectiveError as e:
            return Result(s, Status.FAILED, "live", [Finding(s.where(), str(e))], seconds=time.monotonic() - started)
        checked, notes = [], []
        for exp, a in expectations:
            problem = self._wait(exp, a, timeout)
            if problem:
                finding = Finding(s.where(a.manifest.line), problem)
                failed = Result(s, Status.FAILED, "ready", [*warnings, finding], fidelity=self._fidelity(s, notes),
                                seconds=time.monotonic() - started)  # fmt: skip
                failed.standin_images, failed.unavailable_images = standins, unavailable
                return failed
            checked.append(exp.describe())
            if exp.simulated_note:
                notes.append(exp.simulated_note)
        if self.simulated and "kubelet" in _req(s):
            notes.insert(0, KUBELET_NOTE.format(checked=", ".join(checked) or "nothing more"))
        if self.simulated and "external" in _req(s):
            notes.append(
                "the server outside the cluster that the manifest names was not contacted (simulated nodes mount nothing)"
            )
        if standins:
            notes_standin = STANDIN_NOTE.format(images=", ".join(f"{i} ({self.images.standin[i]})" for i in standins))
            warnings = [*warnings, Finding(s.where(), notes_standin, "info")]
        findings = [*warnings, *(Finding(s.where(), f"partial: {n}", "info") for n in notes)]
        passed = Result(
            s, Status.PASSED, "live", findings, fidelity=self._fidelity(s, notes), seconds=time.monotonic() - started
        )
        passed.reasons, passed.standin_images, passed.unavailable_images = list(notes), standins, unavailable
        return passed

    def _scope(self, api_version: str, kind: str) -> bool | None:
        try:
            return self.api.namespaced(api_version, kind)
        except ApiError:
            return None

    def _put(self, m: Manifest, state: PageState) -> Applied:
        """Create the object; apply over it only when this run owns it (created it, or the safety
        policy lets it take it over: it lives in the page's namespace, or the cluster is the run's)."""
        obj = copy.deepcopy(m.obj)
        mark(obj, self.run_id)
        meta = obj["metadata"]
        try:
            namespaced = self.api.namespaced(m.api_version, m.kind)
        except ApiError as e:
            raise _Failed("dry-run", f"failed to apply snippet: {m.describe()}: {e}") from None
        ns = (meta.get("namespace") or state.namespace) if namespaced else None
        if ns:
            meta["namespace"] = ns
        uid = state.owned_uid(m, ns)
        for stage, dry in (("dry-run", True), ("apply", False)):
            try:
                live = self._write(obj, ns, dry, uid, state)
            except ApiError as e:
                if e.status == 409 and e.reason == "AlreadyExists" and not uid:
                    if not self.policy.may_take_over(ns, state.namespace):
                        refusal = self.policy.take_over_refusal(m.describe(), ns)
                        raise _Failed(stage, f"failed to apply snippet: {refusal}") from None
                    try:
                        live = self.api.apply(obj, ns, dry_run=dry, force=True)
                    except ApiError as e2:
                        raise _Failed(
                            stage, f"failed to apply snippet: {m.describe()} ({stage}): {e2}", e2.fields
                        ) from None
                else:
                    raise _Failed(stage, f"failed to apply snippet: {m.describe()} ({stage}): {e}", e.fields) from None
            if not dry and not uid:
                uid = str((live.get("metadata") or {}).get("uid") or "")
        return Applied(m, live, ns, uid)

    def _write(self, obj: dict[str, Any], ns: str | None, dry: bool, uid: str, state: PageState) -> dict[str, Any]:
        """Create, or apply over the run's own object. Right after the page applied a LimitRange or
        ResourceQuota, the API server's admission may not see it yet (its cache fills a moment
        later: a Pod is then refused a limit the LimitRange would have defaulted), so a refusal
        (403) is retried for up to ADMISSION_SETTLE seconds; a real refusal still fails after it.
        So is a node port or IP "already allocated": the page of its chain that held it before has
        deleted its Service, and the API server's allocator frees it a moment later."""
        deadline = time.monotonic() + ADMISSION_SETTLE
        while True:
            try:
                if uid:
                    return self.api.apply(obj, ns, dry_run=dry, force=True)
                return self.api.create(obj, ns, dry_run=dry)
            except ApiError as e:
                settling = e.status == 403 and any(
                    a.manifest.kind in ADMISSION_POLICIES and a.namespace == ns for a in state.applied
                )
                settling = settling or (e.status == 422 and "already allocated" in str(e))
                if not settling or time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def _fidelity(self, s: Snippet, notes: list[str]) -> str:
        req = _req(s)
        return "partial" if notes or "external" in req or (self.simulated and "kubelet" in req) else "full"

    def _fail(self, s: Snippet, m: Manifest, stage: str, message: str, started: float, fields: list[str]) -> Result:
        line = m.line
        for f in fields:
            line = m.line_of(tuple(int(x) if x.isdigit() else x for x in re.split(r"\.|\[|\]\.?", f) if x))
            break
        return Result(s, Status.FAILED, stage, [Finding(s.where(line), message)], seconds=time.monotonic() - started)

    def _expectations(
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
            exp = self._adapt(expect.Expectation(a.manifest.kind, a.manifest.name, condition), _req(s))
            missing = sorted(set(images.of_object(a.manifest.obj)) & self.images.unavailable)
            if missing and exp.kind in WORKLOADS and not self.simulated:
                note = IMAGE_NOTE.format(what=exp.describe(), images=", ".join(missing))
                exp = expect.Expectation(exp.kind, exp.name, "Exists", note)
            out.append((exp, a))
        out += [(expect.Expectation(k[0], k[1], c), earlier[k]) for k, c in explicit.items() if k not in by_key]
        return out

    def _adapt(self, exp: expect.Expectation, req: frozenset[str]) -> expect.Expectation:
        """What can be checked here: on simulated nodes a bare Pod never runs to completion (check
        that it runs, and say so); with real nodes, pods that need a server outside the cluster
        (requires="external": an NFS export, say) cannot start, so they are only created."""
        if "external" in req and exp.kind in WORKLOADS and not self.simulated:
            return expect.Expectation(exp.kind, exp.name, "Exists", EXTERNAL_NOTE.format(what=exp.describe()))
        if self.simulated and exp.kind == "Pod" and exp.condition == "Succeeded":
            note = "Pod Succeeded was not checked: simulated nodes never finish a container; checked that it was scheduled and started"
            return expect.Expectation(exp.kind, exp.name, "Ready", note)
        return exp

    def _wait(self, exp: expect.Expectation, a: Applied, timeout: float) -> str | None:
        started = time.monotonic()
        m = a.manifest
        if exp.condition == "Endpoints":
            return self._wait_endpoints(a, timeout)
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

    def _wait_endpoints(self, a: Applied, timeout: float) -> str | None:
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


class _Failed(Exception):
    def __init__(self, stage: str, message: str, fields: list[str] | None = None):
        super().__init__(message)
        self.stage, self.message, self.fields = stage, message, fields or []


def _pod_template_labels(obj: dict[str, Any]) -> dict[str, str] | None:
    kind = obj.get("kind")
    if kind == "Pod":
        return (obj.get("metadata") or {}).get("labels") or {}
    if kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController"):
        template = (obj.get("spec") or {}).get("template") or {}
        return (template.get("metadata") or {}).get("labels") or {}
    return None


def _selects_pods(service: dict[str, Any], pod_labels: list[dict[str, str]]) -> bool:
    selector = (service.get("spec") or {}).get("selector")
    if not selector:
        return False
    return any(all(labels.get(k) == v for k, v in selector.items()) for labels in pod_labels)
