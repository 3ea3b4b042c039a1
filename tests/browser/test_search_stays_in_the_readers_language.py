"""Search stays in the reader's language: on a Chinese page it finds Chinese pages, on an
English page English pages (one index per language, hooks/search_per_language.py).

Chinese is segmented at build time (jieba with overrides/jieba-userdict.txt), so 持久卷 is one
word; an English word finds its longer forms by prefix ("persist", a form no page uses, finds the
pages about persistent volumes; a stemmer does not work with Material's wildcard queries, see
hooks/search_per_language.py). Mixed queries (Pod 调度, PersistentVolume) find pages of the
reader's language too.
"""

from __future__ import annotations

import json
import re

import pytest
from browsing import HAN
from playwright.sync_api import TimeoutError as PlaywrightTimeout

TOP = 5  # a relevant page is among the first TOP pages found (results are grouped by page)
# test id: (page, query, relevant pages: one of them must be among the first TOP pages found)
CASES = {
    "zh-chinese-term": ("/concepts/pod/", "持久卷", ["/storage/persistent-volumes/", "/storage/"]),
    "zh-mixed": (
        "/concepts/pod/",
        "Pod 调度",
        ["/components/kube-scheduler/", "/concepts/node/", "/runbooks/debug-pending/"],
    ),
    "zh-kind-name": ("/", "PersistentVolume", ["/storage/persistent-volumes/", "/storage/"]),
    "en-kind-name": ("/en/", "PersistentVolume", ["/en/storage/persistent-volumes/", "/en/storage/"]),
    "en-mixed": (
        "/en/concepts/pod/",
        "Pod scheduling",
        ["/en/components/kube-scheduler/", "/en/concepts/node/", "/en/runbooks/debug-pending/"],
    ),
    "en-word-forms": ("/en/concepts/pod/", "persist", ["/en/storage/persistent-volumes/", "/en/storage/"]),
}

RESULTS = """() => [...document.querySelectorAll("a.md-search-result__link")].map(a => ({
    path: new URL(a.href).pathname,
    title: (a.querySelector("h1, h2") || a).textContent.trim(),
}))"""


def search(page, query: str) -> list[dict]:
    box = page.locator(".md-search__input")
    box.click()
    # Material reads the query on keyup. Chinese comes from an input method, which ends with
    # a key release; Playwright types characters off the keyboard without key events, so the
    # query is entered and followed by a key press (End: moves the caret, nothing else).
    box.fill(query)
    box.press("End")
    try:
        page.wait_for_function(f"({RESULTS})().length > 0")
    except PlaywrightTimeout:
        meta = page.locator(".md-search-result__meta").inner_text()
        pytest.fail(f"searching {query!r} on {page.url} shows no result: {meta!r}", pytrace=False)
    return page.evaluate(RESULTS)


@pytest.mark.parametrize(("path", "query", "expected"), CASES.values(), ids=CASES.keys())
def test_search_finds_pages_in_the_readers_language(reader, path, query, expected):
    page = reader.open(path)
    results = search(page, query)
    english = path.startswith("/en/")
    shown = [f"{r['path']} {r['title']!r}" for r in results[:10]]
    other = [r for r in results if r["path"].startswith("/en/") != english]
    assert not other, f"searching {query!r} on {path} lists pages of the other language: {shown}"
    titles_in_chinese = [bool(HAN.search(r["title"])) for r in results]
    in_language = not any(titles_in_chinese) if english else any(titles_in_chinese)
    assert in_language, f"searching {query!r} on {path}: result titles not in the page's language: {shown}"
    found = list(dict.fromkeys(r["path"] for r in results))
    assert any(p in found[:TOP] for p in expected), (
        f"searching {query!r} on {path}: none of {expected} among the first {TOP} pages found: {found[:10]}"
    )


def test_the_word_form_query_is_not_a_word_of_the_english_pages(site):
    """The precondition of en-word-forms: only its longer forms can make "persist" find a page."""
    index = json.loads((site / "en" / "search" / "search_index.json").read_text(encoding="utf-8"))
    words = {w.lower() for d in index["docs"] for w in re.split(r"[^A-Za-z]+", d["title"] + " " + d["text"])}
    assert "persist" not in words and {"persistent", "persistentvolume"} <= words


def test_each_language_has_its_own_search_index(site):
    zh = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    en = json.loads((site / "en" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert zh["docs"] and en["docs"]
    assert not [d["location"] for d in zh["docs"] if d["location"].startswith("en/")]
    assert not [d["title"] for d in en["docs"] if HAN.search(d["title"])]
    assert en["config"]["lang"] == ["en"]
