"""The offline tier on the docs against kubernetes-validate and kubeconform, on the same snippets.

- ours: `kubedoctest check docs --cluster none --format json` (one process, every version of
  [tool.kubedoctest] k8s-versions), wall seconds and peak RSS, after one warm-up run whose report
  names the snippets and versions;
- kubernetes-validate once per file and version (as a pre-commit hook runs it), and once per
  version on all files (its fastest use);
- kubeconform (built from its Go module) once per version on all files, against
  kubernetes-validate's schemas converted to its standalone form, offline.

The other tools get the YAML snippets that passed offline (bench/snippets.py: the text whose
sha256 is the report's hash), without objects they have no schema for.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

from bench import kubeconform, snippets
from bench.timing import BIN, ROOT, Spread, repeat, run_child, run_child_peak, tool_env

NAME = "offline"
SUMMARY = "kubedoctest check --cluster none on the docs, against kubernetes-validate and kubeconform"
KUBECONFORM_SUMMARY = re.compile(r"Valid: (\d+), Invalid: (\d+), Errors: (\d+), Skipped: (\d+)")


def check(docs: str = "docs", cwd: Path = ROOT) -> tuple[float, float, dict[str, Any]]:
    """`kubedoctest check DOCS --cluster none --format json`: seconds, peak RSS (MiB), report."""
    command = [BIN / "kubedoctest", "check", docs, "--cluster", "none", "--format", "json"]
    run, rss = run_child_peak(command, cwd=cwd, env=tool_env(DOCS_GIT_DATES="false"))
    if run.returncode not in (0, 1):  # 1: a snippet failed; still a whole run to time
        raise SystemExit(f"bench: kubedoctest check exited with {run.returncode} in {cwd}:\n{run.tail()}")
    return run.seconds, rss, json.loads(run.stdout)


def kv_flags(version: str) -> list[str]:
    return ["--strict", "--kubernetes-version", f"{version}.0"]


def kv_per_file(files: list[Path], versions: list[str]) -> float:
    """kubernetes-validate once per file and version, as a pre-commit hook runs it."""
    return sum(run_child([BIN / "kubernetes-validate", *kv_flags(v), f]).seconds for v in versions for f in files)


def kv_batch(files: list[Path], versions: list[str], notes: dict[str, Any]) -> float:
    """kubernetes-validate once per version on all files."""
    total = 0.0
    for version in versions:
        run = run_child([BIN / "kubernetes-validate", *kv_flags(version), *files])
        notes[version] = {"exit_code": run.returncode, "errors": run.stdout.count("ERROR")}
        total += run.seconds
    return total


def kubeconform_run(binary: Path, files: list[Path], versions: list[str], notes: dict[str, Any]) -> float:
    """kubeconform once per version on all files, against the converted schemas, offline."""
    total = 0.0
    for version in versions:
        location = f"{kubeconform.schemas(version)}/{{{{.ResourceKind}}}}{{{{.KindSuffix}}}}.json"
        run = run_child([binary, "-strict", "-summary", "-schema-location", location, *files])
        m = KUBECONFORM_SUMMARY.search(run.stdout)
        if m is None or "could not find schema" in run.stdout:
            raise SystemExit(f"bench: kubeconform did not find its schemas:\n{run.stdout[-2000:]}")
        notes[version] = dict(zip(("valid", "invalid", "errors", "skipped"), map(int, m.groups()), strict=True))
        total += run.seconds
    return total


def measure(runs: int, quick: bool) -> dict[str, Any]:
    _, _, report = check()  # warm-up; names the snippets and the versions
    versions = report["run"]["k8s_versions"]
    seconds, rss = Spread(), Spread()
    for _ in range(runs):
        wall, peak, _ = check()
        seconds.values.append(wall)
        rss.values.append(peak)
    binary = kubeconform.binary()
    kv_notes: dict[str, Any] = {}
    kc_notes: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-offline-") as tmp:
        schemas = kubeconform.schema_source(versions[-1])
        files, unmatched = snippets.write_files(report, ROOT, schemas, Path(tmp))
        per_file_files = files[:5] if quick else files  # a smoke run: a few files one by one
        per_file = repeat(runs, lambda: kv_per_file(per_file_files, versions))
        batch = repeat(runs, lambda: kv_batch(files, versions, kv_notes))
        kc = repeat(runs, lambda: kubeconform_run(binary, files, versions, kc_notes))
    return {
        "snippets": report["summary"]["total"],
        "versions": versions,
        "seconds": round(seconds.median, 3),
        "peak_rss_mb": round(rss.median, 1),
        "kubernetes_validate_cli_seconds": round(per_file.median, 3),
        "kubernetes_validate_batch_seconds": round(batch.median, 3),
        "kubeconform_seconds": round(kc.median, 3),
        "speedup_vs_kubernetes_validate": round(batch.median / seconds.median, 1),
        "quick": quick,
        "summary": report["summary"],
        "compared_files": len(files),
        "kubernetes_validate_cli_files": len(per_file_files),
        "texts_not_matching_the_report": unmatched,
        "kubernetes_validate_batch_result": kv_notes,
        "kubeconform_result": kc_notes,
        "spread": {
            "seconds": seconds.as_dict(),
            "peak_rss_mb": rss.as_dict(),
            "kubernetes_validate_cli_seconds": per_file.as_dict(),
            "kubernetes_validate_batch_seconds": batch.as_dict(),
            "kubeconform_seconds": kc.as_dict(),
        },
    }
