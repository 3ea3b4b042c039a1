"""The pages under the given paths, and reading one: only regular files inside the project, bounded."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..model import InputError
from .reading import RejectedFile, read_bounded

MAX_PAGE_BYTES = 20 * 1024 * 1024
MARKDOWN_SUFFIXES = (".md", ".markdown")


def project_root(given: Path) -> Path:
    """The project a path belongs to: the nearest folder above it with a mkdocs.yml (.yaml) or a
    pyproject.toml, else the folder itself. Pages must resolve inside it."""
    start = given.resolve()
    for folder in [start, *start.parents] if start.is_dir() else start.parents:
        if any((folder / name).is_file() for name in ("mkdocs.yml", "mkdocs.yaml", "pyproject.toml")):
            return folder
    return start if start.is_dir() else start.parent


def pages(paths: Iterable[str]) -> Iterator[tuple[str, Path, Path]]:
    """(display path, file, project root) of every Markdown page under the paths, sorted.
    A path with no page, or a folder that cannot be listed, is an InputError: nothing checked
    must never look like a pass."""
    for given in paths:
        root = Path(given)
        if root.is_dir():
            found = []

            def unreadable(e: OSError) -> None:
                raise InputError(f"cannot read the folder {e.filename!r}: {e.strerror}")

            for folder, dirs, files in os.walk(root, onerror=unreadable):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in files:
                    if name.endswith(MARKDOWN_SUFFIXES):
                        found.append(Path(folder) / name)
            if not found:
                raise InputError(
                    f"no Markdown pages (*.md, *.markdown) under {given!r}: nothing to check; check the path"
                )
            top = project_root(root)
            for file in sorted(found):
                yield os.path.join(given, os.path.relpath(file, root)), file, top
        elif root.exists() or root.is_symlink():
            yield given, root, project_root(root)
        else:
            raise InputError(f"no such file or directory: {given!r}")


class PageError(ValueError):
    """A page that cannot be read as Markdown; `line` is where the problem is (1 when unknown)."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.line = line


def read_page(display: str, file: Path, root: Path | None = None) -> list[str]:
    """A page's lines. A page that cannot be read at all (missing, no permission, not a regular
    file, outside the project `root`, too large) is an InputError; a page that is not Markdown
    (binary, invalid UTF-8) is a PageError (a ValueError) at its line."""
    try:
        data = read_bounded(file, MAX_PAGE_BYTES, root)
    except RejectedFile as e:
        raise InputError(f"cannot read the page {display!r}: {e}") from None
    except OSError as e:
        raise InputError(f"cannot read the page {display!r}: {e.strerror or e}") from None
    if b"\x00" in data:
        raise PageError("this is a binary file, not a Markdown page; remove it or rename it")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise PageError(f"invalid UTF-8 at line {line} (byte {e.start}); save the page as UTF-8", line) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


RUNBOOK_DIR = "runbooks"


def is_runbook(page: str) -> bool:
    """A page under a `runbooks/` folder: its shell fences are steps that run."""
    return RUNBOOK_DIR in Path(page).parts[:-1]
