"""Debian bookworm root filesystems made with mmdebstrap, cached by their package list.

Built in --mode=unshare, so the mounts mmdebstrap makes vanish with its namespace even when it is
killed. bookworm because its systemd (252) still boots on cgroup v1 hosts; systemd 256 and later refuse.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

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
TIMEOUT = 1800


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
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        partial.unlink(missing_ok=True)
        raise BuildError(
            f"failed to build the node image: {' '.join(command)!r} did not finish within {TIMEOUT} s"
        ) from None
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-20:])
        raise BuildError(f"failed to build the node image: command {' '.join(command)!r} failed:\n{tail}")
    partial.rename(tar)
    return tar
