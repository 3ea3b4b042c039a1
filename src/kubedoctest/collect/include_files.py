"""What both kinds of include share: their settings, their error, reading an included file, and the
mark of a failed include (pymdownx.snippets in includes.py; mkdocs-macros and markdown-include in
macro_includes.py)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Origin
from .reading import RejectedFile, read_bounded

MAX_DEPTH = 20  # nested includes; a deeper chain is almost surely a mistake
MAX_INCLUDE_BYTES = 5 * 1024 * 1024


class IncludeError(ValueError):
    """An include that cannot be resolved; `line` is the page line of the marker."""

    def __init__(self, message: str, origin: Origin):
        super().__init__(message)
        self.origin = origin


@dataclass
class IncludeConfig:
    """The pymdownx.snippets options that change what a page contains."""

    base_paths: list[Path] = field(default_factory=lambda: [Path(".")])
    restrict_base_path: bool = True
    dedent_subsections: bool = False
    tab_length: int = 4
    display_root: Path = field(default_factory=Path.cwd)
    project_root: Path | None = None  # included files must resolve inside it (None: anywhere)
    # mkdocs-macros (`{% include "f" %}`, `{% raw %}`): its template folders, None when not enabled
    macros_dirs: list[Path] | None = None
    macros_block: tuple[str, str] = ("{%", "%}")  # its Jinja block delimiters (j2_block_start_string, ...)
    macros_variable: tuple[str, str] = ("{{", "}}")  # its variable delimiters (j2_variable_start_string, ...)
    macros_variables: dict[str, Any] = field(default_factory=dict)  # what `{{ name }}` renders to (extra, config)
    # markdown-include (`{!f!}`): its base path, None when not enabled
    markdown_include_base: Path | None = None


Line = tuple[str, Origin]


def display(path: Path, config: IncludeConfig) -> str:
    try:
        return os.path.relpath(path, config.display_root)
    except ValueError:
        return str(path)


# A failed include becomes one marked line in place of its content, so only the fence that holds it
# fails (collect.py reads the mark); the rest of the page is still checked.
FAILED_MARK = "\x00kubedoctest-failed-include\x00"


def failed_line(message: str) -> str:
    return FAILED_MARK + message


def failed_message(text: str) -> str | None:
    """The include error a marked line carries, or None for an ordinary line."""
    return text[len(FAILED_MARK) :] if text.startswith(FAILED_MARK) else None


def read_included(path: Path, target: str, origin: Origin, config: IncludeConfig) -> str:
    """The text of an included file, or an IncludeError that says why it cannot be had."""
    try:
        content = read_bounded(path, MAX_INCLUDE_BYTES, config.project_root).decode("utf-8")
    except RejectedFile as e:
        raise IncludeError(f"failed to include {target!r}: {e}", origin) from None
    except UnicodeDecodeError as e:
        raise IncludeError(
            f"failed to include {target!r}: not valid UTF-8 ({e.reason} at byte {e.start}); save the file as UTF-8",
            origin,
        ) from None
    except OSError as e:
        raise IncludeError(f"failed to include {target!r}: {e.strerror}", origin) from None
    if "\x00" in content:
        raise IncludeError(f"failed to include {target!r}: it is a binary file", origin)
    return content
