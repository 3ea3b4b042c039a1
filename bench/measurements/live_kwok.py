"""The live tier on kwok: control plane build time, cluster start, snippet times, the whole docs
suite, peak memory of the cluster's processes.

- build: the `build-info.json` of the cached control plane (`kubedoctest cluster build` writes
  it), or BENCH_BUILD_INFO, e.g. bench/fresh-build-info.json, written by a build with empty Go
  caches on a fresh machine (the published figure);
- start: `kubedoctest cluster up` (a kwok cluster from the cached binaries, ready to serve)
  timed to its exit, then `kubedoctest cluster down`;
- suite: `kubedoctest check docs --cluster kwok --format json` (start, every page, teardown);
  its report's per-snippet seconds give the median and p90 of the YAML snippets that went live
  (stages dry-run/apply/ready/live) and the median runbook step (stage run);
- memory: the summed VmRSS of the check's child processes (the cluster: etcd, kube-apiserver,
  controller manager, scheduler, kwok), sampled every 0.2 s; its peak.

--quick checks docs/en only.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.kubeconform import cache_dir
from bench.timing import BIN, ROOT, Spread, repeat, run_child, tool_env
from kubedoctest.model import Stage

NAME = "live_kwok"
SUMMARY = "kubedoctest check --cluster kwok on the docs: start, median snippet, whole suite, peak memory"
LIVE_STAGES = frozenset({Stage.DRY_RUN, Stage.APPLY, Stage.READY, Stage.LIVE})
SAMPLE_EVERY = 0.2


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear between the closest ranks."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def process_children() -> dict[int, list[int]]:
    """Each pid's child pids, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return children


def descendants(root: int, children: dict[int, list[int]]) -> list[int]:
    """Every process below `root` (not root itself)."""
    out, stack = [], list(children.get(root, []))
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(children.get(pid, []))
    return out


def vm_rss_kib(pid: int) -> int:
    try:
        m = re.search(r"^VmRSS:\s+(\d+)\s+kB", Path(f"/proc/{pid}/status").read_text(), re.M)
    except OSError:
        return 0
    return int(m.group(1)) if m else 0


class TreeSampler:
    """Samples the summed VmRSS of the processes below this one's children; keeps the peak."""

    def __init__(self) -> None:
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            tree = process_children()
            below = [p for child in tree.get(me, []) for p in descendants(child, tree)]
            self.peak_kib = max(self.peak_kib, sum(vm_rss_kib(p) for p in below))
            self._stop.wait(SAMPLE_EVERY)


def build_info() -> dict[str, Any]:
    chosen = os.environ.get("BENCH_BUILD_INFO")
    if chosen:
        return json.loads((ROOT / chosen).read_text())
    found = sorted(cache_dir("bin").glob("v*/build-info.json"), key=lambda p: p.stat().st_mtime)
    if not found:
        raise SystemExit("bench: the kwok control plane is not built; run `.venv/bin/kubedoctest cluster build`")
    return json.loads(found[-1].read_text())


def start() -> float:
    name = f"bench-start-{os.getpid()}"
    try:
        run = run_child([BIN / "kubedoctest", "cluster", "up", "--name", name])
        if run.returncode != 0:
            raise SystemExit(f"bench: kubedoctest cluster up failed:\n{run.tail()}")
        return run.seconds
    finally:
        run_child([BIN / "kubedoctest", "cluster", "down", "--name", name])


def suite(docs: str) -> tuple[float, float, dict[str, Any]]:
    """One live run: seconds, peak RSS of the cluster's processes (MiB), the JSON report."""
    command = [BIN / "kubedoctest", "check", docs, "--cluster", "kwok", "--format", "json"]
    with TreeSampler() as sampler:
        run = run_child(command, env=tool_env(DOCS_GIT_DATES="false"))
    if run.returncode not in (0, 1):
        raise SystemExit(f"bench: kubedoctest check --cluster kwok exited with {run.returncode}:\n{run.tail()}")
    return run.seconds, sampler.peak_kib / 1024, json.loads(run.stdout)


def measure(runs: int, quick: bool) -> dict[str, Any]:
    info = build_info()
    starts = repeat(runs, start)
    seconds, medians, p90s, steps, rss = Spread(), Spread(), Spread(), Spread(), Spread()
    report: dict[str, Any] = {}
    for _ in range(runs):
        wall, peak, report = suite("docs/en" if quick else "docs")
        live = [e["seconds"] for e in report["snippets"] if e["stage"] in LIVE_STAGES and e["seconds"] > 0]
        ran = [e["seconds"] for e in report["snippets"] if e["stage"] == Stage.RUN and e["seconds"] > 0]
        seconds.values.append(wall)
        rss.values.append(peak)
        medians.values.append(statistics.median(live))
        p90s.values.append(percentile(live, 90))
        if ran:
            steps.values.append(statistics.median(ran))
    return {
        "provider": "kwok",
        "k8s_version": report["run"]["kubernetes"],
        "build_seconds": info.get("seconds"),
        "start_seconds": round(starts.median, 2),
        "snippet_median_seconds": round(medians.median, 3),
        "snippet_p90_seconds": round(p90s.median, 3),
        "suite_seconds": round(seconds.median, 2),
        "peak_rss_mb": round(rss.median, 1),
        "quick": quick,
        "build": {k: info.get(k) for k in ("seconds", "parts", "go", "built_at", "cpus")},
        "snippets_live": len(live),
        "steps_run": len(ran),
        "summary": report["summary"],
        "failed": [e["id"] for e in report["snippets"] if e["status"] == "failed"],
        "spread": {
            "start_seconds": starts.as_dict(),
            "snippet_median_seconds": medians.as_dict(),
            "snippet_p90_seconds": p90s.as_dict(),
            "step_median_seconds": steps.as_dict() if steps.values else None,
            "suite_seconds": seconds.as_dict(),
            "peak_rss_mb": rss.as_dict(),
        },
    }
