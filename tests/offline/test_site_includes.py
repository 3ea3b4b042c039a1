"""Includes of mkdocs-macros and markdown-include, HTML comments and unclosed fences: what real
MkDocs projects write, read as the site builds it."""

from __future__ import annotations

from pathlib import Path

from kubedoctest.collect.collect import collect_page
from kubedoctest.collect.includes import IncludeConfig
from kubedoctest.config import include_config

from .support import chdir

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n"


def project(tmp_path: Path, mkdocs: str, files: dict[str, str]) -> IncludeConfig:
    (tmp_path / "mkdocs.yml").write_text(mkdocs, encoding="utf-8")
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return include_config(tmp_path / "mkdocs.yml", tmp_path)


def test_a_macros_include_brings_the_file_with_its_lines_located(tmp_path):
    config = project(
        tmp_path,
        "site_name: t\nplugins:\n  - macros:\n      include_dir: docs/snippets\n",
        {"docs/snippets/cm.yaml": "{% raw %}\n" + CM.format(name="a") + "data:\n  t: '{{ .x }}'\n{% endraw %}\n"},
    )
    page = ["# p", "", "```yaml", "{% include 'cm.yaml' %}", "```"]
    snippets, errors = collect_page("docs/p.md", page, config)
    assert errors == [] and "{% raw %}" not in snippets[0].text and "name: a" in snippets[0].text
    assert snippets[0].where(3) == "docs/p.md:4 (docs/snippets/cm.yaml:5)"


def test_a_markdown_include_is_read_from_its_base_path(tmp_path):
    config = project(
        tmp_path,
        "site_name: t\nmarkdown_extensions:\n  - markdown_include.include:\n      base_path: docs\n",
        {"docs/cm.yaml": CM.format(name="b")},
    )
    snippets, errors = collect_page("docs/p.md", ["```yaml", "{!cm.yaml!}", "```"], config)
    assert errors == [] and snippets[0].where(3) == "docs/p.md:2 (docs/cm.yaml:4)"


def test_a_failed_include_fails_only_its_own_fence(tmp_path):
    config = project(tmp_path, "site_name: t\nplugins:\n  - macros\n", {"docs/cm.yaml": CM.format(name="c")})
    page = ["```yaml", "{% include 'missing.yaml' %}", "```", "", "```yaml", '--8<-- "docs/cm.yaml"', "```"]
    snippets, errors = collect_page("docs/p.md", page, config)
    assert [e.line for e in errors] == [2] and "failed to include 'missing.yaml'" in errors[0].message
    assert [s.line for s in snippets] == [5]


def test_without_the_plugin_its_syntax_is_left_as_text(tmp_path):
    config = project(tmp_path, "site_name: t\n", {})
    snippets, errors = collect_page("docs/p.md", ["```yaml", "{% include 'x.yaml' %}", "```"], config)
    assert errors == [] and snippets[0].text == "{% include 'x.yaml' %}"


def test_a_base_path_is_also_found_from_the_folder_mkdocs_runs_in(tmp_path):
    (tmp_path / "hack" / "docs").mkdir(parents=True)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "cm.yaml").write_text(CM.format(name="d"), encoding="utf-8")
    (tmp_path / "hack" / "docs" / "mkdocs.yml").write_text(
        "site_name: t\ndocs_dir: ../../docs\nmarkdown_extensions:\n  - pymdownx.snippets:\n      base_path: docs\n",
        encoding="utf-8",
    )
    with chdir(tmp_path):
        config = include_config(tmp_path / "hack" / "docs" / "mkdocs.yml", tmp_path)
        snippets, errors = collect_page("docs/p.md", ["```yaml", '--8<-- "cm.yaml"', "```"], config)
    assert errors == [] and "name: d" in snippets[0].text


def test_fences_in_an_html_comment_are_not_checked(tmp_path):
    config = project(tmp_path, "site_name: t\n", {})
    page = ["<!--", "```yaml", "broken: [", "```", "-->", "", "```yaml", CM.format(name="e"), "```"]
    snippets, errors = collect_page("docs/p.md", page, config)
    assert errors == [] and [s.line for s in snippets] == [7]


def test_a_fence_not_closed_before_the_next_is_an_error_at_it_and_the_next_is_still_read(tmp_path):
    config = project(tmp_path, "site_name: t\n", {})
    page = ["```yaml", "a: 1", "", "```yaml", CM.format(name="f"), "```"]
    snippets, errors = collect_page("docs/p.md", page, config)
    assert [(e.line, e.message.split(":")[0]) for e in errors] == [
        (1, "fence ```yaml is not closed before the fence at line 4 (```yaml)")
    ]
    assert [s.line for s in snippets] == [4]


def test_an_unclosed_fence_of_a_language_not_checked_at_the_end_of_a_page_is_no_error(tmp_path):
    config = project(tmp_path, "site_name: t\n", {})
    snippets, errors = collect_page("docs/p.md", ["```yaml", CM.format(name="g"), "```", "```bash", "echo hi"], config)
    assert errors == [] and len(snippets) == 1


def test_macros_with_their_own_jinja_delimiters_are_followed(tmp_path):
    config = project(
        tmp_path,
        "site_name: t\nplugins:\n  - macros:\n      include_dir: docs/snippets\n"
        "      j2_block_start_string: '[[%'\n      j2_block_end_string: '%]]'\n",
        {"docs/snippets/cm.yaml": CM.format(name="h")},
    )
    snippets, errors = collect_page("docs/p.md", ["```yaml", "[[% include 'cm.yaml' %]]", "```"], config)
    assert errors == [] and "name: h" in snippets[0].text
