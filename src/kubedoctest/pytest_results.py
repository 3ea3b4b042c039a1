"""The results of a pytest run of the docs: every item's JSON entry gathered (also from xdist
workers: user properties travel), each process's `run` block, final header and log (from xdist
workers through `workeroutput`), the results file written (merged across workers, and with
--kubedoctest-changed into the last file) and the summary line, the CLI's."""

from __future__ import annotations

from typing import Any

import pytest

from . import report as reports
from .config import Settings

ENTRY = "kubedoctest"  # the user property carrying an item's JSON entry (it crosses xdist workers)
WORKER_OUTPUT = "kubedoctest"  # the key of a worker's workeroutput: {"run", "header", "log"}


class Gatherer:
    """Every item's entry of one pytest run, also those that ran on xdist workers (user
    properties travel), and what each process said: its `run` block, its header after the run
    and its log. One per config: a pytest run inside a test (pytester) gathers its own."""

    def __init__(self) -> None:
        self.entries: dict[str, Any] = {}
        self.processes: dict[str, dict[str, Any]] = {}  # "" (this process) or an xdist worker id -> output

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, value in report.user_properties:
            if name == ENTRY:
                self.entries[value["id"]] = value

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        output = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT)
        if output:
            self.processes[node.gateway.id] = output

    def run(self) -> dict[str, Any] | None:
        """The `run` block: this process's, or every worker's merged (report.merge_runs)."""
        return reports.merge_runs({p: out["run"] for p, out in self.processes.items() if out.get("run")})


GATHERER = pytest.StashKey[Gatherer]()


def gathered(config: pytest.Config) -> Gatherer:
    if GATHERER not in config.stash:
        gatherer = Gatherer()
        config.stash[GATHERER] = gatherer
        config.pluginmanager.register(gatherer, f"kubedoctest-gatherer-{id(config)}")
    return config.stash[GATHERER]


def write_results(settings: Settings, gatherer: Gatherer, pages: Any) -> None:
    """The JSON report of the run to settings.results (with --kubedoctest-changed, merged into
    it), as the CLI writes it: a file that cannot be written is an InputError."""
    entries = sorted(gatherer.entries.values(), key=lambda e: (str(e.get("path")), int(e.get("line") or 0)))
    if not entries or settings.results is None:
        return
    doc = reports.document(entries, gatherer.run())
    if settings.changed is not None and pages is not None:
        doc = reports.merge(settings.results, doc, pages)
    reports.write_document(settings.results, doc)


def summary_line(entries: list[dict[str, Any]]) -> str:
    """The CLI's last line, with the same counts (report.summary_text)."""
    return "kubedoctest: " + reports.summary_text(reports.counts(entries))
