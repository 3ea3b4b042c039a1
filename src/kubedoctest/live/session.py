"""One cluster per run: create it, check every page on it, delete it; on Ctrl-C or SIGTERM at any
point too (live/signals.py), with the teardown shielded from further signals.

Jobs are split: planning.py decides (pure), this module schedules pages on threads, page.py runs
one page, snippet.py one snippet, safety/ says what is allowed on whose cluster, leftovers.py
removes what dead runs left on someone else's cluster (by the safety module's rule), tools.py finds
the steps' helm and names their kubectl's version.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..cluster import kubectl, registry
from ..cluster.provider import Provider, ProviderError
from ..model import Finding, InputError, Prepared, Result, Snippet, Stage, Status
from ..runbook import runbook
from . import images, leftovers, planning, signals, tools, twins
from . import page as pages
from .api import Api, Cancelled
from .images import Availability
from .safety import NO_CONSENT, Consent, Policy

# The default number of pages checked at once (open_session's `jobs`) is the provider's `jobs`: on
# simulated nodes (kwok, 12) a page mostly waits for controllers, so more of them overlap (the docs
# on kwok: 91 s with 4, 68 s with 12, 66 s with 16 on 2 cores); real containers need the node's CPU:
# on kind (6; a 2-CPU node), with a page's translation no longer run again, the docs took 184 s with
# 4 and 155 s with 6, while 8 (before) put more Pods' CPU requests on the node than it has and a Pod
# stayed Pending past its timeout ("Insufficient cpu"); someone's cluster (existing, 4) is not ours to load.


def open_session(
    cluster: str,
    *,
    kubeconfig: str | None = None,
    context: str | None = None,
    consent: Consent = NO_CONSENT,
    timeout: float = 60.0,
    jobs: int | None = None,
    log: Callable[[str], None] = lambda m: None,
    runbook_kubectl: str = "cluster",
    new_cluster: bool = False,
) -> LiveSession:
    try:
        provider = registry.provider_for(
            cluster, kubeconfig=kubeconfig, allow_existing=consent.existing_cluster, context=context, log=log,
            attach=not new_cluster,
        )  # fmt: skip
    except ProviderError as e:
        raise InputError(str(e)) from None
    return LiveSession(
        provider,
        timeout=timeout,
        jobs=jobs or provider.jobs,
        log=log,
        consent=consent,
        runbook_kubectl=runbook_kubectl,
    )


class LiveSession:
    def __init__(
        self,
        provider: Provider,
        timeout: float = 60.0,
        jobs: int = 4,
        log: Callable[[str], None] = lambda m: None,
        consent: Consent = NO_CONSENT,
        runbook_kubectl: str = "cluster",
    ):
        self.provider = provider
        self.runbook_kubectl_choice = runbook_kubectl
        self.runbook_kubectl: Path | None = None  # set once the cluster is up
        self.runbook_kubectl_version = ""
        self.timeout = timeout
        self.jobs = max(1, jobs)
        self.log = log
        self.run_id = uuid.uuid4().hex[:6]
        self.policy = Policy(owned=provider.owned, consent=consent)
        self.cancelled = threading.Event()
        self.api: Api | None = None
        self.folder: Path | None = None
        self._signals: contextlib.ExitStack | None = None
        self._ctx: pages.Context | None = None
        self._states: list[Any] = []
        self._pages_planned = 0  # run() may be called once per page (pytest): namespaces stay unique

    def describe(self) -> str:
        return self.provider.describe()

    def prefetch(self, prepared: Callable[[], list[Snippet]]) -> None:
        """Before the cluster starts: tell a provider that loads images (kind) which ones the
        snippets and steps to be checked name, so it can load them while it creates the cluster."""
        if self.provider.loads_images:
            self.provider.prefetch(images.named(prepared()))

    def __enter__(self) -> LiveSession:
        self._signals = contextlib.ExitStack()
        self._signals.enter_context(signals.armed())
        try:
            signals.guarded(self._start_checked, self._teardown, self.log)
        except ProviderError as e:
            self._disarm()
            raise InputError(str(e)) from None
        except BaseException:
            self._disarm()
            raise
        return self

    def _start_checked(self) -> None:
        self._start()
        signals.check()  # a signal whose exception was lost while the cluster started

    def _start(self) -> None:
        registry.start(self.provider)
        self.folder = Path(tempfile.mkdtemp(prefix="kubedoctest-run-", dir=self.provider.folder))
        self.api = Api(self.provider.kubeconfig, self.folder, pool=self.jobs * 2 + 2, cancelled=self.cancelled)
        if self.policy.removes_leftovers:
            leftovers.remove_dead_runs_namespaces(self.api, self.log)
        self._pick_kubectl()

    def _pick_kubectl(self) -> None:
        """The kubectl of runbook steps: the provider's, or the version the setting asks for (the
        oldest the skew policy allows is built once and cached)."""
        wanted = kubectl.resolve(self.runbook_kubectl_choice, self.provider.version)
        self.runbook_kubectl = self.provider.kubectl if wanted is None else kubectl.ensure(wanted, self.log)
        self.runbook_kubectl_version = tools.kubectl_version(self.runbook_kubectl)

    def __exit__(self, *exc: Any) -> None:
        try:
            with signals.shielded():
                self._teardown()
        finally:
            self._disarm()

    def _teardown(self) -> None:
        self.cancelled.set()
        runbook.stop_running()
        problems = self._sweep() if self.policy.sweeps_on_stop else []
        try:
            self.provider.delete()
        except ProviderError as e:
            problems.append(str(e))
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            if self.folder.exists():
                problems.append(f"cannot remove the run's folder {self.folder}")
            self.folder = None
        for p in problems:
            self.log(f"kubedoctest: {p}")

    def _sweep(self) -> list[str]:
        """On someone else's cluster, pages stopped half-way (a signal) did not clean up: delete what
        they made (by UID) and their namespaces, with a client of its own (the run's is cancelled)."""
        if self._ctx is None or self.folder is None:
            return []
        try:
            api = Api(self.provider.kubeconfig, self.folder, stops_on_signal=False)
        except Exception as e:  # the kubeconfig or the cluster is gone
            return [f"cannot remove the run's namespaces: {e}; `kubedoctest cluster gc` will"]
        ctx = dataclasses.replace(self._ctx, api=api)
        return [p for state in list(self._ctx.states) for p in pages.cleanup(ctx, state, False)]

    def _disarm(self) -> None:
        if self._signals is not None:
            self._signals.close()
            self._signals = None

    # -- running -----------------------------------------------------------------------------

    def run(self, prepared: list[Prepared]) -> list[Result]:
        """Pages run in parallel, each in its own namespace; pages that share cluster-wide names run
        one after another, one chain of them per worker, beside the others."""
        assert self.api is not None
        plan = planning.plan(prepared, self.run_id, self.api.scope, self._pages_planned)
        self._pages_planned += len({p.snippet.page for p in prepared})
        ctx = pages.Context(
            self.api, self.policy, self.run_id, self.provider.simulated, self.timeout, self.folder or Path(),
            self.provider.kubeconfig, self.runbook_kubectl, tools.helm(), self.runbook_kubectl_version,
            self._images(prepared),
        )  # fmt: skip
        ctx.states = self._states  # one list for every run() of the session
        self._ctx = ctx
        results: dict[int, Result] = {id(p): p.result for p in plan.offline_only}
        pool = ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="kubedoctest-page")
        try:
            # The costliest pages start first, so the run ends soon after its longest page ends.
            tasks = planning.longest_first(plan)
            futures = [pool.submit(self._pages, ctx, task) for task in tasks]
            for future in futures:
                for p, r in future.result():
                    results[id(p)] = r
            signals.check()
        except BaseException:
            self.cancelled.set()
            runbook.stop_running()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        return [results.get(id(p), p.result) for p in prepared]

    def _images(self, prepared: list[Prepared]) -> Availability:
        """Let the provider make the run's workload images available (kind loads real images or
        local stand-ins into its node); kwok and existing clusters have nothing to do."""
        wanted = [i for p in prepared if planning.goes_live(p) for i in images.of_snippet(p.snippet, p.manifests)]
        try:
            plan = self.provider.prepare_images(sorted(set(wanted)))
        except ProviderError as e:
            raise InputError(str(e)) from None
        if plan is None:
            return Availability()
        return Availability(standin=dict(plan.standin), unavailable=set(plan.unavailable))

    def _pages(self, ctx: pages.Context, plans: list[planning.PagePlan]) -> list[tuple[Prepared, Result]]:
        out: list[tuple[Prepared, Result]] = []
        for plan in plans:
            try:
                done = pages.run_page(ctx, plan)
            except Cancelled:
                return out
            except Exception as e:  # the API went away, a bug: fail this page's items, not the run
                problem = f"internal error while checking the page: {type(e).__name__}: {e}"
                done = [
                    (p, Result(p.snippet, Status.FAILED, Stage.LIVE, [Finding(p.snippet.where(), problem)]))
                    if planning.goes_live(p)
                    else (p, p.result)
                    for p in plan.items
                ]
            out.extend(done)
            results = {id(p): r for p, r in done}
            for copy in plan.copies:  # the same live part in another page: its translation
                out.extend(twins.take(plan.live, results, copy.items, copy.live))
        return out
