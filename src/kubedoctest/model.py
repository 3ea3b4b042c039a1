"""The data that flows through the harness: snippets, findings and results."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .parse.directives import Directives

FieldPath = tuple[str | int, ...]


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    FRAGMENT = "fragment"  # a part of an object on purpose: checked for what is there, not applied


class Stage(StrEnum):
    """Where a snippet's check ended (the README lists these values)."""

    COLLECT = "collect"
    PARSE = "parse"
    STATIC = "static"
    LINT = "lint"
    DRY_RUN = "dry-run"
    APPLY = "apply"
    READY = "ready"
    LIVE = "live"
    RUN = "run"


@dataclass(frozen=True)
class Origin:
    """Where one line of a snippet came from: the page line, and the included file line if any."""

    page_line: int
    source: str | None = None
    source_line: int | None = None

    def describe(self, page: str) -> str:
        if self.source is None:
            return f"{page}:{self.page_line}"
        return f"{page}:{self.page_line} ({self.source}:{self.source_line})"


@dataclass(frozen=True)
class QuotedOutput:
    """The ```text block after a runbook step: what the page says the step prints."""

    line: int  # 1-based line of the block's opening fence in the page
    text: str
    requires: frozenset[str] = frozenset()  # "kubelet": compared only where containers run


@dataclass
class Snippet:
    """One fenced code block of a page, with its includes resolved."""

    page: str  # the page path as reported (command-line path joined with the relative path)
    line: int  # 1-based line of the opening fence in the page
    language: str
    text: str
    origins: list[Origin]  # one per line of text
    directives: Directives = field(default_factory=Directives)
    index: int = 0  # position among the page's snippets
    repeat: int = 0  # >0 when an earlier fence of the page has the same line (fences of one included file)
    quoted: QuotedOutput | None = None  # a runbook step's quoted output (quoted_output.py)

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}" + (f"#{self.repeat + 1}" if self.repeat else "")

    @property
    def hash(self) -> str:
        """sha256 of the resolved text (after includes), and of the quoted output a step is compared
        with: what a badge says was checked."""
        text = self.text if self.quoted is None else f"{self.text}\0quoted output\0{self.quoted.text}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def where(self, text_line: int | None = None) -> str:
        """page:line for a 0-based line of the snippet text, or for the fence itself."""
        if text_line is None or not self.origins:
            return f"{self.page}:{self.line}"
        text_line = max(0, min(text_line, len(self.origins) - 1))
        return self.origins[text_line].describe(self.page)


@dataclass
class Finding:
    """One problem (or warning) found in a snippet."""

    where: str  # page:line
    message: str
    severity: str = "error"  # "error" | "warning" | "info"
    version: str | None = None
    path: str | None = None  # field path like spec.replicas
    hint: str | None = None

    def render(self) -> str:
        parts = [f"{self.where}: {self.severity_word}{self.message}"]
        if self.version:
            parts.append(f"(Kubernetes {self.version})")
        text = " ".join(parts)
        if self.hint:
            text += f"; fix: {self.hint}"
        return text

    @property
    def severity_word(self) -> str:
        return "" if self.severity == "error" else f"{self.severity}: "


@dataclass
class Manifest:
    """One Kubernetes object from a snippet."""

    obj: dict[str, Any]
    lines: dict[FieldPath, int] = field(default_factory=dict)  # field path -> 0-based snippet line
    line: int = 0  # 0-based snippet line where the object starts
    document: int = 0

    @property
    def api_version(self) -> str:
        return str(self.obj.get("apiVersion", ""))

    @property
    def kind(self) -> str:
        return str(self.obj.get("kind", ""))

    @property
    def name(self) -> str:
        meta = self.obj.get("metadata") or {}
        return str(meta.get("name") or meta.get("generateName") or "") if isinstance(meta, dict) else ""

    def line_of(self, path: FieldPath) -> int:
        """The line of the deepest known prefix of a field path."""
        for end in range(len(path), -1, -1):
            found = self.lines.get(tuple(path[:end]))
            if found is not None:
                return found
        return self.line

    def describe(self) -> str:
        return f"{self.kind}/{self.name}" if self.name else self.kind or "object"


@dataclass
class Result:
    """The outcome of checking one snippet."""

    snippet: Snippet
    status: Status
    stage: Stage
    findings: list[Finding] = field(default_factory=list)
    fidelity: str | None = None  # "full" | "partial" for live results
    seconds: float = 0.0
    k8s_versions: list[str] = field(default_factory=list)  # the versions its offline check ran on
    reasons: list[str] = field(default_factory=list)  # why partial, or which images could not be had
    standin_images: list[str] = field(default_factory=list)  # images that ran on a local stand-in
    unavailable_images: list[str] = field(default_factory=list)  # no stand-in and could not be pulled
    known: bool = False  # a failure recorded in the baseline: listed, not counted against the run

    def __post_init__(self) -> None:
        self.stage = Stage(self.stage)  # a value read back (JSON, a test) becomes its member; an unknown one is a bug

    @property
    def messages(self) -> list[str]:
        return [f.render() for f in self.findings]


@dataclass
class Prepared:
    """What the offline tier knows about one snippet, handed on to the live tier."""

    snippet: Snippet
    manifests: list[Manifest]
    result: Result  # the offline result: passed here means "may go live"


class InputError(Exception):
    """An input that could not be read at all (exit code 2)."""
