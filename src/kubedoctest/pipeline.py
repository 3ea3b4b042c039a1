"""The one pipeline of the three front-ends: `check(settings) -> Report`, the `Pipeline` under it,
and `Offline`, its offline tier on snippets collected elsewhere.

The CLI runs `check` once; the pytest plugin keeps a `Pipeline` per process and asks it for the
results of the pages its items belong to; the MkDocs plugin collects the pages MkDocs builds with the
same collection (collect.checked_page) and runs `Offline.results` on them with the same settings
(`Offline.from_settings`). No pytest here.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import baseline, changed, runner
from . import report as report_files
from .collect.collect import pages
from .collect.errors import CollectError
from .config import Settings
from .model import InputError, Manifest, Prepared, Result, Snippet, Status
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
        self.cluster_crds = 0  # CRDs the live cluster served (counted in the header)
        self._offline: runner.Offline | None = None
        self._session: Any = None
        self._opened = False

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
        if self._session is not None:
            session, self._session = self._session, None
            session.__exit__(None, None, None)

    def _live(self) -> Any:
        """The live session, opened on first use (None with cluster none)."""
        if self.settings.cluster == "none":
            return None
        if not self._opened:
            self._opened = True
            from .live import session

            s = self.settings
            live = session.open_session(
                s.cluster,
                kubeconfig=s.kubeconfig,
                context=s.context,
                consent=s.consent,
                timeout=s.timeout,
                jobs=s.jobs,
                log=self.log,
                runbook_kubectl=s.runbook_kubectl,
            )
            live.__enter__()
            self._session = live
        if self._session is None:
            raise InputError("the cluster could not be started (see the first error)")
        return self._session

    def run(self, select: Callable[[str], bool] | None = None) -> list[Result]:
        """Results of the selected snippet ids of the shard (all of the shard by default)."""
        live = self._live()
        if self._offline is None:
            crds = [*self.crds, *self._cluster_crds(live)]
            self._offline = runner.Offline(self.snippets, self.errors, self.versions, self.settings.fragments, crds)
        in_shard = {i for i, _, _ in self.ids()}
        prepared = self._offline.prepare(lambda i: i in in_shard and (select is None or select(i)))
        results = runner.without_cluster(prepared) if live is None else live.run(prepared)
        done = [_complete(p, r) for p, r in zip(prepared, results, strict=True)]
        if self.known is not None:
            baseline.apply(self.known, done)
        return done

    def _cluster_crds(self, live: Any) -> list[Manifest]:
        """On a live run the cluster's own CRDs count too: its custom resources are checked offline
        against them (an existing cluster's operators, kind's local-path provisioner)."""
        api = getattr(live, "api", None)
        if api is None:
            return []
        try:
            items = api.list("apiextensions.k8s.io/v1", "CustomResourceDefinition", None).get("items", [])
        except Exception as e:  # a cluster that does not let us list them: said, not fatal
            self.log(
                f"kubedoctest: warning: the cluster's CRDs could not be listed ({e}); custom resources without a CRD in the docs are not checked"
            )
            return []
        found = [Manifest(_as_sent(item)) for item in items if isinstance(item, dict)]
        self.cluster_crds = len(found)
        return found

    def run_block(self) -> dict[str, Any]:
        """The `run` block of the results file (README, "JSON")."""
        provider = getattr(self._session, "provider", None)
        version = str(getattr(provider, "version", "") or "").lstrip("v") or None if provider else None
        return {
            "provider": getattr(provider, "name", None) or ("none" if provider is None else "existing"),
            "kubernetes": version,
            "simulated": bool(getattr(provider, "simulated", False)),
            "k8s_versions": list(self.versions),
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "cluster": provider.describe() if provider is not None else "none",
            "kubectl": getattr(self._session, "runbook_kubectl_version", None) or None,
            "notes": provider.notes if provider is not None else [],
        }

    def header(self) -> str:
        text = f"kubedoctest: Kubernetes {', '.join(self.versions)}; cluster {self.settings.cluster}"
        if self._session is not None:
            text += f" ({self._session.describe()})"
        if self._session is not None and self.settings.runbook_kubectl != "cluster":
            text += f"; runbook steps with kubectl {self._session.runbook_kubectl_version}"
        if self.settings.crds:
            text += f"; {len(self.crds)} CRDs from {', '.join(str(p) for p in self.settings.crds)}"
        if self.cluster_crds:
            text += f"; {self.cluster_crds} CRDs of the cluster"
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
        if self._session is not None:
            for note in self._session.provider.notes:
                text += f"\nkubedoctest: {note}"
        return text


class Offline:
    """The offline tier of the pipeline (parse, schemas, formats, the runbook lint, fragments as the
    settings say, CRDs of the settings and of the snippets themselves) on snippets collected
    elsewhere: the MkDocs plugin's pages. The results are those of the offline tier, before a
    cluster (a runbook step that passed the lint is `passed`, with its warnings)."""

    def __init__(self, versions: list[str], fragments: str = "check", crds: list[Manifest] | None = None):
        self.versions, self.fragments, self.crds = versions, fragments, list(crds or [])
        self.problems: list[str] = []

    @classmethod
    def from_settings(cls, settings: Settings) -> Offline:
        """The versions, fragments and CRDs of settings read as the CLI and pytest read them
        (config.load_settings); an InputError for a bad one."""
        try:
            versions = runner.resolve_versions(settings.k8s_versions)
        except ValueError as e:
            raise InputError(str(e)) from None
        crds, problems = crd_files.load(settings.crds)
        offline = cls(versions, settings.fragments, crds)
        offline.problems = [f"CRD file {p}" for p in problems]
        return offline

    def signature(self) -> tuple[Any, ...]:
        """What the results depend on besides a snippet: for a cache."""
        return (tuple(self.versions), self.fragments, tuple(repr(m.obj) for m in self.crds))

    def results(self, snippets: list[Snippet], errors: list[CollectError]) -> list[Result]:
        """Collect errors first (all errors of one page line make one failed result), then the snippets."""
        tier = runner.Offline(snippets, errors, self.versions, self.fragments, self.crds)
        return [p.result for p in tier.prepare()]


def _as_sent(item: dict[str, Any]) -> dict[str, Any]:
    """A CRD as the API returns it through the dynamic client, with the field names it is written with."""
    item.setdefault("apiVersion", "apiextensions.k8s.io/v1")
    item.setdefault("kind", "CustomResourceDefinition")
    return item


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
