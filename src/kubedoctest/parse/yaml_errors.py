"""Where a YAML syntax error really is, and whether a fence that does not parse is YAML at all.

PyYAML notices some mistakes lines after them; libyaml's messages say less than PyYAML's own
parser's. A yaml fence that does not parse may hold printed output, a shell session, a TOML file
or a directory tree: no manifest, not a mistake.
"""

from __future__ import annotations

import re

import yaml


def describe(e: yaml.YAMLError, text: str) -> tuple[int, str]:
    """(0-based YAML line of the culprit, problem); a ReaderError's line is already a snippet line.

    The parser notices some mistakes lines after them: an unclosed quote or a key without its
    colon is where the scanner started (`context_mark`); a block that ends too early is the last
    line indented less than the one that surprised the parser."""
    problem_mark = getattr(e, "problem_mark", None)
    context_mark = getattr(e, "context_mark", None)
    mark = problem_mark or context_mark
    line = mark.line if mark is not None else 0
    if isinstance(e, yaml.reader.ReaderError) and isinstance(e.position, int):
        line = text[: e.position].count("\n")  # a character index into the text
        char = chr(e.character) if isinstance(e.character, int) else e.character
        return line, f"unacceptable character {char!r}: {e.reason}"
    problem = getattr(e, "problem", None) or str(e)
    context = getattr(e, "context", None) or ""
    if context_mark is not None and problem_mark is not None:
        if context.startswith(("while scanning a quoted scalar", "while scanning a simple key")):
            line = context_mark.line
        elif "expected <block end>" in problem and "<block mapping start>" in problem:
            line = dedented_before(text, context_mark.line, problem_mark.line)
    message = f"{context}: {problem}" if context else problem
    return line, message


DESCRIBE_KEYS = {"Name", "Namespace", "Labels", "Annotations", "Events", "API Version", "Status", "Spec", "Metadata"}


STRUCTURAL = ("block end", "expected key", "mapping values are not allowed", "expected ':'", "document start")
SHELL_START = re.compile(r"^\s*(?:\$ |# |kubectl |oc |helm |curl |cat |echo |virtctl |export )")


def not_yaml(text: str, original: str) -> str | None:
    """What a yaml fence that does not parse shows instead, when it is plainly no manifest: a
    directory tree, `kubectl describe` output, a shell session, a TOML file."""
    if re.search(r"[├└│]──|[├└]─", text):
        return "a directory tree"
    first = next((line for line in original.split("\n") if line.strip() and not line.startswith("#!")), "")
    if SHELL_START.match(first) and not first.lstrip().startswith("# "):
        return "shell commands"
    if re.search(r"^\[[\w.\-\"]+\]\s*$", text, re.M) and re.search(r"^\s*[\w.-]+\s*=\s*\S", text, re.M):
        return "a TOML file"
    if not any(_KEY_OR_ITEM.match(line) for line in text.split("\n")):
        return "plain text, no key: value line"
    top = {line.split(":", 1)[0] for line in text.split("\n") if re.match(r"^[A-Z][A-Za-z ]*:", line)}
    if len(top & DESCRIBE_KEYS) >= 2 or re.search(r"^\s*Type\s+Reason\s+Age\s+From\s+Message", text, re.M):
        return "kubectl describe output"
    return None


_SENTENCE = re.compile(r"^[A-Z][a-z]+(?: [\w'`(),/.-]+){4,}[.:!?]?$")


def prose(line: str) -> bool:
    """Whether a line that breaks the YAML reads as a sentence of the page around the fence (a
    fence closed too late holds the text after it): unindented, a capitalised word and at least
    four more, no `key:` before the first space."""
    return line == line.lstrip() and _SENTENCE.match(line.rstrip()) is not None and ": " not in line


_KEY_OR_ITEM = re.compile(r"^\s*(?:-(?:\s|$)|[^#\s][^#]*:(?:\s|$)|[\[{]|---|\.\.\.)")


def cut_levels(text: str) -> list[str] | None:
    """An excerpt cut from deep inside an object (its first line indented more than a later one,
    as `volumeMounts:` of a container followed by `volumes:` of its pod): each level on its own,
    dedented, as texts of the same lines (the others blank), so what is there is still read; or
    None when the text is not such an excerpt (an object, whose first line is `apiVersion:` or
    `kind:`, or text whose first line is its least indented)."""
    lines = text.split("\n")
    content = [(n, len(line) - len(line.lstrip(" "))) for n, line in enumerate(lines) if _content(line)]
    if not content or re.match(r"^\s*(?:apiVersion|kind)\s*:", lines[content[0][0]]):
        return None
    if min(depth for _, depth in content) >= content[0][1]:
        return None
    starts = [content[0]]
    for n, depth in content:
        if depth < starts[-1][1]:
            starts.append((n, depth))
    levels = []
    for i, (start, depth) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(lines)
        levels.append(
            "\n".join(
                (line[depth:] if not line[:depth].strip() else line.lstrip()) if start <= n < end else ""
                for n, line in enumerate(lines)
            )
        )
    return levels


def _content(line: str) -> bool:
    return bool(line.strip()) and not line.lstrip().startswith("#")


def python_error(text: str) -> yaml.YAMLError | None:
    """The same error from PyYAML's Python parser, whose messages say more than libyaml's
    (`expected <block end>, but found '<block mapping start>'` for `did not find expected key`)."""
    try:
        list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as e:
        return e
    except RecursionError:
        return None
    return None


def dedented_before(text: str, first: int, noticed: int) -> int:
    """The line that ended a block too early: the last line before `noticed` indented less than it."""
    lines = text.split("\n")
    if noticed >= len(lines):
        return noticed
    depth = len(lines[noticed]) - len(lines[noticed].lstrip(" "))
    for number in range(noticed - 1, first, -1):
        line = lines[number]
        if line.strip() and not line.lstrip().startswith("#") and len(line) - len(line.lstrip(" ")) < depth:
            return number
    return noticed
