"""The pytest plugin, run through real pytest (pytester): one item per snippet, named page:line."""

from __future__ import annotations

import shutil

import pytest

from .support import BAD, GOOD, VERSIONS, line_of

# The plugin is loaded by name, other installed plugins not at all: importing and rewriting
# them again in every inner run took seconds. One test below loads it through its entry point.
ARGS = ["-p", "kubedoctest.pytest_plugin", "-p", "no:cacheprovider"]
ARGS += ["--kubedoctest", "--kubedoctest-path", "docs", "--kubedoctest-cluster", "none"]
ARGS += [arg for v in VERSIONS for arg in ("--kubedoctest-k8s-version", v)]


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
    result.stdout.fnmatch_lines(["kubedoctest: 30 snippets passed, 0 failed, 8 skipped"])
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
    result.stdout.fnmatch_lines(["kubedoctest: 0 snippets passed, 1 failed, 0 skipped"])


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
    result.stderr.fnmatch_lines(["*kubedoctest: no offline schemas for Kubernetes 1.2*"])


def test_pytest_counts_the_snippet_items_as_collected(pytester):
    project(pytester, BAD)
    result = pytester.runpytest(*ARGS, "-k", bad_id("wrong-type.md"))
    result.stdout.fnmatch_lines(["collected 23 items / 22 deselected / 1 selected"])
