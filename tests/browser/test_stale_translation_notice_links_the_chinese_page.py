"""The stale-translation notice in Chromium: in a test repository whose Chinese page changed after
its English page, the English page says so, with the date, and links to the Chinese page; the
page whose Chinese original changed only in white space shows no notice."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from badge_sites import build, served
from browsing import Reader
from playwright.sync_api import Browser

MKDOCS_YML = """site_name: t
theme:
  name: material
  font: false
plugins:
  - i18n:
      docs_structure: folder
      # no language selector: Material would fetch <page>/sitemap.xml for it (see browsing.py)
      reconfigure_material: false
      languages:
        - {locale: zh, default: true, name: 简体中文, build: true}
        - {locale: en, name: English, build: true}
  - kubedoctest
markdown_extensions:
  - admonition
"""
PAGES = {
    "zh/index.md": "# 首页\n\n见[页面](page.md)。\n",
    "en/index.md": "# Home\n\nSee [the page](page.md).\n",
    "zh/page.md": "# 页面 {#page}\n\n第一段。\n",
    "en/page.md": "# Page {#page}\n\nFirst paragraph.\n",
    "zh/other.md": "# 另一页\n\n第一段。\n",
    "en/other.md": "# Other\n\nFirst paragraph.\n",
}


def git(root: Path, *args: str, date: str) -> None:
    env = dict(os.environ, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    env |= {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def stale_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("stale") / "repo"
    for rel, text in PAGES.items():
        (root / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / rel).write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    git(root, "init", "-q", date="2026-11-01T00:00:00Z")
    git(root, "add", ".", date="2026-11-01T00:00:00Z")
    git(root, "commit", "-q", "-m", "both languages", date="2026-11-01T00:00:00Z")
    (root / "docs/zh/page.md").write_text(PAGES["zh/page.md"] + "\n新的第二段。\n", encoding="utf-8")
    (root / "docs/zh/other.md").write_text("#  另一页\n\n\n第一段。  \n", encoding="utf-8")
    git(root, "commit", "-q", "-am", "zh: a new paragraph; white space", date="2026-11-25T08:00:00Z")
    site = root / "site"
    build(root, site)
    return site


@pytest.fixture
def reader(browser: Browser, stale_site: Path) -> Iterator[Reader]:
    with served(stale_site) as base:
        r = Reader(browser, base, stale_site)
        yield r
        r.close()


def test_the_stale_english_page_shows_the_notice_and_links_the_chinese_page(reader):
    page = reader.open("/en/page/")
    notice = page.locator("article .admonition.warning")
    assert notice.count() == 1 and notice.is_visible()
    assert notice.locator(".admonition-title").inner_text() == "This translation may be out of date"
    assert "changed on 2026-11-25" in notice.inner_text()
    # right under the title
    assert notice.evaluate("n => n.previousElementSibling.tagName") == "H1"
    with page.expect_navigation():
        notice.locator("a", has_text="Read the Chinese page").click()
    assert reader.path_of(page) == "/page/"
    assert "新的第二段" in page.locator("article").inner_text()
    assert page.locator("article .admonition.warning").count() == 0


def test_a_white_space_change_of_the_chinese_page_shows_no_notice(reader):
    page = reader.open("/en/other/")
    assert page.locator("article h1").inner_text().startswith("Other")
    assert page.locator("article .admonition").count() == 0
