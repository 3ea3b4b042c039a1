"""Split a bash step into the simple commands it runs, for the runbook lint.

Tokenized with shlex (punctuation_chars, so `|`, `&&`, `;`, `(`, `)`, redirections and newlines are
operators), after taking out here-document bodies (kept, attached to their command) and command
substitutions `$(...)` / backquotes (parsed as commands of their own). Shell keywords and control
flow are looked through; assignments before a command are kept apart. Quoted words keep their
quotes until the end, so a quoted `|` is a word, not a pipe. kubectl_command.py reads a kubectl
command's words.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

KEYWORDS = {
    "if",
    "then",
    "else",
    "elif",
    "fi",
    "do",
    "done",
    "while",
    "until",
    "{",
    "}",
    "!",
    "time",
    "[[",
    "]]",
    "esac",
}
HEADERS = {"for", "case", "select", "function"}  # the rest of the simple command is not a command
OPERATORS = ("&&", "||", ";;", "<<<", "<<", ">>", ">&", "<&", "&>", "|&", ";", "|", "&", "(", ")", "<", ">", "\n")
SEPARATORS = {"&&", "||", ";;", ";", "|", "|&", "&", "(", ")", "\n"}
REDIRECTS = {"<", ">", ">>", ">&", "<&", "&>", "<<<"}
_HEREDOC = re.compile(r"<<(-?)\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=")


class ShellSyntaxError(ValueError):
    """The step is not readable as a shell script (an unclosed quote, substitution or here-document)."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


@dataclass
class Command:
    words: list[str]  # unquoted
    line: int  # 0-based line of the step where the command starts
    assignments: list[str] = field(default_factory=list)
    redirects: list[tuple[str, str]] = field(default_factory=list)
    heredoc: str | None = None
    piped_from: Command | None = None  # the command whose output this one reads through `|`

    @property
    def name(self) -> str:
        return self.words[0] if self.words else ""


def unquote(word: str) -> str:
    try:
        return "".join(shlex.split(word, comments=False, posix=True))
    except ValueError:
        return word


def _take_heredocs(text: str) -> tuple[str, list[str]]:
    """Blank out here-document bodies (keeping line numbers); return them in order."""
    lines = text.split("\n")
    bodies: list[str] = []
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        for m in _HEREDOC.finditer(line):
            strip, delimiter = m.group(1) == "-", m.group(3)
            body: list[str] = []
            start = i
            while i < len(lines) and (lines[i].lstrip("\t") if strip else lines[i]) != delimiter:
                body.append(lines[i])
                out.append("")
                i += 1
            if i >= len(lines):
                raise ShellSyntaxError(f"here-document {delimiter!r} is never closed", start - 1)
            out.append("")
            i += 1
            bodies.append("\n".join(body))
    return "\n".join(out), bodies


def _take_substitutions(text: str) -> tuple[str, list[tuple[str, int]]]:
    """Replace $(...) and `...` (outside single quotes) by a placeholder word; return their texts
    with the 0-based line each starts on."""
    out: list[str] = []
    subs: list[tuple[str, int]] = []
    i, quote = 0, ""
    while i < len(text):
        c = text[i]
        if c == "\\" and quote != "'":
            out.append(text[i : i + 2])
            i += 2
            continue
        if c == "'" and quote != '"':
            quote = "" if quote == "'" else "'"
        elif c == '"' and quote != "'":
            quote = "" if quote == '"' else '"'
        elif quote != "'" and (text.startswith("$(", i) and not text.startswith("$((", i) or c == "`"):
            start_line = text.count("\n", 0, i)
            if c == "`":
                end = text.find("`", i + 1)
                if end < 0:
                    raise ShellSyntaxError("a backquote is never closed", start_line)
                inner, i = text[i + 1 : end], end + 1
            else:
                depth, j = 1, i + 2
                while j < len(text) and depth:
                    depth += {"(": 1, ")": -1}.get(text[j], 0)
                    j += 1
                if depth:
                    raise ShellSyntaxError("a $( is never closed", start_line)
                inner, i = text[i + 2 : j - 1], j
            subs.append((inner, start_line))
            out.append("__SUBST__" + "\n" * inner.count("\n"))
            continue
        out.append(c)
        i += 1
    return "".join(out), subs


def _split_operator(token: str) -> list[str]:
    parts = []
    while token:
        op = next((o for o in OPERATORS if token.startswith(o)), token[0])
        parts.append(op)
        token = token[len(op) :]
    return parts


def _tokens(text: str) -> list[tuple[str, int, bool]]:
    """(token, 0-based line, is operator)."""
    lexer = shlex.shlex(text.replace("\\\n", "  "), posix=False, punctuation_chars="();<>|&\n")
    lexer.whitespace = " \t\r"
    lexer.whitespace_split = True
    lexer.commenters = ""
    out = []
    line = 0
    comment = False
    try:
        while True:
            tok = lexer.get_token()
            if tok is None or tok == lexer.eof:
                return out
            if tok and all(ch in "();<>|&\n" for ch in tok):
                for op in _split_operator(tok):
                    if op == "\n":
                        comment = False
                    if not comment:
                        out.append((op, line, True))
                    line += op == "\n"
            else:
                comment = comment or tok.startswith("#")
                if not comment:
                    out.append((tok, line, False))
                line += tok.count("\n")
    except ValueError as e:
        raise ShellSyntaxError(f"cannot read the step as a shell script: {e}", line) from None


def _pattern_ahead(tokens: list[tuple[str, int, bool]], index: int) -> bool:
    """Whether the tokens from index on read as a case pattern: words and `|` up to a `)`."""
    for tok, _, is_op in tokens[index:]:
        if is_op:
            if tok == ")":
                return True
            if tok != "|":
                return False
    return False


def parse(text: str, line_offset: int = 0) -> list[Command]:
    """Every simple command of the script, those inside $(...) included, in order."""
    text, heredocs = _take_heredocs(text)
    text, subs = _take_substitutions(text)
    commands: list[Command] = []
    current: Command | None = None
    previous: Command | None = None
    pending_redirect: str | None = None
    skipping = False
    cases = 0
    tokens = _tokens(text)
    for index, (tok, line, is_op) in enumerate(tokens):
        after = tokens[index + 1] if index + 1 < len(tokens) else ("", 0, False)
        if not is_op and tok.isdigit() and after[2] and after[0] in REDIRECTS:
            continue  # a file descriptor: 2>&1
        if is_op and tok in SEPARATORS:
            if skipping and tok == "|" and cases:
                continue  # inside a case pattern
            pending_redirect = None
            if current is not None and (current.words or current.assignments):
                commands.append(current)
                previous = current if tok in ("|", "|&") else None
            elif tok not in ("|", "|&"):
                previous = None
            current, skipping = None, False
            continue
        if current is None:
            current = Command([], line + line_offset, piped_from=previous)
        if is_op and tok in REDIRECTS or tok == "<<":
            pending_redirect = tok
            continue
        if pending_redirect is not None:
            if pending_redirect == "<<":
                current.heredoc = heredocs.pop(0) if heredocs else ""
            else:
                current.redirects.append((pending_redirect, unquote(tok)))
            pending_redirect = None
            continue
        if skipping:
            continue
        if not current.words:
            if tok in KEYWORDS:
                cases -= tok == "esac"
                continue
            if tok in HEADERS:
                skipping = True
                cases += tok == "case"
                continue
            if cases and not current.assignments and _pattern_ahead(tokens, index):
                skipping = True  # a case pattern such as `a|b)`: up to its `)`
                continue
            if _ASSIGNMENT.match(tok):
                current.assignments.append(unquote(tok))
                continue
        current.words.append(unquote(tok))
    if current is not None and (current.words or current.assignments):
        commands.append(current)
    for inner, line in subs:
        commands.extend(parse(inner, line + line_offset))
    return commands
