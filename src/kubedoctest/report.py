"""Reports: the text a person reads and the JSON other tools read."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from .model import Result, Status


def summary(results: list[Result]) -> dict[str, int]:
    counts = Counter(r.status for r in results)
    out = {
        "total": len(results),
        "passed": counts[Status.PASSED],
        "failed": counts[Status.FAILED],
        "skipped": counts[Status.SKIPPED],
    }
    partial = sum(1 for r in results if r.fidelity == "partial")
    if partial:
        out["partial"] = partial
    return out


def to_json(results: list[Result], extra: dict[str, Any] | None = None) -> str:
    entries = []
    for r in results:
        entry: dict[str, Any] = {
            "path": r.snippet.page,
            "line": r.snippet.line,
            "id": r.snippet.id,
            "status": r.status.value,
            "stage": r.stage,
            "messages": r.messages,
        }
        if r.fidelity:
            entry["fidelity"] = r.fidelity
        entries.append(entry)
    doc: dict[str, Any] = {"snippets": entries, "summary": summary(results)}
    if extra:
        doc.update(extra)
    return json.dumps(doc, ensure_ascii=False, indent=2)


def to_text(results: list[Result], verbose: bool = False, header: str | None = None) -> str:
    lines = [header] if header else []
    for r in results:
        if r.status == Status.FAILED:
            lines.append(f"FAILED {r.snippet.id} [{r.stage}]")
            lines.extend(f"  {m}" for m in r.messages)
        elif verbose or (r.status == Status.PASSED and any(f.severity == "warning" for f in r.findings)):
            lines.append(f"{r.status.value.upper()} {r.snippet.id} [{r.stage}]")
            lines.extend(f"  {m}" for m in r.messages)
    s = summary(results)
    tail = f"{s['passed']} passed, {s['failed']} failed, {s['skipped']} skipped"
    if s.get("partial"):
        tail += f" ({s['partial']} checked only partially on simulated nodes)"
    lines.append(tail)
    return "\n".join(lines)
