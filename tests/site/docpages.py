"""What the site checks read from a Markdown page: its pages, code lines, headings and includes.

Fences are found by the harness's own collector (kubedoctest.collect), includes with the harness's
own patterns (kubedoctest.includes), so the checks and the harness never disagree about what is
code and what is prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kubedoctest.collect.collect import collect_page
from kubedoctest.collect.includes import RE_ALL, RE_TARGET, IncludeConfig

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_NAMES = {"zh": "Chinese", "en": "English"}

HEADING_RE = re.compile(r"^\s*(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*$")
ANCHOR_RE = re.compile(r"\{[^{}]*?#(?P<id>[^\s{}]+)[^{}]*\}\s*$")


def pages(root: Path, lang: str) -> list[str]:
    """The Markdown pages of one language, as paths relative to docs/<lang>/."""
    base = root / "docs" / lang
    if not base.is_dir():
        return []
    return sorted(p.relative_to(base).as_posix() for p in base.rglob("*.md"))


def rel(root: Path, path: Path) -> str:
    """`path` relative to `root` when it is inside, else as given."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


class _EveryLanguage(frozenset):
    """A language filter for the collector that keeps every fence, whatever its language."""

    def __contains__(self, item: object) -> bool:
        return True


def fence_lines(lines: list[str]) -> set[int]:
    """0-based indexes of the lines of code fences (the fence lines and the code between them).

    The harness's collector finds the fences. Include markers are blanked first: their lines
    are not code, and the page is read as written (the included text is not part of it).
    An unterminated fence makes the rest of the page code, as Markdown renders it.
    """
    plain = ["" if "8<-" in line else line for line in lines]
    snippets, errors = collect_page("page", plain, IncludeConfig(), _EveryLanguage())
    code: set[int] = set()
    for s in snippets:
        last = s.origins[-1].page_line if s.origins else s.line  # 1-based, the last code line
        code.update(range(s.line - 1, last + 1))  # the opening fence .. the closing fence
    for e in errors:
        if e.message.startswith("unterminated fence"):
            code.update(range(e.line - 1, len(lines)))
    return code


def html_comment_lines(lines: list[str]) -> set[int]:
    """0-based indexes of lines that are (part of) an HTML comment standing on its own."""
    inside = set()
    open_ = False
    for i, line in enumerate(lines):
        s = line.strip()
        if open_:
            inside.add(i)
            if "-->" in s:
                open_ = False
        elif s.startswith("<!--"):
            inside.add(i)
            if "-->" not in s[4:]:
                open_ = True
    return inside


def front_matter_lines(lines: list[str]) -> set[int]:
    if not lines or lines[0].strip() != "---":
        return set()
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return set(range(i + 1))
    return set()


def non_prose_lines(lines: list[str]) -> set[int]:
    """Lines that are not prose: fences, front matter, HTML comments, snippet includes."""
    skip = fence_lines(lines)
    skip |= front_matter_lines(lines)
    skip |= html_comment_lines(lines)
    skip |= {i for i, line in enumerate(lines) if "--8<--" in line}
    return skip


@dataclass
class Heading:
    line: int  # 1-based
    level: int
    text: str
    anchor: str | None

    @property
    def title(self) -> str:
        """The heading text without its attribute list."""
        return ANCHOR_RE.sub("", self.text).strip()


def headings(text: str) -> list[Heading]:
    """ATX headings outside code fences and HTML comments (also indented ones in admonitions)."""
    lines = text.splitlines()
    skip = fence_lines(lines) | html_comment_lines(lines)
    found = []
    for i, line in enumerate(lines):
        if i in skip:
            continue
        m = HEADING_RE.match(line)
        if not m:
            continue
        a = ANCHOR_RE.search(m.group("text"))
        found.append(Heading(i + 1, len(m.group("hashes")), m.group("text"), a.group("id") if a else None))
    return found


@dataclass
class Include:
    line: int  # 1-based
    path: str  # as written, relative to snippets/
    file: str  # the file part (line ranges and section names removed)


def _include_file(spec: str) -> str:
    # "a.yaml:3:10", "a.yaml:section" and "a.yaml" all name the file "a.yaml" (the harness's rule)
    m = RE_TARGET.match(spec.strip())
    return m.group(1).strip() if m else spec.strip()


def includes(text: str) -> list[Include]:
    """pymdownx.snippets includes (--8<--), inline and block form, in page order.

    Lines starting with ';' (escaped includes) are not includes; fences do not hide includes,
    since that is where manifests are included.
    """
    found = []
    block = False
    for i, line in enumerate(text.splitlines()):
        m = RE_ALL.match(line) if "8<-" in line else None
        if m and not m.group("escape") and not m.group("inline_marker"):
            block = not block
            continue
        if block:
            spec = line.strip()
            if spec and not spec.startswith(";"):
                found.append(Include(i + 1, spec, _include_file(spec)))
            continue
        if m and not m.group("escape"):
            path = m.group("snippet")[1:-1].strip()
            found.append(Include(i + 1, path, _include_file(path)))
    return found


def finding_key(f: str) -> tuple[str, int]:
    """Sort findings `path:line: ...` by path, then by line number."""
    path, line, _ = f.split(":", 2)
    return path, int(line) if line.isdigit() else 0
