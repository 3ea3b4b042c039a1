"""Every Mermaid diagram of the built site renders to an SVG, in both languages, without a
console error (see browsing.diagrams for how Material 9.8 renders them)."""

from __future__ import annotations

import pytest
from browsing import LANGS, diagrams, pages_with_mermaid, wait_for_diagrams
from playwright.sync_api import TimeoutError as PlaywrightTimeout

AT_ONCE = 3  # pages loading at the same time: Mermaid's 3.5 MB script dominates each load


def diagram_problems(path: str, expected: int, found: list[dict]) -> list[str]:
    problems = []
    if len(found) != expected:
        problems.append(f"{path}: {len(found)} .mermaid elements, the page has {expected} diagrams")
    for i, d in enumerate(found, 1):
        svg = d["svg"]
        where = f"{path}: diagram {i}"
        if d["tag"] != "div" or svg is None:
            problems.append(f"{where} was not rendered (<{d['tag']}> without an <svg>)")
        elif svg["error"] or svg["kind"] == "error":
            problems.append(f"{where} renders Mermaid's syntax error diagram")
        elif svg["width"] <= 0 or svg["height"] <= 0 or not svg["labels"]:
            problems.append(f"{where} renders an empty <svg>: {svg}")
    return problems


@pytest.mark.parametrize("lang", LANGS)
def test_every_mermaid_diagram_renders_to_svg(reader, site, lang):
    pages = list(pages_with_mermaid(site, lang).items())
    assert pages, f"no {lang} page has a Mermaid diagram: is the mermaid fence configured?"
    problems = []
    # a few tabs, each going from page to page (a tab keeps its renderer and Mermaid's parsed script)
    tabs = [reader.open(path, wait_until="commit") for path, _ in pages[:AT_ONCE]]
    for start in range(0, len(pages), AT_ONCE):
        batch = pages[start : start + AT_ONCE]
        if start:
            for tab, (path, _) in zip(tabs, batch, strict=False):
                tab.goto(reader.base + path, wait_until="commit")
        for tab, (path, expected) in zip(tabs, batch, strict=False):
            try:
                wait_for_diagrams(tab, expected)
            except PlaywrightTimeout:
                problems.append(f"{path}: the diagrams were not rendered within the timeout")
            problems += diagram_problems(path, expected, diagrams(tab))
        problems += reader.take_errors()  # console errors name their page
    for tab in tabs:
        tab.close()
    assert not problems, f"{len(problems)} Mermaid problems:\n" + "\n".join(problems)
