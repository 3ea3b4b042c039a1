"""Includes of two other MkDocs plugins, resolved as the site builds them, each line remembering
where it came from:

- mkdocs-macros: `{% include "file" %}` (Jinja, from the plugin's `include_dir` and the docs folder)
  and `{% raw %}` / `{% endraw %}`, which only stop Jinja from rendering what they enclose;
- markdown-include: `{!file!}`, relative to its `base_path`.

They run before pymdownx.snippets (MkDocs renders macros first, then the Markdown extensions).
A file that cannot be included becomes one marked line (include_files.failed_line), so only its fence fails.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Origin
from .include_files import MAX_DEPTH, IncludeConfig, IncludeError, failed_line, read_included
from .macro_variables import render_variables

Line = tuple[str, Origin]

RE_MD_INCLUDE = re.compile(r"^(?P<space>[ \t]*)\{!\s*(?P<path>[^!]+?)\s*!\}\s*$")


def _jinja(block: tuple[str, str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The include and raw-tag patterns for the plugin's block delimiters (`{% %}` by default,
    `[[% %]]` when j2_block_start_string says so)."""
    start, end = (re.escape(b) for b in block)
    include = re.compile(
        rf"""^(?P<space>[ \t]*){start}-?\s*include\s+(?P<q>["'])(?P<path>[^"']+)(?P=q).*?-?{end}\s*$"""
    )
    raw = re.compile(rf"{start}-?\s*(?:raw|endraw)\s*-?{end}")
    return include, raw


def expand_macros(lines: list[Line], config: IncludeConfig, depth: int = 0, seen: tuple[Path, ...] = ()) -> list[Line]:
    """The lines with every macros and markdown-include include replaced by the file's lines."""
    out: list[Line] = []
    if config.macros_dirs is not None:  # Jinja renders the page, and each file it includes, first
        lines = render_variables(lines, config.macros_variables, config.macros_block, config.macros_variable)
    include_re, raw_re = _jinja(config.macros_block)
    opener = config.macros_block[0]
    for text, origin in lines:
        jinja = include_re.match(text) if config.macros_dirs is not None and opener in text else None
        md = RE_MD_INCLUDE.match(text) if config.markdown_include_base is not None and "{!" in text else None
        found = jinja or md
        if found is None:
            if config.macros_dirs is not None and opener in text and raw_re.search(text):
                text = raw_re.sub("", text)
                if not text.strip():
                    continue  # a line that held only the tag is gone from the rendered page
            out.append((text, origin))
            continue
        target = found.group("path").strip()
        bases = list(config.macros_dirs or []) if jinja else [config.markdown_include_base]
        try:
            included = _read(target, bases, origin, config, depth, seen)
        except IncludeError as e:
            if depth > 0:
                raise
            out.append((failed_line(str(e)), origin))
            continue
        space = found.group("space")
        out.extend((space + t if t else t, o) for t, o in included)
    return out


def _read(
    target: str, bases: list[Path | None], origin: Origin, config: IncludeConfig, depth: int, seen: tuple[Path, ...]
) -> list[Line]:
    if depth >= MAX_DEPTH:
        raise IncludeError(f"failed to include {target!r}: includes nested more than {MAX_DEPTH} deep", origin)
    path = next((b / target for b in bases if b is not None and (b / target).is_file()), None)
    if path is None:
        where = ", ".join(_show(b, config) for b in bases if b is not None) or "(none)"
        raise IncludeError(
            f"failed to include {target!r}: no such file under {where}; "
            "check the path against include_dir (mkdocs-macros) or base_path (markdown-include) in mkdocs.yml",
            origin,
        )
    path = path.resolve()
    if path in seen:
        raise IncludeError(f"failed to include {target!r}: an include cycle; break the cycle", origin)
    content = read_included(path, target, origin, config)
    source = _show(path, config)
    numbered = content.split("\n")
    if numbered and numbered[-1] == "":
        numbered.pop()
    tagged = [(t, Origin(origin.page_line, source, i + 1)) for i, t in enumerate(numbered)]
    return expand_macros(tagged, config, depth + 1, (*seen, path))


def _show(path: Path, config: IncludeConfig) -> str:
    try:
        return str(path.resolve().relative_to(config.display_root.resolve()))
    except ValueError:
        return str(path)
