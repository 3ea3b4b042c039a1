"""`kubedoctest cluster build --provider kind [--force]`."""

from __future__ import annotations

import signal
import sys
from typing import Any

from ...build import BuildError
from ...docker import DockerError


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def run(force: bool = False) -> int:
    from . import build_node_image

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    old = signal.signal(signal.SIGTERM, _interrupt)
    try:
        info = build_node_image(force=force, log=log)
    except (BuildError, DockerError) as e:
        print(f"kubedoctest: failed to build the kind node image: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("kubedoctest: node image build interrupted; its build container was removed", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, old)
    how = "reused" if info.get("reused") else f"built in {info['seconds']} s"
    print(
        f"kind node image {info['image']} ({how}): Kubernetes {info['kubernetes']}, containerd {info['containerd']}, runc {info['runc']}"
    )
    return 0


def debian_lane() -> int:
    """Only the node image's Debian lane (root filesystems, busybox), cached where the full build
    finds them: scripts/test runs it in the background while the control plane compiles.
    `python -m kubedoctest.cluster.kind.nodeimage.command --debian`"""
    from . import debs, node_cache, rootfs

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    old = signal.signal(signal.SIGTERM, _interrupt)
    try:
        for _, step in rootfs.all_tars(log):
            step()
        debs.busybox(node_cache().parent, log)
    except BuildError as e:
        print(f"kubedoctest: failed to build the kind node image's root filesystems: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("kubedoctest: building the node image's root filesystems was interrupted", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, old)
    return 0


if __name__ == "__main__":
    if sys.argv[1:] != ["--debian"]:
        sys.exit("usage: python -m kubedoctest.cluster.kind.nodeimage.command --debian")
    sys.exit(debian_lane())
