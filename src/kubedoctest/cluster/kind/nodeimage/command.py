"""`kubedoctest cluster build --provider kind [--force]`, and its Debian lane alone for scripts/test."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from typing import Any

from ...build import BuildError
from ...docker import DockerError


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _guarded(what: str, work: Callable[[], Any]) -> tuple[int, Any]:
    """work() with SIGTERM and SIGINT as an interruption: (0, its result), or an exit code (1
    failed, 130 interrupted) and one line on stderr; nothing it started is left running (lanes.py,
    stoppable.py). SIGINT gets the handler too: a process started in the background by a script
    inherits SIGINT ignored, and Python then never raises KeyboardInterrupt (the CI's hang)."""
    old = {s: signal.signal(s, _interrupt) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        return 0, work()
    except (BuildError, DockerError) as e:
        print(f"kubedoctest: failed to build {what}: {e}", file=sys.stderr)
        return 1, None
    except KeyboardInterrupt:
        print(f"kubedoctest: building {what} was interrupted; what it had started was stopped", file=sys.stderr)
        return 130, None
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


def run(force: bool = False) -> int:
    from . import build_node_image

    code, info = _guarded("the kind node image", lambda: build_node_image(force=force, log=_log))
    if code:
        return code
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

    def work() -> None:
        for _, step in rootfs.all_tars(_log):
            step()
        debs.busybox(node_cache().parent, _log)

    return _guarded("the kind node image's root filesystems", work)[0]


if __name__ == "__main__":
    if sys.argv[1:] != ["--debian"]:
        sys.exit("usage: python -m kubedoctest.cluster.kind.nodeimage.command --debian")
    sys.exit(debian_lane())
