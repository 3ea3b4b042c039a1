"""One page on the cluster: its namespace, its snippets and runbook steps in order, its cleanup."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..model import Finding, Manifest, Prepared, Result, Snippet, Stage, Status
from ..runbook import runbook
from ..runner import is_step
from . import expect, pods, safety
from .api import Api, ApiError
from .images import Availability
from .planning import PagePlan, goes_live
from .safety.network import IsolationError
from .safety.sandbox import Sandbox
from .snippet import SnippetRun
from .state import Applied, PageState


@dataclass
class Context:
    """What every page of a run shares."""

    api: Api
    policy: safety.Policy
    run_id: str
    simulated: bool
    timeout: float
    folder: Path  # the run's temporary folder (sandboxes go inside)
    kubeconfig: Path
    kubectl: Path | None
    helm: Path | None
    kubectl_version: str
    images: Availability = field(default_factory=Availability)  # what the provider made of the images (kind)
    states: list[PageState] = field(default_factory=list)  # every page begun: the teardown's safety net


def run_page(ctx: Context, page: PagePlan) -> list[tuple[Prepared, Result]]:
    state = PageState(namespace=page.namespace)
    ctx.states.append(state)
    out: list[tuple[Prepared, Result]] = []
    sandbox: Sandbox | None = None
    snippets = SnippetRun(ctx.api, ctx.policy, ctx.run_id, ctx.simulated, ctx.timeout, ctx.images)
    steps: runbook.PageSteps | None = None
    isolation: str | None = None  # why the page's steps cannot be isolated (then none runs)
    try:
        ns_error = make_namespace(ctx, page.namespace)
        for p in page.items:
            if not goes_live(p):
                out.append((p, p.result))
            elif ns_error:
                out.append((p, Result(p.snippet, Status.FAILED, Stage.LIVE, [Finding(p.snippet.where(), ns_error)])))
            elif is_step(p):
                if steps is None and isolation is None:
                    try:
                        sandbox = Sandbox(ctx.folder, ctx.kubeconfig, page.namespace, ctx.kubectl, ctx.helm)
                    except IsolationError as e:  # loud: never a step on the host's network
                        isolation = f"runbook steps cannot run here: {e}"
                if isolation is not None:
                    out.append(
                        (p, Result(p.snippet, Status.FAILED, Stage.RUN, [Finding(p.snippet.where(), isolation)]))
                    )
                    continue
                if steps is None:
                    assert sandbox is not None
                    describe = f"kubectl {ctx.kubectl_version}, namespace {page.namespace}"
                    guard = StepGuard(ctx, state)
                    steps = runbook.PageSteps(sandbox.env, sandbox.work, sandbox.bash, ctx.simulated, describe,
                                              guard.before, guard.after, images=ctx.images,
                                              launcher=sandbox.launcher,
                                              diagnose=lambda: pods.not_ready(ctx.api, page.namespace))  # fmt: skip
                out.append((p, steps.run(p.snippet)))
            else:
                warnings = [f for f in p.result.findings if f.severity == "warning"]
                out.append((p, snippets.run(p.snippet, p.manifests, warnings, state)))
    finally:
        if sandbox is not None:
            sandbox.close()
        problems = cleanup(ctx, state, page.exclusive)
    if problems:
        out = [_with_cleanup_problems(p, r, problems) for p, r in out]
    return out


class StepGuard:
    """The safety policy around each runbook step: before it runs, ask the policy whether it may
    (and whether each cluster-scoped object it changes may be changed); after it ran, let the policy
    say which objects it created are now the run's, remembered by UID for the page's cleanup."""

    def __init__(self, ctx: Context, state: PageState):
        self.ctx, self.state = ctx, state
        self.effects: safety.StepEffects | None = None

    def _ours(self) -> set[str]:
        return {a.uid for a in self.state.applied if a.uid}

    def _found(self, t: safety.Touch) -> dict | None:
        kind = t.kind()
        return self.ctx.api.get(kind[0], kind[1], t.name, None) if kind and t.name else None

    def before(self, step: Snippet) -> str | None:
        self.effects = safety.step_effects(step.text, self.ctx.api.scope)
        reason = self.ctx.policy.refuse_step(self.effects, self.state.namespace)
        for t in [] if reason else self.effects.cluster_scoped:
            reason = self.ctx.policy.refuse_change(t, lambda t=t: self._found(t), self._ours())
            if reason:
                break
        return reason

    def after(self, step: Snippet) -> None:
        for t in self.effects.cluster_scoped if self.effects else []:
            if t.verb not in safety.CREATE_VERBS:
                continue
            found = self._found(t)
            uid = self.ctx.policy.claims(t, found, self._ours())
            if uid:
                kind = t.kind() or ("", "")
                m = Manifest({"apiVersion": kind[0], "kind": kind[1], "metadata": {"name": t.name}})
                self.state.applied.append(Applied(m, found or {}, None, uid))


def make_namespace(ctx: Context, name: str) -> str | None:
    try:
        ctx.api.create(safety.namespace_body(name, ctx.run_id), None)
    except ApiError as e:
        return f"failed to create namespace {name!r}: {e}"
    ok, _, _ = ctx.api.wait("v1", "ServiceAccount", "default", name, expect.exists, ctx.timeout)
    if not ok:
        return f"namespace {name!r} got no default ServiceAccount within {ctx.timeout:.0f} s (is kube-controller-manager running?)"
    return None


def cleanup(ctx: Context, state: PageState, exclusive: bool) -> list[str]:
    """Delete what the safety policy says the page created (objects outside its namespace only by
    the UID the run created, then the namespace). A page that shares cluster-wide names waits until they are gone, so the same
    page in the other language can make them again. Returns what could not be done, with the command."""
    api, problems = ctx.api, []
    made = [
        safety.Target(a.manifest.api_version, a.manifest.kind, a.manifest.name, a.namespace, a.uid)
        for a in state.applied
    ]
    targets = ctx.policy.deletions(made, state.namespace)
    if exclusive:  # a fixed node port is the cluster's until its Service is gone, not its namespace
        held = [t for t, a in zip(made, state.applied, strict=True) if a.namespace == state.namespace and _node_port(a)]
        targets = [*held, *targets]
    for t in targets:
        try:
            api.delete(t.api_version, t.kind, t.name, t.namespace, t.uid or None)
        except ApiError as e:
            if ctx.policy.deletion_problem(t, e.status):
                problems.append(
                    f"failed to delete {t.kind}/{t.name}" + (f" in {t.namespace}" if t.namespace else "") + f": {e}"
                )
    if exclusive:
        for t in targets[:-1]:  # not the page's own namespace: its names are its own
            try:
                gone = api.wait_gone(t.api_version, t.kind, t.name, t.namespace, ctx.timeout)
            except ApiError as e:
                problems.append(f"failed to check that {t.kind}/{t.name} is gone: {e}")
                continue
            if not gone:
                problems.append(f"{t.kind}/{t.name} was deleted but still exists after {ctx.timeout:.0f} s")
    return problems


def _node_port(a: Applied) -> bool:
    spec = a.manifest.obj.get("spec") or {}
    ports = spec.get("ports") if a.manifest.kind == "Service" else None
    return any(isinstance(p, dict) and p.get("nodePort") for p in ports or [])


def _with_cleanup_problems(p: Prepared, r: Result, problems: list[str]) -> tuple[Prepared, Result]:
    """Cleanup failures are reported on the page's live items (as warnings), never swallowed."""
    if not goes_live(p):
        return p, r
    extra = [Finding(p.snippet.where(), f"cleanup: {m}", "warning") for m in problems]
    return p, Result(r.snippet, r.status, r.stage, [*r.findings, *extra], r.fidelity, r.seconds)
