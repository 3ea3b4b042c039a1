"""Runbooks: the ```bash steps of pages under a `runbooks/` folder, their whole flow in one place.

Offline a step is skipped by its directive or linted (steplint: an allow-list); live, a page's steps
run in order, each as a reader would run it after pressing the copy button: `bash -euo pipefail -c
STEP` in the page's sandbox (live/safety/sandbox.py: its own HOME, working folder, a kubeconfig
holding only the test cluster with the page's namespace, the pinned kubectl first and alone on PATH,
the page's own network namespace), under the run's safety policy, with a timeout. After a failed or
refused step the rest of the page is skipped.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..live.images import Availability
from ..live.images import of_step as images_of_step
from ..live.safety import network
from ..model import Finding, Result, Snippet, Stage, Status
from . import quoted_output, steplint

DEFAULT_TIMEOUT = 120.0
TAIL_LINES = 15
RULES = frozenset(steplint.RULES)
KUBELET = (
    "not checked on simulated nodes: the step needs a kubelet (running containers for logs, exec, "
    "port-forward or an interactive pod); run it on kind or a real cluster"
)
IMAGE_NOTE = (
    "image not available here: {images} (no local stand-in, and this machine cannot pull it); the step was not run"
)
QUOTED_KUBELET = (
    'quoted output not compared on simulated nodes: the block needs a kubelet (requires="kubelet" on it); '
    "compared on kind or a real cluster"
)
EXTERNAL = "not checked here: the step needs a server outside the cluster (an NFS export, say) that a test cluster does not have"


def lint(step: Snippet, opened: frozenset[int] = frozenset()) -> list[Finding]:
    return steplint.lint(step, opened)


def requires(step: Snippet) -> frozenset[str]:
    return step.directives.requires


def offline(step: Snippet, opened: frozenset[int] = frozenset()) -> Result:
    """A step offline: skipped by directive, failed by the lint, else ready to run live (stage lint).
    `opened`: the local ports earlier steps of its page forward."""
    if step.directives.skip:
        note = f"skipped: {step.directives.reason}"
        return Result(step, Status.SKIPPED, Stage.COLLECT, [Finding(step.where(), note, "info")])
    problems = lint(step, opened)
    if problems:
        return Result(step, Status.FAILED, Stage.LINT, problems)
    return Result(step, Status.PASSED, Stage.LINT)


@dataclass
class StepOutcome:
    exit_code: int
    output: str
    seconds: float
    timed_out: bool = False


_running: set[subprocess.Popen] = set()
_running_lock = threading.Lock()


def stop_running() -> None:
    """Kill every step still running (a signal stopped the run): their whole process groups."""
    with _running_lock:
        procs = list(_running)
    for proc in procs:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def run_step(
    text: str, cwd: Path, env: dict[str, str], timeout: float, bash: str = "bash", launcher: Sequence[str] = ()
) -> StepOutcome:
    """Run one step; `launcher` is the sandbox's prefix that puts it inside the page's namespaces."""
    started = time.monotonic()
    proc = subprocess.Popen(
        [*launcher, bash, "-euo", "pipefail", "-c", text],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    with _running_lock:
        _running.add(proc)
    try:
        out, _ = proc.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        timed_out = True
    finally:
        with _running_lock:
            _running.discard(proc)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return StepOutcome(proc.returncode, out.decode(errors="replace"), time.monotonic() - started, timed_out)


def judge(step: Snippet, outcome: StepOutcome, timeout: float) -> str | None:
    """None when the step did what its directives say, else the failure message."""
    first = next((line for line in step.text.split("\n") if line.strip() and not line.strip().startswith("#")), "")
    command = first.strip() + (" ..." if step.text.strip().count("\n") else "")
    tail = "\n".join(outcome.output.rstrip().splitlines()[-TAIL_LINES:])
    shown = f"; last lines of output:\n{tail}" if tail else "; it printed nothing"
    if outcome.timed_out:
        return f"failed to run step: command {command!r} did not finish within {timeout:.0f} s{shown}"
    expected = step.directives.exit
    if outcome.exit_code != expected:
        return f"failed to run step: command {command!r} exited with {outcome.exit_code} (expected {expected}){shown}"
    want = step.directives.output
    if want and want not in outcome.output:
        return f"failed to run step: command {command!r} did not print {want!r}{shown}"
    return None


class PageSteps:
    """The live steps of one page, in order, in one sandbox (live/safety/sandbox.py)."""

    def __init__(
        self,
        env: dict[str, str],
        work: Path,
        bash: str,
        simulated: bool,
        describe: str,
        refuse: Callable[[Snippet], str | None],
        after: Callable[[Snippet], None] = lambda s: None,
        images: Availability | None = None,
        launcher: Sequence[str] = (),
        diagnose: Callable[[], str] = lambda: "",
    ):
        self.env, self.work, self.bash, self.launcher = env, work, bash, list(launcher)
        self.diagnose = diagnose  # after a step failed: the state of the page's workloads
        self.images = images or Availability()
        self.simulated = simulated
        self.describe = describe  # "kubectl v1.37.2, namespace kdt-..."
        self.refuse = refuse  # the safety policy: why this step must not run here, or None
        self.after = after  # told after each step that ran (what it created is then the run's)
        self.stopped_at: str | None = None

    def run(self, step: Snippet) -> Result:
        if self.stopped_at:
            return _skipped(step, f"skipped: an earlier step {self.stopped_at}")
        needs = requires(step)
        if "kubelet" in needs and self.simulated:
            return _skipped(step, KUBELET, "partial")
        if "external" in needs and not self.simulated:
            return _skipped(step, EXTERNAL, "partial")
        standins, unavailable = self.images.split(images_of_step(step.text))
        if unavailable and "missing-image" not in step.directives.allow:
            result = _skipped(step, IMAGE_NOTE.format(images=", ".join(unavailable)), "partial")
            result.unavailable_images = unavailable
            result.reasons = [IMAGE_NOTE.format(images=", ".join(unavailable))]
            return result
        refusal = self.refuse(step)
        if refusal:
            self.stopped_at = f"was not run at {step.id}"
            return _skipped(step, f"not run: {refusal}; the rest of the page is skipped")
        timeout = step.directives.timeout or DEFAULT_TIMEOUT
        outcome = run_step(step.text, self.work, self.env, timeout, self.bash, self.launcher)
        self.after(step)
        problem = judge(step, outcome, timeout)
        if problem and self.launcher:
            problem += network.explain(outcome.output, str(self.work.parent))  # the sandbox said no
        if problem:
            problem += self.diagnose()
        info = Finding(
            step.where(), f"ran in bash -euo pipefail with {self.describe}, in {outcome.seconds:.1f} s", "info"
        )
        compared, mismatch, partial = (None, None, False) if problem else self._compare(step, outcome)
        if problem or mismatch:
            if problem:  # a page that only quotes stale output goes on: its later steps still tell
                self.stopped_at = f"failed at {step.id}"
            found = mismatch or Finding(step.where(), problem or "")
            failed = Result(step, Status.FAILED, Stage.RUN, [found, info], seconds=outcome.seconds)
            failed.standin_images = standins
            return failed
        notes = [info] + ([compared] if compared else [])
        fidelity = "partial" if partial else "full"
        passed = Result(step, Status.PASSED, Stage.RUN, notes, fidelity=fidelity, seconds=outcome.seconds)
        passed.standin_images = standins
        return passed

    def _compare(self, step: Snippet, outcome: StepOutcome) -> tuple[Finding | None, Finding | None, bool]:
        """(a note on the quoted output, a failure when the page shows what the step did not print,
        whether the comparison was left out here)."""
        quoted = step.quoted
        if quoted is None:
            return None, None, False
        where = f"{step.page}:{quoted.line}"
        if self.simulated and "kubelet" in quoted.requires:
            return Finding(where, QUOTED_KUBELET, "info"), None, True
        if quoted_output.matches(quoted.text, outcome.output):
            return Finding(where, "quoted output matched what the step printed", "info"), None, False
        diff = quoted_output.difference(quoted.text, outcome.output)
        return (
            None,
            Finding(
                where,
                f"failed to match quoted output: the block at {where} shows what step {step.id} did not print "
                f"(ages, IPs, UIDs, timestamps, name suffixes and column widths are ignored); diff:\n{diff}",
                hint="write the step's real output into the block; use a line of ... for lines left out, "
                "and ... inside a line for what varies per cluster",
            ),
            False,
        )


def _skipped(step: Snippet, note: str, fidelity: str | None = None) -> Result:
    return Result(step, Status.SKIPPED, Stage.RUN, [Finding(step.where(), note, "info")], fidelity=fidelity)
