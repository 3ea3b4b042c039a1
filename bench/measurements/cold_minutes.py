"""Where the cold minutes of CI go: the control plane's build, the node image's build, the two test
tiers, each with its parts, the sum of its parts and its wall clock.

Two kinds of figures, kept apart in the output:

- recorded: the build-info.json of a cold build (empty Go module and build caches, no node image,
  no root filesystems), not repeated here because a cold build is most of half an hour on 2 cores:
  BENCH_COLD_CONTROL_PLANE (default bench/cold-control-plane-build-info.json) and
  BENCH_COLD_NODE_IMAGE (default bench/cold-node-build-info.json);
- measured now: the node image's last build as `kubedoctest cluster build --provider kind` wrote
  it beside its cache (its lanes and wall clock: the Go programs and the Debian root filesystems
  build at once), and the two tiers of scripts/test, run here with the commands scripts/test uses
  (the kwok tier: the harness's tests, the site and every docs snippet on kwok; the kind tier:
  tests/kind and every docs snippet on kind), each timed to its exit. --quick skips the tiers.

The cold total adds the recorded builds' wall clocks and the tiers measured now. With
BENCH_CI_LOG naming the log of a whole cold `bash .ci/run` (bench/ci_log.py), the tiers are that
run's instead of measured again: the minutes they took in the cold run itself.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import ci_log
from bench.timing import BIN, ROOT, run_child, tool_env

NAME = "cold_minutes"
SUMMARY = "where the cold CI minutes go: control plane and node image parts (recorded cold), the two tiers (now)"
CONTROL_PLANE = ROOT / "bench" / "cold-control-plane-build-info.json"
NODE_IMAGE = ROOT / "bench" / "cold-node-build-info.json"
NODE_INFO_NOW = Path.home() / ".cache" / "kubedoctest" / "node" / "v1.37.2" / "build-info.json"
GO_LANE = ("control-plane", "kubernetes-node", "containerd", "runc", "cni-plugins", "crictl", "coredns",
           "local-path-provisioner", "pause")  # fmt: skip
AFTER_LANES = ("images", "assemble")
TIERS = {
    # scripts/test's commands, without --kubedoctest-results (a benchmark does not overwrite the badges' results)
    "kwok": ["-m", "pytest", "-p", "no:cacheprovider", "--kubedoctest", "--kubedoctest-cluster", "kwok",
             "--kubedoctest-runbook-kubectl", "oldest", "--ignore=tests/kind", "-q", "-rf"],
    "kind": ["-m", "pytest", "-p", "no:cacheprovider", "--kubedoctest", "--kubedoctest-cluster", "kind",
             "tests/kind", "-q", "-rf"],
}  # fmt: skip


def lanes_of(parts: dict[str, float]) -> dict[str, dict[str, float]]:
    """A node image build's parts by lane: the Go programs, the Debian root filesystems, then the
    images and the assembly that wait for both."""
    go = {k: v for k, v in parts.items() if k in GO_LANE}
    after = {k: v for k, v in parts.items() if k in AFTER_LANES}
    debian = {k: v for k, v in parts.items() if k not in go and k not in after}
    return {"go": go, "debian": debian, "after": after}


def _build(path: Path, what: str) -> dict[str, Any]:
    info = json.loads(path.read_text())
    parts = info["parts"]
    return {
        "from": "recorded",
        "file": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path),
        "what": what,
        "built_at": info.get("built_at"),
        "note": info.get("note"),
        "wall_seconds": info["seconds"],
        "sum_of_parts_seconds": round(sum(parts.values()), 1),
        "parts": parts,
    }


def _node_now() -> dict[str, Any] | None:
    if not NODE_INFO_NOW.is_file():
        return None
    info = json.loads(NODE_INFO_NOW.read_text())
    if "lanes" not in info:
        return None  # written before the lanes: nothing to show of them
    return {
        "from": "measured now",
        "built_at": info.get("built_at"),
        "wall_seconds": info["seconds"],
        "sum_of_parts_seconds": info.get("parts_sum", round(sum(info["parts"].values()), 1)),
        "lanes": info["lanes"],
        "parts": info["parts"],
    }


def _tier(name: str) -> dict[str, Any]:
    run = run_child([BIN / "python", *TIERS[name]], cwd=ROOT, env=tool_env(KUBEDOCTEST_KIND="required"))
    lines = run.stdout.strip().splitlines() or [""]
    return {
        "from": "measured now",
        "wall_seconds": round(run.seconds, 1),
        "exit_code": run.returncode,
        "summary": lines[-1],
        "failed": [line.removeprefix("FAILED ") for line in lines if line.startswith("FAILED ")][:20],
    }


def _tiers_of_ci() -> dict[str, Any]:
    """The two tiers as the cold CI run of BENCH_CI_LOG ran them (pytest's summary and seconds)."""
    run = ci_log.read("cold")
    return {
        name: {
            "from": "cold ci run",
            "date": run["log_date"],
            "wall_seconds": tier["seconds"],
            "exit_code": 1 if " failed" in tier["summary"] or " error" in tier["summary"] else 0,
            "summary": tier["summary"],
        }
        for name, tier in run["tiers"].items()
    }


def measure(runs: int, quick: bool) -> dict[str, Any]:
    control_plane = _build(Path(os.environ.get("BENCH_COLD_CONTROL_PLANE") or CONTROL_PLANE), "control plane")
    node = _build(Path(os.environ.get("BENCH_COLD_NODE_IMAGE") or NODE_IMAGE), "node image")
    groups = lanes_of(node["parts"])
    node["lanes_estimate_seconds"] = round(
        max(sum(groups["go"].values()), sum(groups["debian"].values())) + sum(groups["after"].values()), 1
    )
    now = _node_now()  # the same build as the recorded one when that was copied from the cache: shown once
    out: dict[str, Any] = {
        "date": datetime.now(UTC).date().isoformat(),
        "control_plane": control_plane,
        "node_image": node,
        "node_image_now": None if (now or {}).get("built_at") == node["built_at"] else now,
        "tiers": _tiers_of_ci() if os.environ.get("BENCH_CI_LOG") else {} if quick else {n: _tier(n) for n in TIERS},
    }
    builds = [control_plane, node]
    tiers = list(out["tiers"].values())
    out["cold_wall_seconds"] = round(sum(b["wall_seconds"] for b in builds + tiers), 1)
    out["cold_sum_of_parts_seconds"] = round(
        sum(b["sum_of_parts_seconds"] for b in builds) + sum(t["wall_seconds"] for t in tiers), 1
    )
    return out
