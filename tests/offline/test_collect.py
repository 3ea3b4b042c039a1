"""collect: fences found wherever MkDocs Material renders them, directives attached, problems
located at page:line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import kubedoctest.collect.pages
from kubedoctest.collect import collect
from kubedoctest.collect.collect import collect_page, language_of, pages, read_page
from kubedoctest.collect.includes import IncludeConfig
from kubedoctest.model import InputError
from kubedoctest.parse.directives import Directives, Expectation

from .support import BAD, GOOD, collect_sample, include_config, line_of, snippet_named

FENCES = GOOD / "docs" / "fences.md"
DIRECTIVES = GOOD / "docs" / "directives.md"


def names(snippets):
    return [line.split("name: ", 1)[1] for s in snippets for line in s.text.split("\n") if "  name: " in line]


@pytest.fixture(scope="module")
def fences():
    snippets, errors = collect_sample("fences.md")
    assert errors == []
    return snippets


def test_every_yaml_fence_of_the_fences_page_is_collected_in_page_order(fences):
    assert names(fences) == [
        "top-level",
        "in-admonition",
        "nested-admonition",
        "in-tab-a",
        "in-tab-b",
        "in-list-item",
        "in-bullet",
        "with-attributes",
        "tildes",
        "yml-language",
        "attribute-list",
    ]
    assert [s.index for s in fences] == list(range(len(fences)))


def test_a_top_level_fence_is_collected_at_the_line_of_its_opening_fence(fences):
    s = snippet_named(fences, "top-level")
    assert s.line == line_of(FENCES, "name: top-level") - 4
    assert s.id == f"docs/fences.md:{s.line}"
    assert s.language == "yaml"
    assert s.text.startswith("apiVersion: v1\nkind: ConfigMap\n")


@pytest.mark.parametrize(
    "name",
    ["in-admonition", "nested-admonition", "in-tab-a", "in-tab-b", "in-list-item", "in-bullet"],
)
def test_an_indented_fence_is_collected_with_its_indentation_removed(fences, name):
    s = snippet_named(fences, name)
    assert s.text.split("\n")[:3] == ["apiVersion: v1", "kind: ConfigMap", "metadata:"]
    assert f"\n  name: {name}\n" in s.text
    opening = FENCES.read_text(encoding="utf-8").split("\n")[s.line - 1]
    assert opening.strip() == "```yaml" and opening.startswith(" ")


def test_a_fence_with_a_title_and_line_numbers_is_collected(fences):
    s = snippet_named(fences, "with-attributes")
    assert s.line == line_of(FENCES, 'title="with-attributes.yaml"')
    assert s.language == "yaml"


def test_a_tilde_fence_is_collected_and_backticks_inside_it_are_text(fences):
    s = snippet_named(fences, "tildes")
    assert s.line == line_of(FENCES, "~~~yaml")
    assert 'fence: "```"' in s.text


def test_yml_is_collected_as_yaml(fences):
    assert snippet_named(fences, "yml-language").language == "yml"


def test_the_attribute_list_form_names_the_language(fences):
    s = snippet_named(fences, "attribute-list")
    assert s.line == line_of(FENCES, "{.yaml")


def test_a_fence_shown_inside_a_longer_fence_is_not_collected(fences):
    assert "not-collected" not in names(fences)


def test_fences_of_other_languages_are_not_collected(fences):
    assert all(s.language in {"yaml", "yml"} for s in fences)
    assert not any("kubectl get pods" in s.text for s in fences)


def test_every_snippet_line_comes_from_the_page_line_its_origin_names(fences):
    page = FENCES.read_text(encoding="utf-8").split("\n")
    assert len(fences) > 5
    for s in fences:
        assert len(s.origins) == len(s.text.split("\n"))
        for text, origin in zip(s.text.split("\n"), s.origins, strict=True):
            assert origin.source is None
            assert page[origin.page_line - 1].endswith(text)
            assert page[origin.page_line - 1].strip() == text.strip()


@pytest.mark.parametrize(
    ("info", "language"),
    [
        ("yaml", "yaml"),
        ("YAML", "yaml"),
        ("yml", "yml"),
        ('yaml title="pod.yaml" linenums="1"', "yaml"),
        ("{.yaml}", "yaml"),
        ('{ .yaml title="x.yaml" }', "yaml"),
        ("{#some-id}", ""),
        ("", ""),
        ("  bash  ", "bash"),
    ],
)
def test_the_language_is_the_first_word_or_first_class_of_the_info_string(info, language):
    assert language_of(info) == language


def test_directives_are_attached_to_the_fence_that_follows_them():
    snippets, errors = collect_sample("directives.md")
    assert errors == []
    skip, expect, multi, ranged, plain = snippets
    assert skip.directives == Directives(skip=True, reason="a fragment of a container spec, not a whole object")
    assert skip.line == line_of(DIRECTIVES, 'skip reason="a fragment') + 1
    # a blank line between the directive and the fence is allowed
    assert expect.directives == Directives(
        expect=(Expectation("deployment", "web", "Available"),), requires=frozenset({"kubelet"})
    )
    assert expect.line == line_of(DIRECTIVES, 'expect="deployment/web Available"') + 2
    assert ranged.directives == Directives(k8s=">=1.30,<1.99", requires=frozenset({"kubelet"}))
    assert plain.directives == Directives()


def test_a_directive_whose_comment_opens_on_a_line_of_its_own_is_read():
    # Regression: `<!--` alone on its line, `kubedoctest:` on the next, was silently ignored.
    snippets, errors = collect_sample("directives.md")
    multi = snippets[2]
    assert errors == []
    assert multi.directives == Directives(
        expect=(Expectation("pod", "hello", "Ready"), Expectation("configmap", "settings", "Exists")), timeout=90.0
    )


def test_an_ordinary_html_comment_before_a_fence_is_not_a_directive():
    lines = ["<!--", "  a note for writers", "-->", "```yaml", "a: 1", "```"]
    snippets, errors = collect_page("p.md", lines, IncludeConfig())
    assert errors == [] and snippets[0].directives == Directives()


def page_errors(page: str):
    snippets, errors = collect_sample(page, BAD)
    return snippets, [(e.id, e.message) for e in errors]


def test_an_unknown_directive_is_an_error_at_the_page_line_of_the_comment():
    snippets, errors = page_errors("unknown-directive.md")
    line = line_of(BAD / "docs" / "unknown-directive.md", "colour=")
    assert len(errors) == 1
    where, message = errors[0]
    assert where == f"docs/unknown-directive.md:{line}"
    assert "unknown directive 'colour'" in message and "known are" in message
    # the fence itself is still collected, without the broken directive
    assert [s.directives for s in snippets] == [Directives()]


def test_a_skip_without_a_reason_is_an_error_at_the_page_line_of_the_comment():
    _, errors = page_errors("skip-without-reason.md")
    line = line_of(BAD / "docs" / "skip-without-reason.md", "kubedoctest: skip")
    assert errors == [
        (
            f"docs/skip-without-reason.md:{line}",
            'skip without a reason: write skip reason="why this is not checked"',
        )
    ]


def test_a_directive_not_followed_by_a_fence_is_an_error_and_does_not_reach_a_later_fence():
    snippets, errors = page_errors("directive-without-fence.md")
    line = line_of(BAD / "docs" / "directive-without-fence.md", "kubedoctest:")
    assert errors == [
        (
            f"docs/directive-without-fence.md:{line}",
            "directive is not followed by a fence: put it right before one",
        )
    ]
    assert snippets[0].directives == Directives()


@pytest.mark.parametrize(
    ("lines", "line", "message"),
    [
        (['<!-- kubedoctest: requires="kubelet" -->'], 1, "not followed by a fence"),
        (
            [
                '<!-- kubedoctest: requires="kubelet" -->',
                '<!-- kubedoctest: k8s=">=1.30" -->',
                "```yaml",
                "```",
            ],
            1,
            "not followed by a fence",
        ),
        (
            ["text", '<!-- kubedoctest: skip reason="x"', "```yaml", "a: 1", "```"],
            2,
            "unterminated directive",
        ),
        (
            ['<!-- kubedoctest: requires="kubelet" --> trailing', "```yaml", "```"],
            1,
            "text after a directive",
        ),
        (["<!-- kubedoctest: requires=kubelet -->", "```yaml", "```"], 1, "needs a value"),
    ],
)
def test_a_malformed_directive_is_a_located_error(lines, line, message):
    _, errors = collect_page("p.md", lines, IncludeConfig())
    assert errors, "expected an error"
    assert errors[0].line == line
    assert message in errors[0].message


def test_an_unterminated_fence_is_an_error_at_its_opening_line():
    snippets, errors = page_errors("unterminated-fence.md")
    line = line_of(BAD / "docs" / "unterminated-fence.md", "```yaml")
    assert snippets == []
    assert len(errors) == 1
    assert errors[0][0] == f"docs/unterminated-fence.md:{line}"
    assert errors[0][1].startswith("unterminated fence ```yaml: close it with ```")


def test_a_closing_fence_must_be_as_long_as_the_opening_one():
    lines = ["````yaml", "a: 1", "```", "b: 2", "````"]
    snippets, errors = collect_page("p.md", lines, IncludeConfig())
    assert errors == []
    assert snippets[0].text == "a: 1\n```\nb: 2"


def test_an_include_that_leaves_the_base_path_is_an_error_at_the_line_of_the_marker():
    snippets, errors = page_errors("include-escapes.md")
    line = line_of(BAD / "docs" / "include-escapes.md", "--8<--")
    assert snippets == []
    assert errors[0][0] == f"docs/include-escapes.md:{line}"
    assert "failed to include '../outside.yaml': the path leaves the snippets base path" in errors[0][1]


def test_a_missing_include_is_an_error_at_the_line_of_the_marker():
    _, errors = page_errors("include-missing.md")
    line = line_of(BAD / "docs" / "include-missing.md", "--8<--")
    assert errors[0][0] == f"docs/include-missing.md:{line}"
    assert "failed to include 'no-such-file.yaml': no such file" in errors[0][1]


def test_a_binary_file_named_md_is_a_located_error(tmp_path):
    (tmp_path / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    snippets, errors = collect.collect([str(tmp_path)], IncludeConfig())
    assert snippets == []
    assert [(e.line, e.message) for e in errors] == [
        (1, "this is a binary file, not a Markdown page; remove it or rename it")
    ]
    assert errors[0].page == str(tmp_path / "image.md")


def test_an_invalid_utf8_page_is_an_error_at_the_line_of_the_bad_byte(tmp_path):
    (tmp_path / "latin1.md").write_bytes(
        "# Title\n\nCaf\u00e9 in UTF-8\n".encode() + "Caf\u00e9 in Latin-1\n".encode("latin-1")
    )
    snippets, errors = collect.collect([str(tmp_path)], IncludeConfig())
    assert snippets == []
    assert len(errors) == 1
    # Regression: the error was put at line 1 of the page whatever the line of the bad byte.
    assert errors[0].line == 4
    assert errors[0].message.startswith("invalid UTF-8 at line 4 (byte ")
    assert errors[0].message.endswith("save the page as UTF-8")


def test_a_10_mb_page_is_collected_in_a_few_seconds(tmp_path):
    block = "Some prose that goes on for a while. " * 20 + "\n\n"
    fence = "```yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n```\n\n"
    unit = block * 10 + fence
    page = tmp_path / "big.md"
    page.write_text(unit * (10 * 1024 * 1024 // len(unit) + 1), encoding="utf-8")
    assert page.stat().st_size >= 10 * 1024 * 1024
    start = time.perf_counter()
    snippets, errors = collect.collect([str(page)], IncludeConfig())
    assert time.perf_counter() - start < 60  # a bound against a quadratic read, not a timing
    assert errors == []
    assert len(snippets) > 1000
    assert snippets[1].line == snippets[0].line + unit.count("\n")


def test_a_page_over_the_size_limit_is_an_input_error_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.setattr(kubedoctest.collect.pages, "MAX_PAGE_BYTES", 1024 * 1024)
    page = tmp_path / "huge.md"
    page.write_text("x" * (2 * 1024 * 1024), encoding="utf-8")
    with pytest.raises(InputError, match="huge.md': it is larger than the 1 MB limit; split it"):
        collect.collect([str(page)], IncludeConfig())


def test_a_long_line_of_blanks_after_a_fence_is_read_in_linear_time():
    # Regression: the fence pattern was quadratic on a long run of blanks in the info string.
    line = "``` yaml" + " " * 200_000 + "x"
    start = time.perf_counter()
    snippets, errors = collect_page("p.md", [line, "a: 1", "```"], IncludeConfig())
    assert time.perf_counter() - start < 15  # a bound against a quadratic blow-up (minutes), not a timing
    assert errors == [] and snippets[0].language == "yaml"


def test_a_bom_and_windows_line_endings_do_not_shift_lines(tmp_path):
    page = tmp_path / "crlf.md"
    page.write_bytes("\ufeff# T\r\n\r\n```yaml\r\na: 1\r\n```\r\n".encode())
    lines = read_page("crlf.md", page)
    assert lines[0] == "# T"
    snippets, errors = collect_page("crlf.md", lines, IncludeConfig())
    assert errors == []
    assert (snippets[0].line, snippets[0].text) == (3, "a: 1")


def test_pages_are_found_sorted_with_hidden_folders_skipped(tmp_path):
    for name in ["b.md", "a/z.markdown", "a/y.md", ".hidden/x.md", "notes.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("# x\n", encoding="utf-8")
    found = [display for display, _, _ in pages([str(tmp_path)])]
    assert found == [
        str(tmp_path / "a" / "y.md"),
        str(tmp_path / "a" / "z.markdown"),
        str(tmp_path / "b.md"),
    ]


def test_a_path_that_does_not_exist_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file or directory"):
        list(pages([str(tmp_path / "nope")]))


def test_collect_reports_the_include_marker_line_for_every_line_of_an_included_file():
    snippets, errors = collect_sample("includes.md")
    assert errors == []
    first = snippets[0]
    marker = line_of(GOOD / "docs" / "includes.md", '--8<-- "pod.yaml"')
    assert {o.page_line for o in first.origins} == {marker}
    assert [o.source_line for o in first.origins] == list(range(1, len(first.origins) + 1))
    assert first.where(3) == f"docs/includes.md:{marker} (snippets/pod.yaml:4)"


def test_an_empty_fence_is_collected_with_no_lines():
    snippets, errors = collect_page("p.md", ["```yaml", "```"], IncludeConfig())
    assert errors == []
    assert (snippets[0].text, snippets[0].origins, snippets[0].where(0)) == ("", [], "p.md:1")


def test_include_config_reads_the_sample_mkdocs_yml():
    cfg = include_config(GOOD)
    assert cfg.base_paths[:1] == [GOOD / "snippets"]
    assert Path(cfg.display_root) == GOOD


@pytest.mark.parametrize("prefix", ["kubedoctst", "kubedoc-test", "kubedoctests", "KubeDocTest"])
def test_a_misspelled_directive_prefix_is_an_error_not_an_ordinary_comment(prefix):
    lines = [f'<!-- {prefix}: skip reason="x" -->', "```yaml", "a: 1", "```"]
    snippets, errors = collect_page("p.md", lines, IncludeConfig())
    assert [(e.line, e.message) for e in errors] == [
        (1, f"unknown comment prefix {prefix!r}: did you mean 'kubedoctest:'?")
    ]
    assert len(snippets) == 1


def test_an_ordinary_comment_with_a_colon_is_not_taken_for_a_directive():
    snippets, errors = collect_page("p.md", ["<!-- note: see below -->", "```yaml", "a: 1", "```"], IncludeConfig())
    assert errors == [] and len(snippets) == 1


def test_a_huge_timeout_directive_is_an_error_at_its_line_not_an_overflow():
    lines = ["# t", '<!-- kubedoctest: timeout="9999999999" -->', "```yaml", "a: 1", "```"]
    snippets, errors = collect_page("p.md", lines, IncludeConfig())
    assert [(e.line, e.message) for e in errors] == [(2, "timeout must be between 1 and 3600: got '9999999999'")]
    assert len(snippets) == 1 and snippets[0].directives.timeout is None
