"""check: one entry for both front-ends; settings, exit codes, shards, the results file, and input
that must never be read (outside the project, FIFOs, devices) or must not pass silently."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kubedoctest import cli
from kubedoctest.config import Settings, load_settings
from kubedoctest.model import InputError
from kubedoctest.pipeline import check, shard_pages

from .support import BAD, GOOD, VERSIONS

VERSION_ARGS = [arg for v in VERSIONS for arg in ("--k8s-version", v)]
CONFIGMAP = "```yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n```\n"


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = cli.main(["check", *args, *VERSION_ARGS])
    except SystemExit as e:  # argparse's own usage errors
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--jobs", "0"], "--jobs must be a whole number from 1 to 64: got 0"),
        (["--jobs", "two"], "--jobs must be a whole number from 1 to 64: got 'two'"),
        (["--timeout", "-5"], "--timeout must be a number of seconds above 0 and at most 3600: got '-5'"),
        (["--timeout", "nan"], "--timeout must be a number of seconds above 0 and at most 3600: got 'nan'"),
        (["--timeout", "inf"], "--timeout must be a number of seconds above 0 and at most 3600: got 'inf'"),
        (["--shard", "3/2"], "--shard must be K/N with 1 <= K <= N, e.g. 1/4: got '3/2'"),
        (["--shard", "0/2"], "--shard must be K/N with 1 <= K <= N"),
        (["--cluster", "kwk"], "argument --cluster: invalid choice: 'kwk'"),
        (["--no-such-flag"], "unrecognized arguments: --no-such-flag"),
    ],
)
def test_a_bad_option_exits_2_with_one_line_naming_the_option(capsys, monkeypatch, args, message):
    monkeypatch.chdir(GOOD)
    code, out, err = run(capsys, "docs", "--cluster", "none", *args)
    assert code == 2
    assert out == ""
    assert err.startswith("kubedoctest: ") and message in err and "Traceback" not in err


def test_argparse_usage_errors_exit_2_too(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["check", "--jobs"])
    assert e.value.code == 2
    assert capsys.readouterr().err.startswith("kubedoctest: argument --jobs: expected one argument")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('paths = "docs"', None),
        ("paths = []", "paths must be a path or a list of paths"),
        ("timeout = inf", "timeout must be a number of seconds above 0 and at most 3600: got inf"),
        ("jobs = 1.5", "jobs must be a whole number from 1 to 64: got 1.5"),
        ("jobs = true", "jobs must be a whole number from 1 to 64: got True"),
        ('results = ""', "results must be the path of a JSON file to write"),
        ("k8s-versions = [1.30]", "k8s-versions must be a list of strings"),
        ("k8s-versions = []", 'k8s-versions: [] names no version; give one like "1.36"'),
        ('k8s-versions = ["1.x"]', "k8s-versions: '1.x' is not a Kubernetes minor version like \"1.36\""),
        ('k8s-versions = ["1.2"]', "k8s-versions: '1.2' has no offline schema; use one of"),
        ("[tool.kubedoctest.cluster]", "cluster must be one of none, kwok, kind, existing, auto: got {}"),
    ],
)
def test_pyproject_settings_are_validated_and_errors_name_the_key(tmp_path, monkeypatch, toml, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(f"[tool.kubedoctest]\n{toml}\n", encoding="utf-8")
    if message is None:
        assert load_settings(tmp_path).paths == ["docs"]
        return
    with pytest.raises(InputError) as e:
        load_settings(tmp_path)
    assert f"[tool.kubedoctest] {message}" in str(e.value)


def test_the_command_line_wins_over_pyproject_which_wins_over_the_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.kubedoctest]\ncluster = "none"\njobs = 3\n', encoding="utf-8")
    s = load_settings(tmp_path, {"jobs": "2", "timeout": None})
    assert (s.cluster, s.jobs, s.timeout) == ("none", 2, 60.0)
    assert load_settings(tmp_path / "elsewhere") == Settings(cluster="none", jobs=3)


def test_the_shards_of_a_page_list_are_disjoint_cover_it_and_do_not_depend_on_its_order():
    pages = [f"docs/p{i}.md" for i in range(10)]
    shares = [shard_pages(pages, (k, 3)) for k in (1, 2, 3)]
    assert set().union(*shares) == set(pages)
    assert sum(len(s) for s in shares) == 10 and all(len(s) in (3, 4) for s in shares)
    assert shard_pages(list(reversed(pages)), (2, 3)) == shares[1]


def test_the_cli_shard_checks_only_its_pages(capsys, monkeypatch):
    monkeypatch.chdir(GOOD)
    totals = []
    for k in (1, 2):
        code, out, _ = run(capsys, "docs", "--cluster", "none", "--format", "json", "--shard", f"{k}/2")
        assert code == 0
        totals.append({e["path"] for e in json.loads(out)["snippets"]})
    assert totals[0] and totals[1] and not totals[0] & totals[1]


def test_a_shard_with_no_pages_is_an_input_error(capsys, monkeypatch):
    monkeypatch.chdir(GOOD)
    code, _, err = run(capsys, "docs/fences.md", "--cluster", "none", "--shard", "2/2")
    assert code == 2 and "shard 2/2 has no pages: there are 1" in err


def test_the_results_file_is_the_json_report(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(BAD)
    out_file = tmp_path / "deep" / "results.json"
    code, out, _ = run(capsys, "docs", "--cluster", "none", "--format", "json", "--results", str(out_file))
    assert code == 1
    written = json.loads(out_file.read_text(encoding="utf-8"))
    printed = json.loads(out)
    assert written["snippets"] == printed["snippets"] and written["summary"] == printed["summary"]
    assert written["summary"]["failed"] == 19


def page(tmp_path: Path, name: str = "page.md", text: str = CONFIGMAP) -> Path:
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    (tmp_path / "docs").mkdir(exist_ok=True)
    path = tmp_path / "docs" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_exit_0_when_every_snippet_passed(capsys, monkeypatch, tmp_path):
    page(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "docs", "--cluster", "none")[0] == 0


def test_exit_1_when_a_snippet_failed(capsys, monkeypatch, tmp_path):
    page(tmp_path, text=CONFIGMAP.replace("name: a", "name: a\n  name: b"))
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "docs", "--cluster", "none")[0] == 1


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: (d / "docs").mkdir(), "no Markdown pages (*.md, *.markdown) under 'docs': nothing to check"),
        (lambda d: page(d, text="# no snippets\n"), "no YAML snippets or runbook steps in the pages under 'docs'"),
        (lambda d: os.mkfifo(page(d).with_name("fifo.md").as_posix()), "'docs/fifo.md': it is a FIFO (named pipe)"),
    ],
)
def test_a_run_that_checks_nothing_or_cannot_read_its_input_exits_2(capsys, monkeypatch, tmp_path, make, message):
    make(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "docs", "--cluster", "none")
    assert code == 2, out
    assert message in err


def test_an_unreadable_page_exits_2(capsys, monkeypatch, tmp_path):
    import kubedoctest.collect.reading as reading

    page(tmp_path)
    monkeypatch.chdir(tmp_path)
    real_open = os.open

    def refuse(path, flags, *args):  # as for a page without read permission (the tests run as root)
        if str(path).endswith("page.md"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(reading.os, "open", refuse)
    code, _, err = run(capsys, "docs", "--cluster", "none")
    assert code == 2 and "cannot read the page 'docs/page.md': Permission denied" in err


def test_an_unreadable_folder_exits_2(capsys, monkeypatch, tmp_path):
    import kubedoctest.collect.pages as pages_module

    page(tmp_path)
    monkeypatch.chdir(tmp_path)

    def walk(top, onerror=None):
        onerror(PermissionError(13, "Permission denied", "docs/locked"))
        return iter(())

    monkeypatch.setattr(pages_module.os, "walk", walk)
    code, _, err = run(capsys, "docs", "--cluster", "none")
    assert code == 2 and "cannot read the folder 'docs/locked': Permission denied" in err


def test_a_page_symlinked_from_outside_the_project_is_refused_and_never_printed(capsys, monkeypatch, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("```yaml\ntoken: s3cr3t-value\n```\n", encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    page(project)
    (project / "docs" / "linked.md").symlink_to(outside / "secret.md")
    monkeypatch.chdir(project)
    code, out, err = run(capsys, "docs", "--cluster", "none", "-v", "--format", "json")
    assert code == 2
    assert "'docs/linked.md': it resolves to a file outside the project" in err
    assert "s3cr3t" not in out + err


def test_a_page_that_is_a_symlink_to_dev_zero_is_refused_at_once(capsys, monkeypatch, tmp_path):
    page(tmp_path)
    (tmp_path / "docs" / "zero.md").symlink_to("/dev/zero")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "docs", "--cluster", "none")
    assert code == 2 and "'docs/zero.md': it resolves to a file outside the project" in err


def test_a_fifo_page_or_include_does_not_hang_the_run(tmp_path):
    page(tmp_path, text='```yaml\n--8<-- "docs/pipe.yaml"\n```\n')
    os.mkfifo(tmp_path / "docs" / "pipe.yaml")
    proc = subprocess.run(
        [sys.executable, "-m", "kubedoctest.cli", "check", "docs", "--cluster", "none", *VERSION_ARGS],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    assert "docs/page.md:2: failed to include 'docs/pipe.yaml': it is a FIFO (named pipe), not a regular file" in (
        proc.stdout
    )


def test_an_include_linked_to_a_file_outside_the_project_is_refused(tmp_path, monkeypatch):
    from kubedoctest.collect.includes import IncludeError, expand
    from kubedoctest.config import include_config

    (tmp_path / "outside.yaml").write_text("secret: 1\n", encoding="utf-8")
    project = tmp_path / "p"
    (project / "snippets").mkdir(parents=True)
    (project / "mkdocs.yml").write_text(
        "markdown_extensions:\n  - pymdownx.snippets:\n      base_path: ['.']\n      restrict_base_path: false\n",
        encoding="utf-8",
    )
    (project / "snippets" / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    config = include_config(project / "mkdocs.yml", display_root=project)
    with pytest.raises(IncludeError, match="resolves to a file outside the project"):
        expand(['--8<-- "snippets/link.yaml"'], config)


def test_a_regular_file_is_read_only_up_to_its_limit(tmp_path):
    from kubedoctest.collect.reading import RejectedFile, read_bounded

    big = tmp_path / "big"
    big.write_bytes(b"x" * 101)
    assert read_bounded(big, 101) == b"x" * 101
    with pytest.raises(RejectedFile, match="larger than the 100 bytes limit"):
        read_bounded(big, 100)


def test_check_is_the_entry_the_cli_calls_and_returns_a_report(monkeypatch):
    monkeypatch.chdir(GOOD)
    report = check(Settings(paths=["docs"], k8s_versions=VERSIONS, cluster="none"))
    assert report.exit_code == 0 and len(report.results) == 38
    assert report.run["provider"] == "none" and report.run["k8s_versions"] == VERSIONS
    assert {r.snippet.language for r in report.results} == {"yaml", "yml"}
    passed = [r for r in report.results if r.status == "passed"]
    assert passed and all(r.k8s_versions and set(r.k8s_versions) <= set(VERSIONS) for r in passed)
    assert any(r.k8s_versions == VERSIONS for r in passed)


def test_a_run_that_cannot_check_removes_an_old_results_file(capsys, monkeypatch, tmp_path):
    (tmp_path / "docs").mkdir()
    old = tmp_path / "results.json"
    old.write_text('{"summary": {"failed": 0}}', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, _ = run(capsys, "docs", "--cluster", "none", "--results", str(old))
    assert code == 2 and not old.exists()
