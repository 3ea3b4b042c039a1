"""One cluster per run, and nothing left behind: not after SIGINT, SIGTERM, nor (by the next run) kill -9."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kubedoctest.cluster import processes

ROOT = Path(__file__).resolve().parents[2]


def _start_slow_run(tmp_path: Path) -> subprocess.Popen:
    """A live run that stays busy: a claim that never binds, waited on for 60 s."""
    page = tmp_path / "slow.md"
    page.write_text(
        '<!-- kubedoctest: timeout="60" -->\n```yaml\napiVersion: v1\nkind: PersistentVolumeClaim\n'
        "metadata:\n  name: never\nspec:\n  storageClassName: none\n  accessModes: [ReadWriteOnce]\n"
        "  resources:\n    requests:\n      storage: 1Gi\n```\n"
    )
    return subprocess.Popen(
        [sys.executable, "-m", "kubedoctest.cli", "check", str(page), "--cluster", "kwok", "--k8s-version", "1.37"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _cluster_of(run: subprocess.Popen, timeout: float = 60) -> dict:
    """The registry entry of the run's cluster, once its API server answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for entry in processes.registry_dir().glob("*.json"):
            data = json.loads(entry.read_text())
            if data.get("owner") == run.pid and len(data.get("pids", [])) >= 5:
                kubeconfig = Path(data["folder"]) / "kubeconfig"
                if kubeconfig.exists():
                    time.sleep(1.0)  # let it reach the wait
                    return data
        assert run.poll() is None, run.communicate()
        time.sleep(0.2)
    raise AssertionError("the run's cluster did not come up")


def _ports(pids: list[int]) -> list[int]:
    """Listening TCP ports on 127.0.0.1 owned by the given pids (from /proc)."""
    inodes = set()
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    ports = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and fields[9] in inodes:
            ports.append(int(fields[1].split(":")[1], 16))
    return ports


def _assert_nothing_left(cluster: dict) -> None:
    folder = Path(cluster["folder"])
    pids = cluster["pids"]
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(
        processes._alive(p) and str(folder) in processes._cmdline(p) for p in pids
    ):
        time.sleep(0.2)
    alive = [p for p in pids if processes._alive(p) and str(folder) in processes._cmdline(p)]
    assert alive == [], f"processes left: {alive}"
    assert _ports(pids) == []
    assert not folder.exists(), f"temporary folder left: {folder}"
    assert not (processes.registry_dir() / f"{cluster['name']}.json").exists()


def _api_port(cluster: dict) -> int:
    text = (Path(cluster["folder"]) / "kubeconfig").read_text()
    return int(text.split("server: https://127.0.0.1:")[1].split()[0])


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_run_stopped_by_a_signal_leaves_no_process_port_or_folder(binaries, tmp_path, sig):
    run = _start_slow_run(tmp_path)
    cluster = _cluster_of(run)
    port = _api_port(cluster)
    run.send_signal(sig)
    out, err = run.communicate(timeout=60)
    assert run.returncode != 0
    _assert_nothing_left(cluster)
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0, "the API server port still answers"


def test_a_cluster_left_by_kill_9_is_removed_by_cluster_gc(binaries, tmp_path, cli):
    run = _start_slow_run(tmp_path)
    cluster = _cluster_of(run)
    run.kill()
    run.communicate(timeout=30)
    folder = Path(cluster["folder"])
    assert folder.exists(), "kill -9 gives the run no chance to clean up"
    done = cli("cluster", "gc")
    assert done.returncode == 0, done.stderr
    assert cluster["name"] in done.stderr
    _assert_nothing_left(cluster)
