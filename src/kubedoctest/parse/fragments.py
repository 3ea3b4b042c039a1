"""Fragments: what real documentation shows on purpose that is not a whole object.

- elisions: `...`, `…`, `[...]`, `(...)`, `<snip>` on a line or as a value, and comments that say
  something was left out (`# ...`, `# (...)`, `# etc.`);
- placeholders: `<secret-name>`, `${VAR}`, `$(VAR)`, `$VAR`, `@VAR@`, `{{ .x }}`, `REPLACE_ME`,
  `YOUR_TOKEN`, `****`;
- partial objects and patches: no `metadata.name` (an excerpt, a patch, a server-side-apply body);
- templates: Helm, Go or Jinja templates that are not YAML until rendered.

A fragment is checked for what is there (field names, types, formats of values that are not
placeholders), never for what it leaves out (required fields). The elisions are taken out of the
text before it is parsed; line numbers stay as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_MARK = (
    r"(?:\.\.\.+\s*(?:<\s*snip(?:ped)?\s*>)?|…|\[\s*(?:\.\.+|…)\s*\]|\(\s*(?:\.\.\.+|…)\s*\)|\{\s*(?:\.\.\.+|…)\s*\}"
    r"|<-*\s*snip(?:ped)?\s*-*>)"
)
# A line that is only an elision (also as a list item, or followed by a word like "etc.")
ELISION_LINE = re.compile(
    rf"^\s*(?:-\s+)?{_MARK}(?:\s*(?:etc\.?|and so on|more|omitted|snip(?:ped)?))?\s*(?:#.*)?$", re.I
)
# A comment that says something was left out
ELISION_COMMENT = re.compile(
    rf"^\s*#\s*(?:{_MARK}|etc\.?\s*$|snip\b|(?:the )?rest\b|other (?:fields|settings|keys|config\w*|options)"
    r"|more (?:fields|settings)\b|omitted\b|truncated\b|trimmed\b)"
    r"|^\s*#.*(?:\.\.\.|…)\s*$|^\s*#.*\b(?:is|are) (?:omitted|elided|not shown)\b",
    re.I,
)
# `key: ...` : the value left out
ELIDED_VALUE = re.compile(rf"^(?P<key>\s*(?:-\s+)?[^\s#][^#]*?:)\s+(?:[|>][-+]?\s*)?{_MARK}\s*(?:#.*)?$")
# `key: *int32` in a table of field types (no anchor in the text): a type, not an alias
TYPE_VALUE = re.compile(
    r"^(?P<key>\s*(?:-\s+)?[^\s#][^#]*?:\s+)(?P<value>\*\[?\]?[A-Za-z][\w.\[\]]*)\s*(?P<comment>#.*)?$"
)
# `key: ****` (YAML would read `*` as an alias)
STARS_VALUE = re.compile(r"^(?P<key>\s*(?:-\s+)?(?:[^\s#][^#]*?:\s+)?)(?P<stars>\*{3,})\s*(?P<comment>#.*)?$")
# `key: [PROJECT_ID]@x.com`, `key: [...].iam.example.com`, `key: @VAR@`, `key: {{ YOUR_NAME }}`: a
# placeholder YAML would read as a list, a reserved character or a mapping; quoted before parsing
BRACKETED_VALUE = re.compile(
    r"^(?P<key>\s*(?:-\s+(?:[^\s#][^#]*?:\s+)?|[^\s#][^#]*?:\s+))"
    r"(?P<value>\[(?:[A-Z][A-Z0-9_]*|\.\.\.)\]\S*|@[A-Za-z][^#]*?|\{\{\s*[A-Za-z_][\w-]*\s*\}\})\s*(?P<comment>#.*)?$"
)
# `kubectl apply -f - <<EOF` ... `EOF` around a manifest: the shell lines are not YAML
HEREDOC = re.compile(r"^\s*(?:\$\s*)?[A-Za-z][^:#]*<<-?\s*['\"]?(?P<tag>[A-Za-z_]+)['\"]?")

# Placeholders a reader must replace: a one-line value holding one is never a whole object
STRONG = re.compile(
    r"<[A-Za-z_][^<>/\n]{0,80}>"  # <secret-name>, <the namespace>
    r"|\$\{[A-Za-z_][A-Za-z0-9_]*\}"  # ${VAR} (not ${1}, a regex back-reference)
    r"|@[A-Z][A-Z0-9_]*@"  # @VAR@
    r"|\b(?:REPLACE|CHANGE)[-_]?ME\b|\bCHANGEME\b|\b(?:YOUR|REPLACE[-_]WITH|INSERT|FILL[-_]IN)[-_][A-Z0-9_-]+"
    r"|^\*{3,}$|\[[A-Z][A-Z0-9_]*\]"
)
# Placeholders that may also be meant as they are (`$(VAR)` is Kubernetes' own expansion, `{{ }}`
# a template the object's controller renders): they only excuse an error in their value
WEAK = re.compile(
    r"^\.{2,}[^.]*\.{2,}$|\$\([A-Za-z_][^)\n]*\)|\$[A-Z][A-Z0-9_]{2,}\b|\{\{.*?\}\}|\[\[.*?\]\]|\bREDACTED\b|^x{4,}$|^X{3,}$"
)


# Template syntax that is not YAML until a tool renders it (Helm, Go templates, Jinja)
TEMPLATE = re.compile(
    r"\{\{-|-\}\}|\{\{\s*(?:if|else|end|range|with|define|template|include|toYaml|tpl|required|default"
    r"|\.Values|\.Release|\.Chart|\.Capabilities|\.Files|\$)\b|\{%|\{#"
)


@dataclass
class Prepared:
    """A snippet's text with its elisions taken out, and what was found on the way."""

    text: str
    elided: list[int] = field(default_factory=list)  # 0-based lines with an elision
    template: str | None = None  # the first line of template syntax, when there is one


def prepare(text: str) -> Prepared:
    lines = _without_heredoc(text.split("\n"))
    anchored = re.search(r"&[A-Za-z0-9_-]", text) is not None
    out: list[str] = []
    elided: list[int] = []
    template = None
    for number, line in enumerate(lines):
        if template is None and TEMPLATE.search(line):
            template = line.strip()
        if line.rstrip() == "..." and _ends_document(lines, number):
            out.append(line)  # YAML's own document end marker
            continue
        if ELISION_LINE.match(line):
            elided.append(number)
            out.append("")
            continue
        if ELISION_COMMENT.match(line):
            elided.append(number)
        m = ELIDED_VALUE.match(line)
        if m:
            elided.append(number)
            line = m.group("key")
        patterns = [(STARS_VALUE, "stars"), (BRACKETED_VALUE, "value")]
        if not anchored:
            patterns.append((TYPE_VALUE, "value"))
        for pattern, group in patterns:
            found = pattern.match(line)
            if found:
                quoted = found.group(group).replace("\\", "\\\\").replace('"', '\\"')
                line = f'{found.group("key")}"{quoted}" {found.group("comment") or ""}'.rstrip()
        out.append(line)
    last = next(
        (i for i in range(len(out) - 1, -1, -1) if out[i].strip() and not out[i].lstrip().startswith("#")), None
    )
    if last is not None and re.match(r"^\s*(?:-\s+)?[\w.-]+:\s*$", out[last]) and last > 0:
        elided.append(last)  # an excerpt cut off after a key (`spec:`): the rest left out
    return Prepared("\n".join(out), elided, template)


def _without_heredoc(lines: list[str]) -> list[str]:
    """A manifest written as a shell here-document (`kubectl apply -f - <<EOF` ... `EOF`): the two
    shell lines blanked, the manifest between them kept at its lines."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    m = HEREDOC.match(lines[first]) if first is not None else None
    if m is None:
        return lines
    out = list(lines)
    out[first] = ""
    for i in range(first + 1, len(out)):
        if out[i].strip() == m.group("tag"):
            out[i] = ""
            break
    return out


def _ends_document(lines: list[str], number: int) -> bool:
    """Whether `...` at column 0 ends a YAML document: the next line with text starts another
    (`---`), or there is none."""
    rest = [line for line in lines[number + 1 :] if line.strip()]
    return not rest or rest[0].startswith("---")


def placeholder(value: Any, strong_only: bool = False) -> str | None:
    """The placeholder a string holds (`<secret-name>`), or None; a value of several lines (a
    file in a ConfigMap) holds none."""
    if not isinstance(value, str) or "\n" in value.strip():
        return None
    text = value.strip()
    m = STRONG.search(text)
    if m and m.group(0).startswith("<") and ("</" in text or "/>" in text):
        m = None  # HTML (`<h1>hi</h1>`), not a placeholder
    m = m or (None if strong_only else WEAK.search(text))
    return m.group(0) if m else None


def placeholders(obj: Any, strong_only: bool = False, path: tuple = ()) -> dict[tuple, str]:
    """Field path -> placeholder, for every value and key of an object that holds one."""
    found: dict[tuple, str] = {}
    if isinstance(obj, dict):
        for key, value in obj.items():
            held = placeholder(key, strong_only)
            if held:
                found[(*path, key)] = held
            found.update(placeholders(value, strong_only, (*path, key)))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            found.update(placeholders(value, strong_only, (*path, i)))
    else:
        held = placeholder(obj, strong_only)
        if held:
            found[path] = held
    return found


def inside(path: tuple, marked: dict[tuple, str]) -> str | None:
    """An elision held somewhere inside the value at a field path (`["...snip..."]`), or None."""
    for p, held in marked.items():
        if p[: len(path)] == path and len(p) > len(path) and held.startswith(".."):
            return held
    return None


def under(path: tuple, marked: dict[tuple, str]) -> str | None:
    """The placeholder of a field path, or of a field it is inside, or None."""
    for p, held in marked.items():
        if path[: len(p)] == p:
            return held
    return None
