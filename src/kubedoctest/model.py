"""The data that flows through the harness: snippets, findings and results."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


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


@dataclass
class Snippet:
    """One fenced code block of a page, with its includes resolved."""

    page: str  # the page path as reported (command-line path joined with the relative path)
    line: int  # 1-based line of the opening fence in the page
    language: str
    text: str
    origins: list[Origin]  # one per line of text
    directives: dict[str, str] = field(default_factory=dict)
    index: int = 0  # position among the page's snippets
    repeat: int = 0  # >0 when an earlier fence of the page has the same line (fences of one included file)

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}" + (f"#{self.repeat + 1}" if self.repeat else "")

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
class Result:
    """The outcome of checking one snippet."""

    snippet: Snippet
    status: Status
    stage: str
    findings: list[Finding] = field(default_factory=list)
    fidelity: str | None = None  # "full" | "partial" for live results
    seconds: float = 0.0

    @property
    def messages(self) -> list[str]:
        return [f.render() for f in self.findings]


class InputError(Exception):
    """An input that could not be read at all (exit code 2)."""
