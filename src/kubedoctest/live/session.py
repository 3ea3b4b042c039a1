"""One cluster per run: create it, check every page's snippets on it, delete it (also on Ctrl-C/SIGTERM)."""

from __future__ import annotations

import copy
import re
import signal
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from .. import directives
from ..cluster.provider import Provider, ProviderError
from ..model import Finding, Manifest, Prepared, Result, Snippet, Status
from ..runner import is_step
from . import expect
from .api import Api, ApiError
from .kinds import kind_of
from .steps import StepRunner

RUN_LABEL = "kubedoctest.io/run"
WORKLOADS = {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}
EXTERNAL_NOTE = (
    "{what} was not waited for: its pods need a server outside the cluster that the manifest names "
    "(an NFS export, say), which a test cluster does not have; checked that it was created"
)
KUBELET_NOTE = (
    "requires a kubelet: containers, image pulls, volume mounts and cluster DNS were not exercised "
    "on simulated nodes; checked: server-side dry-run, apply and {checked}"
)


class Terminated(BaseException):
    """SIGTERM, turned into an exception so the cluster is deleted on the way out."""


@dataclass
class Applied:
    manifest: Manifest
    obj: dict[str, Any]
    namespace: str | None


@dataclass
class PageState:
    namespace: str
    applied: list[Applied] = field(default_factory=list)
    pod_labels: list[dict[str, str]] = field(default_factory=list)  # template labels of pods created so far


def open_session(
    cluster: str,
    kubeconfig: str | None,
    allow_existing: bool,
    allow_cluster_scoped: bool,
    timeout: float,
    jobs: int | None,
    log: Callable[[str], None],
) -> LiveSession:
    from ..cluster.select import provider_for

    try:
        provider = provider_for(
            cluster,
            kubeconfig=kubeconfig,
            allow_existing=allow_existing,
            allow_cluster_scoped=allow_cluster_scoped,
            log=log,
        )
    except ProviderError as e:
        from ..model import InputError

        raise InputError(str(e)) from None
    return LiveSession(provider, timeout=timeout, jobs=jobs or 4, log=log)


class LiveSession:
    def __init__(
        self,
        provider: Provider,
        timeout: float = 60.0,
        jobs: int = 4,
        log: Callable[[str], None] = lambda m: None,
    ):
        self.provider = provider
        self.timeout = timeout
        self.jobs = max(1, jobs)
        self.log = log
        self.run_id = uuid.uuid4().hex[:6]
        self.api: Api | None = None
        self._old_term: Any = None

    def describe(self) -> str:
        return self.provider.describe()

    def __enter__(self) -> LiveSession:
        if threading.current_thread() is threading.main_thread():
            self._old_term = signal.signal(signal.SIGTERM, self._on_term)
        try:
            self.provider.create()
        except ProviderError as e:
            from ..model import InputError

            self._restore()
            raise InputError(str(e)) from None
        except BaseException:
            self._restore()
            raise
        self.api = Api(self.provider.kubeconfig, pool=self.jobs * 2 + 2)
        return self

    def _on_term(self, signum: int, frame: Any) -> None:
        raise Terminated()

    def _restore(self) -> None:
        if self._old_term is not None:
            signal.signal(signal.SIGTERM, self._old_term)
            self._old_term = None

    def __exit__(self, *exc: Any) -> None:
        try:
            self.provider.delete()
        finally:
            self._restore()

    # -- running -----------------------------------------------------------------------------

    def run(self, prepared: list[Prepared]) -> list[Result]:
        """Pages run in parallel, each in its own namespace; pages that share cluster-wide names
        run one after another on one worker (see _is_exclusive), beside the others."""
        pages: dict[str, list[Prepared]] = {}
        for p in prepared:
            pages.setdefault(p.snippet.page, []).append(p)
        shared: list[tuple[int, list[Prepared]]] = []
        alone: list[tuple[int, list[Prepared]]] = []
        for index, items in enumerate(pages.values()):
            (shared if self._page_is_exclusive(items) else alone).append((index, items))
        results: dict[int, Result] = {}
        pool = ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="kubedoctest-page")
        try:
            futures = [pool.submit(self._pages, shared, True)]
            futures += [pool.submit(self._pages, [page], False) for page in alone]
            for future in futures:
                for p, r in future.result():
                    results[id(p)] = r
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        return [results.get(id(p), p.result) for p in prepared]

    def _page_is_exclusive(self, items: list[Prepared]) -> bool:
        live = [p for p in items if p.result.status == Status.PASSED and (p.manifests or is_step(p))]
        # Runbook steps may create cluster-scoped objects that the same page in the other language
        # creates too: runbook pages run with the pages that have such manifests.
        return any(is_step(p) for p in live) or any(self._is_exclusive(m) for p in live for m in p.manifests)

    def _pages(self, pages: list[tuple[int, list[Prepared]]], exclusive: bool) -> list[tuple[Prepared, Result]]:
        out: list[tuple[Prepared, Result]] = []
        for index, items in pages:
            try:
                out.extend(self._page(index, items, exclusive))
            except Exception as e:  # the API went away, a bug: fail this page's items, not the run
                problem = f"internal error while checking the page: {type(e).__name__}: {e}"
                out.extend(
                    (p, Result(p.snippet, Status.FAILED, "live", [Finding(p.snippet.where(), problem)]))
                    if p.result.status == Status.PASSED
                    else (p, p.result)
                    for p in items
                )
        return out

    def _page(self, index: int, items: list[Prepared], exclusive: bool) -> list[tuple[Prepared, Result]]:
        if not any(p.result.status == Status.PASSED and (p.manifests or is_step(p)) for p in items):
            return [(p, p.result) for p in items]
        return self._run_page(index, items, exclusive)

    def _is_exclusive(self, m: Manifest) -> bool:
        assert self.api is not None
        if (m.obj.get("metadata") or {}).get("namespace"):
            return True
        if m.kind == "Service" and any(
            isinstance(p, dict) and p.get("nodePort") for p in (m.obj.get("spec") or {}).get("ports") or []
        ):
            return True  # node ports are allocated cluster-wide
        try:
            return not self.api.namespaced(m.api_version, m.kind)
        except ApiError:
            return False

    def _run_page(self, index: int, items: list[Prepared], exclusive: bool) -> list[tuple[Prepared, Result]]:
        assert self.api is not None
        slug = re.sub(r"[^a-z0-9]+", "-", items[0].snippet.page.lower()).strip("-")[-40:].strip("-")
        state = PageState(namespace=f"kdt-{self.run_id}-{index}-{slug}"[:63].rstrip("-"))
        out: list[tuple[Prepared, Result]] = []
        steps: StepRunner | None = None
        try:
            ns_error = self._make_namespace(state.namespace)
            for p in items:
                if p.result.status != Status.PASSED or not (p.manifests or is_step(p)):
                    out.append((p, p.result))
                elif ns_error:
                    out.append((p, Result(p.snippet, Status.FAILED, "live", [Finding(p.snippet.where(), ns_error)])))
                elif is_step(p):
                    steps = steps or StepRunner(self.provider, state.namespace)
                    out.append((p, steps.run(p.snippet)))
                else:
                    out.append((p, self._snippet(p, state)))
        finally:
            if steps is not None:
                steps.close()
            self._cleanup(state, exclusive)
        return out

    def _make_namespace(self, name: str) -> str | None:
        assert self.api is not None
        body = {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": name, "labels": {RUN_LABEL: self.run_id}},
        }
        try:
            self.api.apply(body, None)
        except ApiError as e:
            return f"failed to create namespace {name!r}: {e}"
        ok, _, _ = self.api.wait("v1", "ServiceAccount", "default", name, expect.exists, self.timeout)
        if not ok:
            return f"namespace {name!r} got no default ServiceAccount within {self.timeout:.0f} s (is kube-controller-manager running?)"
        return None

    # -- one snippet ---------------------------------------------------------------------------

    def _snippet(self, p: Prepared, state: PageState) -> Result:
        assert self.api is not None
        started = time.monotonic()
        s = p.snippet
        findings = [f for f in p.result.findings if f.severity == "warning"]
        timeout = s.directives.timeout or self.timeout
        if not self.provider.cluster_scoped_allowed:
            reason = self._needs_cluster_scope(p.manifests)
            if reason:
                return Result(s, Status.SKIPPED, "live", [Finding(s.where(), f"skipped: {reason}", "info")])
        applied: list[Applied] = []
        for m in p.manifests:
            obj = copy.deepcopy(m.obj)
            meta = obj.setdefault("metadata", {})
            meta.setdefault("labels", {})[RUN_LABEL] = self.run_id
            try:
                namespaced = self.api.namespaced(m.api_version, m.kind)
            except ApiError as e:
                return self._fail(s, m, "dry-run", f"failed to apply snippet: {m.describe()}: {e}", started)
            ns = (meta.get("namespace") or state.namespace) if namespaced else None
            if ns:
                meta["namespace"] = ns
            for stage, dry in (("dry-run", True), ("apply", False)):
                try:
                    live = self.api.apply(obj, ns, dry_run=dry)
                except ApiError as e:
                    return self._fail(
                        s,
                        m,
                        stage,
                        f"failed to apply snippet: {m.describe()} ({stage}): {e}",
                        started,
                        e.fields,
                    )
            applied.append(Applied(m, live, ns))
            state.applied.append(Applied(m, live, ns))
            labels = _pod_template_labels(m.obj)
            external = "external" in s.directives.requires
            if labels is not None and not (external and not self.provider.simulated):
                state.pod_labels.append(labels)  # pods that will be ready: a Service selecting them gets endpoints
        try:
            expectations = self._expectations(s, applied, state)
        except directives.DirectiveError as e:
            return Result(
                s,
                Status.FAILED,
                "live",
                [Finding(s.where(), str(e))],
                seconds=time.monotonic() - started,
            )
        checked, notes = [], []
        for exp, a in expectations:
            problem = self._wait(exp, a, timeout)
            if problem:
                line = a.manifest.line if a else 0
                return Result(
                    s,
                    Status.FAILED,
                    "ready",
                    [*findings, Finding(s.where(line), problem)],
                    fidelity=self._fidelity(s, notes),
                    seconds=time.monotonic() - started,
                )
            checked.append(exp.describe())
            if exp.simulated_note:
                notes.append(exp.simulated_note)
        requires = s.directives.requires
        if self.provider.simulated and "kubelet" in requires:
            notes.insert(0, KUBELET_NOTE.format(checked=", ".join(checked) or "nothing more"))
        if self.provider.simulated and "external" in requires:
            notes.append(
                "the server outside the cluster that the manifest names was not contacted (simulated nodes mount nothing)"
            )
        for note in notes:
            findings.append(Finding(s.where(), f"partial: {note}", "info"))
        return Result(
            s,
            Status.PASSED,
            "live",
            findings,
            fidelity=self._fidelity(s, notes),
            seconds=time.monotonic() - started,
        )

    def _fidelity(self, s: Snippet, notes: list[str]) -> str:
        requires = s.directives.requires
        if notes or "external" in requires or (self.provider.simulated and "kubelet" in requires):
            return "partial"
        return "full"

    def _fail(
        self,
        s: Snippet,
        m: Manifest,
        stage: str,
        message: str,
        started: float,
        fields: list[str] | None = None,
    ) -> Result:
        line = m.line
        for f in fields or []:
            path = tuple(int(x) if x.isdigit() else x for x in re.split(r"\.|\[|\]\.?", f) if x)
            line = m.line_of(path)
            break
        return Result(
            s,
            Status.FAILED,
            stage,
            [Finding(s.where(line), message)],
            seconds=time.monotonic() - started,
        )

    def _needs_cluster_scope(self, manifests: list[Manifest]) -> str | None:
        assert self.api is not None
        for m in manifests:
            if (m.obj.get("metadata") or {}).get("namespace"):
                return f"{m.describe()} names its own namespace; allow it with --allow-cluster-scoped"
            try:
                if not self.api.namespaced(m.api_version, m.kind):
                    return f"{m.describe()} is cluster-scoped; allow it with --allow-cluster-scoped"
            except ApiError:
                continue
        return None

    def _expectations(
        self, s: Snippet, applied: list[Applied], state: PageState
    ) -> list[tuple[expect.Expectation, Applied | None]]:
        explicit: dict[tuple[str, str], str] = {}
        for short, name, condition in s.directives.expect:
            explicit[(kind_of(short), name)] = condition
        out: list[tuple[expect.Expectation, Applied | None]] = []
        by_key = {(a.manifest.kind, a.manifest.name): a for a in applied}
        for key in explicit:
            a = by_key.get(key) or next((x for x in state.applied if (x.manifest.kind, x.manifest.name) == key), None)
            if a is None:
                raise directives.DirectiveError(
                    f"expect names {key[0]}/{key[1]}, which this snippet and the page before it do not create"
                )
        for a in applied:
            key = (a.manifest.kind, a.manifest.name)
            condition = explicit.get(key) or expect.default_condition(a.manifest.obj)
            if condition == "Endpoints" and not _selects_pods(a.manifest.obj, state.pod_labels):
                condition = "Exists"  # a Service whose pods this page does not create
            exp = expect.Expectation(a.manifest.kind, a.manifest.name, condition)
            out.append((self._adapt(exp, a, s.directives.requires), a))
        for key, condition in explicit.items():
            if key not in by_key:
                a = next(x for x in state.applied if (x.manifest.kind, x.manifest.name) == key)
                out.append((expect.Expectation(key[0], key[1], condition), a))
        return out

    def _adapt(self, exp: expect.Expectation, a: Applied, requires: frozenset[str]) -> expect.Expectation:
        """What can be checked here: on simulated nodes a bare Pod never runs to completion (check
        that it runs, and say so); with real nodes, pods that need a server outside the cluster
        (requires="external": an NFS export, say) cannot start, so they are only created."""
        if "external" in requires and exp.kind in WORKLOADS and not self.provider.simulated:
            return expect.Expectation(exp.kind, exp.name, "Exists", EXTERNAL_NOTE.format(what=exp.describe()))
        if self.provider.simulated and exp.kind == "Pod" and exp.condition == "Succeeded":
            return expect.Expectation(
                exp.kind,
                exp.name,
                "Ready",
                "Pod Succeeded was not checked: simulated nodes never finish a container; checked that it was scheduled and started",
            )
        return exp

    def _wait(self, exp: expect.Expectation, a: Applied | None, timeout: float) -> str | None:
        assert self.api is not None and a is not None
        started = time.monotonic()
        m = a.manifest
        if exp.condition == "Endpoints":
            return self._wait_endpoints(exp, a, timeout)
        check = expect.predicate(exp.kind, exp.condition)
        if check is None:
            return f"expectation {exp.describe()} is not defined for {exp.kind}; use one of the conditions listed in the docs"
        ok, last, reason = self.api.wait(
            m.api_version,
            m.kind,
            m.name,
            a.namespace,
            check,
            timeout,
            lambda o: expect.failed_now(o, exp.condition),
        )
        if ok:
            return None
        waited = time.monotonic() - started
        state = expect.summarize(last) if last else "the object is gone"
        events = self.api.events(m.name, a.namespace)
        text = f"{m.describe()} did not become {exp.condition}" + (
            f": {reason}" if reason else f" within {waited:.0f} s"
        )
        text += f"; last status: {state}"
        if events:
            text += "; events: " + " | ".join(events)
        return text

    def _wait_endpoints(self, exp: expect.Expectation, a: Applied, timeout: float) -> str | None:
        assert self.api is not None
        deadline = time.monotonic() + timeout
        selector = f"kubernetes.io/service-name={a.manifest.name}"
        while time.monotonic() < deadline:
            slices = self.api.list("discovery.k8s.io/v1", "EndpointSlice", a.namespace, selector).get("items", [])
            if any((ep.get("conditions") or {}).get("ready") for sl in slices for ep in sl.get("endpoints") or []):
                return None
            time.sleep(0.1)
        return f"Service/{a.manifest.name} got no ready endpoints within {timeout:.0f} s: its selector matches no ready pod"

    def _cleanup(self, state: PageState, exclusive: bool) -> None:
        """Delete what the page made. A page that shares cluster-wide names (cluster-scoped objects,
        named namespaces, fixed node ports) waits until they are gone, so the next such page (the
        same page in the other language, say) can make them again; others do not wait."""
        assert self.api is not None
        api = self.api
        if not exclusive:
            for a in reversed(state.applied):
                if a.namespace != state.namespace:
                    api.delete(a.manifest.api_version, a.manifest.kind, a.manifest.name, a.namespace)
            api.delete("v1", "Namespace", state.namespace, None)
            return
        in_page = [a for a in state.applied if a.namespace == state.namespace]
        for a in reversed(in_page):
            api.delete(a.manifest.api_version, a.manifest.kind, a.manifest.name, a.namespace)
        api.delete("v1", "Namespace", state.namespace, None)
        for a in reversed(in_page):
            api.wait_gone(a.manifest.api_version, a.manifest.kind, a.manifest.name, a.namespace, self.timeout)
        for a in reversed(state.applied):
            if a.namespace != state.namespace:
                api.delete(a.manifest.api_version, a.manifest.kind, a.manifest.name, a.namespace)
        for a in reversed(state.applied):
            if a.namespace != state.namespace:
                api.wait_gone(
                    a.manifest.api_version,
                    a.manifest.kind,
                    a.manifest.name,
                    a.namespace,
                    self.timeout,
                )


def _pod_template_labels(obj: dict[str, Any]) -> dict[str, str] | None:
    kind = obj.get("kind")
    if kind == "Pod":
        return (obj.get("metadata") or {}).get("labels") or {}
    if kind in (
        "Deployment",
        "ReplicaSet",
        "StatefulSet",
        "DaemonSet",
        "Job",
        "ReplicationController",
    ):
        template = (obj.get("spec") or {}).get("template") or {}
        return (template.get("metadata") or {}).get("labels") or {}
    return None


def _selects_pods(service: dict[str, Any], pod_labels: list[dict[str, str]]) -> bool:
    selector = (service.get("spec") or {}).get("selector")
    if not selector:
        return False
    return any(all(labels.get(k) == v for k, v in selector.items()) for labels in pod_labels)
