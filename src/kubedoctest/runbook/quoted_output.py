"""Quoted output, checked like a doctest: the ```text block after a runbook step against what the
step really printed.

Both sides are normalised first, so what varies by nature does not count: runs of blanks are one
blank (column widths), blank lines and trailing blanks are dropped, and these become wildcards:
timestamps, UIDs, long hex ids (container IDs, image digests), IP addresses, node ports, kubectl
ages and durations (`2s`, `3m4s`, `1.2s`; `5s (x2 over 9s)` is one age), generated name suffixes
(`web-7c9f8d6b5-x2x9z`) and resource versions. A line of only `...` stands for any number of lines
(a shortened output); `...` inside a line for any text there (a restart count that depends on
timing, a node name). Everything else must be there, in order. Lines of client-go's own log on
kubectl's stderr (`I1207 11:07:18.049721  41 reflector.go:664] ...`: a watch that ended, a retry)
are the client's, not the command's output, and count on neither side.
"""

from __future__ import annotations

import difflib
import re
from functools import cache

ELLIPSIS = "..."
_ELLIPSES = ("...", "…")

# order matters: timestamps before ages and IPs, long hex before suffixes
_RULES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?: ?(?:Z|[+-]\d{2}:?\d{2}))?(?: [A-Z]{2,5}\b)?"
        ),
        "<TIME>",
    ),
    (
        re.compile(
            r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}(?: [+-]\d{4}| [A-Z]{2,5})?"
        ),
        "<TIME>",
    ),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<UID>"),
    (re.compile(r"\b(?:sha256:)?[0-9a-f]{32,}\b"), "<HASH>"),
    (re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?\b"), "<IP>"),
    (
        re.compile(
            r"(?<![\w:])(?:[0-9a-fA-F]{1,4}:){1,7}:(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4})*)?(?:/\d{1,3})?(?![\w:])"
        ),
        "<IP>",
    ),
    (re.compile(r"\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b"), "<IP>"),
    (re.compile(r"(?<=\d):3\d{4}/(?=TCP|UDP|SCTP)"), ":<NODEPORT>/"),
    (re.compile(r"(?i)\b(resourceVersion\W{1,4})\d+"), r"\1<RV>"),
    (re.compile(r" ?\(x\d+ over [0-9a-z]+\)"), ""),  # an event seen again: `3s (x2 over 5s)` is an age
    (re.compile(r"<invalid>|<unknown>"), "<AGE>"),
    (re.compile(r"\b\d+(?:\.\d+)?(?:ms|µs|us|ns)\b"), "<AGE>"),
    (re.compile(r"\b\d+\.\d+s\b"), "<AGE>"),
    (re.compile(r"\b\d+y\d*d?\b|\b\d+d(?:\d+h)?\b|\b\d+h(?:\d+m)?\b|\b\d+m\d+s\b|\b\d+s\b"), "<AGE>"),
    (re.compile(r"(?<=[a-z0-9])-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}\b"), "-<SUFFIX>"),
    (re.compile(r"(?<=[a-z0-9])-[bcdfghjklmnpqrstvwxz2456789]{5,10}\b"), "-<SUFFIX>"),
    (re.compile(r"\b((?:pod-template|controller-revision)-hash=)[bcdfghjklmnpqrstvwxz2456789]{5,10}\b"), r"\1<SUFFIX>"),
]
_BLANKS = re.compile(r"[ \t]+")
_KLOG = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [\w.-]+:\d+\] ")  # klog's header


def normalise(line: str) -> str:
    """One line with what varies by nature replaced by wildcards, and blanks collapsed."""
    for pattern, replacement in _RULES:
        line = pattern.sub(replacement, line)
    return _BLANKS.sub(" ", line).strip()


def _lines(text: str) -> list[str]:
    return [n for n in (normalise(line) for line in _own(text)) if n]


def _own(text: str) -> list[str]:
    """The text's lines without client-go's log lines."""
    return [line for line in text.splitlines() if not _KLOG.match(line)]


def _pattern(line: str) -> re.Pattern[str]:
    """`...` inside a line: any text, the blanks around it included."""
    parts = re.split(r"\.\.\.|…", line)
    edges = [p.rstrip() if k == 0 else p.strip() if k < len(parts) - 1 else p.lstrip() for k, p in enumerate(parts)]
    return re.compile(".*".join(re.escape(p) for p in edges))


def matches(expected: str, actual: str) -> bool:
    """Whether the step's output is what the block shows, after normalising both."""
    want = _lines(expected)
    got = _lines(actual)
    patterns = [None if w in _ELLIPSES else _pattern(w) for w in want]

    @cache
    def fits(i: int, j: int) -> bool:
        if i == len(patterns):
            return j == len(got)
        pattern = patterns[i]
        if pattern is None:  # any number of lines, none included
            return any(fits(i + 1, k) for k in range(j, len(got) + 1))
        return j < len(got) and pattern.fullmatch(got[j]) is not None and fits(i + 1, j + 1)

    return fits(0, 0)


def difference(expected: str, actual: str, context: int = 3) -> str:
    """A unified diff of the block (-) and the step's real output (+), lines aligned after
    normalising: a line that matches (ages and the like aside) is shown as context, as the page has it."""
    want = [line.rstrip() for line in _own(expected) if line.strip()]
    got = [line.rstrip() for line in _own(actual) if line.strip()]
    keys_want = [normalise(line) for line in want]
    keys_got = [normalise(line) for line in got]
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, keys_want, keys_got, autojunk=False).get_opcodes():
        if tag == "equal":
            out += [" " + line for line in want[i1:i2]]
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            page = want[i1 + k] if i1 + k < i2 else None
            cluster = got[j1 + k] if j1 + k < j2 else None
            if page is not None and cluster is not None and _fits(keys_want[i1 + k], keys_got[j1 + k]):
                out.append(" " + page)
                continue
            if page is not None:
                out.append("-" + page)
            if cluster is not None:
                out.append("+" + cluster)
    changed = [k for k, line in enumerate(out) if not line.startswith(" ")]
    if not changed:
        return "    (every line matches on its own; the lines a ... stands for are not where the page puts them)"
    keep = {k for c in changed for k in range(c - context, c + context + 1)}
    shown, last = [], -2
    for k, line in enumerate(out):
        if k in keep:
            if k != last + 1 and shown:
                shown.append("    ...")
            shown.append("    " + line)
            last = k
    return "\n".join(shown)


def _fits(page: str, cluster: str) -> bool:
    return page in _ELLIPSES or _pattern(page).fullmatch(cluster) is not None
