"""The bilingual site: it builds strictly, both languages match, and it stays offline."""

from __future__ import annotations

from pathlib import Path

import language_switch
import offline_assets
import parity
import search_index
import snippet_includes
import zh_style


def _report(findings: list[str], what: str) -> str:
    return f"{len(findings)} {what}:\n" + "\n".join(findings)


def test_the_site_builds_strictly(built_site):
    assert built_site.returncode == 0, "mkdocs build --strict failed:\n" + built_site.problems()


def test_every_page_exists_in_both_languages(root: Path):
    findings = parity.missing_translations(root)
    assert not findings, _report(findings, "pages without their translation")


def test_headings_carry_the_same_anchors_in_both_languages(root: Path):
    findings = parity.headings_without_anchor(root) + parity.anchor_mismatches(root)
    assert not findings, _report(findings, "heading anchor problems")


def test_pages_include_the_same_snippets_in_both_languages(root: Path):
    findings = snippet_includes.broken_includes(root) + snippet_includes.include_mismatches(root)
    assert not findings, _report(findings, "snippet include problems")


def test_every_snippet_file_is_included_in_both_languages(root: Path):
    findings = snippet_includes.unincluded_snippets(root)
    assert not findings, _report(findings, "snippets not included in both languages")


def test_chinese_pages_follow_the_style_guide(root: Path):
    findings = zh_style.style_findings(root, "zh")
    assert not findings, _report(findings, "style findings (zh-style.md)")


def test_the_built_site_loads_nothing_from_another_host(site: Path):
    findings = offline_assets.external_resources(site) + offline_assets.mermaid_findings(site)
    assert not findings, _report(findings, "resources from another host")


def test_the_language_selector_keeps_the_reader_on_the_same_page(site: Path):
    findings = language_switch.language_switch_findings(site)
    assert not findings, _report(findings, "language selector problems")


def test_chinese_search_finds_whole_chinese_terms(site: Path):
    # terms of the glossary (docs/zh/reference/glossary.md), which the jieba user dictionary
    # keeps whole
    words = ["持久卷", "名字空间", "控制平面", "存储类", "动态制备", "选择算符"]
    findings = search_index.search_index_findings(site, words)
    assert not findings, _report(findings, "search index problems")


def test_no_shell_block_carries_a_prompt_that_the_copy_button_would_copy():
    """Every ```bash/sh/shell block on every page runs as is when copied: no `$ ` prompts."""
    from kubedoctest.collect.collect import SHELL_LANGUAGES, collect
    from kubedoctest.config import include_config

    root = Path(__file__).resolve().parents[2]
    include = include_config(root / "mkdocs.yml", display_root=root)
    snippets, errors = collect([str(root / "docs")], include, SHELL_LANGUAGES)
    assert not errors, errors
    found = [
        f"{s.where(i)}: a `$ ` prompt in a {s.language} block; remove it (show output in a separate text block)"
        for s in snippets
        for i, line in enumerate(s.text.split("\n"))
        if line.lstrip().startswith("$ ")
    ]
    assert not found, "\n".join(found)
