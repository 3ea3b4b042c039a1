"""The programs of a kind node, built from their Go modules (and pause from its C source).

Every module below publishes a go.mod without replace directives, so `go install PKG@VERSION`
builds it exactly as released. The Kubernetes node commands (kubelet, kubeadm, kube-proxy, kubectl)
come from the same wrapper module and version stamping as the kwok control plane (build.py), with
the same environment (build.go_env: one Go build cache and module cache for both builds), and the
node's kubectl is the control plane's own binary, copied: the same module, version, flags and
stamping (build.ldflags), so building it a second time would only change its build date.
"""

from __future__ import annotations

import filecmp
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ... import build, stoppable

CONTAINERD = "2.4.2"
RUNC = "1.5.3"
CNI_PLUGINS = "1.10.0"
CRICTL = "1.37.0"
COREDNS = "1.14.6"  # the CoreDNS that kubeadm 1.37 deploys (constants.CoreDNSVersion)
LOCAL_PATH = "0.0.30"
PAUSE = "3.10.2"  # kubeadm 1.37's constants.PauseVersion


@dataclass(frozen=True)
class GoInstall:
    name: str  # what the build log and the timings call it
    packages: tuple[str, ...]
    version: str
    cgo: bool = False
    tags: str = ""
    ldflags: str = "-s -w"
    outputs: tuple[str, ...] = ()


INSTALLS = (
    GoInstall(
        "containerd",
        tuple(f"github.com/containerd/containerd/v2/cmd/{c}" for c in ("containerd", "ctr", "containerd-shim-runc-v2")),
        CONTAINERD,
        tags="no_btrfs no_devmapper no_zfs no_aufs",
        ldflags=f"-s -w -X github.com/containerd/containerd/v2/version.Version=v{CONTAINERD}",
        outputs=("containerd", "ctr", "containerd-shim-runc-v2"),
    ),
    GoInstall(
        "runc",
        ("github.com/opencontainers/runc",),
        RUNC,
        cgo=True,  # seccomp through libseccomp (Debian: libseccomp-dev)
        tags="seccomp urfave_cli_no_docs",
        ldflags=f"-s -w -X main.version={RUNC}",
        outputs=("runc",),
    ),
    GoInstall(
        "cni-plugins",
        tuple(
            f"github.com/containernetworking/plugins/plugins/{p}"
            for p in ("main/bridge", "ipam/host-local", "main/loopback", "meta/portmap", "main/ptp")
        ),
        CNI_PLUGINS,
        outputs=("bridge", "host-local", "loopback", "portmap", "ptp"),
    ),
    GoInstall("crictl", ("sigs.k8s.io/cri-tools/cmd/crictl",), CRICTL, outputs=("crictl",)),
    GoInstall("coredns", ("github.com/coredns/coredns",), COREDNS, outputs=("coredns",)),
    GoInstall(
        "local-path-provisioner",
        ("github.com/rancher/local-path-provisioner",),
        LOCAL_PATH,
        outputs=("local-path-provisioner",),
    ),
)
KUBERNETES_NODE = ("kubelet", "kubeadm", "kube-proxy")  # built; kubectl is copied from the control plane
COPIED = ("kubectl",)


def _run(
    command: list[str], log: Callable[[str], None], env: dict[str, str] | None = None, cwd: Path | None = None
) -> None:
    log(f"$ {' '.join(command)}")
    try:
        done = stoppable.run(command, env=env, cwd=cwd, timeout=build.go_timeout())
    except FileNotFoundError:
        raise build.BuildError(f"failed to build the node image: {command[0]!r} is not installed") from None
    except subprocess.TimeoutExpired:
        raise build.BuildError(f"failed to build the node image: {' '.join(command)!r} timed out") from None
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-20:])
        raise build.BuildError(
            f"failed to build the node image: command {' '.join(command)!r} failed with exit code {done.returncode}:\n{tail}"
        )


def go_install(item: GoInstall, out: Path, log: Callable[[str], None]) -> None:
    if all((out / o).is_file() for o in item.outputs):
        return
    out.mkdir(parents=True, exist_ok=True)
    env = build.go_env(GOBIN=str(out), CGO_ENABLED="1" if item.cgo else "0")
    command = ["go", "install", "-trimpath", "-ldflags", item.ldflags]
    if item.tags:
        command += ["-tags", item.tags]
    _run([*command, *(f"{p}@v{item.version}" for p in item.packages)], log, env)


def pause(out: Path, log: Callable[[str], None]) -> None:
    """pause from the C source that ships inside the Kubernetes module, linked statically."""
    if (out / "pause").is_file():
        return
    if shutil.which("gcc") is None:
        raise build.BuildError("failed to build the node image: gcc is needed for pause (Debian: build-essential)")
    source = module_dir(f"k8s.io/kubernetes@v{build.KUBERNETES}") / "build" / "pause" / "linux" / "pause.c"
    _run(["gcc", "-Os", "-Wall", "-static", f"-DVERSION=v{PAUSE}", "-o", str(out / "pause"), str(source)], log)
    _run(["strip", str(out / "pause")], log)


def module_dir(module: str) -> Path:
    """The folder of MODULE@VERSION in the Go module cache (downloaded when missing)."""
    import json

    build.cache_root().mkdir(parents=True, exist_ok=True)
    try:
        done = stoppable.run(
            ["go", "mod", "download", "-json", module], env=build.go_env(), timeout=600, cwd=build.cache_root()
        )
    except (FileNotFoundError, subprocess.TimeoutExpired) as e:
        raise build.BuildError(f"failed to build the node image: cannot download {module}: {e}") from None
    try:
        return Path(json.loads(done.stdout)["Dir"])
    except (ValueError, KeyError):
        raise build.BuildError(
            f"failed to build the node image: cannot download {module}: {(done.stdout + done.stderr).strip()[-500:]}"
        ) from None


def kubernetes_node(out: Path, log: Callable[[str], None]) -> None:
    """kubelet, kubeadm and kube-proxy built; kubectl copied from the control plane (build.build first)."""
    if not all((out / c).is_file() for c in KUBERNETES_NODE):
        build.build_kubernetes(out, KUBERNETES_NODE, log)
    for name in COPIED:
        source = build.bin_dir() / name
        if not source.is_file():
            raise build.BuildError(f"failed to build the node image: {source} is missing (the control plane's build)")
        if (out / name).is_file() and filecmp.cmp(source, out / name, shallow=False):
            continue
        partial = out / f".{name}.partial"
        shutil.copy2(source, partial)
        partial.replace(out / name)


def steps(out: Path, log: Callable[[str], None]) -> list[tuple[str, Callable[[], object]]]:
    """The node's programs as named build steps, in order, for a lane of nodeimage/lanes.py."""
    return [
        ("kubernetes-node", lambda: kubernetes_node(out, log)),
        *((i.name, lambda i=i: go_install(i, out, log)) for i in INSTALLS),
        ("pause", lambda: pause(out, log)),
    ]
