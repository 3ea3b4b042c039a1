"""The parity checks, fed a tiny bad tree: a page or heading anchor missing in one language."""

from __future__ import annotations

import parity
from trees import pair, write


def test_a_page_in_one_language_only_is_reported(tmp_path):
    pair(tmp_path, "index.md", "# 首页 {#home}\n", "# Home {#home}\n")
    write(tmp_path, "docs/zh/concepts/pod.md", "# Pod {#pod}\n")
    write(tmp_path, "docs/en/extra.md", "# Extra {#extra}\n")

    assert parity.missing_translations(tmp_path) == [
        "docs/zh/concepts/pod.md:1: no English page; add docs/en/concepts/pod.md with the same "
        "heading anchors (or remove this one)",
        "docs/en/extra.md:1: no Chinese page; add docs/zh/extra.md with the same heading anchors (or remove this one)",
    ]


def test_a_chinese_heading_without_anchor_is_reported(tmp_path):
    pair(tmp_path, "a.md", "# 标题 {#title}\n\n## 创建 Pod\n", "# Title {#title}\n")

    (finding,) = parity.headings_without_anchor(tmp_path)
    assert finding.startswith("docs/zh/a.md:3: heading '## 创建 Pod' has no explicit anchor;")
    assert "end it with {#an-english-slug}" in finding


def test_headings_in_code_fences_and_comments_are_not_headings(tmp_path):
    text = "# 标题 {#t}\n\n```bash\n# 注释\n```\n\n<!--\n# 不是标题\n-->\n\n    ```yaml\n    # x\n    ```\n"
    pair(tmp_path, "a.md", text, "# Title {#t}\n")

    assert parity.headings_without_anchor(tmp_path) == []
    assert parity.anchor_mismatches(tmp_path) == []


def test_a_different_anchor_is_reported(tmp_path):
    pair(
        tmp_path,
        "a.md",
        "# 标题 {#title}\n\n## 创建 Pod {#create-a-pod}\n",
        "# Title {#title}\n\n## Create a Pod {#creating-a-pod}\n",
    )

    assert parity.anchor_mismatches(tmp_path) == [
        "docs/en/a.md:3: heading 2 'Create a Pod' has anchor '#creating-a-pod' "
        "but docs/zh/a.md:3 has '#create-a-pod'; give both headings the same {#anchor}"
    ]


def test_an_english_heading_without_anchor_is_reported(tmp_path):
    pair(tmp_path, "a.md", "# 标题 {#title}\n\n## 步骤 {#steps}\n", "# Title {#title}\n\n## Steps\n")

    (finding,) = parity.anchor_mismatches(tmp_path)
    assert finding.startswith("docs/en/a.md:3: heading 2 'Steps' has anchor no explicit anchor")
    assert "give both headings the same {#anchor}" in finding


def test_a_heading_missing_in_one_language_is_reported(tmp_path):
    pair(tmp_path, "a.md", "# 标题 {#title}\n\n## 步骤 {#steps}\n", "# Title {#title}\n")

    assert parity.anchor_mismatches(tmp_path) == [
        "docs/zh/a.md:3: heading '步骤' ('#steps') has no counterpart in docs/en/a.md; "
        "add the heading there with the same anchor"
    ]
