"""The kind tier: real containers from the node image built here. It never skips: without Docker or
the node image it fails and says how to get them (scripts/docker-engine start;
kubedoctest cluster build --provider kind)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kubedoctest.cluster import docker
from kubedoctest.cluster.kind import provider as kind
from kubedoctest.cluster.kind.nodeimage import IMAGE, is_current

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "samples" / "kind"


@pytest.fixture(scope="session")
def node_image() -> str:
    reason = docker.available()
    if reason:
        pytest.fail(f"the kind tier cannot run: {reason}", pytrace=False)
    if not is_current():
        pytest.fail(
            f"the kind node image {IMAGE} is missing or stale: run `kubedoctest cluster build --provider kind`",
            pytrace=False,
        )
    return IMAGE


def kubedoctest(*args: str, timeout: float = 900, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kubedoctest.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        **kw,
    )


def kind_containers(prefix: str = kind.PREFIX) -> list[str]:
    out = docker.run("ps", "-a", "--filter", f"label={kind.CLUSTER_LABEL}", "--format", "{{.Names}}", check=False)
    return [n for n in out.split() if n.startswith(prefix)]


def wait_for(what: str, check: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture(scope="session")
def kind_samples(node_image: str) -> dict:
    """One kind run over tests/samples/kind on a cluster it creates (--new-cluster, also while the
    tier's cluster is up: the way most runs go): its JSON report by snippet id, and its stderr."""
    done = kubedoctest(
        "check", "tests/samples/kind", "--cluster", "kind", "--new-cluster", "--format", "json", "--k8s-version", "1.37"
    )
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]  # the bad sample fails
    report = json.loads(done.stdout)
    return {"entries": {e["id"]: e for e in report["snippets"]}, "stderr": done.stderr, "report": report}
