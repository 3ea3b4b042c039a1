"""The live tests need the control plane binaries; without them they fail loudly (never skip):
build them with `kubedoctest cluster build` (scripts/test does)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kubedoctest.cluster import build

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "samples" / "live"


@pytest.fixture(scope="session")
def binaries() -> Path:
    if not build.is_built():
        pytest.fail(
            f"the kwok control plane is not built in {build.bin_dir()}: run `kubedoctest cluster build` "
            "(scripts/test does it); the live tier cannot be tested without it",
            pytrace=False,
        )
    return build.bin_dir()


def kubedoctest(*args: str, cwd: Path = ROOT, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kubedoctest.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def cli():
    return kubedoctest


@pytest.fixture(scope="session")
def sample_run(binaries: Path) -> dict:
    """One live run over every live sample, on one kwok cluster; its JSON report by snippet id."""
    done = kubedoctest(
        "check",
        "tests/samples/live",
        "--cluster",
        "kwok",
        "--format",
        "json",
        "--k8s-version",
        "1.37",
    )
    assert done.returncode == 1, done.stderr  # the bad samples fail
    report = json.loads(done.stdout)
    return {entry["id"]: entry for entry in report["snippets"]}
