"""The snippets of one page as the harness collects them, and where to put something after each.

Fences are found by the harness's own collector (collect.collect_page, with the includes of the
project's mkdocs.yml resolved), never by a second parser. What this module adds is only the page
line of each fence, and a marker paragraph before it that the plugin later replaces with
HTML (badges, findings) once the page is rendered.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass

from ..collect import pages
from ..collect.collect import RE_FENCE, SHELL_LANGUAGES, YAML_LANGUAGES, CollectError, collect_page
from ..collect.includes import IncludeConfig
from ..model import Snippet

MARKER = "kdt-mark-{n}-kdt"
RE_MARKER_HTML = re.compile(r"(?:<p>)?kdt-mark-(\d+)-kdt(?:</p>)?")


@dataclass
class PageSnippets:
    """A page's checked snippets (YAML everywhere, bash steps on runbook pages) and problems."""

    display: str
    snippets: list[Snippet]
    errors: list[CollectError]


_MEMO: dict[tuple, PageSnippets] = {}
_MEMO_LIMIT = 10_000
SIGNATURE_FILES = 5_000  # include folders with more files than this are not fingerprinted


def include_signature(include: IncludeConfig) -> str | None:
    """A fingerprint of every file a page could include (path, size, mtime under the base
    paths), so a page collected before can be reused while neither it nor any of these changed
    (`mkdocs serve` rebuilds). None, never reuse: includes may reach outside the base paths
    (restrict_base_path: false), or the base paths hold too many files to fingerprint cheaply."""
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
    """The page's snippets; with a `signature` (include_signature) a page whose text and
    includable files are unchanged since an earlier call is not collected again."""
    key = (display, signature, hashlib.sha256("\n".join(lines).encode()).hexdigest()) if signature else None
    if key is not None and key in _MEMO:
        return _MEMO[key]
    found, errors = collect_page(display, lines, include, YAML_LANGUAGES | SHELL_LANGUAGES)
    steps = pages.is_runbook(display)
    kept = [s for s in found if s.language in YAML_LANGUAGES or steps]
    result = PageSnippets(display, kept, errors)
    if key is not None and not errors:  # a missing include may appear later: collect again then
        if len(_MEMO) > _MEMO_LIMIT:
            _MEMO.clear()
        _MEMO[key] = result
    return result


def before_fence(snippet: Snippet, lines: list[str]) -> tuple[int, str] | None:
    """(0-based index of the page line before which to insert, its indentation), or None when
    the fence cannot be placed on the page (then nothing is shown for it). Before, not after: a
    code block's annotations are the list right after it (Material's content.code.annotate)."""
    start = snippet.line - 1
    if not 0 <= start < len(lines):
        return None
    m = RE_FENCE.match(lines[start])
    if m is None and not lines[start].strip():
        return None
    # without a fence on that line, the whole fence came from an included file: the page holds
    # only its --8<-- line, and the marker goes before that
    return start, re.match(r"[ \t]*", lines[start]).group(0)  # type: ignore[union-attr]


def insert_markers(lines: list[str], places: dict[int, tuple[str, list[int]]]) -> list[str]:
    """The page lines with a marker paragraph (one per number) before each given line index."""
    out: list[str] = []
    for i, line in enumerate(lines):
        if i in places:
            indent, numbers = places[i]
            for n in numbers:
                out.extend(["", indent + MARKER.format(n=n), ""])
        out.append(line)
    return out
