"""runner: the offline pipeline end to end (collect -> parse -> static -> results)."""

from __future__ import annotations

import pytest

from kubedoctest import runner
from kubedoctest.config import Settings
from kubedoctest.model import Stage, Status
from kubedoctest.pipeline import Pipeline, check
from kubedoctest.static import schema

from .support import GOOD, chdir, run_offline


def test_requested_versions_are_normalised_sorted_and_deduplicated():
    assert runner.resolve_versions(["v1.35.2", "1.31", "1.35"]) == ["1.31", "1.35"]


def test_no_requested_version_means_the_newest_three_available_offline():
    assert runner.resolve_versions([]) == schema.available_versions()[-3:]


def test_a_version_without_offline_schemas_is_an_error_naming_the_available_ones():
    with pytest.raises(ValueError, match="no offline schemas for Kubernetes 1.2; available: "):
        runner.resolve_versions(["1.2"])


def test_a_skipped_snippet_is_not_parsed_and_reports_its_reason():
    results = run_offline(GOOD, "directives.md")
    skipped = [r for r in results.values() if r.status == Status.SKIPPED]
    assert [(r.stage, r.findings[0].message) for r in skipped] == [
        (Stage.COLLECT, "skipped: a fragment of a container spec, not a whole object")
    ]


def test_select_runs_only_the_chosen_snippets():
    with chdir(GOOD), Pipeline(Settings(paths=["docs/fences.md"], k8s_versions=["1.35"], cluster="none")) as p:
        results = p.run(lambda i: i == "docs/fences.md:5")
    assert [r.snippet.id for r in results] == ["docs/fences.md:5"]


def test_each_fence_of_an_included_markdown_file_gets_its_own_result(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "snippets").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "markdown_extensions:\n  - pymdownx.snippets:\n      base_path: [snippets]\n",
        encoding="utf-8",
    )
    (tmp_path / "snippets" / "shared.md").write_text(
        "```yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: '1'\n  x: '2'\n```\n\n"
        "```yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n```\n",
        encoding="utf-8",
    )
    (tmp_path / "docs" / "page.md").write_text('# Page\n\n--8<-- "shared.md"\n', encoding="utf-8")
    with chdir(tmp_path):
        results = check(Settings(paths=["docs"], k8s_versions=["1.35"], cluster="none")).results
    assert [r.status for r in results] == [Status.FAILED, Status.PASSED]
