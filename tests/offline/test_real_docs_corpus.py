"""kubedoctest as a new user runs it on real documentation (trimmed copies under tests/corpus/):
every real bug a careful read found is reported at its fence, the rest is quiet, nothing crashes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
KUBEDOCTEST = [sys.executable, "-m", "kubedoctest.cli"]

# The real bugs of Argo CD's docs (integers in stringData, Kind: typos, lost indentation, an
# unclosed fence, an unquoted *.example.com, quotes inside quotes, ...), each at its fence.
ARGO_REAL = {
    "operator-manual/applicationset/Appset-Any-Namespace.md:32",
    "operator-manual/applicationset/Generators-Plugin.md:27",
    "operator-manual/applicationset/Use-Cases.md:85",
    "operator-manual/declarative-setup.md:230",
    "operator-manual/declarative-setup.md:269",
    "operator-manual/high_availability.md:165",
    "operator-manual/ingress.md:1107",
    "operator-manual/notifications/services/grafana.md:48",
    "operator-manual/notifications/services/nats.md:26",
    "operator-manual/notifications/services/webex.md:14",
    "operator-manual/notifications/services/webex.md:23",
    "operator-manual/notifications/services/webex.md:35",
    "operator-manual/notifications/services/webhook.md:154",
    "operator-manual/notifications/troubleshooting-errors.md:71",
    "operator-manual/upgrading/1.6-1.7.md:19",
    "proposals/application-name-identifier.md:184",
    "proposals/application-name-identifier.md:218",
    "proposals/application-name-identifier.md:230",
    "proposals/application-name-identifier.md:243",
    "proposals/decouple-application-sync-user-using-impersonation.md:608",
    "proposals/feature-bounties/hide-annotations.md:14",
    "user-guide/extra_info.md:9",
    "user-guide/orphaned-resources.md:62",
    # found once markdown-include is followed: the same stringData integer in an included file,
    # and a ConfigMap named pluginName
    "operator-manual/argocd-repo-creds-yaml.md:5",
    "operator-manual/config-management-plugins.md:431",
}
# External Secrets: a document with kind and no apiVersion; with macros includes followed, also
# quotes inside a double-quoted template (3) and a key written twice in one mapping.
ESO_REAL = {
    "provider/webhook.md:47",
    "guides/templating.md:177",
    "guides/templating.md:226",
    "guides/templating.md:232",
    "guides/common-k8s-secret-types.md:103",
}


def run(folder: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    return subprocess.run(
        [*KUBEDOCTEST, "check", "docs", "--cluster", "none", *args],
        cwd=CORPUS / folder,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def failed(proc: subprocess.CompletedProcess[str]) -> set[str]:
    doc = json.loads(proc.stdout)
    return {s["id"].removeprefix("docs/") for s in doc["snippets"] if s["status"] == "failed" and not s.get("known")}


@pytest.mark.parametrize(
    ("folder", "config", "real"),
    [
        ("argo-cd", "mkdocs.yml", ARGO_REAL),
        ("external-secrets", "hack/api-docs/mkdocs.yml", ESO_REAL),
    ],
)
def test_a_real_doc_set_reports_exactly_its_real_bugs_at_their_fences(folder, config, real):
    proc = run(folder, "--mkdocs-config", config, "--format", "json")
    assert "Traceback" not in proc.stderr and proc.returncode == 1, proc.stderr
    assert failed(proc) == real
    summary = json.loads(proc.stdout)["summary"]
    assert summary["fragment"] > 0  # elided, placeholder and partial snippets are counted, not hidden


def test_fragments_fail_when_the_setting_says_so():
    quiet = run("argo-cd", "--mkdocs-config", "mkdocs.yml", "--format", "json")
    strict = run("argo-cd", "--mkdocs-config", "mkdocs.yml", "--format", "json", "--fragments", "fail")
    fragments = json.loads(quiet.stdout)["summary"]["fragment"]
    assert len(failed(strict)) == len(failed(quiet)) + fragments
    assert any('fragments = "fail"' in m for s in json.loads(strict.stdout)["snippets"] for m in s["messages"])


def test_a_baseline_makes_todays_failures_known_and_a_later_run_pass(tmp_path):
    baseline = tmp_path / "baseline.json"
    written = run("argo-cd", "--mkdocs-config", "mkdocs.yml", "--write-baseline", str(baseline))
    assert written.returncode == 0 and f"wrote {len(ARGO_REAL)} failures" in written.stderr
    later = run("argo-cd", "--mkdocs-config", "mkdocs.yml", "--baseline", str(baseline))
    assert later.returncode == 0
    assert later.stdout.count("\nKNOWN ") == len(ARGO_REAL) and f"{len(ARGO_REAL)} known failures" in later.stdout


def test_a_new_failure_is_not_hidden_by_the_baseline(tmp_path):
    baseline = tmp_path / "baseline.json"
    run("argo-cd", "--mkdocs-config", "mkdocs.yml", "--write-baseline", str(baseline))
    doc = json.loads(baseline.read_text())
    doc["failures"] = [f for f in doc["failures"] if not f["id"].endswith("webex.md:14")]
    baseline.write_text(json.dumps(doc))
    later = run("argo-cd", "--mkdocs-config", "mkdocs.yml", "--baseline", str(baseline), "--format", "json")
    assert later.returncode == 1 and failed(later) == {"operator-manual/notifications/services/webex.md:14"}


def test_the_github_format_puts_each_finding_on_its_line():
    proc = run("external-secrets", "--mkdocs-config", "hack/api-docs/mkdocs.yml", "--format", "github")
    errors = [line for line in proc.stdout.splitlines() if line.startswith("::error ")]
    assert (
        "::error file=docs/provider/webhook.md,line=65,title=kubedoctest::document 2 has kind but no apiVersion"
        in "\n".join(errors)
    )
    assert len(errors) >= len(ESO_REAL)


def test_a_missing_crd_path_is_a_usage_error():
    proc = run("argo-cd", "--crd", "no/such/folder")
    assert proc.returncode == 2 and "crds: 'no/such/folder' does not exist" in proc.stderr


def test_a_custom_resource_is_checked_against_a_crd_given_outside_the_docs(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "crds").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    (tmp_path / "crds" / "widget.yaml").write_text(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n"
        "spec:\n  group: example.com\n  scope: Namespaced\n  names: {kind: Widget, plural: widgets}\n  versions:\n"
        "  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n"
        "        properties:\n          spec:\n            type: object\n            properties:\n"
        "              size: {type: integer}\n",
        encoding="utf-8",
    )
    page = "```yaml\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: big\n  colour: red\n```\n"
    (tmp_path / "docs" / "w.md").write_text(page, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    base = [*KUBEDOCTEST, "check", "docs", "--cluster", "none"]
    without = subprocess.run(base, cwd=tmp_path, capture_output=True, text=True, env=env)
    assert without.returncode == 0 and "info: not checked" not in without.stdout  # skipped, not listed one by one
    assert "note: 1 snippet holds custom resources with no CustomResourceDefinition (Widget)" in without.stdout
    found = subprocess.run([*base, "--crd", "crds"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert found.returncode == 1
    assert 'docs/w.md:7: spec.size: "big" is not of type "integer"' in found.stdout
    assert "docs/w.md:8: unknown field 'spec.colour'" in found.stdout
    assert "1 CRDs from crds" in found.stdout
