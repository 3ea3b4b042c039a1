"""Running the kind and kubectl commands for a kind cluster."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from pathlib import Path

from .. import build, processes
from ..provider import failure


def kind_binary() -> Path | None:
    built = build.bin_dir() / "kind"
    if built.is_file():
        return built
    found = shutil.which("kind")
    return Path(found) if found else None


def kind(args: list[str], timeout: float, verb: str, cluster: str) -> str:
    """Run `kind ARGS`; a failure is `failed to VERB kind cluster CLUSTER` with the command and its output."""
    command = [str(kind_binary()), *args]
    # kind runs in a session of its own (a Ctrl-C reaches us, and we stop it and delete in order)
    # and dies with this process; on any interruption its whole process group is killed, so no
    # `docker run` it started can create a node after our cleanup
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=processes._die_with_parent,  # noqa: PLW1509
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except BaseException as e:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        if isinstance(e, subprocess.TimeoutExpired):
            raise failure(verb, "kind", cluster, f"the command did not finish within {timeout:g} s", command) from None
        raise
    if proc.returncode != 0:
        tail = "\n".join(out.strip().splitlines()[-20:])
        raise failure(verb, "kind", cluster, f"the command failed with exit code {proc.returncode}", command, tail)
    return out


def kubectl(kubectl: Path | None, kubeconfig: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    binary = str(kubectl or shutil.which("kubectl") or "kubectl")
    command = [binary, "--kubeconfig", str(kubeconfig), *args]
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout + 15, check=False)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(command, 124, "", f"kubectl did not answer within {timeout + 15:g} s")
