"""Reading files a docs change may have planted: only regular files inside the project, bounded.

A page or include may be a symlink to a secret outside the project, a FIFO that never ends, or
a device such as /dev/zero. The file type is checked before opening (and again on the open file),
the open never blocks, and at most `limit + 1` bytes are read whatever the size claims to be.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class RejectedFile(ValueError):
    """A file that is not read: the message says why and what to do."""


_TYPES = [
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
]


def _kind(mode: int) -> str:
    return next((name for test, name in _TYPES if test(mode)), "not a regular file")


def inside(path: Path, root: Path) -> Path:
    """The path with symlinks resolved; RejectedFile when that leaves `root`."""
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise RejectedFile(
            f"it resolves to a file outside the project ({root.resolve()}); "
            "a page or include must be a file of the project, not a link to elsewhere"
        )
    return resolved


def read_bounded(path: Path, limit: int, root: Path | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (inside `root` when given).

    Raises RejectedFile (a ValueError) for a file that must not be read, OSError when reading fails.
    """
    target = inside(path, root) if root is not None else path
    mode = os.stat(target).st_mode
    if not stat.S_ISREG(mode):
        raise RejectedFile(f"it is {_kind(mode)}, not a regular file")
    fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode  # the file opened may not be the file checked
        if not stat.S_ISREG(mode):
            raise RejectedFile(f"it is {_kind(mode)}, not a regular file")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:
        raise RejectedFile(f"it is larger than the {_size(limit)} limit; split it into smaller files")
    return b"".join(chunks)


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit} bytes"
