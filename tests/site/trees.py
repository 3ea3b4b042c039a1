"""Tiny trees of pages and built sites for the tests of the site checks."""

from __future__ import annotations

from pathlib import Path


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def pair(root: Path, page: str, zh: str, en: str) -> None:
    """The same page in both languages."""
    write(root, f"docs/zh/{page}", zh)
    write(root, f"docs/en/{page}", en)
