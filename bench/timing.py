"""Timing child processes: wall and CPU seconds, repeated runs, their median and spread."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@dataclass
class Run:
    """One finished child process: wall seconds, CPU seconds (user + system, its whole process
    tree), exit code and output. CPU seconds vary less than wall seconds on a shared machine."""

    seconds: float
    cpu_seconds: float
    returncode: int
    stdout: str
    stderr: str

    def tail(self, lines: int = 15) -> str:
        return "\n".join((self.stderr or self.stdout).rstrip().splitlines()[-lines:])


def tool_env(**extra: str) -> dict[str, str]:
    """The environment for children: the venv's tools first on PATH, no MkDocs 2 banner."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONIOENCODING="utf-8", **extra)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def run_child(command: Sequence[str | Path], cwd: Path = ROOT, env: dict[str, str] | None = None) -> Run:
    """Run a command to its end and time it (wall clock, and CPU of the child and its children)."""
    before = os.times()
    start = time.perf_counter()
    proc = subprocess.run([str(c) for c in command], cwd=cwd, env=env or tool_env(), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return Run(seconds, cpu, proc.returncode, proc.stdout, proc.stderr)


@dataclass
class Spread:
    """Repeated measurements of one figure."""

    values: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def as_dict(self) -> dict[str, float | int]:
        return {
            "median": round(self.median, 3),
            "min": round(min(self.values), 3),
            "max": round(max(self.values), 3),
            "runs": len(self.values),
        }


def repeat(runs: int, measure: Callable[[], float]) -> Spread:
    """`measure` called `runs` times."""
    return Spread([measure() for _ in range(runs)])


def linear(points: list[tuple[float, float]], tolerance: float = 0.25) -> tuple[bool, str]:
    """Whether y grows linearly in x: the cost per unit at the largest x is within `tolerance`
    of the cost per unit between the two smallest points' slope (fixed start-up cost removed)."""
    if len(points) < 3:
        return False, "fewer than three sizes"
    (x0, y0), (x1, y1) = points[0], points[1]
    slope = (y1 - y0) / (x1 - x0)
    worst = max(((y - y0) / (x - x0)) / slope for x, y in points[2:])
    return worst <= 1 + tolerance, f"per-unit cost at the largest size is {worst:.2f}x the first slope"


def run_child_peak(
    command: Sequence[str | Path], cwd: Path = ROOT, env: dict[str, str] | None = None
) -> tuple[Run, float]:
    """run_child, and the child's peak RSS in MiB (the largest of it and its reaped children), from
    os.wait4's rusage of that one child, not the max over every child this process ran."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        before = os.times()
        start = time.perf_counter()
        proc = subprocess.Popen(
            [str(c) for c in command], cwd=cwd, env=env or tool_env(), stdout=out, stderr=err, stdin=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        after = os.times()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text, errors = (f.read().decode(errors="replace") for f in (out, err))
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return Run(seconds, cpu, proc.returncode, text, errors), usage.ru_maxrss / 1024
