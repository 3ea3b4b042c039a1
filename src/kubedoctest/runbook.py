"""Runbooks: the ```bash steps of pages under a `runbooks/` folder, linted offline and run live.

A step runs as a reader would run it after pressing the copy button: `bash -euo pipefail -c
STEP`, with KUBECONFIG pointing at the test cluster (its current namespace set to the page's
namespace), a temporary HOME and working directory shared by the page's steps, and a kubectl of
the cluster's own version first on PATH.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .model import Finding, Snippet

RUNBOOK_DIR = "runbooks"
DEFAULT_TIMEOUT = 120.0
TAIL_LINES = 15

_FORBIDDEN = [
    (re.compile(r"(^|\s)--context(=|\s)"), "--context"),
    (re.compile(r"(^|\s)--kubeconfig(=|\s)"), "--kubeconfig"),
    (re.compile(r"(^|\s)--server(=|\s)"), "--server"),
    (re.compile(r"(^|[\s;&|(])(export\s+)?KUBECONFIG="), "KUBECONFIG="),
]
_PROMPT = re.compile(r"^\s*\$\s")
_REPO_PATH = re.compile(r"(?<![\w/.~-])(snippets|docs)/[\w./-]+\.(ya?ml|md|sh|json)\b")


def is_runbook(page: str) -> bool:
    return RUNBOOK_DIR in Path(page).parts[:-1]


def lint(step: Snippet) -> list[Finding]:
    """What makes a step unsafe or unusable when copied: prompts, other clusters, repo paths."""
    findings = []
    for i, line in enumerate(step.text.split("\n")):
        if _PROMPT.match(line):
            findings.append(
                Finding(
                    step.where(i),
                    "the step has a $ prompt: the copy button would copy it too",
                    hint="remove the prompt",
                )
            )
        for pattern, flag in _FORBIDDEN:
            if pattern.search(line):
                findings.append(
                    Finding(
                        step.where(i),
                        f"refused: the step uses {flag}, and a test run never touches another cluster",
                        hint="drop it: kubectl already points at the cluster the reader set up",
                    )
                )
        m = _REPO_PATH.search(line)
        if m:
            findings.append(
                Finding(
                    step.where(i),
                    f"the step reads {m.group(0)!r} from this repository, which a reader does not have",
                    hint="pass the manifest with kubectl apply -f - <<'EOF' ... EOF, or include it with --8<--",
                )
            )
    return findings


@dataclass
class StepOutcome:
    exit_code: int
    output: str
    seconds: float
    timed_out: bool = False


def run_step(text: str, cwd: Path, env: dict[str, str], timeout: float) -> StepOutcome:
    started = time.monotonic()
    proc = subprocess.Popen(
        ["bash", "-euo", "pipefail", "-c", text],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        timed_out = True
    return StepOutcome(proc.returncode, out.decode(errors="replace"), time.monotonic() - started, timed_out)


def judge(step: Snippet, outcome: StepOutcome, timeout: float) -> str | None:
    """None when the step did what its directives say, else the failure message."""
    first = next(
        (line for line in step.text.split("\n") if line.strip() and not line.strip().startswith("#")),
        "",
    )
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
