"""One YAML snippet on the cluster: dry-run, create (or apply over what the run owns), wait for each
object's expectation (wait.py), and say exactly what went wrong."""

from __future__ import annotations

import copy
import re
import time
from typing import Any

from ..model import Finding, Manifest, Result, Snippet, Stage, Status
from ..parse import directives
from . import images
from .api import Api, ApiError
from .images import Availability
from .safety import Policy, mark
from .state import Applied, PageState
from .wait import Waits

ADMISSION_POLICIES = ("LimitRange", "ResourceQuota")  # namespace policies admission learns of by a cache
ADMISSION_SETTLE = 10.0

STANDIN_NOTE = "ran on local stand-in images: {images}; the real images were not available here"
KUBELET_NOTE = (
    "requires a kubelet: containers, image pulls, volume mounts and cluster DNS were not exercised "
    "on simulated nodes; checked: server-side dry-run, apply and {checked}"
)


def _req(s: Snippet) -> frozenset[str]:
    return s.directives.requires


class SnippetRun:
    def __init__(
        self, api: Api, policy: Policy, run_id: str, simulated: bool, timeout: float, images: Availability | None = None
    ):
        self.api, self.policy, self.run_id, self.simulated, self.timeout = api, policy, run_id, simulated, timeout
        self.images = images or Availability()
        self.waits = Waits(api, simulated, self.images)

    def run(self, s: Snippet, manifests: list[Manifest], warnings: list[Finding], state: PageState) -> Result:
        started = time.monotonic()
        timeout = s.directives.timeout or self.timeout
        refusal = self.policy.refuse_snippet(manifests, self.api.scope)
        if refusal:
            return Result(s, Status.SKIPPED, Stage.LIVE, [Finding(s.where(), f"skipped: {refusal}", "info")])
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
            expectations = self.waits.expectations(s, applied, state)
        except directives.DirectiveError as e:
            return Result(
                s, Status.FAILED, Stage.LIVE, [Finding(s.where(), str(e))], seconds=time.monotonic() - started
            )
        checked, notes = [], []
        for exp, a in expectations:
            problem = self.waits.wait(exp, a, timeout)
            if problem:
                finding = Finding(s.where(a.manifest.line), problem)
                failed = Result(s, Status.FAILED, Stage.READY, [*warnings, finding], fidelity=self._fidelity(s, notes),
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
            s,
            Status.PASSED,
            Stage.LIVE,
            findings,
            fidelity=self._fidelity(s, notes),
            seconds=time.monotonic() - started,
        )
        passed.reasons, passed.standin_images, passed.unavailable_images = list(notes), standins, unavailable
        return passed

    def _put(self, m: Manifest, state: PageState) -> Applied:
        """Create the object; apply over it only when this run owns it (created it, or the safety
        policy lets it take it over: it lives in the page's namespace, or the cluster is the run's)."""
        obj = copy.deepcopy(m.obj)
        mark(obj, self.run_id)
        meta = obj["metadata"]
        try:
            namespaced = self.api.namespaced(m.api_version, m.kind)
        except ApiError as e:
            raise _Failed(Stage.DRY_RUN, f"failed to apply snippet: {m.describe()}: {e}") from None
        ns = (meta.get("namespace") or state.namespace) if namespaced else None
        if ns:
            meta["namespace"] = ns
        uid = state.owned_uid(m, ns)
        for stage, dry in ((Stage.DRY_RUN, True), (Stage.APPLY, False)):
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

    def _fail(self, s: Snippet, m: Manifest, stage: Stage, message: str, started: float, fields: list[str]) -> Result:
        line = m.line
        for f in fields:
            line = m.line_of(tuple(int(x) if x.isdigit() else x for x in re.split(r"\.|\[|\]\.?", f) if x))
            break
        return Result(s, Status.FAILED, stage, [Finding(s.where(line), message)], seconds=time.monotonic() - started)


class _Failed(Exception):
    def __init__(self, stage: Stage, message: str, fields: list[str] | None = None):
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
