"""Where the plugin puts a badge or a finding on a page: rendering, not collection.

The snippets themselves, their ids and lines, come from the core's collection
(collect.checked_page, through collect.memo), exactly as the CLI and pytest collect them. This
module only turns a snippet's page line into a place in the Markdown MkDocs renders: a marker
paragraph inserted before the fence (or before the `--8<--` line a whole fence came from), which
on_page_content replaces with the HTML once the page is rendered. It reads no fence of its own:
a line it cannot place gets nothing shown, and the snippet is still checked.
"""

from __future__ import annotations

import re

from ..collect.fence import RE_FENCE
from ..model import Snippet

MARKER = "kdt-mark-{n}-kdt"
RE_MARKER_HTML = re.compile(r"(?:<p>)?kdt-mark-(\d+)-kdt(?:</p>)?")


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
