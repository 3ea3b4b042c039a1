"""Helpers shared by the offline tests: where the sample projects are, and how to run them."""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path

from kubedoctest import config
from kubedoctest.collect.collect import CollectError, collect_page, read_page
from kubedoctest.collect.includes import IncludeConfig
from kubedoctest.model import Result, Snippet
from kubedoctest.pipeline import check

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
GOOD = SAMPLES / "good"
BAD = SAMPLES / "bad"
# Two versions on either side of the 1.32 removal of flowcontrol v1beta3 and of the 1.33
# deprecation of v1 Endpoints; both ship with kubernetes-validate.
VERSIONS = ["1.31", "1.35"]


def include_config(project: Path = GOOD) -> IncludeConfig:
    """The pymdownx.snippets settings of a sample project, paths shown relative to the project."""
    return config.include_config(project / "mkdocs.yml", display_root=project)


def line_of(file: Path, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the n-th line of `file` that contains `needle`."""
    seen = 0
    for number, line in enumerate(file.read_text(encoding="utf-8").split("\n"), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not found {occurrence} time(s) in {file}")


def collect_sample(page: str, project: Path = GOOD) -> tuple[list[Snippet], list[CollectError]]:
    """Collect one page of a sample project, displayed as docs/<page>."""
    display = f"docs/{page}"
    return collect_page(display, read_page(display, project / display), include_config(project))


def snippet_named(snippets: list[Snippet], name: str) -> Snippet:
    """The one snippet whose YAML has `name: <name>`."""
    found = [s for s in snippets if re.search(rf"^\s*name: {re.escape(name)}\s*$", s.text, re.M)]
    assert len(found) == 1, f"{len(found)} snippets named {name!r}"
    return found[0]


@contextmanager
def chdir(path: Path):
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def run_offline(project: Path, *pages: str, versions: list[str] | None = None) -> dict[str, Result]:
    """Run collect -> parse -> static on pages of a sample project (from its root, as a user
    would), results by snippet id ("docs/page.md:LINE")."""
    paths = [f"docs/{p}" for p in pages] or ["docs"]
    with chdir(project):
        results = check(config.Settings(paths=paths, k8s_versions=versions or VERSIONS, cluster="none")).results
    return {r.snippet.id: r for r in results}


def page_results(results: dict[str, Result], page: str) -> list[Result]:
    return [r for i, r in results.items() if i.startswith(f"docs/{page}:")]
