"""Debian bookworm root filesystems made with mmdebstrap, cached by their package list.

Built in --mode=unshare, so the mounts mmdebstrap makes vanish with its namespace even when it is
killed. bookworm because its systemd (252) still boots on cgroup v1 hosts; systemd 256 and later refuse.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from ... import build, stoppable
from ...build import BuildError

SUITE = "bookworm"
MIRROR = "http://deb.debian.org/debian"
# What kind's base image installs (images/base/Dockerfile), minus fuse-overlayfs and open-iscsi.
NODE = (
    "systemd", "systemd-sysv", "conntrack", "iptables", "nftables", "iproute2", "ethtool",
    "util-linux", "mount", "kmod", "libseccomp2", "pigz", "nfs-common", "e2fsprogs", "bash",
    "ca-certificates", "curl", "jq", "procps", "socat",
)  # fmt: skip
# kube-proxy's image: the tools its iptables and nftables modes call.
KUBE_PROXY = ("iptables", "nftables", "conntrack", "kmod", "ipset")
# The stand-ins of workload images the docs use (kind/images.py), built with the node image so a
# cold run does not make them one by one while the tests wait.
STANDINS = {
    "standin-nginx": ("nginx-light",),
    "standin-busybox": ("busybox",),
    "standin-curl": ("curl", "ca-certificates"),
    "standin-redis": ("redis-server",),
}
TIMEOUT = 1800


def cache_dir() -> Path:
    """Where the tars are kept: KUBEDOCTEST_ROOTFS_CACHE, else node/rootfs in kubedoctest's cache."""
    return Path(os.environ.get("KUBEDOCTEST_ROOTFS_CACHE") or build.cache_root() / "node" / "rootfs")


def all_tars(log: Callable[[str], None]) -> list[tuple[str, Callable[[], Path]]]:
    """Every root filesystem of a kind cluster as named steps: the node's, kube-proxy's, the stand-ins'."""
    wanted = {"node": NODE, "kube-proxy": KUBE_PROXY, **STANDINS}
    return [
        (f"rootfs-{name}", lambda name=name, packages=packages: rootfs(name, packages, cache_dir(), log))
        for name, packages in wanted.items()
    ]


def rootfs(
    name: str, packages: tuple[str, ...], cache: Path, log: Callable[[str], None], variant: str = "minbase"
) -> Path:
    """A tar of a bookworm root filesystem with `packages`, built once per package list."""
    key = hashlib.sha256(f"{SUITE} {variant} {' '.join(sorted(packages))}".encode()).hexdigest()[:12]
    tar = cache / f"{name}-{key}.tar"
    if tar.is_file():
        return tar
    if shutil.which("mmdebstrap") is None:
        raise BuildError(
            "failed to build the node image: mmdebstrap is not installed (Debian: apt-get install mmdebstrap)"
        )
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f"{name}-{key}.partial.tar"
    command = [
        "mmdebstrap",
        "--mode=unshare",
        f"--variant={variant}",
        f"--include={','.join(packages)}",
        SUITE,
        str(partial),
        MIRROR,
    ]
    log(f"$ {' '.join(command)}")
    try:
        done = stoppable.run(command, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        partial.unlink(missing_ok=True)
        raise BuildError(
            f"failed to build the node image: {' '.join(command)!r} did not finish within {TIMEOUT} s"
        ) from None
    except BaseException:  # stopped, or interrupted: no half-written tar is left
        partial.unlink(missing_ok=True)
        raise
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-20:])
        raise BuildError(f"failed to build the node image: command {' '.join(command)!r} failed:\n{tail}")
    partial.rename(tar)
    return tar
