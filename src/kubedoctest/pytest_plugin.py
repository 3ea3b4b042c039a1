"""The only pytest code: one pytest item per snippet, named page:line.

Enable with `--kubedoctest`; paths come from `--kubedoctest-path` or `[tool.kubedoctest] paths`.
The whole pipeline runs once, at the first item, for the selected items only; each item then
reports its own result, its failure leading with page:line.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from . import report, runner
from .config import load_settings
from .model import InputError, Result, Status


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kubedoctest", "check Kubernetes YAML snippets in Markdown docs")
    group.addoption(
        "--kubedoctest",
        action="store_true",
        help="collect every YAML snippet of the docs as a test",
    )
    group.addoption("--kubedoctest-path", action="append", default=[], help="docs path (repeatable)")
    group.addoption(
        "--kubedoctest-k8s-version",
        action="append",
        default=[],
        help="Kubernetes minor version (repeatable)",
    )
    group.addoption(
        "--kubedoctest-cluster",
        default="none",
        choices=["none", "kwok", "kind", "existing", "auto"],
    )
    group.addoption("--kubedoctest-kubeconfig", default=None)
    group.addoption("--kubedoctest-allow-existing-cluster", action="store_true")
    group.addoption("--kubedoctest-timeout", type=float, default=60.0)


class SnippetItem(pytest.Item):
    def __init__(self, *, snippet_id: str, state: _State, **kwargs):
        super().__init__(**kwargs)
        self.snippet_id = snippet_id
        self.state = state

    def runtest(self) -> None:
        result = self.state.result(self.snippet_id)
        self.user_properties.append(("stage", result.stage))
        if result.status == Status.SKIPPED:
            pytest.skip(f"{self.snippet_id}: {'; '.join(result.messages) or 'skipped'}")
        if result.fidelity == "partial":
            self.user_properties.append(("fidelity", "partial"))
        if result.status == Status.FAILED:
            raise SnippetFailure(result)

    def repr_failure(self, excinfo, style=None):  # type: ignore[override]
        if isinstance(excinfo.value, SnippetFailure):
            r = excinfo.value.result
            return "\n".join(r.messages) + f"\n(stage: {r.stage})"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):  # type: ignore[override]
        page, _, line = self.snippet_id.rpartition(":")
        return Path(page), int(line) - 1, self.snippet_id


class SnippetFailure(Exception):
    def __init__(self, result: Result):
        super().__init__(result.messages[0] if result.messages else result.snippet.id)
        self.result = result


class _State:
    """Runs the pipeline once for the selected ids and hands each item its result."""

    def __init__(self, config: pytest.Config, options: runner.Options):
        self.config = config
        self.options = options
        self.selected: set[str] | None = None
        self._results: dict[str, Result] | None = None
        self.session = None

    def result(self, snippet_id: str) -> Result:
        if self._results is None:
            self._results = {}
            selected = self.selected
            self.options.select = (lambda i: i in selected) if selected is not None else None
            cluster = self.options.cluster
            if cluster == "none":
                results = runner.run(self.options)
            else:
                from .live import session

                opts = self.config.option
                self.session = session.open_session(
                    cluster,
                    kubeconfig=opts.kubedoctest_kubeconfig,
                    allow_existing=opts.kubedoctest_allow_existing_cluster,
                    allow_cluster_scoped=False,
                    timeout=opts.kubedoctest_timeout,
                    jobs=None,
                    log=lambda m: None,
                )
                with self.session:
                    results = runner.run(self.options, self.session.run)
            self._results = {r.snippet.id: r for r in results}
        return self._results[snippet_id]


def _options(config: pytest.Config) -> runner.Options:
    opts = config.option
    settings = load_settings(Path(config.rootpath))
    paths = opts.kubedoctest_path or settings.paths or ["docs"]
    paths = [p if Path(p).is_absolute() else os.path.relpath(Path(config.rootpath, p)) for p in paths]
    versions = runner.resolve_versions(opts.kubedoctest_k8s_version or settings.k8s_versions)
    return runner.Options(paths=paths, versions=versions, cluster=opts.kubedoctest_cluster)


class DocsCollector(pytest.Collector):
    """Collects one item per snippet (and per collect error) of the configured docs paths."""

    def __init__(self, *, state: _State, ids: list[str], **kwargs):
        super().__init__(**kwargs)
        self.state = state
        self.ids = ids

    def collect(self) -> list[pytest.Item]:
        return [SnippetItem.from_parent(self, name=i, nodeid=i, snippet_id=i, state=self.state) for i in self.ids]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Adds the docs' snippet items through a collector of their own, so pytest counts them as
    collected (and -k/--deselect apply to them) like any other item."""
    if not config.getoption("kubedoctest"):
        return
    try:
        options = _options(config)
        snippets, errors = runner.collect_all(options)
    except (ValueError, InputError) as e:
        raise pytest.UsageError(f"kubedoctest: {e}") from None
    state = _State(config, options)
    config.stash[_STATE] = state
    ids = list(dict.fromkeys([e.id for e in errors] + [s.id for s in snippets]))
    collector = DocsCollector.from_parent(session, name="kubedoctest", state=state, ids=ids)
    items.extend(session.genitems(collector))


_STATE = pytest.StashKey[_State]()


def pytest_collection_finish(session: pytest.Session) -> None:
    state = session.config.stash.get(_STATE, None)
    if state is not None:
        state.selected = {i.snippet_id for i in session.items if isinstance(i, SnippetItem)}


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    state = config.stash.get(_STATE, None)
    if state is None or state._results is None:
        return
    results = list(state._results.values())
    s = report.summary(results)
    line = f"kubedoctest: {s['passed']} snippets passed, {s['failed']} failed, {s['skipped']} skipped"
    if s.get("partial"):
        line += f"; {s['partial']} checked only partially on simulated nodes (see the JSON report)"
    terminalreporter.write_line(line)
