"""One fenced code block: its opening line, its language, its body read up to the closing fence."""

from __future__ import annotations

import re

from ..model import Origin, Snippet
from .errors import CollectError
from .includes import failed_message

# `info` is greedy (trailing blanks are stripped in code): a lazy group followed by `[ \t]*$` is
# quadratic on a long line of blanks.
RE_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>.*)$")


def language_of(info: str) -> str:
    """The language of a fence's info string: `yaml title="x"` and `{.yaml}` both give yaml."""
    info = info.strip()
    if info.startswith("{"):
        m = re.search(r"\.([A-Za-z0-9_+-]+)", info)
        return m.group(1).lower() if m else ""
    return info.split(None, 1)[0].lower() if info else ""


def read_fence(
    display: str,
    expanded: list[tuple[str, Origin]],
    start: int,
    m: re.Match[str],
    languages: frozenset[str],
) -> tuple[int, Snippet | None, CollectError | None]:
    fence = m.group("fence")
    indent = len(m.group("indent").expandtabs(4))
    info = m.group("info").rstrip(" \t")
    language = language_of(info)
    close = re.compile(r"^[ \t]*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$")
    body: list[tuple[str, Origin]] = []
    j = start + 1
    opener = expanded[start][1].page_line
    while j < len(expanded):
        text, origin = expanded[j]
        if close.match(text):
            break
        inner = RE_FENCE.match(text) if language in languages else None
        if (
            inner
            and inner.group("fence")[0] == fence[0]
            and len(inner.group("fence")) >= len(fence)
            and inner.group("info").strip()
            and len(inner.group("indent").expandtabs(4)) == indent
        ):  # Markdown reads it as text of this fence: this fence was never closed
            return (
                j,
                None,
                CollectError(
                    display,
                    opener,
                    f"fence {fence}{info} is not closed before the fence at line {origin.page_line} "
                    f"({text.strip()}): add {fence} before it",
                ),
            )
        body.append((dedent(text, indent), origin))
        j += 1
    else:
        if language not in languages or not body:
            return j, None, None  # Markdown closes it at the end of the page; nothing of ours is in it
        return (
            j,
            None,
            CollectError(
                display,
                opener,
                f"unterminated fence {fence}{info}: close it with {fence} (everything after it would be read as code)",
            ),
        )
    if language not in languages:
        return j + 1, None, None
    failed = next((failed_message(t) for t, _ in body if failed_message(t) is not None), None)
    if failed is not None:  # the fence's include could not be read: only this fence fails
        where = next(o.page_line for t, o in body if failed_message(t) is not None)
        return j + 1, None, CollectError(display, where, failed)
    snippet = Snippet(
        page=display,
        line=expanded[start][1].page_line,
        language=language,
        text="\n".join(t for t, _ in body),
        origins=[o for _, o in body],
    )
    return j + 1, snippet, None


def dedent(text: str, indent: int) -> str:
    """Remove up to `indent` columns of leading white space, as Markdown does for nested fences."""
    removed = 0
    k = 0
    while k < len(text) and removed < indent and text[k] in " \t":
        removed += 4 - (removed % 4) if text[k] == "\t" else 1
        k += 1
    return text[k:]
