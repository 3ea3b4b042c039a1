"""Search stays in the reader's language: on a Chinese page it finds Chinese pages, on an
English page English pages (one index per language, hooks/search_per_language.py).

Chinese is segmented at build time (jieba with overrides/jieba-userdict.txt), so 持久卷 is one
word. An English word finds its longer forms by prefix ("persist", a form no page uses, finds the
pages about persistent volumes) and, stemmed at build time, the other forms of its stem that the
English pages use: lunr's stemmer does not work with Material's wildcard queries, so
hooks/search_per_language.py indexes each English document also under the other forms of its
words (Snowball English), in fields Material's search indexes and never shows. "deployed" finds
"Replicas and Deployments", which never says "deployed" (the en-stem-* cases, each with its
precondition), and the added forms appear in no result. Mixed queries (Pod 调度,
PersistentVolume) find pages of the reader's language too.
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict

import pytest
import snowballstemmer
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
    # Only stemming finds these pages: none of them has a word the query begins, each has another
    # form of its stem (test_only_another_form_of_the_query_is_on_the_relevant_pages).
    "en-stem-deployed": ("/en/concepts/pod/", "deployed", ["/en/concepts/replication/", "/en/runbooks/deploy-app/"]),
    "en-stem-scheduled": ("/en/concepts/pod/", "scheduled", ["/en/concepts/node/"]),
    "en-stem-evicting": ("/en/concepts/pod/", "evicting", ["/en/concepts/resources/"]),
}
STEMMED = [case for case in CASES if case.startswith("en-stem-")]

RESULTS = """() => [...document.querySelectorAll("a.md-search-result__link")].map(a => ({
    path: new URL(a.href).pathname,
    title: (a.querySelector("h1, h2") || a).textContent.trim(),
}))"""


# Every result as shown, sections under "N more on this page" opened: its words and highlights.
SHOWN = """() => {
    document.querySelectorAll("details.md-search-result__more").forEach(d => { d.open = true })
    return [...document.querySelectorAll("a.md-search-result__link")].map(a => ({
        path: new URL(a.href).pathname,
        text: a.innerText,
        marks: [...a.querySelectorAll("mark")].map(m => m.textContent),
    }))
}"""


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


def english_pages(site) -> dict[str, list[dict]]:
    """The documents of the English search index by page path (/en/...), sections included."""
    index = json.loads((site / "en" / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages = defaultdict(list)
    for doc in index["docs"]:
        pages["/en/" + doc["location"].split("#")[0]].append(doc)
    return pages


def letter_runs(text: str) -> set[str]:
    """The words of a text as shown, lower-case (tags dropped, entities read)."""
    return {w.lower() for w in re.findall(r"[A-Za-z]+", html.unescape(re.sub(r"<[^>]*>", " ", text)))}


def is_on_page(word: str, page_words: set[str]) -> bool:
    """A word shown in a result is a word of its page, or two: Material joins the highlighted
    blocks of a preview without a space ("<code>Running</code>" and "The Pod ..." show as
    "RunningThe Pod ...")."""
    return word in page_words or any(word[:i] in page_words and word[i:] in page_words for i in range(1, len(word)))


def words_of(docs: list[dict]) -> set[str]:
    """Every word Material's search can make of the shown fields of some documents, and more:
    each run of letters (markup included) and its tails from each capital on (camelCase),
    lower-case. A query that begins none of these begins no word of them in the index."""
    words = set()
    for doc in docs:
        for run in re.findall(r"[A-Za-z]+", " ".join([doc["title"], doc["text"], *doc.get("tags", [])])):
            words.add(run.lower())
            words.update(run[m.start() :].lower() for m in re.finditer(r"(?<=.)[A-Z]", run))
    return words


@pytest.mark.parametrize("case", STEMMED)
def test_only_another_form_of_the_query_is_on_the_relevant_pages(site, case):
    """The precondition of the en-stem-* cases: no word of a relevant page begins with the query,
    so only stemming can find it, and each has a word of the query's stem (Snowball English). The
    query is a word of some other English page: the forms added come from the English pages."""
    _, query, expected = CASES[case]
    pages = english_pages(site)
    stem = snowballstemmer.stemmer("english").stemWord
    for path in expected:
        words = words_of(pages[path])
        assert words, f"{path} is not in the English search index"
        assert not [w for w in words if w.startswith(query)], f"{path} has a word beginning with {query!r}"
        same_stem = sorted(w for w in words if stem(w) == stem(query))
        assert same_stem, f"{path} has no other form of {query!r} (stem {stem(query)!r})"
    assert any(query in words_of(docs) for docs in pages.values()), f"no English page says {query!r}"


@pytest.mark.parametrize("case", STEMMED)
def test_the_added_word_forms_are_found_and_never_shown(reader, site, case):
    """The forms the build adds to the English index (title_forms, text_forms) find pages and are
    not shown: every result shows only words of its own page (no added form, no "Missing:
    <query>"), every highlight is a word the query begins, and the highlights are there."""
    path, query, expected = CASES[case]
    pages = english_pages(site)
    on_page = {p: letter_runs(" ".join(d["title"] + " " + d["text"] for d in docs)) for p, docs in pages.items()}
    added = {
        p: {w for d in docs for w in (d.get("title_forms", "") + " " + d.get("text_forms", "")).split()} - on_page[p]
        for p, docs in pages.items()
    }
    page = reader.open(path)
    search(page, query)
    shown = page.evaluate(SHOWN)
    hidden = {r["path"]: sorted(added[r["path"]])[:8] for r in shown if r["path"] in expected and added[r["path"]]}
    assert hidden, f"searching {query!r}: no result of {expected} with added forms; shown: {[r['path'] for r in shown]}"
    for r in shown:
        words, page_words = letter_runs(r["text"]), on_page[r["path"]]
        leaked = sorted(words & added[r["path"]])
        assert not leaked, f"searching {query!r}: the result {r['path']} shows added forms: {leaked}"
        extra = sorted(w for w in words if not is_on_page(w, page_words))
        assert not extra, f"searching {query!r}: the result {r['path']} shows words not on the page: {extra}"
    marks = [m for r in shown for m in r["marks"]]
    assert marks, f"searching {query!r}: no highlight in any result"
    wrong = sorted({m for m in marks if not m.lower().startswith(query)})
    assert not wrong, f"searching {query!r}: highlights that are not {query!r}: {wrong}"


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
    # the word forms are added to the English index only
    assert {"title_forms", "text_forms"} <= set(en["config"]["fields"])
    assert set(zh["config"]["fields"]) == {"title", "text", "tags"}
    assert not [d["location"] for d in zh["docs"] if "title_forms" in d or "text_forms" in d]
