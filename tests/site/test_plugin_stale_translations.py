"""Translations kept in step: an English page whose Chinese original changed after it (in content,
not white space) shows a notice with the date and a link; scripts/test's listing says the same."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from plugin_projects import build, write_project

ZH = "# 页面\n\n第一段。\n"
EN = "# Page\n\nFirst paragraph.\n"


def git(root: Path, *args: str, date: str = "2026-11-01T12:00:00Z") -> None:
    env = dict(
        os.environ,
        GIT_AUTHOR_DATE=date,
        GIT_COMMITTER_DATE=date,
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.invalid",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.invalid",
    )
    subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True)


def repo(tmp_path: Path) -> Path:
    root = write_project(tmp_path / "p", {"zh/page.md": ZH, "en/page.md": EN, "zh/other.md": ZH, "en/other.md": EN})
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "both")
    return root


def change(root: Path, rel: str, text: str, date: str, message: str = "") -> None:
    (root / "docs" / rel).write_text(text, encoding="utf-8")
    git(root, "commit", "-q", "-am", message or f"change {rel}", date=date)


def notice(root: Path, rel: str) -> str | None:
    html = (root / "site" / rel).read_text(encoding="utf-8")
    m = re.search(r'<div class="admonition warning">.*?</div>', html, re.S)
    return m.group(0) if m else None


def listing(root: Path, strict: bool = False) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("KUBEDOCTEST_STRICT_TRANSLATIONS", None)
    if strict:
        env["KUBEDOCTEST_STRICT_TRANSLATIONS"] = "1"
    args = [sys.executable, "-m", "kubedoctest.mkdocs_plugin.translations", "docs"]
    return subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, timeout=60)


def test_an_english_page_behind_its_changed_chinese_original_shows_a_notice(tmp_path: Path):
    root = repo(tmp_path)
    change(root, "zh/page.md", ZH + "\n新的一段。\n", "2026-11-20T08:00:00Z")
    change(root, "zh/other.md", "#  页面\n\n\n第一段。   \n", "2026-11-21T08:00:00Z")  # white space only
    done = build(root)
    assert done.returncode == 0, done.stdout + done.stderr
    box = notice(root, "en/page/index.html")
    assert box, "no notice on the stale English page"
    assert "changed on 2026-11-20" in box
    assert 'href="../../page/"' in box  # the Chinese page, from /en/page/
    assert notice(root, "en/other/index.html") is None, "a white-space change made a notice"
    assert notice(root, "page/index.html") is None, "the Chinese original shows a notice"
    out = listing(root)
    assert out.returncode == 0, out.stderr
    assert (
        "translations: warning: docs/en/page.md: behind its source docs/zh/page.md, changed on 2026-11-20" in out.stderr
    )
    assert "other.md" not in out.stderr
    strict = listing(root, strict=True)
    assert strict.returncode == 1 and "translations: error: docs/en/page.md" in strict.stderr


def test_updating_the_translation_removes_the_notice(tmp_path: Path):
    root = repo(tmp_path)
    change(root, "zh/page.md", ZH + "\n新的一段。\n", "2026-11-20T08:00:00Z")
    change(root, "en/page.md", EN + "\nA new paragraph.\n", "2026-11-22T08:00:00Z")
    done = build(root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert notice(root, "en/page/index.html") is None
    assert listing(root, strict=True).returncode == 0


def test_pages_without_git_history_build_quietly(tmp_path: Path):
    root = write_project(tmp_path / "p", {"zh/page.md": ZH + "\n新的一段。\n", "en/page.md": EN})
    done = build(root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert notice(root, "en/page/index.html") is None
    out = listing(root, strict=True)
    assert out.returncode == 0 and not out.stderr.strip(), out.stderr


def test_a_source_change_marked_translation_unchanged_keeps_the_pair_in_step(tmp_path: Path):
    root = repo(tmp_path)
    change(
        root,
        "zh/page.md",
        ZH.replace("第一段", "第 1 段"),
        "2026-11-20T08:00:00Z",
        "zh style\n\nTranslation: unchanged",
    )
    assert listing(root, strict=True).returncode == 0
    change(root, "zh/page.md", ZH + "\n新的一段。\n", "2026-11-23T08:00:00Z")
    out = listing(root, strict=True)
    assert out.returncode == 1 and "changed on 2026-11-23" in out.stderr, out.stderr


def test_a_review_commit_naming_source_pages_brings_their_translations_in_step_and_no_others(tmp_path: Path):
    root = repo(tmp_path)
    change(root, "zh/page.md", ZH.replace("第一段", "第 1 段"), "2026-11-20T08:00:00Z")
    change(root, "zh/other.md", ZH.replace("第一段", "第 1 段"), "2026-11-20T09:00:00Z")
    assert listing(root, strict=True).returncode == 1
    message = "review zh style changes\n\nTranslation-reviewed: docs/zh/page.md"
    git(root, "commit", "-q", "--allow-empty", "-m", message, date="2026-11-21T08:00:00Z")
    out = listing(root, strict=True)
    assert out.returncode == 1 and "docs/en/other.md" in out.stderr and "docs/en/page.md" not in out.stderr, out.stderr
    build(root)
    assert notice(root, "en/page/index.html") is None and notice(root, "en/other/index.html")
    change(root, "zh/page.md", ZH + "\n新的一段。\n", "2026-11-23T08:00:00Z")  # a later change counts again
    out = listing(root, strict=True)
    assert "docs/en/page.md: behind its source docs/zh/page.md, changed on 2026-11-23" in out.stderr, out.stderr
