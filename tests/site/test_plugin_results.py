"""Reading results files for the badges: merging runs per content hash, and what never makes a claim."""

from __future__ import annotations

import json
from pathlib import Path

from kubedoctest.mkdocs_plugin.results import OFFLINE, REAL, SIMULATED, expand, load, version_range

KWOK = {"provider": "kwok", "kubernetes": "1.37.2", "simulated": True, "date": "2026-11-30T00:00:00Z"}
KIND = {"provider": "kind", "kubernetes": "1.37.2", "simulated": False, "date": "2026-11-29T00:00:00Z"}
NONE = {"provider": "none", "kubernetes": None, "simulated": False, "date": "2026-12-01T00:00:00Z"}


def write(path: Path, run: dict, entries: list[dict]) -> Path:
    base = {"path": "docs/zh/a.md", "line": 1, "id": "docs/zh/a.md:1", "status": "passed", "stage": "live"}
    full = [base | {"k8s_versions": ["1.37"]} | e for e in entries]
    path.write_text(json.dumps({"run": run, "snippets": full}), encoding="utf-8")
    return path


def test_real_containers_beat_simulated_nodes_which_beat_offline_checks(tmp_path: Path):
    files = [
        write(tmp_path / "none.json", NONE, [{"hash": h, "stage": "static"} for h in "abc"]),
        write(tmp_path / "kwok.json", KWOK, [{"hash": "a"}, {"hash": "b", "fidelity": "partial"}]),
        write(tmp_path / "kind.json", KIND, [{"hash": "a"}]),
    ]
    results = load(files)
    assert results.verdict("a").strength == REAL and results.verdict("a").run.provider == "kind"
    assert results.verdict("b").strength == SIMULATED and results.verdict("b").partial
    assert results.verdict("c").strength == OFFLINE
    assert results.verdict("d") is None


def test_failed_skipped_and_hashless_entries_make_no_badge(tmp_path: Path):
    kwok = write(
        tmp_path / "kwok.json",
        KWOK,
        [{"hash": "a", "status": "skipped"}, {"hash": None}, {"hash": "c"}, {"hash": "c", "status": "failed"}],
    )
    results = load([kwok])
    assert results.best == {}


def test_a_file_that_is_not_a_results_file_is_a_problem_that_names_it(tmp_path: Path):
    bad = tmp_path / "kwok.json"
    bad.write_text("{not json", encoding="utf-8")
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"snippets": []}), encoding="utf-8")
    results = load([bad, old])
    assert not results.runs and len(results.problems) == 2
    assert results.problems[0].startswith(f"{bad}: not a kubedoctest results file")
    assert 'no "run" object' in results.problems[1]


def test_results_files_are_found_by_glob_and_missing_ones_are_no_error(tmp_path: Path):
    (tmp_path / "r").mkdir()
    write(tmp_path / "r" / "kind.json", KIND, [])
    write(tmp_path / "r" / "kwok.json", KWOK, [])
    assert [p.name for p in expand(["r/*.json", "missing.json"], tmp_path)] == ["kind.json", "kwok.json"]
    assert expand([".kubedoctest/results/*.json"], tmp_path) == []


def test_schema_versions_read_as_a_range_when_consecutive():
    assert version_range(["1.35", "1.36", "1.37"]) == "1.35–1.37"
    assert version_range(["1.37"]) == "1.37"
    assert version_range(["1.33", "1.37"]) == "1.33, 1.37"
    assert version_range([]) == ""
