"""Shards of the kind tier: one shard of our docs on its own kind cluster, as one job of the
GitHub workflow's matrix runs it, and what that says about the shards a bigger site needs.

Public entry points only: `kubedoctest check docs --cluster kind --shard K/N` (its header line
"kind cluster ... ready in N s" gives create-to-ready), the JSON report. A shard's time is its
create plus its pages; the pages' rate (checked snippets and steps per second after create) is
what a job of a bigger site keeps, so shards = ceil(snippets / (rate x (budget - create))). The
estimate assumes pages that conflict as rarely as ours (see the conflict graph) and the same
machine (2 cores); a runner with more cores runs more pages at once (--jobs).
"""

from __future__ import annotations

import json
import math
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.timing import ROOT, run_child, tool_env

NAME = "kind_shards"
SUMMARY = "kind tier: one shard of two of the docs (create, pages, rate) and the shards 5,000 snippets need in 10 min"
READY = re.compile(r"kind cluster \S+ ready in ([0-9.]+) s")
SITE_SNIPPETS = 5000
BUDGET_SECONDS = 600


def measure(runs: int, quick: bool) -> dict[str, Any]:
    shard = "1/4" if quick else "1/2"
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp) / "kind.json"
        run = run_child(
            ["kubedoctest", "check", "docs", "--cluster", "kind", "--shard", shard, "--format", "json",
             "--results", str(results)],
            cwd=ROOT,
            env=tool_env(),
        )  # fmt: skip
        report = json.loads(results.read_text()) if results.is_file() else {"snippets": []}
    wall = time.perf_counter() - start
    found = READY.search(run.stderr)
    if not found or not report["snippets"]:
        raise SystemExit(f"bench: the kind shard did not run:\n{run.tail(30)}")
    create = float(found.group(1))
    checked = sum(1 for e in report["snippets"] if e.get("status") in ("passed", "failed"))
    rate = checked / max(wall - create, 1e-9)
    per_job = rate * (BUDGET_SECONDS - create)
    return {
        "shard": shard,
        "exit_code": run.returncode,
        "failed": [e["id"] for e in report["snippets"] if e.get("status") == "failed"],
        "shard_seconds": round(wall, 1),
        "create_seconds": round(create, 1),
        "pages_seconds": round(wall - create, 1),
        "snippets_in_shard": len(report["snippets"]),
        "checked_in_shard": checked,
        "checked_per_minute": round(rate * 60, 1),
        "site_snippets": SITE_SNIPPETS,
        "budget_seconds": BUDGET_SECONDS,
        "shards_needed": math.ceil(SITE_SNIPPETS / per_job),
    }
