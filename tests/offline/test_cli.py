"""The command line, offline tier (`--cluster none`): exit codes, JSON and text reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kubedoctest import cli

from .support import BAD, GOOD, VERSIONS, line_of

VERSION_ARGS = [arg for v in VERSIONS for arg in ("--k8s-version", v)]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["check", *args, "--cluster", "none", *VERSION_ARGS])
    out, err = capsys.readouterr()
    return code, out, err


def test_all_good_samples_exit_0(capsys, monkeypatch):
    monkeypatch.chdir(GOOD)
    code, out, err = run(capsys, "docs")
    assert code == 0, out
    assert out.split("\n")[0] == "kubedoctest: Kubernetes 1.31, 1.35; cluster none"
    assert out.rstrip().split("\n")[-1].endswith(" failed, 8 skipped")
    assert " 0 failed" in out


def test_a_failing_snippet_exits_1_and_its_block_leads_with_page_line(capsys, monkeypatch):
    monkeypatch.chdir(BAD)
    code, out, _ = run(capsys, "docs/duplicate-key.md")
    assert code == 1
    line = line_of(BAD / "docs" / "duplicate-key.md", "```yaml")
    dup = line_of(BAD / "docs" / "duplicate-key.md", "mode: two")
    lines = out.split("\n")
    i = lines.index(f"FAILED docs/duplicate-key.md:{line} [parse]")
    assert lines[i + 1].startswith(f"  docs/duplicate-key.md:{dup}: duplicate key 'mode'")


def test_every_failure_in_the_text_report_is_followed_by_findings_that_start_with_page_line(capsys, monkeypatch):
    monkeypatch.chdir(BAD)
    code, out, _ = run(capsys, "docs")
    assert code == 1
    lines = out.rstrip().split("\n")
    failures = [i for i, text in enumerate(lines) if text.startswith("FAILED ")]
    assert len(failures) == 19
    for i in failures:
        page = lines[i].split()[1].rsplit(":", 1)[0]
        assert lines[i + 1].startswith(f"  {page}:")


def test_the_json_report_has_the_documented_shape(capsys, monkeypatch):
    monkeypatch.chdir(BAD)
    code, out, _ = run(capsys, "docs/wrong-type.md", "docs/include-missing.md", "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert set(doc) == {"snippets", "summary", "run"}
    assert doc["summary"] == {"total": 2, "passed": 0, "failed": 2, "skipped": 0}
    block = doc["run"]
    assert set(block) == {"provider", "kubernetes", "simulated", "k8s_versions", "date", "cluster", "kubectl", "notes"}
    assert (block["provider"], block["kubernetes"], block["simulated"], block["cluster"], block["kubectl"]) == (
        "none",
        None,
        False,
        "none",
        None,
    )
    assert block["k8s_versions"] == VERSIONS and block["date"].endswith("Z")
    for entry in doc["snippets"]:
        assert set(entry) == {"path", "line", "id", "status", "stage", "messages", "hash", "language"} | {
            "k8s_versions",
            "reasons",
            "standin_images",
            "unavailable_images",
            "seconds",
        }
        assert entry["id"] == f"{entry['path']}:{entry['line']}"
        assert all(m.startswith(entry["path"] + ":") for m in entry["messages"])
    stages = {e["path"]: e["stage"] for e in doc["snippets"]}
    assert stages == {"docs/include-missing.md": "collect", "docs/wrong-type.md": "static"}


def test_skipped_snippets_carry_their_reason_in_the_json_report(capsys, monkeypatch):
    monkeypatch.chdir(GOOD)
    _, out, _ = run(capsys, "docs/directives.md", "--format", "json")
    (skipped,) = [e for e in json.loads(out)["snippets"] if e["status"] == "skipped"]
    assert skipped["messages"] == [
        f"docs/directives.md:{skipped['line']}: info: skipped: a fragment of a container spec, not a whole object"
    ]


def test_verbose_lists_passed_snippets_too(capsys, monkeypatch):
    monkeypatch.chdir(GOOD)
    _, quiet, _ = run(capsys, "docs/fences.md")
    _, verbose, _ = run(capsys, "docs/fences.md", "-v")
    assert "PASSED docs/fences.md:" not in quiet
    assert verbose.count("PASSED docs/fences.md:") == 11


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-folder"], "no such file or directory: 'no-such-folder'"),
        (["docs", "--k8s-version", "1.2"], "--k8s-version: '1.2' has no offline schema; use one of"),
        (["docs", "--mkdocs-config", "missing.yml"], "failed to read missing.yml"),
    ],
)
def test_an_input_error_exits_2_with_one_line_on_stderr(capsys, monkeypatch, args, message):
    monkeypatch.chdir(GOOD)
    code = cli.main(["check", *args, "--cluster", "none"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.startswith("kubedoctest: ") and message in err
    assert "Traceback" not in err


def test_a_mkdocs_config_given_on_the_command_line_sets_the_base_path(capsys, monkeypatch, tmp_path):
    (tmp_path / "page.md").write_text('```yaml\n--8<-- "configmap.yaml"\n```\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "page.md", "--mkdocs-config", str(GOOD / "mkdocs.yml"), "-v")
    assert code == 0, out
    assert "PASSED page.md:1 [static]" in out


def test_the_installed_command_checks_the_samples_and_reports_json():
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    proc = subprocess.run(
        [
            str(Path(sys.executable).with_name("kubedoctest")),
            "check",
            "docs",
            "--cluster",
            "none",
            "--format",
            "json",
            *VERSION_ARGS,
        ],
        cwd=BAD,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["summary"]["failed"] == 19
    assert doc["summary"]["total"] == len(doc["snippets"])
    by_id = {e["id"]: e for e in doc["snippets"]}
    missing = f"docs/include-missing.md:{line_of(BAD / 'docs' / 'include-missing.md', '--8<--')}"
    assert by_id[missing]["status"] == "failed"
    assert by_id[missing]["stage"] == "collect"


def test_a_binary_page_and_an_invalid_utf8_page_fail_at_page_line_without_a_traceback(tmp_path):
    (tmp_path / "binary.md").write_bytes(b"\x00\x01\x02PNG")
    (tmp_path / "bad-utf8.md").write_bytes(b"# ok\n\xff\xfe\n")
    proc = subprocess.run(
        [sys.executable, "-m", "kubedoctest.cli", "check", ".", "--cluster", "none", *VERSION_ARGS],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "FAILED ./bad-utf8.md:2 [collect]" in proc.stdout
    assert "  ./bad-utf8.md:2: invalid UTF-8 at line 2 (byte 5); save the page as UTF-8" in proc.stdout
    assert "  ./binary.md:1: this is a binary file, not a Markdown page" in proc.stdout


def test_every_cli_check_option_has_its_pytest_twin_with_the_same_default_and_help():
    """The options are declared once (options.py); both parsers are made from that table."""
    import argparse

    from kubedoctest import options
    from kubedoctest import pytest_plugin as plugin

    check = cli._parser()._subparsers._group_actions[0].choices["check"]
    cli_actions = {a.dest: a for a in check._actions if not isinstance(a, argparse._HelpAction)}

    class Group:
        def __init__(self):
            self.added = {}

        def addoption(self, *flags, **kwargs):
            self.added[kwargs.get("dest") or flags[0].lstrip("-").replace("-", "_")] = (flags, kwargs)

    class Parser:
        group = Group()

        def getgroup(self, *args):
            return self.group

    parser = Parser()
    plugin.pytest_addoption(parser)
    twins = parser.group.added
    assert "kubedoctest" in twins  # pytest's own switch, the one pytest-only option
    cli_only = {o.name for o in options.OPTIONS if o.cli_only}
    assert cli_only == {"format", "verbose", "write_baseline"}
    for dest, action in cli_actions.items():
        if dest in cli_only:
            continue
        flags, kwargs = twins[f"kubedoctest_{dest}"]
        cli_flag = action.option_strings[-1] if action.option_strings else "--path"
        assert flags == (cli_flag.replace("--", "--kubedoctest-", 1),)
        assert kwargs.get("default") == action.default, dest
        assert kwargs["help"] == action.help.replace("--", "--kubedoctest-"), dest
        assert kwargs.get("metavar") == action.metavar, dest
    assert set(twins) - {"kubedoctest"} == {f"kubedoctest_{d}" for d in cli_actions if d not in cli_only}
    # every [tool.kubedoctest] key is an option of both
    assert {o.key for o in options.OPTIONS if o.key} == set(options.FILE_KEYS)
    assert all(not options.BY_NAME[n].key for n in cli_only)


def test_cluster_up_names_the_workload_images_of_the_projects_docs_to_load_while_it_creates(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.kubedoctest]\npaths = ["guide"]\n')
    (tmp_path / "guide" / "runbooks").mkdir(parents=True)  # shell fences are runbook steps there
    (tmp_path / "guide" / "runbooks" / "page.md").write_text(
        "# page\n\n```yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n"
        "    - name: web\n      image: nginx:1.30\n```\n\n"
        '<!-- kubedoctest: skip reason="an example only" -->\n```yaml\napiVersion: v1\nkind: Pod\nmetadata:\n'
        "  name: x\nspec:\n  containers:\n    - name: x\n      image: skipped:1\n```\n\n"
        "```bash\nkubectl run client --image=busybox:1.38 -- sleep 1\n```\n"
    )
    monkeypatch.chdir(tmp_path)
    assert cli._docs_images() == ["busybox:1.38", "nginx:1.30"]
    (tmp_path / "pyproject.toml").write_text("[tool.kubedoctest]\n")
    assert cli._docs_images() == []  # no paths and no docs/ folder: nothing to load
