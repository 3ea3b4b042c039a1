"""Parts of an included file: line ranges and sections, as pymdownx.snippets selects them."""

from __future__ import annotations

import re
import textwrap

Numbered = list[tuple[str, int]]  # (text, 1-based line of the included file)

# As pymdownx.snippets: the lookarounds after the lazy `pre` skip positions that cannot start the
# shortest match (after a `;`, or inside a run of `-`), so a long run of `-` is not re-scanned from
# every position (quadratic time).
RE_SECTION = re.compile(
    r"(?xi)^(?P<pre>.*?)(?<!;)(?!(?<=-)-)(?P<escape>;*)(?P<marker>-{1,}8<-{1,}[ \t]+)"
    r"(?P<section>\[[ \t]*(?P<type>start|end)[ \t]*:[ \t]*(?P<name>[a-z][-_0-9a-z]*)[ \t]*\])(?P<post>.*?)$"
)


class SelectionError(ValueError):
    """A range or section that selects what is not there; the message says what to fix."""


def unescape_section(m: re.Match[str]) -> str:
    """An escaped section marker (`;--8<-- [start:x]`) is text: drop one `;`."""
    return (
        m.group("pre")
        + m.group("escape").replace(";", "", 1)
        + m.group("marker")
        + m.group("section")
        + m.group("post")
    )


def _dedent(numbered: Numbered, dedent: bool) -> Numbered:
    if not dedent:
        return numbered
    texts = textwrap.dedent("\n".join(t for t, _ in numbered)).split("\n")
    return list(zip(texts, (n for _, n in numbered), strict=True))


def select_ranges(numbered: Numbered, ranges: str, dedent: bool, target: str, lines: int) -> Numbered:
    """The lines of `file:3:9,12:` (1-based, negative from the end); a bound past the end is an error."""
    total = len(numbered)
    out: Numbered = []
    for nums in ranges[1:].split(","):
        span = nums.split(":")
        start = int(span[0]) if span[0] and len(span[0]) < 10 else None
        end = int(span[1]) if len(span) > 1 and span[1] and len(span[1]) < 10 else None
        for bound in (start, end):
            if bound is not None and abs(bound) > lines:
                raise SelectionError(
                    f"failed to include {target}{ranges}: line {bound} is past the end of the file "
                    f"({lines} lines); fix the line range"
                )
        if start is not None and start >= 0:
            start = max(0, start - 1)
        if start is not None and start < 0:
            start = min(max(total + start, 0), total)
        if end is not None and end < 0:
            end = min(max(total + 1 + end, 0), total)
        out.extend(numbered[slice(start, end)])
    return _dedent(out, dedent)


def select_section(numbered: Numbered, name: str, target: str, dedent: bool) -> Numbered:
    """The lines between `--8<-- [start:name]` and `--8<-- [end:name]`."""
    out: Numbered = []
    start = found = False
    for text, n in numbered:
        m = RE_SECTION.match(text) if "8<-" in text else None
        if m and m.group("escape"):
            text = unescape_section(m)
        elif m is not None and m.group("name") == name:
            if not start and m.group("type") == "start":
                start = found = True
                continue
            if start and m.group("type") == "start":
                continue
            break
        elif m and start:
            continue
        if start:
            out.append((text, n))
    if not found:
        raise SelectionError(
            f"failed to include {target}:{name}: no section {name!r} in the file; "
            f"mark it with --8<-- [start:{name}] and --8<-- [end:{name}]"
        )
    return _dedent(out, dedent)
