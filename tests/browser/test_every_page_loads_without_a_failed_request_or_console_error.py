"""Every page of both languages loads with no failed request (4xx/5xx or none), no console
error and no request to another host: no sitemap.xml is asked for that is not there.

The checks themselves run after the test (conftest.py, for every test); this test opens every
built page and waits until the network is idle, so the requests Material makes after the load
(the search index, the sitemap of <link rel="alternate"> targets) are seen too.
"""

from __future__ import annotations

from pathlib import Path

from browsing import LANGS, PREFIX

TABS = 4  # pages loading at once: their waits for an idle network overlap


def served_pages(site: Path) -> dict[str, list[str]]:
    """{language: [path]} of every built page, as served ("/", "/en/concepts/pod/", ...)."""
    found: dict[str, list[str]] = {lang: [] for lang in LANGS}
    for html in sorted(site.rglob("index.html")):
        rel = html.parent.relative_to(site).as_posix()
        path = "/" if rel == "." else f"/{rel}/"
        lang = next((x for x in LANGS if PREFIX[x] != "/" and path.startswith(PREFIX[x])), "zh")
        found[lang].append(path)
    return found


def test_every_page_of_both_languages_loads_cleanly(reader, site):
    pages = served_pages(site)
    assert len(pages["zh"]) > 30 and len(pages["zh"]) == len(pages["en"]), {k: len(v) for k, v in pages.items()}
    every = [path for lang in LANGS for path in pages[lang]]
    # a few tabs, each going from page to page as a reader does (a tab keeps its renderer: cheaper
    # than a new tab per page on 2 cores); each page is left only once its network is idle
    tabs = [reader.open(path, wait_until="commit") for path in every[:TABS]]
    for start in range(0, len(every), TABS):
        batch = every[start : start + TABS]
        if start:
            for tab, path in zip(tabs, batch, strict=False):
                tab.goto(reader.base + path, wait_until="commit")
        for tab in tabs[: len(batch)]:
            tab.wait_for_load_state("networkidle")
    for tab in tabs:
        tab.close()
    requested = reader.requests
    assert sum(u.endswith("/index.html") or u.endswith("/") for u in requested) >= 2 * len(pages["zh"])
    # the requests Material makes after the load were waited for and seen
    assert any(u.endswith("/en/search/search_index.json") for u in requested)
    assert not [u for u in requested if u.endswith("sitemap.xml")], "a page still asks for a sitemap.xml"
