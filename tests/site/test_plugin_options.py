"""The MkDocs plugin's options are checked with the settings' own checks (config.py): a bad value
fails the build with one line in the harness's words, the words the CLI uses for the same value;
never a traceback, never a build that goes on checking nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kubedoctest import cli

PAGE = "# Page\n\n```yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n```\n"


def build(tmp_path: Path, options: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "index.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nplugins:\n  - kubedoctest:\n      translations: false\n" + options, encoding="utf-8"
    )
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONIOENCODING="utf-8")
    args = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")]
    return subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


def error_lines(proc: subprocess.CompletedProcess[str]) -> list[str]:
    return [line.split("-", 1)[1].strip() for line in proc.stderr.splitlines() if line.startswith("ERROR")]


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("k8s_versions: ['1.x']", "kubedoctest: k8s_versions: '1.x' is not a Kubernetes minor version like \"1.36\""),
        ("k8s_versions: '1.x'", "kubedoctest: k8s_versions: '1.x' is not a Kubernetes minor version like \"1.36\""),
        ("k8s_versions: ['1.99']", "kubedoctest: k8s_versions: '1.99' has no offline schema; use one of 1."),
        ("k8s_versions: []", 'kubedoctest: k8s_versions: [] names no version; give one like "1.36"'),
        ("k8s_versions: [1.30]", "kubedoctest: k8s_versions must be a list of strings, e.g. "),
        ("k8s_versions: {a: 1}", "kubedoctest: k8s_versions must be a list of strings, e.g. "),
        ("findings: 'no'", "kubedoctest: findings must be true or false: got 'no'"),
        ("results: 5", "kubedoctest: results must be a path or glob, or a list of them"),
        ("source_language: 3", "kubedoctest: source_language must be a language code"),
        ("badges:", "kubedoctest: badges must be true or false: got None"),
    ],
)
def test_a_bad_option_fails_the_build_with_one_line_saying_what_and_how_to_fix_it(tmp_path, option, message):
    proc = build(tmp_path, f"      {option}\n")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    errors = error_lines(proc)
    assert len(errors) == 1 and errors[0].startswith(message), proc.stderr
    assert "\n" not in errors[0]
    if option == "k8s_versions: [1.30]":
        assert "1.30 as 1.3: quote each version" in errors[0]


def test_a_good_k8s_versions_builds_and_checks_on_those_versions(tmp_path):
    proc = build(tmp_path, "      k8s_versions: ['1.35', 'v1.36']\n      findings: true\n      results: []\n")
    assert proc.returncode == 0, proc.stderr
    assert not error_lines(proc) and "WARNING" not in proc.stderr
    assert "1 snippets checked" in proc.stderr


def test_the_plugin_and_the_cli_say_the_same_words_for_the_same_bad_version(tmp_path, capsys, monkeypatch):
    proc = build(tmp_path, "      k8s_versions: ['1.x']\n")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["check", "docs", "--cluster", "none", "--k8s-version", "1.x"]) == 2
    cli_error = capsys.readouterr().err.strip()
    assert cli_error.startswith("kubedoctest: --k8s-version: ")
    assert error_lines(proc) == [cli_error.replace("--k8s-version", "k8s_versions")]


def test_an_empty_results_variable_names_no_results_file(tmp_path, monkeypatch):
    monkeypatch.setenv("KUBEDOCTEST_RESULTS", "")
    proc = build(tmp_path, '      results: !ENV [KUBEDOCTEST_RESULTS, "results/*.json"]\n')
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and not error_lines(proc)
