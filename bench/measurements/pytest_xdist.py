"""`pytest --kubedoctest` on the docs with two pytest-xdist workers (-n 2) against one process (-n 0).

Only the docs' snippets are collected (the docs path is the only path given, so no test file is
collected). The cluster is BENCH_CLUSTER (default: kwok when its control plane is built, else none, the offline tier
alone); the figures name the one that ran.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from bench.timing import ROOT, repeat, run_child, tool_env

NAME = "pytest_xdist"
SUMMARY = "pytest --kubedoctest on the docs: -n 2 (pytest-xdist) against -n 0"
KWOK_BIN = Path.home() / ".cache" / "kubedoctest" / "bin"


def cluster() -> str:
    chosen = os.environ.get("BENCH_CLUSTER")
    if chosen:
        return chosen
    return "kwok" if KWOK_BIN.is_dir() and any(KWOK_BIN.iterdir()) else "none"


def run_pytest(workers: int, which: str) -> float:
    command = [
        "python", "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
        "--kubedoctest", "--kubedoctest-path", "docs", "--kubedoctest-cluster", which,
        "-n", str(workers), "docs",
    ]  # fmt: skip
    run = run_child(command, cwd=ROOT, env=tool_env())
    if run.returncode not in (0, 1):  # 1: some snippet failed; still a full run to time
        raise SystemExit(f"bench: pytest -n {workers} --kubedoctest failed to run:\n{run.tail(30)}")
    return run.seconds


def measure(runs: int, quick: bool) -> dict[str, Any]:
    which = cluster()
    serial = repeat(runs, lambda: run_pytest(0, which))
    parallel = repeat(runs, lambda: run_pytest(2, which))
    return {
        "cluster": which,
        "n0_seconds": round(serial.median, 2),
        "n2_seconds": round(parallel.median, 2),
        "speedup": round(serial.median / parallel.median, 2),
        "spread": {"n0": serial.as_dict(), "n2": parallel.as_dict()},
    }
