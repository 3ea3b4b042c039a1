"""The kubectl that runbook steps run with: the cluster's own, or the oldest one its version skew
allows (one minor below the API server, as the setup page tells readers), built from the
published k8s.io/kubectl module and cached per version.

kubectl's main package lives in k8s.io/kubernetes, but it is three lines that call
k8s.io/kubectl's command; a small module of our own does the same, so an older kubectl needs no
wrapper of the whole k8s.io/kubernetes module. Versions are stamped like the control plane's, so
`kubectl version --client` tells the truth.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from . import build, processes
from .provider import ProviderError

# The newest patch of the minor below the pinned control plane, so a build needs no version list.
PINNED = {"1.36": "1.36.6"}
_VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)$")
_MAIN = """package main

import (
\t"os"

\t_ "k8s.io/client-go/plugin/pkg/client/auth"
\t"k8s.io/component-base/cli"
\t"k8s.io/kubectl/pkg/cmd"
)

func main() { os.Exit(cli.Run(cmd.NewDefaultKubectlCommand())) }
"""


def binary(version: str) -> Path:
    return build.cache_root() / "bin" / f"kubectl-v{version}" / "kubectl"


def oldest_minor(server: str) -> str:
    """'1.37.2' or 'v1.37.2' -> '1.36': the oldest kubectl minor the skew policy allows."""
    m = re.match(r"^v?(\d+)\.(\d+)", server or "")
    if not m or int(m.group(2)) < 1:
        raise ProviderError(f"cannot tell the oldest kubectl for API server version {server!r}")
    return f"{m.group(1)}.{int(m.group(2)) - 1}"


def newest_patch(minor: str, log: Callable[[str], None] = print) -> str:
    """The newest published kubectl of a minor: pinned, else the module proxy's version list."""
    if minor in PINNED:
        return PINNED[minor]
    major, _, num = minor.partition(".")
    env = {**os.environ, "GOFLAGS": "-mod=mod"}
    try:
        done = subprocess.run(
            ["go", "list", "-m", "-versions", "k8s.io/kubectl"], capture_output=True, text=True, timeout=120, env=env
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ProviderError(f"failed to list the versions of k8s.io/kubectl: {e}") from None
    patches = [int(v.split(".")[2]) for v in done.stdout.split() if re.fullmatch(rf"v0\.{num}\.\d+", v)]
    if done.returncode != 0 or not patches:
        raise ProviderError(
            f"failed to find a kubectl {minor}: command 'go list -m -versions k8s.io/kubectl' "
            f"listed no v0.{num}.x ({done.stderr.strip()[:300] or 'no output'})"
        )
    return f"{major}.{num}.{max(patches)}"


def resolve(choice: str, server: str, log: Callable[[str], None] = print) -> str | None:
    """The kubectl version a `runbook_kubectl` setting asks for; None for the cluster's own."""
    if choice == "cluster":
        return None
    if choice == "oldest":
        return newest_patch(oldest_minor(server), log)
    m = _VERSION.match(choice)
    if not m:
        raise ProviderError(f"runbook kubectl must be cluster, oldest or a version X.Y.Z: got {choice!r}")
    return ".".join(m.groups())


def ensure(version: str, log: Callable[[str], None] = print) -> Path:
    """The path of kubectl `version`, built from its module when it is not cached yet."""
    out = binary(version)
    if out.is_file():
        return out
    for stale in out.parent.parent.glob(f"{out.parent.name}.tmp-*"):  # builds that were killed
        pid = stale.name.rpartition("-")[2]
        if pid.isdigit() and not processes.alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    if shutil.which("go") is None:
        raise ProviderError(
            f"failed to build kubectl v{version}: the go command is not installed; install Go 1.26 or newer"
        )
    _, minor, patch = version.split(".")
    module = f"0.{minor}.{patch}"
    work = build.cache_root() / "build" / f"kubectl-v{version}"
    work.mkdir(parents=True, exist_ok=True)
    (work / "go.mod").write_text("module kubedoctest.local/kubectl\n\ngo 1.26.0\n")
    (work / "main.go").write_text(_MAIN)
    env = {**os.environ, "CGO_ENABLED": "0", "GOFLAGS": "-mod=mod"}
    log(f"building kubectl v{version} from k8s.io/kubectl v{module} (once; cached in {out.parent})")
    tmp = out.parent.with_name(out.parent.name + f".tmp-{os.getpid()}")
    try:
        build.go(["get", f"k8s.io/kubectl@v{module}", f"k8s.io/component-base@v{module}"], work, log, env)
        build.go(["get", f"k8s.io/client-go@v{module}"], work, log, env)
        build.go(["mod", "tidy"], work, log, env)
        tmp.mkdir(parents=True, exist_ok=True)
        build.go(
            ["build", "-trimpath", "-ldflags", build.ldflags(version), "-o", str(tmp / "kubectl"), "."], work, log, env
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp / "kubectl", out)  # a killed build leaves no half-written kubectl behind
    except build.BuildError as e:
        raise ProviderError(str(e).replace("the control plane", f"kubectl v{version}")) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def build_oldest(log: Callable[[str], None] = print) -> Path:
    """The oldest kubectl the skew policy allows with the pinned control plane (runbook steps run
    with it on kwok, `--runbook-kubectl oldest`): built once by `kubedoctest cluster build`, then reused."""
    try:
        return ensure(newest_patch(oldest_minor(build.KUBERNETES), log), log)
    except ProviderError as e:
        raise build.BuildError(str(e)) from None
