"""report: the text a person reads and the JSON other tools read."""

from __future__ import annotations

import hashlib
import json

from kubedoctest import report
from kubedoctest.model import Finding, Origin, Result, Snippet, Stage, Status


def result(page, line, status, stage=Stage.STATIC, findings=(), fidelity=None):
    s = Snippet(page, line, "yaml", "a: 1", [Origin(line + 1)])
    return Result(s, status, stage, list(findings), fidelity=fidelity)


RESULTS = [
    result("docs/a.md", 3, Status.PASSED),
    result(
        "docs/a.md",
        9,
        Status.FAILED,
        findings=[Finding("docs/a.md:12", "unknown field 'spec.x'", version="1.35", hint="remove it")],
    ),
    result(
        "docs/b.md",
        5,
        Status.SKIPPED,
        Stage.COLLECT,
        [Finding("docs/b.md:5", "skipped: a fragment", "info")],
    ),
    result(
        "docs/b.md",
        20,
        Status.PASSED,
        findings=[Finding("docs/b.md:21", "v1 Endpoints is deprecated", "warning")],
    ),
]


def test_the_summary_counts_each_status():
    assert report.summary(RESULTS) == {"total": 4, "passed": 2, "failed": 1, "skipped": 1}


def test_the_summary_counts_partial_live_results_only_when_there_are_some():
    partial = [*RESULTS, result("docs/c.md", 1, Status.PASSED, fidelity="partial")]
    assert report.summary(partial)["partial"] == 1


def test_the_json_report_has_exactly_the_documented_keys():
    doc = json.loads(report.to_json(RESULTS))
    assert set(doc) == {"snippets", "summary"}
    assert set(doc["summary"]) == {"total", "passed", "failed", "skipped"}
    keys = {"path", "line", "id", "status", "stage", "messages", "hash", "language", "k8s_versions", "reasons"}
    keys |= {"standin_images", "unavailable_images", "seconds"}
    for entry in doc["snippets"]:
        assert set(entry) == keys
    text = RESULTS[1].snippet.text
    assert doc["snippets"][1] == {
        "path": "docs/a.md",
        "line": 9,
        "id": "docs/a.md:9",
        "status": "failed",
        "stage": "static",
        "messages": ["docs/a.md:12: unknown field 'spec.x' (Kubernetes 1.35); fix: remove it"],
        "hash": hashlib.sha256(text.encode()).hexdigest(),
        "language": RESULTS[1].snippet.language,
        "k8s_versions": [],
        "reasons": [],
        "standin_images": [],
        "unavailable_images": [],
        "seconds": 0.0,
    }


def test_a_json_report_with_a_run_block_carries_it_at_the_top_level():
    run = {"provider": "none", "kubernetes": None, "simulated": False, "k8s_versions": ["1.35"]}
    assert json.loads(report.to_json(RESULTS, run=run))["run"] == run


def test_the_hash_is_of_the_resolved_text_so_an_edit_to_an_included_file_changes_it():
    a = result("docs/a.md", 1, Status.PASSED)
    b = result("docs/a.md", 1, Status.PASSED)
    b.snippet.text += "\n# changed"
    assert report.entry(a)["hash"] != report.entry(b)["hash"]
    assert len(report.entry(a)["hash"]) == 64


def test_the_json_report_keeps_chinese_text_readable():
    r = result("docs/zh/页面.md", 1, Status.FAILED, findings=[Finding("docs/zh/页面.md:2", "重复的键")])
    text = report.to_json([r])
    assert "页面" in text and "\\u" not in text


def test_the_text_report_leads_each_failure_with_its_page_line_and_each_finding_with_its_own():
    lines = report.to_text(RESULTS).split("\n")
    i = lines.index("FAILED docs/a.md:9 [static]")
    assert lines[i + 1] == "  docs/a.md:12: unknown field 'spec.x' (Kubernetes 1.35); fix: remove it"
    assert lines[-1] == "2 passed, 1 failed, 1 skipped"


def test_the_text_report_shows_warnings_of_passed_snippets_but_not_plain_passes():
    text = report.to_text(RESULTS)
    assert "PASSED docs/b.md:20 [static]" in text
    assert "  docs/b.md:21: warning: v1 Endpoints is deprecated" in text
    assert "docs/a.md:3" not in text
    assert "docs/b.md:5" not in text


def test_the_verbose_text_report_lists_every_snippet_and_skip_reasons():
    text = report.to_text(RESULTS, verbose=True, header="kubedoctest: Kubernetes 1.35")
    lines = text.split("\n")
    assert lines[0] == "kubedoctest: Kubernetes 1.35"
    assert "PASSED docs/a.md:3 [static]" in lines
    assert "SKIPPED docs/b.md:5 [collect]" in lines
    assert "  docs/b.md:5: info: skipped: a fragment" in lines


def test_the_text_report_says_once_which_custom_resources_lacked_their_crd_and_how_to_give_it():
    reason = (
        "not checked: W/a: custom resource x.io/v1 {kind}: no CustomResourceDefinition for it (give one with --crd)"
    )
    skipped = [
        result("docs/c.md", n, Status.SKIPPED, findings=[Finding(f"docs/c.md:{n}", reason.format(kind=k), "info")])
        for n, k in ((3, "Widget"), (9, "Widget"), (15, "Gadget"))
    ]
    text = report.to_text(skipped)
    assert "note: 3 snippets hold custom resources with no CustomResourceDefinition (Widget, Gadget)" in text
    assert "--crd PATH" in text
    assert "note:" not in report.to_text(RESULTS)
