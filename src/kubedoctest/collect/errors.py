"""A problem found while collecting a page, reported as a failed item at its page:line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CollectError:
    """A problem found while collecting: reported as a failed item at page:line."""

    page: str
    line: int
    message: str

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"
