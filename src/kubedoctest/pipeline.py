"""The one pipeline of the three front-ends: `check(settings) -> Report` and the `Pipeline` under it
(its cluster side is cluster_run.py; offline_tier.py runs its offline tier on snippets collected
elsewhere).

The CLI runs `check` once; the pytest plugin keeps a `Pipeline` per process and asks it for the
results of the pages its items belong to; the MkDocs plugin collects the pages MkDocs builds with the
same collection (collect.checked_page) and runs `offline_tier.Offline.results` on them with the same
settings (`Offline.from_settings`). No pytest here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import baseline, changed, runner
from . import report as report_files
from .cluster_run import ClusterRun
from .collect.collect import pages
from .config import Settings
from .model import InputError, Prepared, Result, Status
from .static import crd_files


@dataclass
class Report:
    results: list[Result]
    run: dict[str, Any] = field(default_factory=dict)
    header: str = ""

    @property
    def exit_code(self) -> int:
        return 1 if any(r.status == Status.FAILED and not r.known for r in self.results) else 0


def shard_pages(all_pages: list[str], shard: tuple[int, int] | None) -> set[str]:
    """The pages of shard K of N: every N-th page of the sorted list, starting at the K-th."""
    ordered = sorted(set(all_pages))
    if shard is None:
        return set(ordered)
    k, n = shard
    return {page for i, page in enumerate(ordered) if i % n == k - 1}


class Pipeline(AbstractContextManager["Pipeline"]):
    """Settings -> collected docs -> (live session) -> results for any set of snippet ids."""

    def __init__(self, settings: Settings, log: Callable[[str], None] = lambda m: None):
        if not settings.paths:
            raise InputError("no paths to check: give PATH... or set paths in [tool.kubedoctest] of pyproject.toml")
        self.settings = settings
        self.log = log
        try:
            self.versions = runner.resolve_versions(settings.k8s_versions)
        except ValueError as e:
            raise InputError(str(e)) from None
        options = runner.Options(paths=settings.paths, versions=self.versions, mkdocs_yml=settings.mkdocs_config)
        self.snippets, self.errors = runner.collect_all(options)
        found = {display: file for display, file, _ in pages(settings.paths)}
        page_list = list(found)
        self.pages = shard_pages(page_list, settings.shard)
        self.why: dict[str, str] | None = None
        if settings.changed is not None:
            files = changed.changed_files(settings.changed, Path.cwd())
            known = changed.known_hashes(settings.results)
            self.why = changed.select(self.snippets, {p: found[p] for p in self.pages}, files, known, settings.changed)
            self.pages = set(self.why)
        if not self.pages and settings.changed is None:
            k, n = settings.shard or (1, 1)
            raise InputError(f"shard {k}/{n} has no pages: there are {len(set(page_list))}; use fewer shards")
        self.crds, self.crd_problems = crd_files.load(settings.crds)
        self.known = baseline.read(settings.baseline) if settings.baseline is not None else None
        self.cluster = ClusterRun(settings, log)
        self._offline: runner.Offline | None = None

    # -- what there is ------------------------------------------------------------------------

    def ids(self) -> list[tuple[str, str, int]]:
        """(id, page, line) of every item in the shard: collect errors (one per page line), then snippets."""
        out: dict[str, tuple[str, str, int]] = {}
        for item in [*self.errors, *self.snippets]:
            if item.page in self.pages:
                out.setdefault(item.id, (item.id, item.page, item.line))
        return list(out.values())

    def nothing_changed(self) -> bool:
        """A --changed run that selected no page: nothing to check, and that passes."""
        return self.settings.changed is not None and not self.pages

    def require_items(self) -> None:
        """Nothing to check (no snippet, runbook step or collect error in the pages) is an
        InputError in every front-end; a --changed run that selected no page is not."""
        if self.settings.changed is None and not self.ids():
            where = ", ".join(repr(p) for p in self.settings.paths)
            raise InputError(f"no YAML snippets or runbook steps in the pages under {where}: nothing was checked")

    # -- running ------------------------------------------------------------------------------

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self.cluster.close()

    def run(self, select: Callable[[str], bool] | None = None) -> list[Result]:
        """Results of the selected snippet ids of the shard (all of the shard by default)."""
        in_shard = {i for i, _, _ in self.ids()}

        def chosen(i: str) -> bool:
            return i in in_shard and (select is None or select(i))

        live = self.cluster.open(lambda: [s for s in self.snippets if chosen(s.id)])
        if self._offline is None:
            crds = [*self.crds, *self.cluster.crds()]
            self._offline = runner.Offline(self.snippets, self.errors, self.versions, self.settings.fragments, crds)
        prepared = self._offline.prepare(chosen)
        results = runner.without_cluster(prepared) if live is None else live.run(prepared)
        done = [_complete(p, r) for p, r in zip(prepared, results, strict=True)]
        if self.known is not None:
            baseline.apply(self.known, done)
        return done

    def run_block(self) -> dict[str, Any]:
        """The `run` block of the results file (README, "JSON")."""
        return self.cluster.run_block(self.versions)

    def header(self) -> str:
        text = f"kubedoctest: Kubernetes {', '.join(self.versions)}; cluster {self.settings.cluster}"
        session = self.cluster.session
        if session is not None:
            text += f" ({session.describe()})"
        if session is not None and self.settings.runbook_kubectl != "cluster":
            text += f"; runbook steps with kubectl {session.runbook_kubectl_version}"
        if self.settings.crds:
            text += f"; {len(self.crds)} CRDs from {', '.join(str(p) for p in self.settings.crds)}"
        if self.cluster.crd_count:
            text += f"; {self.cluster.crd_count} CRDs of the cluster"
        if self.settings.fragments != "check":
            text += f"; fragments = {self.settings.fragments}"
        if self.known is not None:
            text += f"; baseline {self.settings.baseline}"
        if self.why is not None:
            counts = Counter(self.why.values())
            detail = ", ".join(f"{n} {reason}" for reason, n in counts.items()) or "nothing changed"
            text += f"; --changed {self.settings.changed}: {len(self.pages)} pages ({detail})"
        if self.settings.shard:
            text += f"; shard {self.settings.shard[0]}/{self.settings.shard[1]} ({len(self.pages)} pages)"
        if self.nothing_changed():
            text += f"\nkubedoctest: nothing changed since {self.settings.changed}: no page to check"
        for problem in self.crd_problems:
            text += f"\nkubedoctest: warning: CRD file {problem}"
        if session is not None:
            for note in session.provider.notes:
                text += f"\nkubedoctest: {note}"
        return text


def _complete(p: Prepared, r: Result) -> Result:
    """A live result keeps what the offline tier knew: the versions it was checked on; a partial
    one says why in `reasons`."""
    if not r.k8s_versions:
        r.k8s_versions = list(p.result.k8s_versions)
    if r.fidelity == "partial" and not r.reasons:
        r.reasons = [f.message.removeprefix("partial: ") for f in r.findings if f.severity == "info"]
    return r


def check(settings: Settings, log: Callable[[str], None] = lambda m: None) -> Report:
    """Check every snippet of the settings' paths (of its shard); an InputError when nothing can be
    checked at all (no pages, no snippets, an unreadable page, a cluster that cannot start)."""
    if settings.results is not None and settings.changed is None:
        report_files.remove_results(
            settings.results
        )  # a results file of an earlier run must not outlive a run that fails
    with Pipeline(settings, log) as pipeline:
        if pipeline.nothing_changed():
            return Report([], {}, pipeline.header())
        pipeline.require_items()
        results = pipeline.run()
        report = Report(results, pipeline.run_block(), pipeline.header())
    if settings.results is not None:
        merge = pipeline.pages if settings.changed is not None else None
        report_files.write_results(settings.results, report.results, report.run, merge)
    if settings.write_baseline is not None:
        count = baseline.write(settings.write_baseline, report.results)
        log(f"kubedoctest: wrote {count} failures to the baseline {settings.write_baseline}")
        for r in report.results:
            r.known = r.known or r.status == Status.FAILED  # recorded now: the run that writes it passes
    return report
