"""The baseline: today's failures of a big docs tree, recorded so that later runs fail only on new
ones (`--write-baseline PATH` writes it, `baseline` in `[tool.kubedoctest]` or `--baseline PATH`
reads it). A failure is known when its page, its snippet's hash (its text after includes) and
every one of its messages are in the file: a changed snippet, or a new message, fails again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .model import InputError, Result, Status

VERSION = 1


def _messages(r: Result) -> list[str]:
    return sorted({f.message for f in r.findings if f.severity == "error"})


def write(path: Path, results: list[Result]) -> int:
    """Record the failures of a run; returns how many."""
    failures = [
        {"page": r.snippet.page, "hash": r.snippet.hash, "id": r.snippet.id, "messages": _messages(r)}
        for r in results
        if r.status == Status.FAILED
    ]
    doc = {"kubedoctest-baseline": VERSION, "failures": failures}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot write the baseline {str(path)!r}: {e.strerror}") from None
    return len(failures)


def read(path: Path) -> dict[tuple[str, str], set[str]]:
    """(page, hash) -> the messages known there."""
    try:
        doc: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"baseline {str(path)!r} does not exist; write it first with --write-baseline {path}"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"cannot read the baseline {str(path)!r}: {e}; write it again with --write-baseline") from None
    if (
        not isinstance(doc, dict)
        or doc.get("kubedoctest-baseline") != VERSION
        or not isinstance(doc.get("failures"), list)
    ):
        raise InputError(
            f"{path}: not a kubedoctest baseline (version {VERSION}); write it again with --write-baseline"
        )
    known: dict[tuple[str, str], set[str]] = {}
    for entry in doc["failures"]:
        if isinstance(entry, dict) and isinstance(entry.get("messages"), list):
            key = (str(entry.get("page")), str(entry.get("hash")))
            known.setdefault(key, set()).update(str(m) for m in entry["messages"])
    return known


def apply(known: dict[tuple[str, str], set[str]], results: list[Result]) -> None:
    """Mark the failures the baseline knows (every message of theirs recorded for that snippet)."""
    for r in results:
        if r.status != Status.FAILED:
            continue
        messages = _messages(r)
        recorded = known.get((r.snippet.page, r.snippet.hash))
        if recorded is not None and messages and set(messages) <= recorded:
            r.known = True
