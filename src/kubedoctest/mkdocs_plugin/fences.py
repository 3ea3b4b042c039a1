"""The snippets of one page as the harness collects them, and where to put something after each.

Fences are found by the harness's own collector (collect.collect_page, with the includes of the
project's mkdocs.yml resolved), never by a second parser. What this module adds is only the page
line right after each fence, and a marker paragraph there that the plugin later replaces with
HTML (badges, findings) once the page is rendered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import runbook
from ..collect import RE_FENCE, SHELL_LANGUAGES, YAML_LANGUAGES, CollectError, collect_page
from ..includes import IncludeConfig
from ..model import Snippet

MARKER = "kdt-mark-{n}-kdt"
RE_MARKER_HTML = re.compile(r"(?:<p>)?kdt-mark-(\d+)-kdt(?:</p>)?")


@dataclass
class PageSnippets:
    """A page's checked snippets (YAML everywhere, bash steps on runbook pages) and problems."""

    display: str
    snippets: list[Snippet]
    errors: list[CollectError]


def collect(display: str, lines: list[str], include: IncludeConfig) -> PageSnippets:
    found, errors = collect_page(display, lines, include, YAML_LANGUAGES | SHELL_LANGUAGES)
    steps = runbook.is_runbook(display)
    kept = [s for s in found if s.language in YAML_LANGUAGES or steps]
    return PageSnippets(display, kept, errors)


def after_fence(snippet: Snippet, lines: list[str]) -> tuple[int, str] | None:
    """(0-based index of the page line after which to insert, its indentation), or None when the
    fence cannot be placed on the page (then nothing is shown for it)."""
    start = snippet.line - 1
    if not 0 <= start < len(lines):
        return None
    m = RE_FENCE.match(lines[start])
    if m is None:
        # the whole fence came from an included file: the page holds only its --8<-- line
        indent = re.match(r"[ \t]*", lines[start]).group(0)  # type: ignore[union-attr]
        return start, indent
    last = max((o.page_line for o in snippet.origins), default=snippet.line) - 1
    close = last + 1
    fence = m.group("fence")
    closing = re.compile(r"^[ \t]*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$")
    if close >= len(lines) or not closing.match(lines[close]):
        return None
    return close, m.group("indent")


def insert_markers(lines: list[str], places: dict[int, tuple[str, list[int]]]) -> list[str]:
    """The page lines with a marker paragraph (one per number) after each given line index."""
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        if i in places:
            indent, numbers = places[i]
            for n in numbers:
                out.extend(["", indent + MARKER.format(n=n), ""])
    return out
