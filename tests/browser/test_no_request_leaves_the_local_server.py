"""Reading the site requests nothing from another host: fonts, scripts, diagrams and search
all come from the local server. (Every other test checks the same after it ends.)"""

from __future__ import annotations

from browsing import LOCAL_HOST, mermaid_count, wait_for_diagrams


def test_reading_and_searching_requests_nothing_from_another_host(reader, site):
    for path, device in [("/", "desktop"), ("/en/architecture/", "desktop"), ("/", "phone")]:
        page = reader.open(path, device)
        wait_for_diagrams(page, mermaid_count(site, path))
        page.close()
    page = reader.open("/en/")
    page.locator(".md-search__input").click()
    page.locator(".md-search__input").press_sequentially("kubelet")
    page.locator("a.md-search-result__link").first.wait_for()

    urls = reader.requests
    assert any(u.endswith("/search/search_index.json") for u in urls), (
        "the requests of the search worker were not seen: the test would miss them"
    )
    assert any(u.endswith("/mermaid.min.js") for u in urls)
    off_host = reader.off_host_requests()
    assert not off_host, f"{len(off_host)} requests left {LOCAL_HOST}:\n" + "\n".join(off_host)
