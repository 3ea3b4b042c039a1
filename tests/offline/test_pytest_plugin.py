"""The pytest plugin, run through real pytest (pytester): one item per snippet, named page:line."""

from __future__ import annotations

import json
import shutil

import pytest

from kubedoctest import pytest_plugin as plugin

from .support import BAD, GOOD, VERSIONS, chdir, line_of

# The plugin is loaded by name, other installed plugins not at all: importing and rewriting
# them again in every inner run took seconds. One test below loads it through its entry point.
ARGS = ["-p", "kubedoctest.pytest_plugin", "-p", "no:cacheprovider"]
ARGS += ["--kubedoctest", "--kubedoctest-path", "docs", "--kubedoctest-cluster", "none"]
ARGS += [arg for v in VERSIONS for arg in ("--kubedoctest-k8s-version", v)]
VERSION_ARGS_CLI = [arg for v in VERSIONS for arg in ("--k8s-version", v)]


@pytest.fixture(autouse=True)
def no_plugin_autoload(monkeypatch):
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


def project(pytester: pytest.Pytester, sample) -> None:
    for name in ("docs", "snippets"):
        shutil.copytree(sample / name, pytester.path / name)
    shutil.copy(sample / "mkdocs.yml", pytester.path / "mkdocs.yml")
    pytester.makeini("[pytest]\n")


def bad_id(page: str, needle: str = "```yaml") -> str:
    return f"docs/{page}:{line_of(BAD / 'docs' / page, needle)}"


def test_each_snippet_is_an_item_named_page_and_line(pytester):
    project(pytester, GOOD)
    result = pytester.runpytest(*ARGS, "--collect-only", "-q")
    ids = [line for line in result.outlines if line.startswith("docs/")]
    titled = line_of(GOOD / "docs" / "fences.md", 'title="with-attributes.yaml"')
    assert f"docs/fences.md:{titled}" in ids
    assert f"docs/directives.md:{line_of(GOOD / 'docs' / 'directives.md', 'skip reason=') + 1}" in ids
    assert len(ids) == len(set(ids)) == 38


def test_the_good_samples_pass_or_skip_and_the_summary_line_counts_them(pytester):
    project(pytester, GOOD)
    result = pytester.runpytest(*ARGS, "-rs")
    result.assert_outcomes(passed=30, skipped=8)
    result.stdout.fnmatch_lines(["kubedoctest: 30 passed, 0 failed, 8 skipped"])
    result.stdout.fnmatch_lines(
        ["SKIPPED * docs/directives.md:*: skipped: a fragment of a container spec, not a whole object"]
    )


def test_a_failure_report_starts_with_page_line_and_the_finding(pytester):
    project(pytester, BAD)
    reprec = pytester.inline_run(*ARGS)
    failures = {r.nodeid: r.longreprtext for r in reprec.getfailures()}
    text = failures[bad_id("duplicate-key.md")]
    dup = line_of(BAD / "docs" / "duplicate-key.md", "mode: two")
    assert text.split("\n")[0].startswith(f"docs/duplicate-key.md:{dup}: duplicate key 'mode'")
    assert text.split("\n")[-1] == "(stage: parse)"
    text = failures[bad_id("removed-ingress.md")]
    assert text.startswith(
        f"{bad_id('removed-ingress.md', 'apiVersion:')}: extensions/v1beta1 Ingress was removed "
        "in 1.22: use networking.k8s.io/v1"
    )


def test_collect_errors_are_failed_items_at_their_page_line(pytester):
    project(pytester, BAD)
    reprec = pytester.inline_run(*ARGS)
    failures = {r.nodeid: r.longreprtext for r in reprec.getfailures()}
    missing = bad_id("include-missing.md", "--8<--")
    assert failures[missing].startswith(f"{missing}: failed to include 'no-such-file.yaml'")
    unknown = bad_id("unknown-directive.md", "kubedoctest:")
    assert "unknown directive 'colour'" in failures[unknown]
    assert len(failures) == 19


def test_k_selects_snippets_by_page_and_line(pytester):
    project(pytester, BAD)
    target = bad_id("wrong-type.md")
    result = pytester.runpytest(*ARGS, "-k", target)
    result.assert_outcomes(failed=1, deselected=22)
    result.stdout.fnmatch_lines([f"FAILED {target} - {bad_id('wrong-type.md', 'replicas:')}: *"])
    result.stdout.fnmatch_lines(["kubedoctest: 0 passed, 1 failed, 0 skipped"])


def test_k_selects_every_snippet_of_a_page(pytester):
    project(pytester, GOOD)
    result = pytester.runpytest(*ARGS, "-k", "docs/parse.md")
    result.assert_outcomes(passed=4, skipped=5, deselected=29)


def test_a_custom_resource_selected_alone_is_still_checked_against_its_crd(pytester):
    project(pytester, BAD)
    page = BAD / "docs" / "invalid-custom-resource.md"
    custom_resource = f"docs/invalid-custom-resource.md:{line_of(page, '```yaml', 2)}"
    result = pytester.runpytest(*ARGS, "-k", custom_resource)
    result.assert_outcomes(failed=1, deselected=22)


def test_the_plugin_is_installed_and_collects_nothing_without_its_option(pytester, monkeypatch):
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    project(pytester, GOOD)
    pytester.makepyfile(test_plain="def test_one():\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["plugins:*kubedoctest-*"])
    assert "kubedoctest:" not in result.stdout.str()


def test_an_unknown_kubernetes_version_is_a_usage_error(pytester):
    project(pytester, GOOD)
    result = pytester.runpytest(*ARGS[:5], "--kubedoctest-k8s-version", "1.2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*kubedoctest: --kubedoctest-k8s-version: '1.2' has no offline schema; use one of*"])


def test_pytest_counts_the_snippet_items_as_collected(pytester):
    project(pytester, BAD)
    result = pytester.runpytest(*ARGS, "-k", bad_id("wrong-type.md"))
    result.stdout.fnmatch_lines(["collected 23 items / 22 deselected / 1 selected"])


def two_fence_project(pytester: pytest.Pytester) -> None:
    """A page including a Markdown file that holds two fences (ids page:3 and page:3#2), and a
    page with two collect errors on one line."""
    pytester.makefile(".yml", mkdocs="markdown_extensions:\n  - pymdownx.snippets:\n      base_path: [snippets]\n")
    (pytester.path / "snippets").mkdir()
    (pytester.path / "snippets" / "shared.md").write_text(
        "```yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n```\n\n"
        "```yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  x: '1'\n  x: '2'\n```\n",
        encoding="utf-8",
    )
    (pytester.path / "docs").mkdir()
    (pytester.path / "docs" / "page.md").write_text('# Page\n\n--8<-- "shared.md"\n', encoding="utf-8")
    (pytester.path / "docs" / "errors.md").write_text(
        '# Errors\n\n<!-- kubedoctest: colour="red" --> trailing\n```yaml\na: 1\n```\n',
        encoding="utf-8",
    )
    pytester.makeini("[pytest]\n")


def test_an_included_file_with_two_fences_gives_two_items_with_the_page_line_and_no_internal_error(pytester):
    two_fence_project(pytester)
    result = pytester.runpytest(*ARGS, "-p", "no:randomly")
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    result.assert_outcomes(passed=1, failed=2, skipped=1)
    result.stdout.fnmatch_lines(["docs/page.md:3 (snippets/shared.md:15): duplicate key 'x'*"])


def test_the_items_carry_their_page_and_line_as_fields(pytester):
    two_fence_project(pytester)
    items, _ = pytester.inline_genitems(*ARGS)
    assert sorted((i.page, i.line, i.name) for i in items) == [
        ("docs/errors.md", 3, "docs/errors.md:3"),
        ("docs/errors.md", 4, "docs/errors.md:4"),
        ("docs/page.md", 3, "docs/page.md:3"),
        ("docs/page.md", 3, "docs/page.md:3#2"),
    ]
    assert {i.reportinfo()[1] for i in items if i.page == "docs/page.md"} == {2}


def test_the_cli_and_pytest_count_the_same_items_on_the_same_input(pytester, capsys, monkeypatch):
    from kubedoctest import cli

    two_fence_project(pytester)
    monkeypatch.chdir(pytester.path)
    code = cli.main(["check", "docs", "--cluster", "none", "--format", "json", *VERSION_ARGS_CLI])
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert code == 1
    result = pytester.runpytest(*ARGS)
    result.assert_outcomes(passed=summary["passed"], failed=summary["failed"], skipped=summary["skipped"])
    # the two collect errors at docs/errors.md:3 are one failed item in both
    assert summary == {"total": 4, "passed": 1, "failed": 2, "skipped": 1}


def test_a_pipeline_failure_is_one_error_with_its_reason_and_the_run_fails(pytester):
    project(pytester, GOOD)
    args = [a for a in ARGS if a != "none"]
    args[args.index("--kubedoctest-cluster") + 1 : args.index("--kubedoctest-cluster") + 1] = ["existing"]
    result = pytester.runpytest(*args, "--kubedoctest-kubeconfig", str(pytester.path / "no-such-kubeconfig"))
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    outcomes = result.parseoutcomes()
    assert outcomes.get("errors") == 1 and "passed" not in outcomes and "failed" not in outcomes
    result.stdout.fnmatch_lines(["*kubedoctest: the snippets could not be checked: *"])
    assert "KeyError" not in result.stdout.str()


def test_the_plugin_honours_cluster_timeout_jobs_and_paths_from_pyproject(pytester):
    project(pytester, GOOD)
    pytester.makepyprojecttoml(
        '[tool.kubedoctest]\npaths = "docs"\ncluster = "none"\ntimeout = 5\njobs = 2\nk8s-versions = ["1.31", "1.35"]\n'
    )
    items, _ = pytester.inline_genitems("-p", "kubedoctest.pytest_plugin", "--kubedoctest")
    settings = items[0].config.stash[plugin.SETTINGS]
    assert (settings.paths, settings.cluster, settings.timeout, settings.jobs) == (["docs"], "none", 5.0, 2)
    result = pytester.runpytest("-p", "kubedoctest.pytest_plugin", "-p", "no:cacheprovider", "--kubedoctest")
    result.assert_outcomes(passed=30, skipped=8)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("timeout = -5", "timeout must be a number of seconds above 0 and at most 3600: got -5"),
        ("timeout = nan", "timeout must be a number of seconds above 0 and at most 3600: got nan"),
        ("jobs = 0", "jobs must be a whole number from 1 to 64: got 0"),
        ('cluster = "kwk"', "cluster must be one of none, kwok, kind, existing, auto: got 'kwk'"),
        ("paths = 3", "paths must be a path or a list of paths"),
    ],
)
def test_a_bad_pyproject_setting_is_a_usage_error_naming_the_key(pytester, toml, message):
    project(pytester, GOOD)
    pytester.makepyprojecttoml(f"[tool.kubedoctest]\n{toml}\n")
    result = pytester.runpytest("-p", "kubedoctest.pytest_plugin", "--kubedoctest")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*[[]tool.kubedoctest[]] {message}*"])


def test_the_default_cluster_is_the_same_for_the_plugin_and_the_cli(pytester):
    from kubedoctest import cli, config

    project(pytester, GOOD)
    items, _ = pytester.inline_genitems("-p", "kubedoctest.pytest_plugin", "--kubedoctest")
    assert items[0].config.stash[plugin.SETTINGS].cluster == config.DEFAULT_CLUSTER == "auto"
    assert (
        f"default: {config.DEFAULT_CLUSTER}"
        in cli._parser()._subparsers._group_actions[0].choices["check"].format_help()
    )


def test_under_xdist_each_snippet_runs_once_and_pages_are_not_split(pytester):
    project(pytester, GOOD)
    out = pytester.path / "results.json"
    result = pytester.runpytest(*ARGS, "-p", "xdist.plugin", "-n", "2", "-v", "--kubedoctest-results", str(out))
    result.assert_outcomes(passed=30, skipped=8)
    ran = [line for line in result.outlines if line.startswith("[gw")]
    assert len(ran) == 38
    workers: dict[str, set[str]] = {}
    for line in ran:
        worker, _, rest = line.partition("]")
        nodeid = rest.split()[-1]
        workers.setdefault(nodeid.rsplit(":", 1)[0], set()).add(worker)
    assert all(len(w) == 1 for w in workers.values()), workers
    assert len({w for ws in workers.values() for w in ws}) == 2
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["summary"] == {"total": 38, "passed": 30, "failed": 0, "skipped": 8}
    assert doc["run"]["provider"] == "none"


def test_shards_split_the_pages_deterministically_and_together_cover_every_item(pytester):
    project(pytester, GOOD)
    seen: list[str] = []
    for k in (1, 2, 3):
        result = pytester.runpytest(*ARGS, "--collect-only", "-q", "--kubedoctest-shard", f"{k}/3")
        ids = [line for line in result.outlines if line.startswith("docs/")]
        again = pytester.runpytest(*ARGS, "--collect-only", "-q", "--kubedoctest-shard", f"{k}/3")
        assert ids == [line for line in again.outlines if line.startswith("docs/")]
        assert ids
        seen += ids
    assert len(seen) == len(set(seen)) == 38


def test_the_results_file_has_one_entry_per_item(pytester):
    project(pytester, BAD)
    out = pytester.path / "out" / "results.json"
    pytester.runpytest(*ARGS, "--kubedoctest-results", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["summary"]["failed"] == 19 and doc["summary"]["total"] == 23
    assert {e["id"] for e in doc["snippets"]} == {e["id"] for e in doc["snippets"] if e["path"].startswith("docs/")}
    assert all(len(e["hash"]) == 64 for e in doc["snippets"])


def test_a_failed_pipeline_leaves_no_results_file_of_an_earlier_run(pytester):
    project(pytester, GOOD)
    old = pytester.path / "results.json"
    old.write_text('{"summary": {"failed": 0}}', encoding="utf-8")
    args = [a if a != "none" else "existing" for a in ARGS]
    result = pytester.runpytest(*args, "--kubedoctest-results", str(old), "--kubedoctest-kubeconfig", "missing")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert not old.exists()


def test_a_page_given_on_the_command_line_is_the_only_page_collected(pytester):
    project(pytester, GOOD)
    result = pytester.runpytest(*ARGS, "--collect-only", "-q", "docs/fences.md")
    ids = [line for line in result.outlines if line.startswith("docs/")]
    assert ids and all(i.startswith("docs/fences.md:") for i in ids)


FRAGMENT_PAGE = (
    "```yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: <secret-name>\nstringData:\n  a: b\n```\n\n"
    "```yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n```\n"
)


def test_a_fragment_shows_as_skipped_with_its_reason_and_is_counted(pytester):
    (pytester.path / "docs").mkdir()
    (pytester.path / "docs" / "f.md").write_text(FRAGMENT_PAGE, encoding="utf-8")
    pytester.makeini("[pytest]\n")
    result = pytester.runpytest(*ARGS, "-rs")
    result.assert_outcomes(failed=1, skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED * docs/f.md:1: *fragment (placeholder <secret-name>)*"])
    result.stdout.fnmatch_lines(
        ["kubedoctest: 0 passed, 1 failed, 0 skipped, 1 fragments (checked for what is there, not applied)"]
    )


def test_the_baseline_turns_a_known_failure_into_xfail(pytester, tmp_path):
    (pytester.path / "docs").mkdir()
    (pytester.path / "docs" / "f.md").write_text(FRAGMENT_PAGE, encoding="utf-8")
    pytester.makeini("[pytest]\n")
    from kubedoctest.cli import main

    baseline = tmp_path / "baseline.json"  # the CLI writes the baseline the plugin reads
    with chdir(pytester.path):
        assert main(["check", "docs", "--cluster", "none", *VERSION_ARGS_CLI, "--write-baseline", str(baseline)]) == 0
    result = pytester.runpytest(*ARGS, "--kubedoctest-baseline", str(baseline), "-rx")
    result.assert_outcomes(xfailed=1, skipped=1)
    result.stdout.fnmatch_lines(["*known failure (baseline)*Bad_Name*"])


def test_fragments_fail_under_pytest_when_the_setting_says_so(pytester):
    (pytester.path / "docs").mkdir()
    (pytester.path / "docs" / "f.md").write_text(FRAGMENT_PAGE, encoding="utf-8")
    pytester.makeini("[pytest]\n")
    pytester.makepyprojecttoml('[tool.kubedoctest]\nfragments = "fail"\n')
    result = pytester.runpytest(*ARGS)
    result.assert_outcomes(failed=2)


def test_a_pytest_run_inside_a_test_does_not_leak_its_snippets_into_the_outer_results(pytester):
    (pytester.path / "docs").mkdir()
    (pytester.path / "docs" / "outer.md").write_text(
        "```yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: outer\n```\n", encoding="utf-8"
    )
    pytester.makeini("[pytest]\n")
    inner_page = "```yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n```\n"
    pytester.makepyfile(
        test_inner=f"""
        def test_runs_kubedoctest_inside(pytester):
            (pytester.path / "docs").mkdir()
            (pytester.path / "docs" / "inner.md").write_text({inner_page!r})
            pytester.makeini("[pytest]")
            pytester.runpytest(*{ARGS!r}).assert_outcomes(failed=1)
        """
    )
    results = pytester.path / "results.json"
    result = pytester.runpytest(*ARGS, "-p", "pytester", "--kubedoctest-results", str(results), "test_inner.py", "docs")
    result.assert_outcomes(passed=2)
    assert [e["id"] for e in json.loads(results.read_text())["snippets"]] == ["docs/outer.md:1"]


# -- pytest equal to the CLI: each test runs both front-ends on the same input ---------------------


def cli_run(capsys, cwd, *args: str) -> tuple[int, str, str]:
    from kubedoctest import cli

    with chdir(cwd):
        code = cli.main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("fragments", "bogus", "must be one of check, skip, fail: got 'bogus'"),
        ("timeout", "-5", "must be a number of seconds above 0 and at most 3600: got '-5'"),
        ("jobs", "0", "must be a whole number from 1 to 64: got 0"),
        ("shard", "3/2", "must be K/N with 1 <= K <= N, e.g. 1/4: got '3/2'"),
        ("runbook-kubectl", "newest", "must be cluster (the cluster's own kubectl), oldest (one minor below it)"),
    ],
)
def test_a_bad_option_is_a_usage_error_in_the_cli_s_words(pytester, capsys, option, value, message):
    project(pytester, GOOD)
    code, out, err = cli_run(capsys, pytester.path, "docs", "--cluster", "none", f"--{option}", value)
    assert code == 2 and err.startswith(f"kubedoctest: --{option} {message}")
    result = pytester.runpytest(*ARGS, f"--kubedoctest-{option}", value)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    # the same words, naming the option as each front-end spells it
    result.stderr.fnmatch_lines([f"ERROR: kubedoctest: --kubedoctest-{option} {message}*"])
    assert "Traceback" not in result.stderr.str()


def test_no_snippets_is_an_error_in_both_front_ends(pytester, capsys):
    (pytester.path / "docs").mkdir()
    (pytester.path / "docs" / "prose.md").write_text("# Only prose\n\n```bash\necho hi\n```\n", encoding="utf-8")
    pytester.makeini("[pytest]\n")
    words = "no YAML snippets or runbook steps in the pages under 'docs': nothing was checked"
    code, _, err = cli_run(capsys, pytester.path, "docs", "--cluster", "none", *VERSION_ARGS_CLI)
    assert code == 2 and err == f"kubedoctest: {words}\n"
    result = pytester.runpytest(*ARGS)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: kubedoctest: {words}"])


def test_the_summary_line_has_the_cli_s_counts_stand_ins_and_unavailable_images_included():
    from kubedoctest import report
    from kubedoctest.pytest_results import summary_line

    entries = [
        {"id": "a", "status": "passed", "standin_images": ["nginx:1.27"], "unavailable_images": []},
        {"id": "b", "status": "passed", "standin_images": [], "unavailable_images": ["x/y:1"]},
        {"id": "c", "status": "failed", "known": True},
        {"id": "d", "status": "fragment", "fidelity": "partial"},
    ]
    counts = report.counts(entries)
    assert report.document(entries)["summary"] == counts  # the JSON report counts them too
    assert counts["standin"] == counts["image_unavailable"] == counts["known"] == 1
    assert summary_line(entries) == "kubedoctest: " + report.summary_text(counts)
    assert summary_line(entries) == (
        "kubedoctest: 2 passed, 0 failed, 0 skipped, 1 fragments (checked for what is there, not applied); "
        "1 known failures of the baseline (1 checked only partially); 1 ran on local stand-in images; "
        "1 with an image not available here"
    )


def test_the_summary_line_is_the_cli_s_last_line_on_the_same_input(pytester, capsys):
    project(pytester, BAD)
    code, out, _ = cli_run(capsys, pytester.path, "docs", "--cluster", "none", *VERSION_ARGS_CLI)
    assert code == 1
    result = pytester.runpytest(*ARGS)
    result.stdout.fnmatch_lines([f"kubedoctest: {out.splitlines()[-1]}"])


def test_an_unwritable_results_file_is_a_clear_usage_error_in_both_front_ends(pytester, capsys):
    project(pytester, GOOD)
    (pytester.path / "a-file").write_text("", encoding="utf-8")
    target = str(pytester.path / "a-file" / "results.json")
    code, _, err = cli_run(capsys, pytester.path, "docs", "--cluster", "none", *VERSION_ARGS_CLI, "--results", target)
    assert code == 2 and err.startswith(f"kubedoctest: cannot replace the results file {target!r}: ")
    result = pytester.runpytest(*ARGS, "--kubedoctest-results", target)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {err.strip()}"])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


def test_a_results_file_that_cannot_be_written_at_the_end_is_a_usage_error_not_a_traceback(pytester):
    project(pytester, GOOD)
    target = pytester.path / "out" / "results.json"
    pytester.makeconftest(
        f"""
        import os, pathlib
        def pytest_runtest_teardown(item):
            folder = pathlib.Path({str(target.parent)!r})
            if not folder.exists():
                folder.write_text("")  # the results file's folder is a file by the end of the run
        """
    )
    result = pytester.runpytest(*ARGS, "--kubedoctest-results", str(target))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"kubedoctest: cannot write the results file {str(target)!r}: *"])
    result.stdout.fnmatch_lines(["kubedoctest: 30 passed, 0 failed, 8 skipped"])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


LOGGING_CONFTEST = """
from kubedoctest import pipeline

run, close = pipeline.Pipeline.run, pipeline.Pipeline.close

def logging_run(self, *args, **kwargs):
    self.log("kubedoctest: a note while running")
    return run(self, *args, **kwargs)

def logging_close(self):
    if getattr(self, "_logged_close", False) is False and self.log is not None:
        self._logged_close = True
        self.log("kubedoctest: a cleanup problem at teardown")
    close(self)

pipeline.Pipeline.run, pipeline.Pipeline.close = logging_run, logging_close
"""


@pytest.mark.parametrize("workers", [[], ["-p", "xdist.plugin", "-n", "2"]])
def test_the_run_s_log_reaches_the_terminal_also_from_xdist_workers_and_at_teardown(pytester, workers):
    project(pytester, GOOD)
    pytester.makeconftest(LOGGING_CONFTEST)
    result = pytester.runpytest(*ARGS, *workers)
    result.assert_outcomes(passed=30, skipped=8)
    prefix = "[[]gw?[]] " if workers else ""
    result.stdout.fnmatch_lines(
        [
            "*= kubedoctest =*",
            f"{prefix}kubedoctest: a note while running",
            f"{prefix}kubedoctest: a cleanup problem at teardown",
        ]
    )
    if workers:
        text = result.stdout.str()
        assert "[gw0] kubedoctest: a cleanup problem" in text and "[gw1] kubedoctest: a cleanup problem" in text


def test_under_xdist_the_results_file_merges_every_worker_and_names_each_worker_s_cluster(pytester):
    project(pytester, GOOD)
    out = pytester.path / "results.json"
    result = pytester.runpytest(*ARGS, "-p", "xdist.plugin", "-n", "2", "--kubedoctest-results", str(out))
    result.assert_outcomes(passed=30, skipped=8)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert len(doc["snippets"]) == 38
    assert [w["worker"] for w in doc["run"]["workers"]] == ["gw0", "gw1"]
    assert all(w["cluster"] == "none" for w in doc["run"]["workers"])
    assert doc["run"]["cluster"] == "gw0: none; gw1: none"
    assert doc["run"]["provider"] == "none" and doc["run"]["k8s_versions"] == VERSIONS


def test_merged_run_blocks_claim_no_more_than_every_worker_did():
    from kubedoctest import report

    kind = {"provider": "kind", "simulated": False, "cluster": "kind a", "date": "2026-12-07T06:00:00Z", "notes": []}
    kwok = {"provider": "kwok", "simulated": True, "cluster": "kwok b", "date": "2026-12-07T06:01:00Z"}
    kwok["notes"] = ["kind fell back to kwok"]
    merged = report.merge_runs({"gw1": kwok, "gw0": kind})
    assert (merged["provider"], merged["simulated"], merged["date"]) == ("kwok", True, "2026-12-07T06:01:00Z")
    assert merged["cluster"] == "gw0: kind a; gw1: kwok b"
    assert merged["notes"] == ["kind fell back to kwok"]
    assert report.merge_runs({"gw0": kind}) == kind and report.merge_runs({}) is None
