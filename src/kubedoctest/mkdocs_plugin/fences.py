"""The snippets of one page as the harness collects them, and where to put something after each.

Fences are found by the harness's own collector (collect.collect_page, with the includes of the
project's mkdocs.yml resolved), never by a second parser. What this module adds is only the page
line of each fence, and a marker paragraph before it that the plugin later replaces with
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
