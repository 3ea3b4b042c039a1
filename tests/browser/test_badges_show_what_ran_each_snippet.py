"""The verified-by badges in Chromium: on a zh and an en page each snippet the (crafted) last run
knows shows what ran it, in the page's language; a snippet changed since that run shows none."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from badge_sites import build, served
from browsing import ROOT, Reader
from playwright.sync_api import Browser

from kubedoctest.collect.collect import YAML_LANGUAGES, collect_page, read_page
from kubedoctest.config import include_config
from kubedoctest.mkdocs_plugin.results import snippet_hash

PAGE = "concepts/pod.md"
RUN = {
    "provider": "kwok",
    "kubernetes": "1.37.2",
    "simulated": True,
    "k8s_versions": ["1.35", "1.36", "1.37"],
    "date": "2026-11-30T09:00:00Z",
}


def page_hashes(lang: str) -> list[str]:
    include = include_config(ROOT / "mkdocs.yml", display_root=ROOT)
    display = f"docs/{lang}/{PAGE}"
    snippets, errors = collect_page(display, read_page(display, ROOT / display), include, YAML_LANGUAGES)
    assert not errors and len(snippets) >= 2, (errors, snippets)
    return [snippet_hash(s) for s in snippets]


@pytest.fixture(scope="module")
def crafted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    """The site built with a results file that knows every snippet of the pod page except the
    last one, whose entry holds the hash of a text it no longer has (changed since the run); the
    first snippet is partial."""
    tmp = tmp_path_factory.mktemp("badges")
    entries, known = [], {}
    for lang in ("zh", "en"):
        hashes = page_hashes(lang)
        known[lang] = hashes[:-1]
        stale = hashlib.sha256(b"the text of the last run").hexdigest()
        for i, h in enumerate(hashes[:-1] + [stale]):
            entry = {"path": f"docs/{lang}/{PAGE}", "line": i + 1, "id": f"docs/{lang}/{PAGE}:{i + 1}"}
            entry |= {"status": "passed", "stage": "live", "hash": h, "language": "yaml"}
            entry |= {"k8s_versions": RUN["k8s_versions"], "fidelity": "partial" if i == 0 else "full"}
            entry |= {"reasons": ["containers do not run on simulated nodes"] if i == 0 else [], "messages": []}
            entries.append(entry)
    results = tmp / "kwok.json"
    results.write_text(json.dumps({"run": RUN, "snippets": entries, "summary": {}}), encoding="utf-8")
    site = tmp / "site"
    build(ROOT, site, KUBEDOCTEST_RESULTS=str(results))
    return site, known


@pytest.fixture
def reader(browser: Browser, crafted: tuple[Path, dict[str, list[str]]]) -> Iterator[Reader]:
    site, _ = crafted
    with served(site) as base:
        r = Reader(browser, base, site)
        yield r
        r.close()


EXPECTED = {
    "zh": (
        "/concepts/pod/",
        "已验证",
        ["模式 1.35–1.37", "模拟节点上的控制平面", "Kubernetes 1.37.2", "2026-11-30"],
        "部分验证",
    ),
    "en": (
        "/en/concepts/pod/",
        "Verified",
        ["schemas 1.35–1.37", "control plane with simulated nodes", "Kubernetes 1.37.2", "2026-11-30"],
        "partial",
    ),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_snippet_the_last_run_knows_shows_its_badge_and_a_changed_one_none(reader, crafted, lang):
    _, known = crafted
    path, label, items, partial = EXPECTED[lang]
    page = reader.open(path)
    badges = page.locator(".kdt-badge")
    assert sorted(badges.evaluate_all("els => els.map(e => e.dataset.kdtHash)")) == sorted(known[lang])
    blocks = page.locator("article div.highlight").count()
    assert badges.count() == len(known[lang]) and blocks >= len(known[lang]) + 1
    for i in range(badges.count()):
        badge = badges.nth(i)
        assert badge.is_visible()
        assert badge.locator(".kdt-badge__label").inner_text() == label
        assert badge.locator(".kdt-badge__item").all_inner_texts()[:4] == items
        # each badge sits right above its code block
        assert badge.evaluate("b => b.nextElementSibling.classList.contains('highlight')")
    assert partial in badges.first.locator(".kdt-badge__partial").inner_text()
    assert badges.nth(1).locator(".kdt-badge__partial").count() == 0
    # the last snippet changed since the run: its code block has no badge above it
    last = page.locator("article div.highlight").nth(blocks - 1)
    assert not last.evaluate("b => !!(b.previousElementSibling && b.previousElementSibling.matches('.kdt-badge'))")
    page.close()


def test_the_footer_links_to_the_verification_page_in_the_readers_language(reader):
    for path, target, text in (
        ("/concepts/pod/", "/reference/verification/", "本站清单经过哪些验证"),
        ("/en/concepts/pod/", "/en/reference/verification/", "What checked the manifests on this site"),
    ):
        page = reader.open(path)
        link = page.locator("footer a.kdt-verification-link")
        assert link.inner_text().strip() == text
        href = link.get_attribute("href")
        with page.expect_navigation():
            link.click()
        assert reader.path_of(page) == target, (path, href, page.url)
        assert page.locator("article").inner_text().count("2026-11-30") >= 1
        page.close()
