"""The only pytest code: each Markdown page of the docs is collected (`pytest_collect_file`) into
one item per snippet, runbook step and collect error, named `page:line` and carrying page and line.

Enable with `--kubedoctest`. Settings come from the `--kubedoctest-*` options over
`[tool.kubedoctest]` over the defaults, read by the same code as the CLI's (config.load_settings),
and the same `Pipeline` (check.py) runs them. Each process runs the pipeline once for the pages of
its selected items; under pytest-xdist whole pages go to one worker (scheduling by page), and each
worker has a cluster of its own. A failure of the pipeline itself (a cluster that cannot start)
is one error, and the session stops.

The hooks are here; the items and the per-process pipeline are pytest_items.py, the results
file and the summary pytest_results.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .config import CLUSTERS, DEFAULT_CLUSTER, load_settings
from .model import InputError
from .pytest_items import SETTINGS, STATE, DocPage, SnippetItem, display_path, is_worker, state_of
from .pytest_results import RUN, gathered, summary_line, write_results


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
    settings.paths = [display_path(Path(p)) for p in settings.paths or ["docs"]]
    config.stash[SETTINGS] = settings
    state_of(config).pipeline()  # the docs are read once, here: a page that cannot be read is one usage error
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


def pytest_runtest_teardown(item: pytest.Item) -> None:
    if isinstance(item, SnippetItem) and not any(n == RUN for n, _ in item.user_properties):
        state = item.config.stash.get(STATE, None)
        if state is not None and state.run_block() is not None and not getattr(state, "run_sent", False):
            state.run_sent = True  # type: ignore[attr-defined]
            item.user_properties.append((RUN, state.run_block()))


def pytest_sessionstart(session: pytest.Session) -> None:
    if session.config.stash.get(SETTINGS, None) is not None:
        gathered(session.config)
    settings = session.config.stash.get(SETTINGS, None)
    if settings is not None and settings.results is not None and not is_worker(session.config) and not settings.changed:
        settings.results.unlink(missing_ok=True)  # an earlier run's file must not outlive a failed run


def pytest_sessionfinish(session: pytest.Session) -> None:
    state = session.config.stash.get(STATE, None)
    if state is not None:
        state.close()
    settings = session.config.stash.get(SETTINGS, None)
    if settings is None or is_worker(session.config) or settings.results is None:
        return
    pages = state.pipeline().pages if state is not None and settings.changed is not None else None
    write_results(settings, gathered(session.config), pages)


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    """What the run checks: versions, cluster, and with --kubedoctest-changed the pages selected and why."""
    if config.stash.get(SETTINGS, None) is None:
        return None
    return state_of(config).pipeline().header().splitlines()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash.get(STATE, None)
    if state is not None and state.log:
        terminalreporter.section("kubedoctest log")
        for message in state.log:
            terminalreporter.write_line(message)
    if config.stash.get(SETTINGS, None) is None:
        return
    entries = list(gathered(config).entries.values())
    if not entries:
        return
    terminalreporter.write_line(summary_line(entries))
