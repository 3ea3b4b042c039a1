"""The results of a pytest run of the docs: every item's JSON entry gathered (also from xdist
workers: user properties travel), the results file written (merged with --kubedoctest-changed),
and the summary line."""

from __future__ import annotations

import json
from typing import Any

import pytest

from . import report as reports
from .config import Settings

ENTRY = "kubedoctest"  # the user property carrying an item's JSON entry (it crosses xdist workers)
RUN = "kubedoctest-run"


class Gatherer:
    """Every item's entry of one pytest run, also those that ran on xdist workers (user
    properties travel). One per config: a pytest run inside a test (pytester) gathers its own."""

    def __init__(self) -> None:
        self.entries: dict[str, Any] = {}
        self.run: Any = None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, value in report.user_properties:
            if name == ENTRY:
                self.entries[value["id"]] = value
            elif name == RUN and self.run is None:
                self.run = value


GATHERER = pytest.StashKey[Gatherer]()


def gathered(config: pytest.Config) -> Gatherer:
    if GATHERER not in config.stash:
        gatherer = Gatherer()
        config.stash[GATHERER] = gatherer
        config.pluginmanager.register(gatherer, f"kubedoctest-gatherer-{id(config)}")
    return config.stash[GATHERER]


def write_results(settings: Settings, gatherer: Gatherer, pages: Any) -> None:
    """The JSON report of the run to settings.results (with --kubedoctest-changed, merged into it)."""
    entries = list(gatherer.entries.values())
    if not entries or settings.results is None:
        return
    doc = reports.document(entries, gatherer.run)
    if settings.changed is not None and pages is not None:
        doc = reports.merge(settings.results, doc, pages)
    settings.results.parent.mkdir(parents=True, exist_ok=True)
    settings.results.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def summary_line(entries: list[dict[str, Any]]) -> str:
    s = reports.document(entries)["summary"]
    line = f"kubedoctest: {s['passed']} snippets passed, {s['failed']} failed, {s['skipped']} skipped"
    if s.get("fragment"):
        line += f", {s['fragment']} fragments"
    if s.get("known"):
        line += f" ({s['known']} known failures of the baseline)"
    if s.get("partial"):
        line += f"; {s['partial']} checked only partially (see the JSON report for why)"
    return line
