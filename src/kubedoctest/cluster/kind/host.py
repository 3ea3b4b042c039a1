"""What a kind node changes on the host: kernel parameters a privileged node sets for the whole host
(measured on this project's CI machine: systemd in the node and the kubelet set them), put back
once no kind cluster of ours is left; and whether the host runs cgroup v1."""

from __future__ import annotations

from pathlib import Path

HOST_SYSCTLS = (
    "kernel/panic",
    "kernel/panic_on_oops",
    "vm/overcommit_memory",
    "fs/file-max",
    "fs/protected_fifos",
    "fs/protected_regular",
    "fs/protected_symlinks",
)


def read_sysctls() -> dict[str, str]:
    out = {}
    for key in HOST_SYSCTLS:
        try:
            out[key] = (Path("/proc/sys") / key).read_text().strip()
        except OSError:
            pass
    return out


def restore_sysctls(saved: dict[str, str]) -> list[str]:
    """Write back the saved values that changed; returns what could not be restored."""
    problems = []
    for key, value in saved.items():
        path = Path("/proc/sys") / key
        try:
            if path.read_text().strip() != value:
                path.write_text(value + "\n")
        except OSError as e:
            problems.append(f"{key.replace('/', '.')} (was {value}): {e.strerror}")
    return problems


def cgroup_v1() -> bool:
    return not Path("/sys/fs/cgroup/cgroup.controllers").exists()
