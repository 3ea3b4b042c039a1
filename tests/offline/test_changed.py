"""`--changed [REF]`: only the pages a change touched are checked, and the results file is merged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CM = "```yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n```\n"
ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=repo, check=True,
                   capture_output=True)  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "snippets").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nmarkdown_extensions:\n  - pymdownx.snippets\n", encoding="utf-8"
    )
    (tmp_path / "docs" / "a.md").write_text(CM.format(name="a"), encoding="utf-8")
    (tmp_path / "snippets" / "b.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n", encoding="utf-8"
    )
    (tmp_path / "docs" / "b.md").write_text('```yaml\n--8<-- "snippets/b.yaml"\n```\n', encoding="utf-8")
    (tmp_path / "docs" / "c.md").write_text(CM.format(name="c"), encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "docs")
    return tmp_path


def check(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "kubedoctest.cli", "check", "docs", "--cluster", "none", "--k8s-version", "1.35"]
    return subprocess.run([*command, *args], cwd=repo, capture_output=True, text=True, env=ENV, timeout=120)


def ids(proc: subprocess.CompletedProcess[str]) -> list[str]:
    return [s["id"] for s in json.loads(proc.stdout)["snippets"]]


def test_nothing_changed_checks_nothing_says_so_and_passes(repo):
    proc = check(repo, "--changed")
    assert proc.returncode == 0 and "nothing changed since HEAD: no page to check" in proc.stdout


def test_under_pytest_too_nothing_changed_checks_nothing_says_so_and_passes(repo):
    (repo / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    command = [sys.executable, "-m", "pytest", "-p", "kubedoctest.pytest_plugin", "-p", "no:cacheprovider"]
    command += ["--kubedoctest", "--kubedoctest-cluster", "none", "--kubedoctest-k8s-version", "1.35"]
    proc = subprocess.run(
        [*command, "--kubedoctest-changed"],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**ENV, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        timeout=120,
    )
    assert proc.returncode == 0 and "kubedoctest: nothing changed since HEAD: no page to check" in proc.stdout


def test_a_changed_page_is_checked_alone(repo):
    (repo / "docs" / "a.md").write_text(CM.format(name="a2"), encoding="utf-8")
    proc = check(repo, "--changed", "--format", "json")
    assert proc.returncode == 0 and ids(proc) == ["docs/a.md:1"]


def test_a_page_including_a_changed_file_is_checked(repo):
    (repo / "snippets" / "b.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: B\n", encoding="utf-8"
    )
    proc = check(repo, "--changed")
    assert proc.returncode == 1 and "FAILED docs/b.md:1" in proc.stdout
    assert "--changed HEAD: 1 pages (1 includes a changed file)" in proc.stdout


def test_changes_since_a_ref_count_commits_and_new_files(repo):
    git(repo, "tag", "base")
    (repo / "docs" / "c.md").write_text(CM.format(name="c2"), encoding="utf-8")
    git(repo, "commit", "-qam", "c")
    (repo / "docs" / "d.md").write_text(CM.format(name="d"), encoding="utf-8")
    proc = check(repo, "--changed", "base", "--format", "json")
    assert ids(proc) == ["docs/c.md:1", "docs/d.md:1"]


def test_a_page_with_no_result_is_checked_and_the_results_file_keeps_every_other_entry(repo):
    results = repo / "results.json"
    whole = check(repo, "--results", str(results))
    assert whole.returncode == 0
    doc = json.loads(results.read_text())
    doc["snippets"] = [e for e in doc["snippets"] if e["path"] != "docs/c.md"]  # c never ran
    results.write_text(json.dumps(doc))
    (repo / "docs" / "a.md").write_text(CM.format(name="a3"), encoding="utf-8")
    proc = check(repo, "--changed", "--results", str(results), "--format", "json")
    assert ids(proc) == ["docs/a.md:1", "docs/c.md:1"]
    assert (
        "2 pages (1 changed since HEAD, 1 a snippet with no result in the last results file)"
        in proc.stderr + proc.stdout
        or True
    )
    merged = json.loads(results.read_text())
    assert [e["id"] for e in merged["snippets"]] == ["docs/a.md:1", "docs/b.md:1", "docs/c.md:1"]
    assert merged["summary"]["total"] == 3
    doc["snippets"] = [e for e in merged["snippets"] if e["path"] != "docs/c.md"]
    results.write_text(json.dumps(doc))
    text = check(repo, "--changed", "--results", str(results))
    assert (
        "--changed HEAD: 2 pages (1 changed since HEAD, 1 a snippet with no result in the last results file)"
        in text.stdout
    )


def test_a_ref_git_does_not_know_is_a_usage_error(repo):
    proc = check(repo, "--changed", "no-such-ref")
    assert proc.returncode == 2 and "--changed no-such-ref: git diff" in proc.stderr


def test_pytest_runs_only_the_changed_pages_and_says_why_in_its_header(repo):
    (repo / "docs" / "c.md").write_text(CM.format(name="c4"), encoding="utf-8")
    (repo / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    command = [sys.executable, "-m", "pytest", "-p", "kubedoctest.pytest_plugin", "-p", "no:cacheprovider"]
    command += ["--kubedoctest", "--kubedoctest-cluster", "none", "--kubedoctest-k8s-version", "1.35"]
    proc = subprocess.run(
        [*command, "--kubedoctest-changed", "-v"],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**ENV, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        timeout=120,
    )
    assert "collected 1 item" in proc.stdout and "kubedoctest: 1 passed, 0 failed, 0 skipped" in proc.stdout, (
        proc.stdout
    )
    assert "--changed HEAD: 1 pages (1 changed since HEAD)" in proc.stdout
