"""The kind tier: the node image (cold build as recorded, warm reuse), a cluster from create to
ready, every docs snippet and runbook step with real containers, and the node's peak memory.

Public entry points only: `kubedoctest cluster build --provider kind`, `kubedoctest check --cluster
kind` (its header line "kind cluster ... ready in N s" gives create-to-ready), the JSON report.
The build itself is not repeated here (cold, it is most of an hour on 2 cores): reported is what the
last real build wrote into build-info.json beside the node image's cache (seconds per part; parts
that were already cached count near zero, so it is a cold figure only when its caches were empty).
"""

from __future__ import annotations

import json
import re
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.timing import ROOT, repeat, run_child, tool_env
from kubedoctest.model import Stage

NAME = "kind"
SUMMARY = "kind tier: node image cold/warm build, create to ready, median snippet, whole docs suite, peak memory"
NODE_INFO = Path.home() / ".cache" / "kubedoctest" / "node" / "v1.37.2" / "build-info.json"
PAGE = '# one\n\n```yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\ndata:\n  a: "1"\n```\n'
READY = re.compile(r"kind cluster \S+ ready in ([0-9.]+) s")


def _node_memory_peak(stop: threading.Event, peak: list[int]) -> None:
    """Poll the kind node containers' cgroup memory (v1 max_usage, v2 memory.peak) until stopped."""
    import subprocess

    while not stop.is_set():
        ids = subprocess.run(
            ["docker", "ps", "-q", "--no-trunc", "--filter", "label=io.x-k8s.kind.cluster"],
            capture_output=True, text=True, check=False,
        ).stdout.split()  # fmt: skip
        total = 0
        for cid in ids:
            for f in (
                Path(f"/sys/fs/cgroup/memory/docker/{cid}/memory.max_usage_in_bytes"),
                Path(f"/sys/fs/cgroup/system.slice/docker-{cid}.scope/memory.peak"),
            ):
                if f.is_file():
                    total += int(f.read_text().strip() or 0)
                    break
        peak[0] = max(peak[0], total)
        stop.wait(2)


def _create_to_ready() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "one.md"
        page.write_text(PAGE)
        run = run_child(
            ["kubedoctest", "check", str(page), "--cluster", "kind", "--new-cluster", "--k8s-version", "1.37"]
        )
    found = READY.search(run.stderr)
    if run.returncode != 0 or not found:
        raise SystemExit(f"bench: kind create failed:\n{run.tail(30)}")
    return float(found.group(1))


def measure(runs: int, quick: bool) -> dict[str, Any]:
    warm = run_child(["kubedoctest", "cluster", "build", "--provider", "kind"])
    if warm.returncode != 0 or "(reused)" not in warm.stdout:
        raise SystemExit(f"bench: the node image is not built and current; build it first:\n{warm.tail(20)}")
    info = json.loads(NODE_INFO.read_text()) if NODE_INFO.is_file() else {}
    ready = repeat(1 if quick else runs, _create_to_ready)
    out: dict[str, Any] = {
        "node_image_last_build_seconds": info.get("seconds"),
        "node_image_last_build_parts": info.get("parts"),
        "node_image_built_at": info.get("built_at"),
        "node_image_warm_reuse_seconds": round(warm.seconds, 2),
        "create_to_ready_seconds": ready.as_dict(),
    }
    if quick:
        return out
    stop, peak = threading.Event(), [0]
    poller = threading.Thread(target=_node_memory_peak, args=(stop, peak), daemon=True)
    poller.start()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp) / "kind.json"
        suite = run_child(
            [
                "kubedoctest",
                "check",
                "docs",
                "--cluster",
                "kind",
                "--new-cluster",
                "--format",
                "json",
                "--results",
                str(results),
            ],
            cwd=ROOT,
            env=tool_env(),
        )
        report = json.loads(results.read_text()) if results.is_file() else {"snippets": []}
    stop.set()
    poller.join()
    seconds = [
        e["seconds"]
        for e in report["snippets"]
        if e.get("seconds") and e.get("stage") in (Stage.LIVE, Stage.READY, Stage.RUN)
    ]
    out.update(
        {
            "docs_suite_seconds": round(time.perf_counter() - start, 1),
            "docs_suite_exit_code": suite.returncode,
            "docs_summary": report.get("summary"),
            "failed": [e["id"] for e in report["snippets"] if e.get("status") == "failed"],
            "failed_messages": [e["messages"][:1] for e in report["snippets"] if e.get("status") == "failed"][:10],
            "median_live_snippet_seconds": round(statistics.median(seconds), 3) if seconds else None,
            "node_peak_memory_mib": round(peak[0] / 2**20) if peak[0] else None,
        }
    )
    return out
