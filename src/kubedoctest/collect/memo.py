"""Collecting a page again only when it or a file it could include changed (`mkdocs serve`
rebuilds every page on every change). The collection itself is collect.checked_page, the same
the CLI and pytest use; this only remembers its answer."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from ..model import Snippet
from .collect import checked_page
from .errors import CollectError
from .includes import IncludeConfig


@dataclass
class PageSnippets:
    """A page's checked snippets (YAML everywhere, shell steps on runbook pages) and problems."""

    display: str
    snippets: list[Snippet]
    errors: list[CollectError]


_MEMO: dict[tuple, PageSnippets] = {}
_MEMO_LIMIT = 10_000
SIGNATURE_FILES = 5_000  # include folders with more files than this are not fingerprinted


def include_signature(include: IncludeConfig) -> str | None:
    """A fingerprint of every file a page could include (path, size, mtime under the base
    paths), so a page collected before can be reused while neither it nor any of these changed.
    None, never reuse: includes may reach outside the base paths (restrict_base_path: false), or
    the base paths hold too many files to fingerprint cheaply."""
    if not include.restrict_base_path:
        return None
    digest = hashlib.sha256(repr((include.base_paths, include.dedent_subsections, include.tab_length)).encode())
    count = 0
    for base in include.base_paths:
        for folder, dirs, names in os.walk(base):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(folder, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                count += 1
                if count > SIGNATURE_FILES:
                    return None
                digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect(display: str, lines: list[str], include: IncludeConfig, signature: str | None = None) -> PageSnippets:
    """checked_page of the page; with a `signature` (include_signature) a page whose text and
    includable files are unchanged since an earlier call is not collected again."""
    key = (display, signature, hashlib.sha256("\n".join(lines).encode()).hexdigest()) if signature else None
    if key is not None and key in _MEMO:
        return _MEMO[key]
    found, errors = checked_page(display, lines, include)
    result = PageSnippets(display, found, errors)
    if key is not None and not errors:  # a missing include may appear later: collect again then
        if len(_MEMO) > _MEMO_LIMIT:
            _MEMO.clear()
        _MEMO[key] = result
    return result
