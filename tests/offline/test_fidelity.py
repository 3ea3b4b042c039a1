"""Fidelity: includes.expand gives the same lines as pymdownx.snippets' own preprocessor (what
MkDocs renders), for everything both accept; what one rejects the other rejects too."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
from pymdownx.snippets import SnippetMissingError

from kubedoctest.collect.includes import IncludeConfig, IncludeError, expand

from .support import BAD, GOOD, include_config


def pymdownx_lines(lines: list[str], base_paths: list[Path], **options) -> list[str]:
    md = markdown.Markdown(
        extensions=["pymdownx.snippets"],
        extension_configs={
            "pymdownx.snippets": {
                "base_path": [str(p) for p in base_paths],
                "check_paths": True,
                **options,
            }
        },
    )
    return md.preprocessors["snippet"].run(list(lines))


def page_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


@pytest.mark.parametrize("page", sorted(p.name for p in (GOOD / "docs").glob("*.md")))
def test_every_good_sample_page_expands_to_the_lines_mkdocs_renders(page):
    lines = page_lines(GOOD / "docs" / page)
    ours = [text for text, _ in expand(lines, include_config(GOOD))]
    assert ours == pymdownx_lines(lines, [GOOD / "snippets"])


@pytest.mark.parametrize("page", sorted(p.name for p in (BAD / "docs").glob("*.md")))
def test_the_bad_sample_pages_are_accepted_or_rejected_as_mkdocs_does(page):
    lines = page_lines(BAD / "docs" / page)
    try:
        theirs = pymdownx_lines(lines, [BAD / "snippets"])
    except SnippetMissingError:
        with pytest.raises(IncludeError):
            expand(lines, include_config(BAD))
    else:
        assert [text for text, _ in expand(lines, include_config(BAD))] == theirs


CASES = [
    ['--8<-- "pod.yaml:2:3,5:6,9"'],
    ['--8<-- "pod.yaml:-3:"'],
    ['--8<-- "pod.yaml::4"'],
    ['--8<-- "pod.yaml:1:-2"'],
    ['--8<-- "sections.yaml:configmap"', '--8<-- "sections.yaml:secret"'],
    ["--8<--", "pod.yaml:1:2", "", "  configmap.yaml", ";skipped.yaml", "--8<--"],
    ["- item", "", '    --8<-- "configmap.yaml"', "\t--8<-- 'inner.yaml'"],
    ['--8<-- "outer.yaml"', ';--8<-- "outer.yaml"', ";;--8<-- 'inner.yaml'"],
    ["text --8<-- [start:x] more", "# ;--8<-- [end:x]", "--8<-- [start:y]"],
    ['   --8<-- "sections.yaml"'],
    ['--8<-- "pod.yaml" trailing', "--8<--  ", '--8<-- "a" "b"'],
    ["```yaml", '--8<-- "two-objects.yaml"', "```"],
    ['---8<--- "configmap.yaml"', '-8<- "inner.yaml"'],
]


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ('--8<-- "pod.yaml:0:0"', "the lines 0:0 of the file hold nothing"),
        ('--8<-- "pod.yaml:20:30"', "line 20 is past the end of the file (12 lines)"),
        ('--8<-- "pod.yaml:3:13"', "line 13 is past the end of the file (12 lines)"),
        ('--8<-- "pod.yaml:-13:"', "line -13 is past the end of the file (12 lines)"),
    ],
)
def test_a_line_range_past_the_end_or_selecting_nothing_is_an_error_where_mkdocs_is_silent(marker, message):
    pymdownx_lines([marker], [GOOD / "snippets"])  # MkDocs clamps the range or renders nothing, no error
    with pytest.raises(IncludeError, match=re.escape(message)):
        expand([marker], include_config(GOOD))


@pytest.mark.parametrize("lines", CASES)
def test_line_ranges_sections_blocks_escapes_and_indentation_match_pymdownx(lines):
    ours = [text for text, _ in expand(lines, include_config(GOOD))]
    assert ours == pymdownx_lines(lines, [GOOD / "snippets"])


def test_dedent_subsections_matches_pymdownx(tmp_path):
    (tmp_path / "nested.yaml").write_text(
        "spec:\n  # --8<-- [start:containers]\n  containers:\n    - name: a\n  # --8<-- [end:containers]\n",
        encoding="utf-8",
    )
    lines = ['--8<-- "nested.yaml:containers"', '--8<-- "nested.yaml:3:4"']
    config = IncludeConfig(base_paths=[tmp_path], dedent_subsections=True, display_root=tmp_path)
    ours = [text for text, _ in expand(lines, config)]
    assert ours == pymdownx_lines(lines, [tmp_path], dedent_subsections=True)
    assert ours[0] == "containers:"
