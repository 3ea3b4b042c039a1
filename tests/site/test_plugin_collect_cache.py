"""The plugin collects a page again only when it or a file it could include changed (mkdocs serve)."""

from __future__ import annotations

import os
from pathlib import Path

from kubedoctest.collect import memo
from kubedoctest.collect.includes import IncludeConfig

PAGE = ["# Page", "", "```yaml", '--8<-- "cm.yaml"', "```", ""]
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n"


def project(tmp_path: Path) -> IncludeConfig:
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "cm.yaml").write_text(CM.format(name="one"))
    return IncludeConfig(base_paths=[tmp_path / "snippets"], display_root=tmp_path, project_root=tmp_path)


def test_an_unchanged_page_with_unchanged_includes_is_not_collected_again(tmp_path):
    include = project(tmp_path)
    first = memo.collect("docs/page.md", PAGE, include, memo.include_signature(include))
    again = memo.collect("docs/page.md", list(PAGE), include, memo.include_signature(include))
    assert again is first and "name: one" in first.snippets[0].text


def test_a_changed_included_file_makes_the_page_collected_again(tmp_path):
    include = project(tmp_path)
    first = memo.collect("docs/page.md", PAGE, include, memo.include_signature(include))
    cm = tmp_path / "snippets" / "cm.yaml"
    cm.write_text(CM.format(name="two"))
    os.utime(cm, ns=(cm.stat().st_atime_ns, cm.stat().st_mtime_ns + 1_000_000))  # even within one clock tick
    again = memo.collect("docs/page.md", PAGE, include, memo.include_signature(include))
    assert again is not first and "name: two" in again.snippets[0].text


def test_a_changed_page_is_collected_again(tmp_path):
    include = project(tmp_path)
    signature = memo.include_signature(include)
    first = memo.collect("docs/page.md", PAGE, include, signature)
    again = memo.collect("docs/page.md", ["", *PAGE], include, signature)
    assert again is not first and again.snippets[0].line == first.snippets[0].line + 1


def test_a_page_with_a_missing_include_is_collected_every_time_so_the_file_can_appear(tmp_path):
    include = project(tmp_path)
    page = [line.replace("cm.yaml", "later.yaml") for line in PAGE]
    signature = memo.include_signature(include)
    first = memo.collect("docs/page.md", page, include, signature)
    assert first.errors
    assert memo.collect("docs/page.md", page, include, signature) is not first


def test_includes_that_may_reach_outside_the_base_paths_are_never_fingerprinted(tmp_path):
    include = project(tmp_path)
    include.restrict_base_path = False
    assert memo.include_signature(include) is None
    first = memo.collect("docs/page.md", PAGE, include, None)
    assert memo.collect("docs/page.md", PAGE, include, None) is not first
