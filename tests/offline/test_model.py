"""model: where a line came from, and how a finding reads."""

from __future__ import annotations

from kubedoctest.model import Finding, Origin, Snippet


def test_an_origin_names_the_page_line_and_the_included_file_line():
    assert Origin(7).describe("docs/a.md") == "docs/a.md:7"
    assert Origin(7, "snippets/pod.yaml", 3).describe("docs/a.md") == "docs/a.md:7 (snippets/pod.yaml:3)"


def test_a_snippet_locates_its_lines_and_clamps_past_the_end():
    s = Snippet("docs/a.md", 4, "yaml", "a: 1\nb: 2", [Origin(5), Origin(6)])
    assert s.id == "docs/a.md:4"
    assert [s.where(), s.where(0), s.where(1), s.where(9), s.where(-3)] == [
        "docs/a.md:4",
        "docs/a.md:5",
        "docs/a.md:6",
        "docs/a.md:6",
        "docs/a.md:5",
    ]


def test_a_finding_renders_as_location_severity_message_versions_and_fix():
    assert Finding("p.md:3", "bad").render() == "p.md:3: bad"
    assert Finding("p.md:3", "old", "warning", "1.35").render() == "p.md:3: warning: old (Kubernetes 1.35)"
    assert Finding("p.md:3", "bad", hint="do this").render() == "p.md:3: bad; fix: do this"


def test_the_readme_lists_exactly_the_stage_values():
    import re
    from pathlib import Path

    from kubedoctest.model import Stage

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    sentence = re.search(r"`stage` is where it ended \(([^)]*)\)", readme)
    assert sentence, "README must say which values `stage` takes"
    assert re.findall(r"`([^`]+)`", sentence.group(1)) == [s.value for s in Stage]


def test_a_result_takes_a_stage_by_value_and_refuses_an_unknown_one():
    import pytest

    from kubedoctest.model import Result, Stage, Status

    s = Snippet("docs/a.md", 4, "yaml", "a: 1", [Origin(5)])
    assert Result(s, Status.PASSED, "dry-run").stage is Stage.DRY_RUN
    with pytest.raises(ValueError):
        Result(s, Status.PASSED, "applied")


def test_the_harness_gives_every_result_a_stage_member_not_a_string():
    import ast
    from pathlib import Path

    import kubedoctest

    plain = []
    for path in Path(kubedoctest.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("Result", "_Failed"):
                at = 2 if node.func.id == "Result" else 0
                if len(node.args) > at and isinstance(node.args[at], ast.Constant):
                    plain.append(f"{path.name}:{node.lineno}")
    assert plain == []
