"""includes: pymdownx.snippets' `--8<--` resolved as MkDocs does, each line remembering its origin."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from kubedoctest.collect.includes import RE_SECTION, IncludeConfig, IncludeError, expand
from kubedoctest.model import Origin

from .support import GOOD, include_config

SNIPPETS = GOOD / "snippets"


def lines_of(name: str) -> list[str]:
    text = (SNIPPETS / name).read_text(encoding="utf-8")
    return text.split("\n") if text else []


def texts(page: list[str], config: IncludeConfig | None = None) -> list[str]:
    return [t for t, _ in expand(page, config or include_config())]


def test_a_whole_file_is_included_and_each_line_knows_its_file_line():
    out = expand(["before", '--8<-- "pod.yaml"', "after"], include_config())
    assert [t for t, _ in out] == ["before", *lines_of("pod.yaml"), "after"]
    assert out[0][1] == Origin(1)
    assert out[1][1] == Origin(2, "snippets/pod.yaml", 1)
    assert out[-2][1] == Origin(2, "snippets/pod.yaml", len(lines_of("pod.yaml")))
    assert out[-1][1] == Origin(3)


def test_a_line_range_is_included_with_the_file_line_numbers():
    out = expand(['--8<-- "pod.yaml:3:4"'], include_config())
    assert [(t, o.source_line) for t, o in out] == [("metadata:", 3), ("  name: hello", 4)]


def test_several_line_ranges_are_included_in_order():
    pod = lines_of("pod.yaml")
    out = expand(['--8<-- "pod.yaml:1:4,7:12"'], include_config())
    assert [t for t, _ in out] == pod[0:4] + pod[6:12]
    assert [o.source_line for _, o in out] == [1, 2, 3, 4, *range(7, 13)]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (":2:", slice(1, None)),
        (":-3:", slice(-3, None)),
        (":1:-2", slice(0, -1)),
        (":0", slice(0, None)),
    ],
)
def test_open_and_negative_line_ranges_follow_pymdownx(spec, expected):
    pod = lines_of("pod.yaml")
    assert texts([f'--8<-- "pod.yaml{spec}"']) == pod[expected]


def test_a_named_section_is_included_without_its_markers():
    out = expand(['--8<-- "sections.yaml:secret"'], include_config())
    assert [t for t, _ in out] == [
        "apiVersion: v1",
        "kind: Secret",
        "metadata:",
        "  name: from-section",
        "stringData:",
        "  password: not-a-real-one",
    ]
    assert out[0][1].source_line == 11


def test_a_section_that_the_file_does_not_have_is_an_error_at_the_marker():
    with pytest.raises(IncludeError, match="no section 'nope'") as e:
        expand(["x", '--8<-- "sections.yaml:nope"'], include_config())
    assert e.value.origin.page_line == 2


def test_section_markers_in_a_whole_included_file_are_dropped():
    assert "--8<--" not in "\n".join(texts(['--8<-- "sections.yaml"']))


def test_an_escaped_section_marker_keeps_its_text_without_one_semicolon():
    assert texts(["# ;--8<-- [start:x]"]) == ["# --8<-- [start:x]"]


def test_the_block_form_includes_each_listed_file_and_an_empty_line_gives_an_empty_line():
    page = ["--8<--", "configmap.yaml", "", "separator.yaml", ";commented.yaml", "--8<--"]
    assert texts(page) == lines_of("configmap.yaml") + [""] + lines_of("separator.yaml")


def test_a_nested_include_names_the_inner_file_and_the_outer_marker_page_line():
    out = expand(["text", '--8<-- "outer.yaml"'], include_config())
    inner = [(t, o) for t, o in out if o.source == "snippets/inner.yaml"]
    assert [t for t, _ in inner] == lines_of("inner.yaml")
    assert {o.page_line for _, o in out} == {1, 2}
    assert all(o.page_line == 2 for _, o in inner)
    outer_lines = [o.source_line for _, o in out if o.source == "snippets/outer.yaml"]
    assert outer_lines == list(range(2, len(lines_of("outer.yaml")) + 1))


def test_an_escaped_marker_is_kept_as_text_without_one_semicolon():
    assert texts([';--8<-- "pod.yaml"', ';;--8<-- "pod.yaml"']) == [
        '--8<-- "pod.yaml"',
        ';--8<-- "pod.yaml"',
    ]


def test_an_indented_marker_indents_every_included_line():
    assert texts(['    --8<-- "configmap.yaml"']) == ["    " + t if t else "    " for t in lines_of("configmap.yaml")]


def test_a_file_that_includes_itself_is_an_error_naming_the_cycle(tmp_path):
    (tmp_path / "loop.yaml").write_text('a: 1\n--8<-- "loop.yaml"\n', encoding="utf-8")
    config = IncludeConfig(base_paths=[tmp_path], display_root=tmp_path)
    with pytest.raises(IncludeError, match=r"an include cycle \(loop.yaml -> loop.yaml\)"):
        expand(['--8<-- "loop.yaml"'], config)


def test_an_include_cycle_through_two_files_is_an_error_at_the_page_line(tmp_path):
    (tmp_path / "a.yaml").write_text('a: 1\n--8<-- "b.yaml"\n', encoding="utf-8")
    (tmp_path / "b.yaml").write_text('b: 1\n--8<-- "a.yaml"\n', encoding="utf-8")
    config = IncludeConfig(base_paths=[tmp_path], display_root=tmp_path)
    with pytest.raises(IncludeError, match=r"cycle \(a.yaml -> b.yaml -> a.yaml\)") as e:
        expand(["text", '--8<-- "a.yaml"'], config)
    assert e.value.origin.page_line == 2


def test_includes_nested_past_the_depth_limit_are_an_error(tmp_path):
    for i in range(25):
        (tmp_path / f"f{i}.yaml").write_text(f'x{i}: 1\n--8<-- "f{i + 1}.yaml"\n', encoding="utf-8")
    (tmp_path / "f25.yaml").write_text("end: 1\n", encoding="utf-8")
    config = IncludeConfig(base_paths=[tmp_path], display_root=tmp_path)
    with pytest.raises(IncludeError, match="includes nested more than 20 deep"):
        expand(['--8<-- "f0.yaml"'], config)


@pytest.mark.parametrize(
    ("content", "marker", "message"),
    [
        ("", '--8<-- "x.yaml"', "the file is empty"),
        ("\n\n", '--8<-- "x.yaml"', "the file is empty"),
        (
            "a: 1\n# --8<-- [start:s]\n# --8<-- [end:s]\n",
            '--8<-- "x.yaml:s"',
            "the section 's' of the file hold nothing",
        ),
        ("a: 1\nb: 2\n", '--8<-- "x.yaml:2:5"', "line 5 is past the end of the file (2 lines)"),
    ],
)
def test_an_empty_include_or_a_range_past_the_end_is_an_error(tmp_path, content, marker, message):
    (tmp_path / "x.yaml").write_text(content, encoding="utf-8")
    config = IncludeConfig(base_paths=[tmp_path], display_root=tmp_path)
    with pytest.raises(IncludeError, match=re.escape(message)):
        expand([marker], config)


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ('--8<-- "../outside.yaml"', "leaves the snippets base path"),
        ('--8<-- "/etc/hostname"', "leaves the snippets base path"),
        ('--8<-- "missing.yaml"', "no such file under the snippets base path"),
        ('--8<-- "."', "it is a directory"),
        ('--8<-- "https://example.com/pod.yaml"', "URL includes are not checked"),
        ('--8<-- ":3:4"', "names no file"),
        ('--8<-- "' + "a" * 5000 + '"', "not a usable path"),
        ('--8<-- "a\x00b.yaml"', "not a usable path"),
    ],
)
def test_an_include_that_cannot_be_resolved_is_an_error_at_the_marker(marker, message):
    # Regression for the last two: a name too long for the file system and a NUL byte crashed
    # with OSError and ValueError.
    with pytest.raises(IncludeError, match=message) as e:
        expand(["one", "two", marker], include_config())
    assert e.value.origin == Origin(3)


def test_a_binary_or_non_utf8_included_file_is_an_error(tmp_path):
    (tmp_path / "bin.yaml").write_bytes(b"a: \x00\x01")
    (tmp_path / "latin1.yaml").write_bytes("a: caf\u00e9".encode("latin-1"))
    config = IncludeConfig(base_paths=[tmp_path], display_root=tmp_path)
    with pytest.raises(IncludeError, match="binary file"):
        expand(['--8<-- "bin.yaml"'], config)
    with pytest.raises(IncludeError, match="not valid UTF-8"):
        expand(['--8<-- "latin1.yaml"'], config)


def test_a_later_base_path_is_searched_when_the_first_has_no_such_file(tmp_path):
    (tmp_path / "extra.yaml").write_text("b: 2", encoding="utf-8")
    config = IncludeConfig(base_paths=[SNIPPETS, tmp_path], display_root=tmp_path)
    assert texts(['--8<-- "extra.yaml"', '--8<-- "configmap.yaml:1:1"'], config) == [
        "b: 2",
        "apiVersion: v1",
    ]


def test_a_file_base_path_allows_only_that_file(tmp_path):
    only = tmp_path / "only.yaml"
    only.write_text("c: 3", encoding="utf-8")
    (tmp_path / "other.yaml").write_text("d: 4", encoding="utf-8")
    config = IncludeConfig(base_paths=[only], display_root=tmp_path)
    assert texts(['--8<-- "only.yaml"'], config) == ["c: 3"]
    with pytest.raises(IncludeError):
        expand(['--8<-- "other.yaml"'], config)


def test_dedent_subsections_removes_the_common_indentation_of_a_range(tmp_path):
    (tmp_path / "indented.yaml").write_text("a:\n  b: 1\n  c: 2\n", encoding="utf-8")
    config = IncludeConfig(base_paths=[tmp_path], dedent_subsections=True, display_root=tmp_path)
    assert texts(['--8<-- "indented.yaml:2:3"'], config) == ["b: 1", "c: 2"]


def test_a_section_marker_made_of_a_long_run_of_dashes_is_read_in_linear_time():
    # Regression: without pymdownx's lookarounds the section pattern was quadratic here.
    line = "-" * 100_000 + "8<- [start:x"
    start = time.perf_counter()
    assert RE_SECTION.match(line) is None
    assert texts([line], IncludeConfig(base_paths=[Path(".")])) == [line]
    assert time.perf_counter() - start < 15  # a bound against a quadratic blow-up (minutes), not a timing
