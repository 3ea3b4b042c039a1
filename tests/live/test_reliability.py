"""One cluster per run, and nothing left behind: not after SIGINT or SIGTERM at any phase (while the
cluster starts, while a snippet waits, while a runbook step runs, during the teardown itself), nor
(by the next run or `cluster gc`) after kill -9. Every wait here polls with a deadline."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kubedoctest.cluster import build, processes, records

ROOT = Path(__file__).resolve().parents[2]
SLOW_SNIPPET = (
    '<!-- kubedoctest: timeout="60" -->\n```yaml\napiVersion: v1\nkind: PersistentVolumeClaim\n'
    "metadata:\n  name: never\nspec:\n  storageClassName: none\n  accessModes: [ReadWriteOnce]\n"
    "  resources:\n    requests:\n      storage: 1Gi\n```\n"
)
SLOW_STEP = '# Runbook\n\n<!-- kubedoctest: timeout="90" -->\n```bash\nkubectl get ns >/dev/null\nsleep 60\n```\n'


def _start(tmp_path: Path, page: str = SLOW_SNIPPET, folder: str = "") -> subprocess.Popen:
    where = tmp_path / folder if folder else tmp_path
    where.mkdir(parents=True, exist_ok=True)
    (where / "slow.md").write_text(page)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kubedoctest.cli",
            "check",
            str(where / "slow.md"),
            "--cluster",
            "kwok",
            "--k8s-version",
            "1.37",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _poll(what: str, found: Callable[[], object], run: subprocess.Popen, timeout: float = 60) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        if run.poll() is not None:
            raise AssertionError(f"the run ended before {what}: {run.communicate()}")
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {timeout:.0f} s")


def _entry_of(run: subprocess.Popen, min_pids: int) -> dict | None:
    for e in records.entries("kwok"):  # tolerant: an entry being replaced is skipped, never half-read
        if e.data and e.data.get("owner") == run.pid and len(e.data.get("pids", [])) >= min_pids:
            return e.data
    return None


def _ready(run: subprocess.Popen) -> dict:
    """The run's registry entry once every control plane process started and its API server answers."""
    data = _poll("the cluster start", lambda: _entry_of(run, 5), run)
    assert isinstance(data, dict)
    kubeconfig = Path(data["folder"]) / "kubeconfig"
    _poll("the kubeconfig", kubeconfig.exists, run)
    port = _api_port(data)
    _poll("the API server", lambda: _answers(port), run)
    return records.read(data["name"]) or data


def _claim_applied(cluster: dict) -> bool:
    """Whether the slow page's claim is in the cluster (the run then waits for it to be bound)."""
    kubectl = build.bin_dir() / "kubectl"
    kubeconfig = Path(cluster["folder"]) / "kubeconfig"
    got = subprocess.run(
        [str(kubectl), "--kubeconfig", str(kubeconfig), "get", "pvc", "-A", "-o", "name"],
        capture_output=True, text=True, timeout=20, check=False,
    )  # fmt: skip
    return "persistentvolumeclaim/never" in got.stdout


def _answers(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


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


def _ours(cluster: dict) -> list[int]:
    """Processes whose command line names the cluster's folder (its whole control plane, whether or
    not the registry listed them yet)."""
    folder = str(cluster["folder"])
    return [
        int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and folder in processes.cmdline(int(p.name))
    ]


def _steps_of(folder: str) -> list[int]:
    """Processes whose environment points into the cluster's folder (runbook steps and their children)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if folder.encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def _assert_nothing_left(cluster: dict) -> None:
    folder = Path(cluster["folder"])
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (_ours(cluster) or _steps_of(str(folder))):
        time.sleep(0.2)
    assert _ours(cluster) == [], "control plane processes left"
    assert _steps_of(str(folder)) == [], "runbook step processes left"
    assert _ports(cluster["pids"]) == []
    assert not folder.exists(), f"temporary folder left: {folder}"
    assert records.read(cluster["name"]) is None, "registry entry left"


def _api_port(cluster: dict) -> int:
    text = (Path(cluster["folder"]) / "kubeconfig").read_text()
    return int(text.split("server: https://127.0.0.1:")[1].split()[0])


def _stopped(run: subprocess.Popen) -> tuple[str, str]:
    out, err = run.communicate(timeout=90)
    assert run.returncode == 130, (run.returncode, err)
    assert "Traceback" not in err and "internal error" not in err, err
    assert "interrupted" in err, err
    return out, err


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_run_stopped_by_a_signal_while_it_waits_leaves_no_process_port_or_folder(binaries, tmp_path, sig):
    run = _start(tmp_path)
    cluster = _ready(run)
    port = _api_port(cluster)
    _poll("the namespace of the page", lambda: any(Path(cluster["folder"]).glob("kubedoctest-run-*")), run)
    _poll("the claim the run waits for", lambda: _claim_applied(cluster), run)
    run.send_signal(sig)
    _stopped(run)
    _assert_nothing_left(cluster)
    assert not _answers(port), "the API server port still answers"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_while_the_cluster_starts_deletes_it_without_a_traceback(binaries, tmp_path, sig):
    run = _start(tmp_path)
    cluster = _poll("etcd's start", lambda: _entry_of(run, 1), run)
    assert isinstance(cluster, dict)
    run.send_signal(sig)
    _stopped(run)
    _assert_nothing_left(cluster)


def test_a_signal_while_a_runbook_step_runs_kills_the_step_and_its_children(binaries, tmp_path):
    run = _start(tmp_path, SLOW_STEP, "runbooks")
    cluster = _ready(run)
    _poll("the step's sleep", lambda: _steps_of(str(cluster["folder"])), run)
    run.send_signal(signal.SIGTERM)
    _stopped(run)
    _assert_nothing_left(cluster)


def test_signals_during_the_teardown_do_not_stop_it_half_way(binaries, tmp_path):
    run = _start(tmp_path)
    cluster = _ready(run)
    port = _api_port(cluster)
    _poll("the claim the run waits for", lambda: _claim_applied(cluster), run)
    run.send_signal(signal.SIGINT)
    during = 0  # signals that reached the run after the first one, while it tore down
    deadline = time.monotonic() + 30
    while run.poll() is None and time.monotonic() < deadline:  # an impatient user, until the run ends
        run.send_signal(signal.SIGTERM if during % 2 == 0 else signal.SIGINT)
        during += 1
        time.sleep(0.01)
    assert during >= 1, "the run ended before a second signal could reach it"
    _stopped(run)
    assert not _answers(port), "the API server port still answers"
    _assert_nothing_left(cluster)


def test_a_cluster_left_by_kill_9_is_removed_by_cluster_gc(binaries, tmp_path, cli):
    run = _start(tmp_path)
    cluster = _ready(run)
    run.kill()
    run.communicate(timeout=30)
    folder = Path(cluster["folder"])
    assert folder.exists(), "kill -9 gives the run no chance to clean up"
    done = cli("cluster", "gc")
    assert done.returncode == 0, done.stderr
    assert cluster["name"] in done.stderr
    _assert_nothing_left(cluster)
