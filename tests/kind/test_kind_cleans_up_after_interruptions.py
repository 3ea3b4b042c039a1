"""Creating a kind cluster interrupted by Ctrl-C or SIGTERM, or killed outright, leaves nothing.
Each run creates a cluster of its own (--new-cluster), also while the tier's cluster is up."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from kubedoctest.cluster import docker, records

from .conftest import ROOT, kind_containers, kubedoctest, wait_for

PAGE = """# one pod

```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  a: "1"
```
"""


def _start(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(PAGE)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kubedoctest.cli",
            "check",
            str(page),
            "--cluster",
            "kind",
            "--new-cluster",
            "--k8s-version",
            "1.37",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _kind_entries() -> set[str]:
    return {e.name for e in records.entries("kind")}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_cluster_creation_stopped_by_a_signal_leaves_no_container_network_or_folder(node_image, tmp_path, sig):
    before = set(kind_containers())
    entries_before = _kind_entries()
    run = _start(tmp_path)
    wait_for("the kind node container", lambda: bool(set(kind_containers()) - before) or run.poll() is not None, 180)
    assert run.poll() is None, run.communicate()
    new = set(kind_containers()) - before
    folders = [json.loads(p.read_text()).get("folder") for p in records.registry_dir().glob("kubedoctest-*.json")]
    os.kill(run.pid, sig)
    out, err = run.communicate(timeout=300)
    assert "Traceback" not in err, err
    assert run.returncode != 0
    assert not (set(kind_containers()) & new), err
    assert _kind_entries() <= entries_before, err
    for folder in folders:
        if folder and any(c in folder for c in new):
            assert not os.path.exists(folder), folder


def test_gc_removes_a_kind_cluster_left_by_a_killed_run(node_image, tmp_path):
    before = set(kind_containers())
    run = _start(tmp_path)
    wait_for("the kind node container", lambda: bool(set(kind_containers()) - before) or run.poll() is not None, 180)
    new = set(kind_containers()) - before
    os.killpg(run.pid, signal.SIGKILL)  # the run and kind with it: nothing of ours gets to clean up
    run.communicate(timeout=60)
    assert set(kind_containers()) & new, "the killed run's container should still be there for gc to find"
    done = kubedoctest("cluster", "gc", timeout=300)
    assert done.returncode == 0, done.stderr
    assert not (set(kind_containers()) & new), done.stderr
    assert "left behind" in done.stderr, done.stderr
    leftover = docker.run("ps", "-a", "--filter", "name=^kubedoctest-build-", "--format", "{{.Names}}", check=False)
    assert leftover.strip() == "", leftover


def test_a_second_node_image_build_reuses_the_first(node_image):
    done = kubedoctest("cluster", "build", "--provider", "kind", timeout=300)
    assert done.returncode == 0, done.stderr
    assert "(reused)" in done.stdout, done.stdout + done.stderr
