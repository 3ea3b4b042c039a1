"""Find fenced code blocks in Markdown pages, with includes resolved and directives attached."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Origin, QuotedOutput, Snippet
from ..parse import directives
from .includes import IncludeConfig, IncludeError, expand, failed_message
from .pages import MARKDOWN_SUFFIXES, MAX_PAGE_BYTES, PageError, is_runbook, pages, project_root, read_page

YAML_LANGUAGES = frozenset({"yaml", "yml"})
SHELL_LANGUAGES = frozenset({"bash", "sh", "shell"})
# on a runbook page, a fence of these right after a step is the step's quoted output
OUTPUT_LANGUAGES = frozenset({"text", "plaintext", "output"})
QUOTED_DIRECTIVES = "skip, requires and quoted"

# `info` is greedy (trailing blanks are stripped in code): a lazy group followed by `[ \t]*$` is
# quadratic on a long line of blanks.
RE_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>.*)$")
RE_DIRECTIVE_START = re.compile(r"^[ \t]*<!--[ \t]*kubedoctest:")
RE_COMMENT_OPEN = re.compile(r"^[ \t]*<!--[ \t]*$")
RE_DIRECTIVE_NEXT = re.compile(r"^[ \t]*kubedoctest:")
RE_COMMENT_WORD = re.compile(r"^[ \t]*<!--[ \t]*([A-Za-z][\w-]{4,30})[ \t]*:")
RE_HTML_COMMENT = re.compile(r"^[ \t]{0,3}<!--")


def _close_to_prefix(word: str) -> bool:
    """A misspelled `kubedoctest:` (`kubedoctst:`, `kubedoc-test:`) must not make a directive vanish."""
    return difflib.SequenceMatcher(None, word.lower(), "kubedoctest").ratio() >= 0.8


@dataclass
class CollectError:
    """A problem found while collecting: reported as a failed item at page:line."""

    page: str
    line: int
    message: str

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def language_of(info: str) -> str:
    """The language of a fence's info string: `yaml title="x"` and `{.yaml}` both give yaml."""
    info = info.strip()
    if info.startswith("{"):
        m = re.search(r"\.([A-Za-z0-9_+-]+)", info)
        return m.group(1).lower() if m else ""
    return info.split(None, 1)[0].lower() if info else ""


def collect_page(
    display: str,
    lines: list[str],
    include: IncludeConfig,
    languages: frozenset[str] = YAML_LANGUAGES,
) -> tuple[list[Snippet], list[CollectError]]:
    """The snippets of one page in page order, and the problems found on the way."""
    errors: list[CollectError] = []
    try:
        expanded = expand(lines, include, isolate=True)
    except IncludeError as e:
        return [], [CollectError(display, e.origin.page_line, str(e))]
    snippets: list[Snippet] = []
    pending: tuple[directives.Directives, int] | None = None
    quoting = bool(languages & SHELL_LANGUAGES) and is_runbook(display)
    step: Snippet | None = None  # the runbook step the previous fence was, whose output may follow
    i = 0
    n = len(expanded)
    while i < n:
        text, origin = expanded[i]
        opened_alone = (
            RE_COMMENT_OPEN.match(text) is not None
            and i + 1 < n
            and RE_DIRECTIVE_NEXT.match(expanded[i + 1][0]) is not None
        )
        if opened_alone or RE_DIRECTIVE_START.match(text):
            start = origin.page_line
            if opened_alone:  # `<!--` alone on its line, `kubedoctest:` on the next one
                i += 1
                text = expanded[i][0]
            body_lines = [text.split("kubedoctest:", 1)[1]]
            while "-->" not in body_lines[-1] and i + 1 < n:
                i += 1
                body_lines.append(expanded[i][0])
            body = "\n".join(body_lines)
            if "-->" not in body:
                errors.append(CollectError(display, start, "unterminated directive comment: end it with -->"))
                break
            body, _, rest = body.partition("-->")
            if rest.strip():
                errors.append(
                    CollectError(
                        display,
                        start,
                        "text after a directive comment: put the directive on lines of its own",
                    )
                )
            if pending is not None:
                errors.append(
                    CollectError(
                        display,
                        pending[1],
                        "directive is not followed by a fence: put it right before one",
                    )
                )
            try:
                pending = (directives.parse(body.replace("\n", " ")), start)
            except directives.DirectiveError as e:
                errors.append(CollectError(display, start, str(e)))
                pending = None
            i += 1
            continue
        failed = failed_message(text)
        if failed is not None:  # an include outside any fence that could not be read
            errors.append(CollectError(display, origin.page_line, failed))
            i += 1
            continue
        near = RE_COMMENT_WORD.match(text)
        if near and near.group(1) != "kubedoctest" and _close_to_prefix(near.group(1)):
            errors.append(
                CollectError(
                    display, origin.page_line, f"unknown comment prefix {near.group(1)!r}: did you mean 'kubedoctest:'?"
                )
            )
        if RE_HTML_COMMENT.match(text) and "-->" not in text.split("<!--", 1)[1]:
            # an HTML comment (not a directive): nothing in it is rendered, so its fences are not checked
            i += 1
            while i < n and "-->" not in expanded[i][0]:
                i += 1
            i += 1
            continue
        m = RE_FENCE.match(text)
        if m and not (m.group("fence")[0] == "`" and "`" in m.group("info")):
            found = pending[0] if pending else directives.Directives()
            reading = languages | OUTPUT_LANGUAGES if quoting and (step or found.quoted) else languages
            if found.quoted:
                reading = reading | {language_of(m.group("info"))}
            i, snippet, error = _read_fence(display, expanded, i, m, reading)
            pending = None
            previous, step = step, None
            if error:
                errors.append(error)
                if snippet is None and i >= n:
                    break
                continue
            if snippet is not None and (found.quoted or (previous and snippet.language in reading - languages)):
                error = _quote(display, previous, snippet, found, quoting)
                if error:
                    errors.append(error)
                continue
            if snippet is not None:
                snippet.directives = found
                snippet.index = len(snippets)
                snippet.repeat = sum(1 for earlier in snippets if earlier.line == snippet.line)
                snippets.append(snippet)
                step = snippet if quoting and snippet.language in SHELL_LANGUAGES else None
            continue
        if pending is not None and text.strip():
            errors.append(
                CollectError(
                    display,
                    pending[1],
                    "directive is not followed by a fence: put it right before one",
                )
            )
            pending = None
        i += 1
    if pending is not None:
        errors.append(
            CollectError(display, pending[1], "directive is not followed by a fence: put it right before one")
        )
    return snippets, errors


def _quote(
    display: str, step: Snippet | None, block: Snippet, found: directives.Directives, quoting: bool
) -> CollectError | None:
    """Make the block the quoted output of the step before it (quoted_output.py compares them)."""
    if step is None:
        where = "a runbook page" if quoting else "a page under a runbooks/ folder"
        return CollectError(
            display,
            block.line,
            f"quoted output does not follow a runbook step: put the block right after the ```bash step "
            f"whose output it shows, on {where}, or remove the quoted directive",
        )
    if found.skip:
        return None  # shown as an illustration, not compared (the reason is the writer's)
    other = [k for k in ("expect", "k8s", "timeout", "output", "no_requests") if getattr(found, k)]
    if other or found.exit or found.allow:
        return CollectError(
            display,
            block.line,
            f"directive on quoted output can only be {QUOTED_DIRECTIVES}: put the other keys on the step at line {step.line}",
        )
    step.quoted = QuotedOutput(block.line, block.text, found.requires)
    return None


def _read_fence(
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
        body.append((_dedent(text, indent), origin))
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


def _dedent(text: str, indent: int) -> str:
    """Remove up to `indent` columns of leading white space, as Markdown does for nested fences."""
    removed = 0
    k = 0
    while k < len(text) and removed < indent and text[k] in " \t":
        removed += 4 - (removed % 4) if text[k] == "\t" else 1
        k += 1
    return text[k:]


def collect(
    paths: Iterable[str],
    include: IncludeConfig,
    languages: frozenset[str] = YAML_LANGUAGES,
) -> tuple[list[Snippet], list[CollectError]]:
    """All snippets of every page under the paths, in page order."""
    snippets: list[Snippet] = []
    errors: list[CollectError] = []
    for display, file, root in pages(paths):
        try:
            lines = read_page(display, file, root)
        except ValueError as e:
            errors.append(CollectError(display, getattr(e, "line", 1), str(e)))
            continue
        found, problems = collect_page(display, lines, include, languages)
        snippets.extend(found)
        errors.extend(problems)
    return snippets, errors


__all__ = ["MAX_PAGE_BYTES", "MARKDOWN_SUFFIXES", "PageError", "pages", "project_root", "read_page"]
