"""Resolve pymdownx.snippets includes (`--8<--`) the way MkDocs does, remembering where each line came from.

This follows pymdown-extensions' SnippetPreprocessor: inline (`--8<-- "file"`) and block markers,
`;` escapes, line ranges (`file:3:9`, `file:1:2,5:6`), sections (`file:name` with
`--8<-- [start:name]` / `[end:name]` markers), nested includes, the indentation of the marker, and
base paths. Unlike MkDocs it never drops a missing or escaping include silently: that is an error.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Origin
from .include_files import (
    FAILED_MARK,
    MAX_DEPTH,
    IncludeConfig,
    IncludeError,
    Line,
    display,
    failed_line,
    failed_message,
    read_included,
)
from .include_select import RE_SECTION, SelectionError, select_ranges, select_section, unescape_section
from .macro_includes import expand_macros

__all__ = [
    "FAILED_MARK",
    "MAX_DEPTH",
    "IncludeConfig",
    "IncludeError",
    "Line",
    "expand",
    "failed_line",
    "failed_message",
]


RE_ALL = re.compile(
    r"""(?x)
    ^(?P<space>[ \t]*)
    (?P<escape>;*)
    (?P<all>
        (?P<inline_marker>-{1,}8<-{1,}[ \t]+)
        (?P<snippet>(?:"(?:\\"|[^"\n\r])+?"|'(?:\\'|[^'\n\r])+?'))(?![ \t]) |
        (?P<block_marker>-{1,}8<-{1,})(?![ \t])
    )\r?$
    """
)
RE_BLOCK_PATH = re.compile(r"^(?P<space>[ \t]*)(?P<snippet>.*?)\r?$")
RE_TARGET = re.compile(
    r"(?i)^(.*?)(?:((?::-?[0-9]*){1,2}(?:(?:,(?=[-0-9:])-?[0-9]*)(?::-?[0-9]*)?)*)|(:[a-z][-_0-9a-z]*))?$"
)


def expand(lines: list[str], config: IncludeConfig, isolate: bool = False) -> list[Line]:
    """Expand includes in a page's lines; each output line carries its Origin. An include that
    cannot be resolved raises IncludeError, or with `isolate` becomes a marked line in place of
    its content (`failed_message`), so that only the fence holding it fails."""
    tagged = [(text, Origin(page_line=i + 1)) for i, text in enumerate(lines)]
    if config.macros_dirs is not None or config.markdown_include_base is not None:
        tagged = expand_macros(tagged, config)
    out = _parse(tagged, config, seen=[], is_section=False, depth=0)
    if not isolate:
        for text, origin in out:
            failed = failed_message(text)
            if failed is not None:
                raise IncludeError(failed, origin)
    return out


def _origin_for(parent: Origin, source: str, source_line: int) -> Origin:
    return Origin(page_line=parent.page_line, source=source, source_line=source_line)


def _parse(lines: list[Line], config: IncludeConfig, seen: list[Path], is_section: bool, depth: int) -> list[Line]:
    out: list[Line] = []
    block = False
    for text, origin in lines:
        inline = False
        m = RE_ALL.match(text) if "8<-" in text else None
        if m:
            if m.group("escape"):
                out.append((text.replace(";", "", 1), origin))
                continue
            if block and m.group("inline_marker"):
                continue
            if m.group("inline_marker"):
                inline = True
            else:
                block = not block
                continue
        elif not block:
            if not is_section and "8<-" in text:
                m2 = RE_SECTION.match(text)
                if m2 and m2.group("escape"):
                    text = unescape_section(m2)
                elif m2:
                    continue
            out.append((text, origin))
            continue
        if block and not inline:
            m = RE_BLOCK_PATH.match(text)
        assert m is not None
        space = m.group("space").expandtabs(config.tab_length)
        raw = m.group("snippet")
        path = raw[1:-1].strip() if inline else raw.strip()
        if not inline and not path:
            out.append(("", origin))
            continue
        if path.startswith(";"):
            continue
        try:
            included = _include(path, origin, config, seen, depth)
        except IncludeError as e:
            if depth > 0:  # the outermost include of the chain fails, at its page line
                raise
            out.append((failed_line(str(e)), e.origin))
            continue
        for sub_text, sub_origin in included:
            out.append((space + sub_text, sub_origin))
    return out


def _include(spec: str, origin: Origin, config: IncludeConfig, seen: list[Path], depth: int) -> list[Line]:
    m = RE_TARGET.match(spec)
    target = (m.group(1) if m else spec).strip()
    ranges, section = (m.group(2), m.group(3)) if m else (None, None)
    if not target:
        raise IncludeError(f"failed to include {spec!r}: the include names no file", origin)
    if target.lower().startswith(("http://", "https://")):
        raise IncludeError(
            f"failed to include {target!r}: URL includes are not checked; include a local file instead",
            origin,
        )
    path = _resolve(target, origin, config)
    if path in seen:
        chain = " -> ".join(display(p, config) for p in [*seen[seen.index(path) :], path])
        raise IncludeError(f"failed to include {target!r}: an include cycle ({chain}); break the cycle", origin)
    if depth >= MAX_DEPTH:
        raise IncludeError(
            f"failed to include {target!r}: includes nested more than {MAX_DEPTH} deep; include the file directly",
            origin,
        )
    content = read_included(path, target, origin, config)
    source = display(path, config)
    raw_lines = content.split("\n") if content else []
    numbered = [(t, i + 1) for i, t in enumerate(raw_lines)]
    if not content.strip():
        raise IncludeError(
            f"failed to include {target!r}: the file is empty; remove the include or fill the file", origin
        )
    lines = content.count("\n") + (not content.endswith("\n"))
    try:
        if ranges:
            numbered = select_ranges(numbered, ranges, config.dedent_subsections, target, lines)
        elif section:
            numbered = select_section(numbered, section[1:], target, config.dedent_subsections)
    except SelectionError as e:
        raise IncludeError(str(e), origin) from None
    if not any(t.strip() for t, _ in numbered):
        what = f"the lines {ranges[1:]}" if ranges else f"the section {section[1:]!r}" if section else "the file"
        raise IncludeError(
            f"failed to include {target!r}: {what} of the file hold nothing; include lines with text", origin
        )
    tagged = [(t, _origin_for(origin, source, n)) for t, n in numbered]
    seen.append(path)
    try:
        return _parse(tagged, config, seen, is_section=section is not None, depth=depth + 1)
    finally:
        seen.pop()


def _resolve(target: str, origin: Origin, config: IncludeConfig) -> Path:
    escaped = False
    for base in config.base_paths:
        try:
            base = base.resolve()
            if base.is_dir():
                candidate = (base / target).resolve()
                if config.restrict_base_path and not candidate.is_relative_to(base):
                    escaped = True
                    continue
                if candidate.exists():
                    if candidate.is_dir():
                        raise IncludeError(f"failed to include {target!r}: it is a directory, name a file", origin)
                    return candidate
            elif base.exists():
                candidate = (base.parent / target).resolve()
                if candidate.exists() and candidate.samefile(base):
                    return candidate
        except IncludeError:
            raise
        except (OSError, ValueError) as e:  # a name too long, a NUL byte, a symlink loop
            reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
            raise IncludeError(f"failed to include {target[:200]!r}: not a usable path ({reason})", origin) from None
    bases = ", ".join(display(b, config) for b in config.base_paths)
    if escaped:
        raise IncludeError(
            f"failed to include {target!r}: the path leaves the snippets base path ({bases}); move the file under it",
            origin,
        )
    raise IncludeError(
        f"failed to include {target!r}: no such file under the snippets base path ({bases}); "
        "check the path, it is relative to base_path in mkdocs.yml",
        origin,
    )
