"""The only pytest code: each Markdown page of the docs is collected (`pytest_collect_file`) into
one item per snippet, runbook step and collect error, named `page:line` and carrying page and line.

Enable with `--kubedoctest`. Settings come from the `--kubedoctest-*` options over
`[tool.kubedoctest]` over the defaults, read by the same code as the CLI's (config.load_settings),
and the same `Pipeline` (check.py) runs them. Each process runs the pipeline once for the pages of
its selected items; under pytest-xdist whole pages go to one worker (scheduling by page), and each
worker has a cluster of its own. A failure of the pipeline itself (a cluster that cannot start)
is one error, and the session stops.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from . import report as reports
from .check import Pipeline
from .config import CLUSTERS, DEFAULT_CLUSTER, Settings, load_settings
from .model import InputError, Result, Status

_SETTINGS = pytest.StashKey[Settings]()
_STATE = pytest.StashKey["_State"]()
_ENTRY = "kubedoctest"  # the user property carrying an item's JSON entry (it crosses xdist workers)
_RUN = "kubedoctest-run"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kubedoctest", "check Kubernetes YAML snippets in Markdown docs")
    group.addoption("--kubedoctest", action="store_true", help="collect every YAML snippet of the docs as a test")
    group.addoption("--kubedoctest-path", action="append", default=[], help="docs path (repeatable)")
    group.addoption("--kubedoctest-k8s-version", action="append", default=[], help="Kubernetes minor version")
    group.addoption("--kubedoctest-cluster", default=None, choices=CLUSTERS, help=f"default: {DEFAULT_CLUSTER}")
    group.addoption("--kubedoctest-kubeconfig", default=None)
    group.addoption("--kubedoctest-context", default=None, help="with --kubedoctest-cluster existing: the context")
    group.addoption("--kubedoctest-allow-existing-cluster", nargs="?", const=True, default=None, metavar="CONTEXT")
    group.addoption("--kubedoctest-allow-cluster-scoped", action="store_true")
    group.addoption("--kubedoctest-timeout", default=None, help="seconds to wait for each object (default 60)")
    group.addoption("--kubedoctest-jobs", default=None, help="pages checked at once per process (default 4)")
    group.addoption("--kubedoctest-shard", default=None, metavar="K/N", help="only the K-th of N shares of the pages")
    group.addoption(
        "--kubedoctest-runbook-kubectl",
        default=None,
        metavar="WHICH",
        help="kubectl for runbook steps: cluster (default), oldest (one minor below the cluster) or X.Y.Z",
    )
    group.addoption("--kubedoctest-results", default=None, metavar="PATH", help="write the JSON report to PATH")
    group.addoption("--kubedoctest-crd", action="append", default=[], metavar="PATH", help="CRD file or folder")
    group.addoption("--kubedoctest-fragments", default=None, metavar="MODE", help="check (default), skip or fail")
    group.addoption("--kubedoctest-changed", nargs="?", const="HEAD", default=None, metavar="REF",
                    help="only pages changed since REF (default HEAD); the results file is merged")  # fmt: skip
    group.addoption("--kubedoctest-baseline", default=None, metavar="PATH", help="known failures: xfail, not fail")


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("kubedoctest"):
        return
    o = config.option
    given = {
        "paths": [str(Path(config.rootpath, p)) for p in o.kubedoctest_path],
        "k8s_versions": o.kubedoctest_k8s_version,
        "cluster": o.kubedoctest_cluster,
        "timeout": o.kubedoctest_timeout,
        "jobs": o.kubedoctest_jobs,
        "shard": o.kubedoctest_shard,
        "runbook_kubectl": o.kubedoctest_runbook_kubectl,
        "results": o.kubedoctest_results,
        "crds": o.kubedoctest_crd,
        "fragments": o.kubedoctest_fragments,
        "baseline": o.kubedoctest_baseline,
        "changed": o.kubedoctest_changed,
        "kubeconfig": o.kubedoctest_kubeconfig,
        "context": o.kubedoctest_context,
        "allow_existing_cluster": o.kubedoctest_allow_existing_cluster or None,
        "allow_cluster_scoped": o.kubedoctest_allow_cluster_scoped or None,
    }
    try:
        settings = load_settings(Path(config.rootpath), given)
    except InputError as e:
        raise pytest.UsageError(f"kubedoctest: {e}") from None
    settings.paths = [_display(Path(p)) for p in settings.paths or ["docs"]]
    config.stash[_SETTINGS] = settings
    _state(config).pipeline()  # the docs are read once, here: a page that cannot be read is one usage error
    # The docs are collected wherever pytest would not look (testpaths = ["tests"]).
    given_args = [Path(a.split("::")[0]).resolve() for a in config.args]
    for p in settings.paths:
        docs = Path(p).resolve()
        if not any(docs.is_relative_to(a) or a.is_relative_to(docs) for a in given_args):
            config.args.append(p)


def _display(path: Path) -> str:
    """A page path as reports show it: relative to the working folder when inside it."""
    cwd = Path.cwd().resolve()
    resolved = path.resolve() if path.is_absolute() else (cwd / path).resolve()
    return os.path.relpath(resolved, cwd) if resolved.is_relative_to(cwd) else str(path)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    settings = parent.config.stash.get(_SETTINGS, None)
    if settings is None or file_path.suffix not in (".md", ".markdown"):
        return None
    resolved = file_path.resolve()
    if not any(resolved.is_relative_to(Path(p).resolve()) for p in settings.paths):
        return None
    return DocPage.from_parent(parent, path=file_path)


class DocPage(pytest.File):
    """One Markdown page: its snippets, runbook steps and collect errors, in page order."""

    def collect(self) -> list[pytest.Item]:
        state = _state(self.config)
        pipeline = state.pipeline()
        page = _display(self.path)
        return [
            SnippetItem.from_parent(self, name=snippet_id, nodeid=snippet_id, page=page, line=line)
            for snippet_id, item_page, line in pipeline.ids()
            if item_page == page
        ]


class SnippetItem(pytest.Item):
    def __init__(self, *, page: str, line: int, **kwargs: Any):
        super().__init__(**kwargs)
        self.page = page
        self.line = line
        self.snippet_id = self.name

    def setup(self) -> None:
        self.result = _state(self.config).result(self)

    def runtest(self) -> None:
        result = self.result
        self.user_properties.append((_ENTRY, reports.entry(result)))
        if result.status in (Status.SKIPPED, Status.FRAGMENT):  # a fragment shows as s, with its reasons
            pytest.skip(f"{self.snippet_id}: {'; '.join(result.messages) or 'skipped'}")
        if result.status == Status.FAILED and result.known:
            pytest.xfail(f"{self.snippet_id}: known failure (baseline): {'; '.join(result.messages)}")
        if result.status == Status.FAILED:
            raise SnippetFailure(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str | Any:
        if isinstance(excinfo.value, SnippetFailure):
            r = excinfo.value.result
            return "\n".join(r.messages) + f"\n(stage: {r.stage})"
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.line - 1, self.snippet_id


class SnippetFailure(Exception):
    def __init__(self, result: Result):
        super().__init__(result.messages[0] if result.messages else result.snippet.id)
        self.result = result


class _State:
    """Per process: the pipeline (docs collected once, a cluster of its own) and the results."""

    def __init__(self, config: pytest.Config):
        self.config = config
        self.settings = config.stash[_SETTINGS]
        self._pipeline: Pipeline | None = None
        self.results: dict[str, Result] = {}
        self.done_pages: set[str] = set()
        self.failure: str | None = None
        self.log: list[str] = []  # what the run said (cleanup problems, the cluster's notes), shown at the end

    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            try:
                self._pipeline = Pipeline(self.settings, log=self.log.append)
            except InputError as e:
                raise pytest.UsageError(f"kubedoctest: {e}") from None
        return self._pipeline

    def result(self, item: SnippetItem) -> Result:
        if self.failure is not None:
            pytest.fail(self.failure, pytrace=False)
        if item.page not in self.done_pages:
            # Without xdist every selected page runs at once (pages in parallel, --jobs); under
            # xdist the pages this worker was given arrive one at a time.
            batch = [i for i in item.session.items if isinstance(i, SnippetItem)]
            pages = {item.page} if _is_worker(self.config) else {i.page for i in batch}
            ids = {i.snippet_id for i in batch if i.page in pages}
            try:
                for r in self.pipeline().run(lambda i: i in ids):
                    self.results[r.snippet.id] = r
            except Exception as e:  # the pipeline itself (a cluster that cannot start): once, then stop
                reason = str(e) if isinstance(e, InputError) else f"internal error: {type(e).__name__}: {e}"
                self.failure = f"kubedoctest: the snippets could not be checked: {reason}"
                item.session.shouldfail = self.failure
                pytest.fail(self.failure, pytrace=False)
            self.done_pages |= pages
        return self.results[item.snippet_id]

    def close(self) -> None:
        if self._pipeline is not None:
            self._pipeline.close()

    def run_block(self) -> dict[str, Any] | None:
        return self._pipeline.run_block() if self._pipeline is not None else None


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _state(config: pytest.Config) -> _State:
    if _STATE not in config.stash:
        config.stash[_STATE] = _State(config)
    return config.stash[_STATE]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under pytest-xdist a page's items go to one worker (pages run in order there, and its
    cluster sees the page's objects one after another)."""
    if _SETTINGS not in config.stash:
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByPage(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if "::" not in nodeid and ":" in nodeid:
                return nodeid.split("#")[0].rsplit(":", 1)[0]  # docs/a.md:12#2 -> docs/a.md
            return nodeid  # other tests are shared out one by one, as by --dist load

    return ByPage(config, log)


class _Gatherer:
    """Every item's entry of one pytest run, also those that ran on xdist workers (user
    properties travel). One per config: a pytest run inside a test (pytester) gathers its own."""

    def __init__(self) -> None:
        self.entries: dict[str, Any] = {}
        self.run: Any = None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, value in report.user_properties:
            if name == _ENTRY:
                self.entries[value["id"]] = value
            elif name == _RUN and self.run is None:
                self.run = value


_GATHERER = pytest.StashKey[_Gatherer]()


def _gathered(config: pytest.Config) -> _Gatherer:
    if _GATHERER not in config.stash:
        gatherer = _Gatherer()
        config.stash[_GATHERER] = gatherer
        config.pluginmanager.register(gatherer, f"kubedoctest-gatherer-{id(config)}")
    return config.stash[_GATHERER]


def pytest_runtest_teardown(item: pytest.Item) -> None:
    if isinstance(item, SnippetItem) and not any(n == _RUN for n, _ in item.user_properties):
        state = item.config.stash.get(_STATE, None)
        if state is not None and state.run_block() is not None and not getattr(state, "run_sent", False):
            state.run_sent = True  # type: ignore[attr-defined]
            item.user_properties.append((_RUN, state.run_block()))


def pytest_sessionstart(session: pytest.Session) -> None:
    if session.config.stash.get(_SETTINGS, None) is not None:
        _gathered(session.config)
    settings = session.config.stash.get(_SETTINGS, None)
    if (
        settings is not None
        and settings.results is not None
        and not _is_worker(session.config)
        and not settings.changed
    ):
        settings.results.unlink(missing_ok=True)  # an earlier run's file must not outlive a failed run


def pytest_sessionfinish(session: pytest.Session) -> None:
    state = session.config.stash.get(_STATE, None)
    if state is not None:
        state.close()
    settings = session.config.stash.get(_SETTINGS, None)
    if settings is None or _is_worker(session.config) or settings.results is None:
        return
    gathered = _gathered(session.config)
    entries = list(gathered.entries.values())
    if entries:
        doc = reports.document(entries, gathered.run)
        if settings.changed is not None and state is not None:
            from .changed import merge

            doc = merge(settings.results, doc, state.pipeline().pages)
        settings.results.parent.mkdir(parents=True, exist_ok=True)
        settings.results.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    """What the run checks: versions, cluster, and with --kubedoctest-changed the pages selected and why."""
    if config.stash.get(_SETTINGS, None) is None:
        return None
    return _state(config).pipeline().header().splitlines()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is not None and state.log:
        terminalreporter.section("kubedoctest log")
        for message in state.log:
            terminalreporter.write_line(message)
    if config.stash.get(_SETTINGS, None) is None:
        return
    entries = list(_gathered(config).entries.values())
    if not entries:
        return
    s = reports.document(entries)["summary"]
    line = f"kubedoctest: {s['passed']} snippets passed, {s['failed']} failed, {s['skipped']} skipped"
    if s.get("fragment"):
        line += f", {s['fragment']} fragments"
    if s.get("known"):
        line += f" ({s['known']} known failures of the baseline)"
    if s.get("partial"):
        line += f"; {s['partial']} checked only partially (see the JSON report for why)"
    terminalreporter.write_line(line)
