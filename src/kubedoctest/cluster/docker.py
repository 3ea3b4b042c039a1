"""The docker command with a timeout on every call, and what this host's Docker engine needs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

RUNTIME_WRAPPER = "kubedoctest-runc"  # the runtime name scripts/docker-engine registers


class DockerError(RuntimeError):
    pass


def run(*args: str, timeout: float = 60, input: bytes | None = None, check: bool = True) -> str:
    """Run `docker ARGS...`; on failure raise DockerError with the command and its output."""
    command = ["docker", *args]
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, input=input, check=False)
    except FileNotFoundError:
        raise DockerError("the docker command is not installed") from None
    except subprocess.TimeoutExpired:
        raise DockerError(f"command {' '.join(command)!r} did not finish within {timeout:g} s") from None
    out = done.stdout.decode(errors="replace")
    if check and done.returncode != 0:
        tail = "\n".join((out + done.stderr.decode(errors="replace")).strip().splitlines()[-15:])
        raise DockerError(f"command {' '.join(command)!r} failed with exit code {done.returncode}:\n{tail}")
    return out


def available() -> str | None:
    """None when a Docker engine answers, else why not."""
    if shutil.which("docker") is None:
        return "Docker is not installed (kind runs its nodes as Docker containers)"
    try:
        run("info", "--format", "{{.ServerVersion}}", timeout=15)
    except DockerError as e:
        last = str(e).strip().splitlines()[-1]
        return f"Docker is not running ({last}); start one with `scripts/docker-engine start`"
    return None


def image_labels(image: str) -> dict[str, str] | None:
    """The labels of a local image, or None when the image is not present."""
    try:
        out = run("image", "inspect", "--format", "{{json .Config.Labels}}", image, timeout=30)
    except DockerError:
        return None
    return json.loads(out or "null") or {}


def host_lacks_sys_resource(status: Path = Path("/proc/self/status")) -> bool:
    """True when this process's capability bounding set lacks CAP_SYS_RESOURCE (bit 24)."""
    try:
        for line in status.read_text().splitlines():
            if line.startswith("CapBnd:"):
                return not int(line.split()[1], 16) & (1 << 24)
    except (OSError, ValueError, IndexError):
        return False
    return False


def default_runtime() -> str:
    return run("info", "--format", "{{.DefaultRuntime}}", timeout=15).strip()


def runtime_workaround() -> tuple[str | None, str | None]:
    """(note, problem): note names the workaround in use; problem says why privileged containers
    would fail here and how to fix it. Both None on an ordinary Docker host."""
    if not host_lacks_sys_resource():
        return None, None
    runtime = default_runtime()
    if runtime == RUNTIME_WRAPPER:
        return (
            "runtime workaround: this host drops CAP_SYS_RESOURCE, so dockerd runs containers through "
            "scripts/runc-drop-sys-resource (runc without that one capability) and the node's containerd "
            "sets restrict_oom_score_adj = true",
            None,
        )
    return None, (
        f"this host drops CAP_SYS_RESOURCE and Docker's default runtime is {runtime!r}: privileged kind "
        "nodes fail with 'unable to apply caps'; restart Docker with `scripts/docker-engine start`, which "
        "registers scripts/runc-drop-sys-resource as its default runtime"
    )
