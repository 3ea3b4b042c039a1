"""Find fenced code blocks in Markdown pages, with includes resolved and directives attached."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from ..model import Snippet
from ..parse import directives
from .errors import CollectError
from .fence import RE_FENCE, language_of, read_fence
from .includes import IncludeConfig, IncludeError, expand, failed_message
from .pages import MARKDOWN_SUFFIXES, MAX_PAGE_BYTES, PageError, is_runbook, pages, project_root, read_page
from .quoting import OUTPUT_LANGUAGES, quote

YAML_LANGUAGES = frozenset({"yaml", "yml"})
SHELL_LANGUAGES = frozenset({"bash", "sh", "shell"})
CHECKED_LANGUAGES = YAML_LANGUAGES | SHELL_LANGUAGES

RE_DIRECTIVE_START = re.compile(r"^[ \t]*<!--[ \t]*kubedoctest:")
RE_COMMENT_OPEN = re.compile(r"^[ \t]*<!--[ \t]*$")
RE_DIRECTIVE_NEXT = re.compile(r"^[ \t]*kubedoctest:")
RE_COMMENT_WORD = re.compile(r"^[ \t]*<!--[ \t]*([A-Za-z][\w-]{4,30})[ \t]*:")
RE_HTML_COMMENT = re.compile(r"^[ \t]{0,3}<!--")


def _close_to_prefix(word: str) -> bool:
    """A misspelled `kubedoctest:` (`kubedoctst:`, `kubedoc-test:`) must not make a directive vanish."""
    return difflib.SequenceMatcher(None, word.lower(), "kubedoctest").ratio() >= 0.8


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
            i, snippet, error = read_fence(display, expanded, i, m, reading)
            pending = None
            previous, step = step, None
            if error:
                errors.append(error)
                if snippet is None and i >= n:
                    break
                continue
            if snippet is not None and (found.quoted or (previous and snippet.language in reading - languages)):
                error = quote(display, previous, snippet, found, quoting)
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


def checked_page(display: str, lines: list[str], include: IncludeConfig) -> tuple[list[Snippet], list[CollectError]]:
    """The snippets every front-end checks on one page, in page order, and its collect errors:
    YAML fences everywhere, shell fences as runbook steps on runbook pages. The CLI and pytest
    (through `collect_checked`) and the MkDocs plugin (page by page) all collect with this."""
    found, errors = collect_page(display, lines, include, CHECKED_LANGUAGES)
    steps = is_runbook(display)
    return [s for s in found if s.language in YAML_LANGUAGES or steps], errors


def page_lines(display: str, file: Path, root: Path | None) -> tuple[list[str] | None, list[CollectError]]:
    """A page's lines (read_page), or None and the collect error of a page that is not Markdown
    (binary, invalid UTF-8). A page that cannot be read at all is an InputError."""
    try:
        return read_page(display, file, root), []
    except ValueError as e:
        return None, [CollectError(display, getattr(e, "line", 1), str(e))]


def _collect(
    paths: Iterable[str], collect_one: Callable[[str, list[str]], tuple[list[Snippet], list[CollectError]]]
) -> tuple[list[Snippet], list[CollectError]]:
    snippets: list[Snippet] = []
    errors: list[CollectError] = []
    for display, file, root in pages(paths):
        lines, problems = page_lines(display, file, root)
        if lines is not None:
            found, problems = collect_one(display, lines)
            snippets.extend(found)
        errors.extend(problems)
    return snippets, errors


def collect(
    paths: Iterable[str],
    include: IncludeConfig,
    languages: frozenset[str] = YAML_LANGUAGES,
) -> tuple[list[Snippet], list[CollectError]]:
    """All snippets of the languages on every page under the paths, in page order."""
    return _collect(paths, lambda display, lines: collect_page(display, lines, include, languages))


def collect_checked(paths: Iterable[str], include: IncludeConfig) -> tuple[list[Snippet], list[CollectError]]:
    """The checked snippets (checked_page) of every page under the paths, in page order."""
    return _collect(paths, lambda display, lines: checked_page(display, lines, include))


__all__ = [
    "RE_FENCE",
    "CollectError",
    "language_of",
    "MAX_PAGE_BYTES",
    "MARKDOWN_SUFFIXES",
    "PageError",
    "pages",
    "project_root",
    "read_page",
]
