"""Pages whose live part is the same (a page and its translation, which include the same manifests
and run the same steps): the first of them runs on the cluster, the others take its results, each
finding moved to their own page and lines and said to come from that run.

Two pages are twins when every snippet and step that goes live is the same, in the same order: the
same language, resolved text, objects, quoted output, directives and offline warnings. Nothing else of a page
reaches the cluster (a step's sandbox starts empty; the page's namespace is the run's), so the
second run could only repeat the first. Pure: no cluster, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..model import Finding, Prepared, Result, Snippet
from ..runner import is_step

Signature = tuple


def signature(live: list[Prepared]) -> Signature | None:
    """What of the page reaches the cluster, or None when nothing does."""
    if not live:
        return None
    return tuple(_item(p) for p in live)


def _item(p: Prepared) -> tuple:
    s = p.snippet
    quoted = (s.quoted.text, tuple(sorted(s.quoted.requires))) if s.quoted else None
    warnings = tuple(
        (f.severity, f.message, f.hint, f.path, f.version) for f in p.result.findings if f.severity == "warning"
    )
    objects = tuple(repr(m.obj) for m in p.manifests)
    return (is_step(p), s.language, s.text, quoted, repr(s.directives), warnings, objects)


def line_map(original: Iterable[Snippet], copy: Iterable[Snippet]) -> dict[int, int]:
    """Each line of the original page that its live snippets cover, to the same line of the copy."""
    lines: dict[int, int] = {}
    for o, c in zip(original, copy, strict=True):
        lines[o.line] = c.line
        for a, b in zip(o.origins, c.origins, strict=False):
            lines.setdefault(a.page_line, b.page_line)
        if o.quoted and c.quoted:
            lines.setdefault(o.quoted.line, c.quoted.line)
    return lines


def carried(result: Result, copy: Snippet, original_page: str, lines: dict[int, int]) -> Result:
    """The original's result for the copy's snippet: its findings at the copy's page and lines, then
    a note saying where it ran."""
    moved = re.compile(re.escape(original_page) + r":(\d+)")

    def move(text: str) -> str:
        return moved.sub(lambda m: f"{copy.page}:{lines.get(int(m.group(1)), int(m.group(1)))}", text)

    note = Finding(
        copy.where(),
        f"checked once with {original_page}: its snippets and steps are the same, and ran there on this cluster",
        "info",
    )
    findings = [
        Finding(move(f.where), move(f.message), f.severity, f.version, f.path, f.hint and move(f.hint))
        for f in result.findings
    ]
    return Result(
        copy, result.status, result.stage, [*findings, note], result.fidelity, 0.0, list(result.k8s_versions),
        list(result.reasons), list(result.standin_images), list(result.unavailable_images),
    )  # fmt: skip


def take(
    original: list[Prepared], results: dict[int, Result], copy: list[Prepared], copy_live: list[Prepared]
) -> list[tuple[Prepared, Result]]:
    """The copy page's results: its live snippets take those of the original's live snippets (in
    order; `original` holds those), the rest keep their own (offline) results."""
    lines = line_map((p.snippet for p in original), (p.snippet for p in copy_live))
    taken = {
        id(c): carried(results[id(o)], c.snippet, o.snippet.page, lines)
        for o, c in zip(original, copy_live, strict=True)
        if id(o) in results
    }
    return [(p, taken.get(id(p), p.result)) for p in copy]
