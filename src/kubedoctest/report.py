"""Reports: the text a person reads and the JSON other tools read."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from .model import InputError, Result, Status


def summary(results: list[Result]) -> dict[str, int]:
    return counts([entry(r) for r in results])


def counts(entries: list[dict[str, Any]]) -> dict[str, int]:
    """The `summary` of the JSON report from its entries: the counts every front-end shows."""
    by_status = Counter(e["status"] for e in entries)
    out = {"total": len(entries), "passed": by_status["passed"], "failed": by_status["failed"]}
    out["skipped"] = by_status["skipped"]
    if by_status["fragment"]:
        out["fragment"] = by_status["fragment"]
    known = sum(1 for e in entries if e.get("known"))
    if known:
        out["known"] = known  # failures recorded in the baseline (counted in failed too)
    partial = sum(1 for e in entries if e.get("fidelity") == "partial")
    if partial:
        out["partial"] = partial
    standin = sum(1 for e in entries if e.get("standin_images"))
    if standin:
        out["standin"] = standin  # ran on local stand-in images (kind, where images cannot be pulled)
    unavailable = sum(1 for e in entries if e.get("unavailable_images"))
    if unavailable:
        out["image_unavailable"] = unavailable
    return out


def summary_text(s: dict[str, int]) -> str:
    """The last line of the text report, also pytest's kubedoctest summary line: the same counts."""
    tail = f"{s['passed']} passed, {s['failed'] - s.get('known', 0)} failed, {s['skipped']} skipped"
    if s.get("fragment"):
        tail += f", {s['fragment']} fragments (checked for what is there, not applied)"
    if s.get("known"):
        tail += f"; {s['known']} known failures of the baseline"
    if s.get("partial"):
        tail += f" ({s['partial']} checked only partially)"
    if s.get("standin"):
        tail += f"; {s['standin']} ran on local stand-in images"
    if s.get("image_unavailable"):
        tail += f"; {s['image_unavailable']} with an image not available here"
    return tail


def entry(r: Result) -> dict[str, Any]:
    """One snippet's entry of the JSON report (README "JSON")."""
    out: dict[str, Any] = {
        "path": r.snippet.page,
        "line": r.snippet.line,
        "id": r.snippet.id,
        "status": r.status.value,
        "stage": r.stage.value,
        "messages": r.messages,
        "hash": r.snippet.hash,
        "language": r.snippet.language,
        "k8s_versions": list(r.k8s_versions),
        "reasons": list(r.reasons),
        "standin_images": list(r.standin_images),
        "unavailable_images": list(r.unavailable_images),
        "seconds": round(r.seconds, 3),
    }
    if r.known:
        out["known"] = True
    if r.fidelity:
        out["fidelity"] = r.fidelity
    return out


def document(entries: list[dict[str, Any]], run: dict[str, Any] | None = None) -> dict[str, Any]:
    """The whole JSON report from snippet entries (the pytest plugin gathers them from workers)."""
    totals = counts(entries)
    doc: dict[str, Any] = {"snippets": entries, "summary": totals}
    if run is not None:
        doc["run"] = run
    return doc


def to_json(results: list[Result], run: dict[str, Any] | None = None) -> str:
    return json.dumps(document([entry(r) for r in results], run), ensure_ascii=False, indent=2)


def to_text(results: list[Result], verbose: bool = False, header: str | None = None) -> str:
    lines = [header] if header else []
    for r in results:
        if r.status == Status.FAILED:
            lines.append(f"{'KNOWN' if r.known else 'FAILED'} {r.snippet.id} [{r.stage}]")
            lines.extend(f"  {m}" for m in r.messages)
        elif verbose or (r.status == Status.PASSED and any(f.severity == "warning" for f in r.findings)):
            lines.append(f"{r.status.value.upper()} {r.snippet.id} [{r.stage}]")
            lines.extend(f"  {m}" for m in r.messages)
    note = crd_note(results)
    if note:
        lines.append(note)
    lines.append(summary_text(summary(results)))
    return "\n".join(lines)


_NO_CRD = re.compile(r"custom resource \S+ (\S+): no CustomResourceDefinition for it")


def crd_note(results: list[Result]) -> str | None:
    """One line for the custom resources checked only for their metadata, with the kinds most
    often met, so the fix (`--crd`) is seen without -v; None when every one had its CRD."""
    kinds: Counter[str] = Counter()
    snippets = 0
    for r in results:
        found = [m.group(1) for f in r.findings for m in [_NO_CRD.search(f.message)] if m]
        snippets += bool(found)
        kinds.update(set(found))
    if not snippets:
        return None
    shown = ", ".join(k for k, _ in kinds.most_common(5)) + (", ..." if len(kinds) > 5 else "")
    return (
        f"note: {snippets} {'snippet holds' if snippets == 1 else 'snippets hold'} custom resources with no CustomResourceDefinition ({shown}), checked "
        "only for their metadata; give their CRDs with --crd PATH (a file or a folder, repeatable) or crds = [...] "
        "in [tool.kubedoctest]"
    )


_WHERE = re.compile(r"^(?P<page>.+?):(?P<line>[0-9]+)(?: \((?P<file>.+?):(?P<file_line>[0-9]+)\))?$")


def to_github(results: list[Result]) -> str:
    """GitHub workflow commands: each failure's findings as `::error file=...,line=...::`, so a
    pull request shows them on its lines; known failures of the baseline as notices; then the summary."""
    lines = []
    for r in results:
        if r.status != Status.FAILED:
            continue
        level = "notice" if r.known else "error"
        for f in r.findings:
            if f.severity == "info":
                continue
            m = _WHERE.match(f.where)
            page, line = (m.group("page"), m.group("line")) if m else (r.snippet.page, str(r.snippet.line))
            text = f.render().split(": ", 1)[1] if ": " in f.render() else f.render()
            kind = level if f.severity == "error" else "warning"
            title = "kubedoctest (known, in the baseline)" if r.known else "kubedoctest"
            lines.append(f"::{kind} file={_escape_property(page)},line={line},title={title}::{_escape_data(text)}")
    s = summary(results)
    lines.append(f"kubedoctest: {s['passed']} passed, {s['failed'] - s.get('known', 0)} failed, {s['skipped']} skipped")
    return "\n".join(lines)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def remove_results(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as e:
        raise InputError(f"cannot replace the results file {str(path)!r}: {e.strerror}") from None


def write_results(
    path: Path, results: list[Result], run: dict[str, Any] | None, merge_pages: set[str] | None = None
) -> None:
    """The JSON report to `path`; with `merge_pages` (a --changed run), merged into the last one:
    the entries of those pages replaced, every other entry kept."""
    doc = document([entry(r) for r in results], run)
    if merge_pages is not None:
        doc = merge(path, doc, merge_pages)
    write_document(path, doc)


def write_document(path: Path, doc: dict[str, Any]) -> None:
    """The JSON report to `path`; a file that cannot be written is an InputError saying so."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot write the results file {str(path)!r}: {e.strerror}") from None


def merge_runs(runs: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """One `run` block of the processes that ran (pytest-xdist workers, by worker id): where they
    agree, what they say; `simulated` if any worker was; the latest date; `cluster` names every
    worker's cluster and `workers` holds each worker's own block."""
    blocks = [dict(runs[w], worker=w) for w in sorted(runs) if runs[w]]
    if len(blocks) <= 1:
        return {k: v for k, v in blocks[0].items() if k != "worker"} if blocks else None
    weakest = next((b for b in blocks if b.get("simulated")), blocks[0])  # the badge claims no more than all did
    out = {k: v for k, v in weakest.items() if k != "worker"}
    out["simulated"] = any(b.get("simulated") for b in blocks)
    out["date"] = max(str(b.get("date") or "") for b in blocks)
    out["cluster"] = "; ".join(f"{b['worker']}: {b.get('cluster')}" for b in blocks)
    out["notes"] = list(dict.fromkeys(n for b in blocks for n in b.get("notes") or []))
    out["workers"] = blocks
    return out


def merge(path: Path, doc: dict[str, Any], pages: set[str]) -> dict[str, Any]:
    """The last results file with the entries of `pages` replaced by this run's."""
    try:
        last: Any = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        last = {}
    kept = [e for e in last.get("snippets", []) if isinstance(e, dict) and e.get("path") not in pages]
    entries = sorted([*kept, *doc["snippets"]], key=lambda e: (str(e.get("path")), int(e.get("line") or 0)))
    return document(entries, doc.get("run"))
