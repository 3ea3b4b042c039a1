"""The only pytest code: each Markdown page of the docs is collected (`pytest_collect_file`) into
one item per snippet, runbook step and collect error, named `page:line` and carrying page and line.

Enable with `--kubedoctest` (the one pytest-only option). The `--kubedoctest-*` options are the
CLI's check options, made from the one table in options.py. Settings come from them over
`[tool.kubedoctest]` over the defaults, read by the same code as the CLI's (config.load_settings),
and the same `Pipeline` (pipeline.py) runs them. Each process runs the pipeline once for the pages of
its selected items; under pytest-xdist whole pages go to one worker (scheduling by page), and each
worker has a cluster of its own. A failure of the pipeline itself (a cluster that cannot start)
is one error, and the session stops.

The hooks are here; the items and the per-process pipeline are pytest_items.py, the results
file and the summary pytest_results.py.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from . import options
from . import report as reports
from .config import load_settings
from .model import InputError
from .pytest_items import SETTINGS, STATE, DocPage, display_path, is_worker, state_of
from .pytest_results import WORKER_OUTPUT, gathered, summary_line, write_results


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kubedoctest", "check Kubernetes YAML snippets in Markdown docs")
    group.addoption("--kubedoctest", action="store_true", help="collect every YAML snippet of the docs as a test")
    options.add_to_pytest(group)  # the CLI's check options, declared once in options.py


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("kubedoctest"):
        return
    given = options.given(config.option, prefix="kubedoctest_")
    given["paths"] = [str(Path(config.rootpath, p)) for p in given["paths"]]
    try:
        settings = load_settings(Path(config.rootpath), given, pytest=True)
    except InputError as e:
        raise pytest.UsageError(f"kubedoctest: {e}") from None
    settings.paths = [display_path(Path(p)) for p in settings.paths or ["docs"]]
    config.stash[SETTINGS] = settings
    try:  # the docs are read once, here: a page that cannot be read, or no snippet at all, is a usage error
        state_of(config).pipeline().require_items()
    except InputError as e:
        raise pytest.UsageError(f"kubedoctest: {e}") from None
    # The docs are collected wherever pytest would not look (testpaths = ["tests"]).
    given_args = [Path(a.split("::")[0]).resolve() for a in config.args]
    for p in settings.paths:
        docs = Path(p).resolve()
        if not any(docs.is_relative_to(a) or a.is_relative_to(docs) for a in given_args):
            config.args.append(p)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    settings = parent.config.stash.get(SETTINGS, None)
    if settings is None or file_path.suffix not in (".md", ".markdown"):
        return None
    resolved = file_path.resolve()
    if not any(resolved.is_relative_to(Path(p).resolve()) for p in settings.paths):
        return None
    return DocPage.from_parent(parent, path=file_path)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under pytest-xdist a page's items go to one worker (pages run in order there, and its
    cluster sees the page's objects one after another)."""
    if SETTINGS not in config.stash:
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByPage(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if "::" not in nodeid and ":" in nodeid:
                return nodeid.split("#")[0].rsplit(":", 1)[0]  # docs/a.md:12#2 -> docs/a.md
            return nodeid  # other tests are shared out one by one, as by --dist load

    return ByPage(config, log)


def pytest_sessionstart(session: pytest.Session) -> None:
    settings = session.config.stash.get(SETTINGS, None)
    if settings is None:
        return
    gathered(session.config)
    if settings.results is not None and not is_worker(session.config) and not settings.changed:
        try:  # an earlier run's file must not outlive a failed run
            reports.remove_results(settings.results)
        except InputError as e:
            raise pytest.UsageError(f"kubedoctest: {e}") from None


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    settings = config.stash.get(SETTINGS, None)
    state = config.stash.get(STATE, None)
    if settings is None or state is None:
        return
    output = state.finish()  # this process's run block, header after the run and log; the cluster is gone
    if output is not None and is_worker(config):
        config.workeroutput[WORKER_OUTPUT] = output  # type: ignore[attr-defined]  # to the controller
    elif output is not None:
        gathered(config).processes[""] = output
    if session.exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED and state.pipeline().nothing_changed():
        session.exitstatus = pytest.ExitCode.OK  # as the CLI: nothing changed, nothing to check, a pass
    if is_worker(config) or settings.results is None:
        return
    pages = state.pipeline().pages if settings.changed is not None else None
    try:
        write_results(settings, gathered(config), pages)
    except InputError as e:  # as the CLI says it; the CLI exits 2, pytest with its usage-error status
        print(f"kubedoctest: {e}", file=sys.stderr)
        session.exitstatus = pytest.ExitCode.USAGE_ERROR


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    """What the run checks: versions, cluster, and with --kubedoctest-changed the pages selected and why."""
    if config.stash.get(SETTINGS, None) is None:
        return None
    return state_of(config).pipeline().header().splitlines()  # the header before the run; the rest at the end


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """What the CLI prints around its report: each process's header after the run (the cluster it
    ran on, the runbook kubectl, the provider's notes), the run's log (cleanup problems, fallbacks),
    then the summary line with the CLI's counts."""
    if config.stash.get(SETTINGS, None) is None:
        return
    processes = gathered(config).processes
    start = set(state_of(config).pipeline().header().splitlines())  # shown by pytest_report_header
    lines = []
    for name in sorted(processes):
        out = processes[name]
        header = [h for h in str(out.get("header") or "").splitlines() if h not in start]  # what the run added
        lines += [f"[{name}] {line}" if name else line for line in [*header, *out.get("log", [])]]
    if lines:
        terminalreporter.section("kubedoctest")
        for line in lines:
            terminalreporter.write_line(line)
    entries = list(gathered(config).entries.values())
    if entries:
        terminalreporter.write_line(summary_line(entries))
