"""mkdocs-macros variables (`{{ var.version }}`), rendered as the site renders them before any
Markdown is read: a dotted name the mkdocs.yml gives a value (its `extra`, or `config.…`) is
replaced by it, so the snippet is checked as readers see it. Any other expression (`{{ git.tag }}`,
a filter, a macro call) has a value only at build time: written as a whole YAML value, where YAML
would read its braces as a mapping, it is quoted, so it stays a placeholder in a string instead of
a false syntax error. Text between `{% raw %}` and `{% endraw %}` is left as it is, as Jinja does."""

from __future__ import annotations

import re
from typing import Any

from ..model import Origin

Line = tuple[str, Origin]

# `key: {{ x }}` or `- {{ x }} # note`: an expression that is the whole value
_WHOLE_VALUE = re.compile(
    r"^(?P<key>\s*(?:-\s+)*(?:[^\s#'\"{][^#]*?:\s+)?)(?P<value>\{\{.*?\}\}[^#]*?)(?P<comment>\s+#.*)?$"
)


def render_variables(
    lines: list[Line],
    variables: dict[str, Any],
    block: tuple[str, str] = ("{%", "%}"),
    variable: tuple[str, str] = ("{{", "}}"),
) -> list[Line]:
    """The lines with each known variable replaced by its value, unknown whole-value expressions
    quoted, and raw regions untouched (their tags stay, for expand_macros to take out)."""
    start, end = (re.escape(d) for d in block)
    raw_tag = re.compile(rf"{start}-?\s*(raw|endraw)\s*-?{end}")
    expression = re.compile(rf"{re.escape(variable[0])}-?\s*(?P<expr>.*?)\s*-?{re.escape(variable[1])}")
    out: list[Line] = []
    raw = False
    for text, origin in lines:
        if variable[0] not in text and block[0] not in text:
            out.append((text, origin))
            continue
        pieces: list[str] = []
        rendered = False
        position = 0
        for tag in [*raw_tag.finditer(text), None]:
            stop = tag.start() if tag else len(text)
            segment = text[position:stop]
            if not raw:
                new = expression.sub(lambda m: _value(m, variables), segment)
                rendered = rendered or new != segment
                segment = new
            pieces.append(segment)
            if tag:
                pieces.append(tag.group(0))
                raw = tag.group(1) == "raw"
                position = tag.end()
        line = "".join(pieces)
        if not raw and variable[0] in line and not raw_tag.search(text):
            line = _quote_whole_value(line, variable[0])
        out.append((line, origin))
    return out


def _value(match: re.Match[str], variables: dict[str, Any]) -> str:
    expr = match.group("expr")
    if not re.fullmatch(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*", expr):
        return match.group(0)
    node: Any = variables
    for name in expr.split("."):
        if not isinstance(node, dict) or name not in node:
            return match.group(0)
        node = node[name]
    if isinstance(node, dict | list) or node is None:
        return match.group(0)
    return str(node)


def _quote_whole_value(line: str, opener: str) -> str:
    found = _WHOLE_VALUE.match(line)
    if found is None or not found.group("value").startswith(opener):
        return line
    value = found.group("value").replace("\\", "\\\\").replace('"', '\\"')
    return f'{found.group("key")}"{value}"{found.group("comment") or ""}'
