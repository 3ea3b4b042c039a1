"""kubedoctest on documentation nobody here wrote, offline: the trimmed copies in tests/corpus/
(always), and whole checkouts named in KUBEDOCTEST_BENCH_CORPORA (`name=REPO_DIR:MKDOCS_YML`,
comma-separated; fetch the repositories first, e.g. argoproj/argo-cd and
external-secrets/external-secrets), each `kubedoctest check docs --cluster none --format json`
from the repository root, as a new user runs it. Target: under 5 s each."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from bench.timing import BIN, ROOT, repeat, run_child, tool_env

NAME = "real_docs"
SUMMARY = "kubedoctest check --cluster none on real MkDocs projects (trimmed corpus, and whole checkouts)"
CORPUS = {
    "argo-cd (trimmed)": (ROOT / "tests" / "corpus" / "argo-cd", "mkdocs.yml"),
    "external-secrets (trimmed)": (ROOT / "tests" / "corpus" / "external-secrets", "hack/api-docs/mkdocs.yml"),
}


def corpora() -> dict[str, tuple[Path, str]]:
    found = dict(CORPUS)
    for entry in filter(None, os.environ.get("KUBEDOCTEST_BENCH_CORPORA", "").split(",")):
        name, _, rest = entry.partition("=")
        repo, _, mkdocs = rest.partition(":")
        found[name] = (Path(repo), mkdocs or "mkdocs.yml")
    return found


def check(repo: Path, mkdocs: str, last: dict[str, Any]) -> float:
    """One run in the repository; its summary kept in `last`."""
    command = [BIN / "kubedoctest", "check", "docs", "--cluster", "none", "--format", "json", "--mkdocs-config", mkdocs]
    run = run_child(command, cwd=repo, env=tool_env())
    if run.returncode not in (0, 1):
        raise SystemExit(f"bench: kubedoctest exited with {run.returncode} in {repo}:\n{run.tail()}")
    last["summary"] = json.loads(run.stdout)["summary"]
    return run.seconds


def measure(runs: int, quick: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"corpora": {}, "load_average": round(os.getloadavg()[0], 1)}
    for name, (repo, mkdocs) in corpora().items():
        last: dict[str, Any] = {}
        spread = repeat(runs, functools.partial(check, repo, mkdocs, last))
        out["corpora"][name] = {"seconds": round(spread.median, 3), "spread": spread.as_dict(), **last}
    return out
