"""A whole `bash .ci/run`, read from its log: the wall clock and exit code it printed, each tier's
pytest summary and seconds, whether the control plane and the node image were built in the run
(cold) or reused (warm), and those builds' build-info.json when the run made them.

The log is what `bash .ci/run > LOG 2>&1` writes on a fresh clone; BENCH_CI_LOG names it. Nothing
here is typed by hand: every figure is a line of that log or a file the run wrote.
"""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

CACHE = Path.home() / ".cache" / "kubedoctest"
_FINISHED = re.compile(r"^ci: finished in (\d+) s with exit code (\d+)$", re.M)
_SUMMARY = re.compile(r"^=+ (.+?) in ([\d.]+)s(?: \([\d:]+\))? =+$", re.M)
_CONTROL_PLANE_BUILT = re.compile(r"^\$ go build .* k8s\.io/kubernetes/cmd/kube-apiserver", re.M)
_NODE_IMAGE = re.compile(r"^kind node image (\S+) \((reused|built in ([\d.]+) s)\)", re.M)
TIERS = ("kwok", "kind")


def fail(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr)
    raise SystemExit(2)


def _build_info(path: Path, start: float, end: float) -> dict[str, Any] | None:
    """The build-info.json at `path` when the run wrote it (between its start and its end)."""
    if not path.is_file():
        return None
    info = json.loads(path.read_text())
    built = info.get("built_at")
    if not built or not start <= datetime.fromisoformat(built).timestamp() <= end:
        return None
    return {"seconds": info.get("seconds"), "parts": info.get("parts"), "lanes": info.get("lanes"), "built_at": built}


def read(kind: str) -> dict[str, Any]:
    """The figures of the CI log BENCH_CI_LOG; `kind` ("cold" or "warm") is what the caller
    measures, and a log of the other kind is refused."""
    name = os.environ.get("BENCH_CI_LOG")
    if not name:
        fail(f"ci_{kind} reads a CI log: run `bash .ci/run > LOG 2>&1` on a fresh clone, then BENCH_CI_LOG=LOG")
    path = Path(name)
    if not path.is_file():
        fail(f"failed to read the CI log {name!r}: no such file")
    text = path.read_text(encoding="utf-8", errors="replace")
    finished = _FINISHED.search(text)
    if not finished:
        fail(f"the CI log {name!r} has no line 'ci: finished in N s with exit code N': did the run end?")
    wall, code = int(finished.group(1)), int(finished.group(2))
    cold = bool(_CONTROL_PLANE_BUILT.search(text))
    if cold != (kind == "cold"):
        found = "built the control plane (a cold run)" if cold else "reused the control plane (a warm run)"
        fail(f"the CI log {name!r} {found}; measure it with ci_{'cold' if cold else 'warm'}")
    end = path.stat().st_mtime
    start = end - wall - 60  # the log's last write is the run's end; a minute of slack
    tiers = {
        tier: {"summary": m.group(1), "seconds": float(m.group(2))}
        for tier, m in zip(TIERS, _SUMMARY.finditer(text), strict=False)
    }
    node = _NODE_IMAGE.search(text)
    out: dict[str, Any] = {
        "log_date": datetime.fromtimestamp(end, UTC).date().isoformat(),
        "wall_seconds": wall,
        "exit_code": code,
        "tiers": tiers,
        "control_plane_built": cold,
        "control_plane_build": _build_info(CACHE / "bin" / "v1.37.2" / "build-info.json", start, end) if cold else None,
        "node_image": node.group(2) if node else None,
        "node_image_build": _build_info(CACHE / "node" / "v1.37.2" / "build-info.json", start, end),
    }
    builds = [b for b in (out["control_plane_build"], out["node_image_build"]) if b]
    # apt and pip, Chromium, the Docker engine, the site build: what is neither a build nor a tier
    out["other_seconds"] = round(
        wall - sum(t["seconds"] for t in tiers.values()) - sum(b["seconds"] for b in builds), 1
    )
    return out
