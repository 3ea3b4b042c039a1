"""Build the control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl)
and KWOK from their Go modules, and cache the binaries per version.

k8s.io/kubernetes requires its staging modules at v0.0.0, which no module proxy serves, so a
wrapper module requires k8s.io/kubernetes and replaces every staging module with its published
v0.X.Y (the list is the replace block of k8s.io/kubernetes's own go.mod). etcd's root module
carries replace directives of its own, so a three-line main calls etcdmain.Main from the published
server module instead. Versions are stamped with -ldflags so `kubectl version` tells the truth.

A little over 250 lines, and one job: each part (Kubernetes, etcd, KWOK, kind) is a short recipe
on the same wrapper-module and version-stamping helpers.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from . import stoppable

KUBERNETES = "1.37.2"
ETCD = "3.7.3"
KWOK = "0.8.0"
KIND = "0.33.0"  # for the kind provider; built beside the others, not required by kwok
BINARIES = (
    "etcd",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kubectl",
    "kwok",
    "kwok-stages.yaml",
)
STAGES_FILE = "kwok-stages.yaml"
STAGES = (
    "node/fast/node-initialize.yaml",
    "node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
    "pod/fast/pod-ready.yaml",
    "pod/fast/pod-complete.yaml",
    "pod/fast/pod-delete.yaml",
)
_STAGING = re.compile(r"^\s*(k8s\.io/[A-Za-z0-9._-]+)\s+=>\s+\./staging/", re.M)


class BuildError(RuntimeError):
    pass


def cache_root() -> Path:
    return Path(os.environ.get("KUBEDOCTEST_CACHE") or platformdirs.user_cache_dir("kubedoctest"))


def bin_dir(version: str = KUBERNETES) -> Path:
    return cache_root() / "bin" / f"v{version}"


def info_file(version: str = KUBERNETES) -> Path:
    return bin_dir(version) / "build-info.json"


def is_built(version: str = KUBERNETES) -> bool:
    d = bin_dir(version)
    return info_file(version).is_file() and all((d / b).is_file() for b in BINARIES)


def build_info(version: str = KUBERNETES) -> dict:
    try:
        return json.loads(info_file(version).read_text())
    except (OSError, ValueError):
        return {}


def go_timeout() -> float:
    """Seconds one go command may take (a cold Kubernetes build is about 10 minutes on 2 cores)."""
    try:
        return max(60.0, float(os.environ.get("KUBEDOCTEST_GO_TIMEOUT", "3600")))
    except ValueError:
        return 3600.0


def go_env(**extra: str) -> dict[str, str]:
    """The environment of every go command of a build: the control plane here and the kind node's
    programs (kind/nodeimage/components.py; kubectl.py's oldest kubectl adds nothing either).

    Nothing here sets GOCACHE or GOMODCACHE, so all of them share Go's one build cache
    (`go env GOCACHE`, ~/.cache/go-build by default) and one module cache (`go env GOMODCACHE`,
    ~/go/pkg/mod): packages compiled for the control plane (client-go, apimachinery, the
    Kubernetes tree) are not compiled again for kubelet, kubeadm and kube-proxy, and no module is
    downloaded twice. Whoever sets GOCACHE or GOMODCACHE in the environment moves all of them at
    once, never one alone.
    """
    return {**os.environ, "CGO_ENABLED": "0", "GOFLAGS": "-mod=mod", **extra}


def go(args: list[str], cwd: Path, log: Callable[[str], None], env: dict[str, str]) -> str:
    command = ["go", *args]
    log(f"$ {' '.join(command)}  (in {cwd})")
    try:
        done = stoppable.run(command, cwd=cwd, env=env, timeout=go_timeout())
    except FileNotFoundError:
        raise BuildError(
            "failed to build the control plane: the go command is not installed; install Go 1.26 or newer"
        ) from None
    except subprocess.TimeoutExpired:
        raise BuildError(
            f"failed to build: command {' '.join(command)!r} did not finish within {go_timeout():g} s "
            "(KUBEDOCTEST_GO_TIMEOUT sets the limit)"
        ) from None
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-25:])
        raise BuildError(
            f"failed to build the control plane: command {' '.join(command)!r} failed with exit code {done.returncode}:\n{tail}"
        )
    return done.stdout


def ldflags(version: str = KUBERNETES) -> str:
    """-ldflags that stamp `version` into a Kubernetes command, as the release build does."""
    major, minor, _ = version.split(".")
    date = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    flags = ["-s", "-w"]
    for pkg in ("k8s.io/component-base/version", "k8s.io/client-go/pkg/version"):
        flags += [
            f"-X {pkg}.gitVersion=v{version}",
            f"-X {pkg}.gitMajor={major}",
            f"-X {pkg}.gitMinor={minor}",
            f"-X {pkg}.gitTreeState=clean",
            f"-X {pkg}.buildDate={date}",
        ]
    return " ".join(flags)


CONTROL_PLANE = ("kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl")
NODE = ("kubelet", "kubeadm", "kube-proxy", "kubectl")  # what a kind node image adds


def _kubernetes(
    work: Path, out: Path, log: Callable[[str], None], env: dict[str, str], commands: tuple[str, ...] = CONTROL_PLANE
) -> None:
    work.mkdir(parents=True, exist_ok=True)
    info = json.loads(go(["mod", "download", "-json", f"k8s.io/kubernetes@v{KUBERNETES}"], work, log, env))
    staging = _STAGING.findall(Path(info["GoMod"]).read_text())
    if not staging:
        raise BuildError("failed to build the control plane: found no staging modules in k8s.io/kubernetes's go.mod")
    minor = KUBERNETES.split(".", 1)[1]
    replaces = "\n".join(f"\t{m} => {m} v0.{minor}" for m in sorted(set(staging)))
    (work / "go.mod").write_text(
        f"module kubedoctest.local/controlplane\n\ngo 1.26.0\n\nrequire k8s.io/kubernetes v{KUBERNETES}\n\nreplace (\n{replaces}\n)\n"
    )
    packages = [f"k8s.io/kubernetes/cmd/{c}" for c in commands]
    go(["get", *(f"{p}@v{KUBERNETES}" for p in packages)], work, log, env)
    go(
        ["build", "-trimpath", "-ldflags", ldflags(), "-o", str(out) + "/", *packages],
        work,
        log,
        env,
    )


def _etcd(work: Path, out: Path, log: Callable[[str], None], env: dict[str, str]) -> None:
    work.mkdir(parents=True, exist_ok=True)
    (work / "go.mod").write_text("module kubedoctest.local/etcd\n\ngo 1.26.0\n")
    (work / "main.go").write_text(
        'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\n'
        "func main() { etcdmain.Main(os.Args) }\n"
    )
    go(["get", f"go.etcd.io/etcd/server/v3@v{ETCD}"], work, log, env)
    go(["mod", "tidy"], work, log, env)
    go(["build", "-trimpath", "-ldflags", "-s -w", "-o", str(out / "etcd"), "."], work, log, env)


def _kwok(work: Path, out: Path, log: Callable[[str], None], env: dict[str, str]) -> None:
    work.mkdir(parents=True, exist_ok=True)
    (work / "go.mod").write_text("module kubedoctest.local/kwok\n\ngo 1.26.0\n")
    go(["get", f"sigs.k8s.io/kwok/cmd/kwok@v{KWOK}"], work, log, env)
    go(
        [
            "build",
            "-trimpath",
            "-ldflags",
            "-s -w",
            "-o",
            str(out) + "/",
            "sigs.k8s.io/kwok/cmd/kwok",
        ],
        work,
        log,
        env,
    )
    # KWOK's controller has no stages of its own (kwokctl passes them): take the "fast" node and
    # pod stages that the same module publishes, from the module cache.
    download = go(["mod", "download", "-json", f"sigs.k8s.io/kwok@v{KWOK}"], work, log, env)
    source = Path(json.loads(download)["Dir"]) / "kustomize" / "stage"
    texts = [(source / stage).read_text().strip() for stage in STAGES]
    (out / STAGES_FILE).write_text("\n---\n".join(texts) + "\n")


def _kind(work: Path, out: Path, log: Callable[[str], None], env: dict[str, str]) -> None:
    work.mkdir(parents=True, exist_ok=True)
    (work / "go.mod").write_text("module kubedoctest.local/kind\n\ngo 1.26.0\n")
    go(["get", f"sigs.k8s.io/kind@v{KIND}"], work, log, env)
    go(["build", "-trimpath", "-ldflags", "-s -w", "-o", str(out / "kind"), "sigs.k8s.io/kind"], work, log, env)


def build_kubernetes(out: Path, commands: tuple[str, ...], log: Callable[[str], None] = print) -> None:
    """Build Kubernetes commands of the pinned release (same wrapper module, same version stamping)."""
    if shutil.which("go") is None:
        raise BuildError("failed to build Kubernetes: the go command is not installed; install Go 1.26 or newer")
    out.mkdir(parents=True, exist_ok=True)
    _kubernetes(cache_root() / "build" / "kubernetes", out, log, go_env(), commands)


def build(
    force: bool = False,
    log: Callable[[str], None] = print,
    also: Sequence[tuple[str, Callable[[], object]]] = (),
) -> dict:
    """Build (or reuse) the binaries, then run the `also` steps (named, timed; `cluster build` adds the
    oldest kubectl, kubectl.py's); returns the build info (versions, seconds per part)."""
    env = go_env()
    if is_built() and not (bin_dir() / "kind").is_file() and shutil.which("go"):
        _kind(cache_root() / "build" / "kind", bin_dir(), log, env)
    if is_built() and not force:
        info = build_info()
        log(f"reusing control plane binaries in {bin_dir()} (built in {info.get('seconds', '?')} s)")
        for _, step in also:
            step()
        return info
    if shutil.which("go") is None:
        raise BuildError("failed to build the control plane: the go command is not installed; install Go 1.26 or newer")
    out = bin_dir()
    out.mkdir(parents=True, exist_ok=True)
    work = cache_root() / "build"
    seconds: dict[str, float] = {}
    for name, step in (("kubernetes", _kubernetes), ("etcd", _etcd), ("kwok", _kwok), ("kind", _kind)):
        start = time.monotonic()
        step(work / name, out, log, env)
        seconds[name] = round(time.monotonic() - start, 1)
        log(f"built {name} in {seconds[name]} s")
    for name, also_step in also:
        start = time.monotonic()
        also_step()
        seconds[name] = round(time.monotonic() - start, 1)
    info = {
        "kubernetes": KUBERNETES,
        "etcd": ETCD,
        "kwok": KWOK,
        "kind": KIND,
        "seconds": round(sum(seconds.values()), 1),
        "parts": seconds,
        "go": subprocess.run(["go", "version"], capture_output=True, text=True, timeout=60).stdout.strip(),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
    }
    missing = [b for b in BINARIES if not (out / b).is_file()]
    if missing:
        raise BuildError(f"failed to build the control plane: {', '.join(missing)} missing after the build")
    info_file().write_text(json.dumps(info, indent=2) + "\n")
    return info
