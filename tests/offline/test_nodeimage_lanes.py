"""The node image's two build lanes (nodeimage/lanes.py): side by side, timed, and the first failure
stops the other lane's running command with a clear error and no traceback."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kubedoctest.cluster import build, stoppable
from kubedoctest.cluster.kind.nodeimage import command, lanes


def _alive_in_group(pgid: int) -> list[str]:
    """The processes of a process group that still run (a zombie waiting for init to reap it is done)."""
    time.sleep(0.3)
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(stat.parent.name)
    return alive


def _sleep(seconds: float) -> None:
    done = stoppable.run(["sleep", str(seconds)])
    if done.returncode:
        raise build.BuildError(f"sleep exited {done.returncode}")


def test_the_lanes_run_at_once_and_every_part_and_lane_is_timed():
    timings: dict[str, float] = {}
    lane_seconds: dict[str, float] = {}
    start = time.monotonic()
    results = lanes.run(
        {
            "go": [("a", lambda: _sleep(0.6)), ("b", lambda: "built b")],
            "debian": [("c", lambda: _sleep(0.6) or "tar")],
        },
        timings,
        lane_seconds,
        log=lambda m: None,
    )
    wall = time.monotonic() - start
    assert results == {"a": None, "b": "built b", "c": "tar"}
    assert set(timings) == {"a", "b", "c"} and timings["a"] >= 0.5 and timings["c"] >= 0.5
    assert set(lane_seconds) == {"go", "debian"}
    assert wall < 1.1, "the lanes ran one after the other"
    assert not stoppable.stopping()


def test_a_failure_in_one_lane_stops_the_others_command_and_says_which_part_failed(tmp_path: Path):
    pid_file = tmp_path / "pid"
    started = threading.Event()
    after: list[str] = []

    def long() -> None:
        started.set()
        stoppable.run(["sh", "-c", f"echo $$ > {pid_file}; sleep 60"])

    def failing() -> None:
        started.wait(5)
        time.sleep(0.2)
        done = stoppable.run(["sh", "-c", "echo 'E: Unable to locate package nope' >&2; exit 100"])
        raise build.BuildError(
            f"failed to build the node image: command 'mmdebstrap ...' failed:\n{done.stderr.strip()}"
        )

    start = time.monotonic()
    with pytest.raises(lanes.LaneFailed) as caught:
        lanes.run(
            {
                "go": [("kubernetes-node", long), ("containerd", lambda: after.append("containerd"))],
                "debian": [("rootfs-node", failing)],
            },
            {},
            log=lambda m: None,
        )
    assert time.monotonic() - start < 20, "the other lane's command was not stopped"
    message = str(caught.value)
    assert message.startswith("failed to build the node image: rootfs-node (debian lane): command 'mmdebstrap")
    assert "E: Unable to locate package nope" in message
    assert "the go lane was stopped" in message
    assert after == [], "the stopped lane went on to its next step"
    pid = int(pid_file.read_text())
    assert _alive_in_group(pid) == []
    assert not stoppable.stopping()


def test_an_unexpected_exception_in_a_lane_is_a_build_error_too():
    def broken() -> None:
        raise OSError("No space left on device")

    with pytest.raises(
        build.BuildError, match=r"^failed to build the node image: images \(debian lane\): No space left"
    ):
        lanes.run({"go": [], "debian": [("images", broken)]}, {}, log=lambda m: None)


def test_a_failed_build_is_one_line_of_error_and_exit_1_without_a_traceback(monkeypatch, capsys):
    def fail(force: bool = False, log=print) -> dict:
        raise lanes.LaneFailed(
            "go", "runc", build.BuildError("failed to build the node image: command 'go install' failed"), ["debian"]
        )

    monkeypatch.setattr("kubedoctest.cluster.kind.nodeimage.build_node_image", fail)
    assert command.run() == 1
    err = capsys.readouterr().err
    assert "runc (go lane): command 'go install' failed (the debian lane was stopped)" in err
    assert "Traceback" not in err


SCRIPT = """
import sys, time
from kubedoctest.cluster.kind.nodeimage import command, lanes
from kubedoctest.cluster import stoppable

def step(name):
    def run():
        stoppable.run(["sh", "-c", f"echo $$ >> {sys.argv[1]}; sleep 60"])
    return run

def build_node_image(force=False, log=print):
    lanes.run({"go": [("go-part", step("go"))], "debian": [("rootfs-part", step("debian"))]}, {}, log=log)
    return {}

import kubedoctest.cluster.kind.nodeimage as nodeimage
nodeimage.build_node_image = build_node_image
sys.exit(command.run())
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interruption_stops_both_lanes_and_leaves_no_process(tmp_path: Path, signum: int):
    pids = tmp_path / "pids"
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(pids)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (not pids.exists() or len(pids.read_text().split()) < 2):
        time.sleep(0.1)
    assert pids.exists() and len(pids.read_text().split()) == 2, "the two lanes did not both start"
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    for pid in map(int, pids.read_text().split()):
        assert _alive_in_group(pid) == []
