"""The tools runbook steps run with, besides the cluster's: helm when it is pinned, and the version
of the kubectl they get (the run's header and each step's info line name it)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from ..cluster.build import bin_dir


def helm() -> Path | None:
    pinned = bin_dir() / "helm"
    return pinned if pinned.is_file() else None


def kubectl_version(kubectl: Path | None) -> str:
    if kubectl is None or not kubectl.is_file():
        return "(none found)"
    try:
        done = subprocess.run(
            [str(kubectl), "version", "--client", "-o", "json"], capture_output=True, text=True, timeout=20
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"(unknown: {e})"
    try:
        return str(json.loads(done.stdout)["clientVersion"]["gitVersion"])
    except (ValueError, KeyError, TypeError):
        return f"(unknown: {done.stderr.strip()[:200]})"
