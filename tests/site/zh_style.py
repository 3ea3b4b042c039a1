"""The Chinese style lint (zh-style.md): autocorrect spacing and punctuation, terms, line breaks.

A new rule is a function here returning findings `path:line: what; what to write`, called from
style_findings(). Prose only: code fences (found by the harness's collector), front matter,
HTML comments and snippet includes are skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

from docpages import finding_key, non_prose_lines, pages, read, rel
from zh_style_rules import context_findings

# (pattern, what to write). Conservative: only forms that are wrong in every context of this
# site. Matched on prose with code, URLs, link targets, HTML and attribute lists blanked out.
TERMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"标签选择器"), "标签选择算符"),
    (re.compile(r"(?<!标签)选择器"), "选择算符 (标签选择算符 for a label selector)"),
    (re.compile(r"卷声明"), "卷申领 (PersistentVolumeClaim: 持久卷申领)"),
    (re.compile(r"您"), "你"),
    (re.compile(r"控制面(?!板)"), "控制平面"),
    (re.compile(r"秘密"), "Secret"),
    (re.compile(r"(?<![A-Za-z0-9_./-])pods?(?![A-Za-z0-9_./-])"), "Pod"),
    (
        re.compile(
            r"(?<![A-Za-z0-9_./-])(Pod|Deployment|ReplicaSet|DaemonSet|StatefulSet|Job|Service|Secret"
            r"|ConfigMap|ReplicationController|PersistentVolume|PersistentVolumeClaim|Namespace)"
            r"s(?![A-Za-z0-9_./-])"
        ),
        "{singular}",
    ),
    (re.compile(r"(?<![A-Za-z0-9_./-])(StorageClass|Ingress)es(?![A-Za-z0-9_./-])"), "{singular}"),
]

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u2018\u2019\u201c\u201d\u2026"
CJK_END_RE = re.compile(rf"[{HAN}{CJK_PUNCT}]$")
CJK_START_RE = re.compile(rf"^[{HAN}{CJK_PUNCT}]")

_BLANK_RES = [
    re.compile(r"<!--.*?-->"),  # inline HTML comments
    re.compile(r"(`+).+?\1"),  # inline code
    re.compile(r"\]\([^)]*\)"),  # link and image targets
    re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$"),  # reference definitions
    re.compile(r"<?(?:https?|ftp)://[^\s)>]+>?"),  # bare URLs
    re.compile(r"</?[A-Za-z][^>]*>"),  # HTML tags and their attributes
    re.compile(r"\{[:#.][^{}]*\}"),  # attribute lists: {#anchor}, {: .class}
]

QUOTE_RE = re.compile(r"“[^”]*”|「[^」]*」|‘[^’]*’")


def prose_of(line: str) -> str:
    """A line of Markdown with code, URLs, link targets, HTML and attribute lists blanked."""
    for r in _BLANK_RES:
        line = r.sub(lambda m: " " * len(m.group(0)), line)
    return line


def forbidden_terms(text: str) -> list[tuple[int, str, str]]:
    """(line, found, write) for every forbidden term of the zh-style.md table in prose.

    Text in Chinese quotation marks is skipped: it quotes other words (the 2017 notes, a
    term being discussed) and keeps them as they were.
    """
    lines = text.splitlines()
    skip = non_prose_lines(lines)
    found = []
    for i, line in enumerate(lines):
        if i in skip:
            continue
        prose = QUOTE_RE.sub(lambda m: " " * len(m.group(0)), prose_of(line))
        for pattern, write in TERMS:
            for m in pattern.finditer(prose):
                right = write.format(singular=m.group(1)) if "{singular}" in write else write
                found.append((i + 1, m.group(0), right))
        raw = QUOTE_RE.sub(lambda m: " " * len(m.group(0)), line)
        found += [(i + 1, term, write) for term, write in context_findings(prose, raw)]
    return found


def line_breaks_between_chinese(text: str) -> list[int]:
    """1-based lines that continue a paragraph broken between two Chinese characters."""
    lines = text.splitlines()
    skip = non_prose_lines(lines)
    found = []
    for i in range(1, len(lines)):
        prev, cur = lines[i - 1], lines[i]
        if i in skip or (i - 1) in skip:
            continue
        p, c = prev.strip(), cur.strip()
        if not p or not c or p.startswith(("#", "|", "!!!", "???", "===")) or c.startswith("|"):
            continue
        if p.endswith("  ") or prev.endswith("\\"):  # explicit line break
            continue
        if CJK_END_RE.search(p) and CJK_START_RE.match(c):
            found.append(i + 1)
    return found


def _autocorrect_text(lines: list[str]) -> str:
    """The page with fences, front matter and HTML comments blanked (line numbers kept)."""
    skip = non_prose_lines(lines)
    return "\n".join("" if i in skip else line for i, line in enumerate(lines)) + "\n"


def style_findings(root: Path, lang: str = "zh") -> list[str]:
    """zh-style.md over docs/<lang>: autocorrect (CJK spacing, punctuation), terms, line breaks."""
    import autocorrect_py

    found = []
    for page in pages(root, lang):
        path = root / "docs" / lang / page
        where = rel(root, path)
        text = read(path)
        lines = text.splitlines()
        for r in autocorrect_py.lint_for(_autocorrect_text(lines), "md").lines:
            found.append(
                f"{where}:{r.line}: write '{r.new}' instead of '{r.old}' (zh-style.md rules 3-4: "
                f"spaces between Chinese and Latin or digits, full-width punctuation; "
                f"autocorrect)"
            )
        for line, term, write in forbidden_terms(text):
            found.append(f"{where}:{line}: found '{term}', write '{write}' (zh-style.md terms)")
        for line in line_breaks_between_chinese(text):
            found.append(
                f"{where}:{line}: the line break before this line falls between two Chinese "
                f"characters and shows as a space; join the two lines (zh-style.md rule 9)"
            )
    return sorted(found, key=finding_key)
