"""Typing 持久卷 or PersistentVolumeClaim into the search box finds the storage pages.

The search index holds both languages (one index at /search/), so 持久卷 finds the Chinese
storage pages from either home page; PersistentVolumeClaim is used more often by the English
pages, which come first for it even on the Chinese site.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

CASES = {  # test id: (home page, query, a result must lie under one of these)
    "zh-home-chinese-term": ("/", "持久卷", ["/storage/"]),
    "en-home-chinese-term": ("/en/", "持久卷", ["/storage/"]),
    "zh-home-kind-name": ("/", "PersistentVolumeClaim", ["/storage/", "/en/storage/"]),
    "en-home-kind-name": ("/en/", "PersistentVolumeClaim", ["/en/storage/"]),
}

RESULT_PATHS = """() => [...document.querySelectorAll("a.md-search-result__link")]
    .map(a => new URL(a.href).pathname)"""


@pytest.mark.parametrize(("home", "query", "expected"), CASES.values(), ids=CASES.keys())
def test_search_finds_the_storage_pages(reader, home, query, expected):
    page = reader.open(home)
    box = page.locator(".md-search__input")
    box.click()
    # Material reads the query on keyup. Chinese comes from an input method, which ends with
    # a key release; Playwright types characters off the keyboard without key events, so the
    # query is entered and followed by a key press (End: moves the caret, nothing else).
    box.fill(query)
    box.press("End")
    try:
        page.wait_for_function(
            f"""prefixes => ({RESULT_PATHS})().some(p => prefixes.some(x => p.startsWith(x)))""",
            arg=expected,
        )
    except PlaywrightTimeout:
        shown = page.evaluate(RESULT_PATHS)
        meta = page.locator(".md-search-result__meta").inner_text()
        pytest.fail(
            f"searching {query!r} on {home} shows no result under {' or '.join(expected)}; "
            f"it shows {meta!r}: {shown[:20]}",
            pytrace=False,
        )
