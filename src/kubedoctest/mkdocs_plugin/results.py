"""Read the results files of test runs and pick, per snippet content hash, the strongest verdict.

A results file is the JSON report of `kubedoctest check --format json` or of the pytest plugin's
`--kubedoctest-results PATH` (see README.md, "JSON"): a top-level `run`
(provider, kubernetes, simulated, k8s_versions, date) and one entry per snippet with its content
`hash`. Several files (a kwok run and a kind run) merge per hash: real containers beat a control
plane with simulated nodes, which beats offline checks only. Nothing here claims more than an
entry says: an entry without a hash, a failed entry or a skipped one never makes a badge, and a
text that failed in any run read gets none either.
"""

from __future__ import annotations

import glob
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Snippet, Stage

# where a verdict comes from, strongest last
OFFLINE, SIMULATED, REAL = 1, 2, 3
LIVE_STAGES = frozenset({Stage.LIVE, Stage.RUN})


def snippet_hash(snippet: Snippet) -> str:
    """The key of the results file: the snippet's own hash (model.Snippet.hash)."""
    return snippet.hash


@dataclass(frozen=True)
class Run:
    """One test run: where it applied the snippets, and when."""

    provider: str  # kwok | kind | existing | none
    kubernetes: str | None
    simulated: bool
    k8s_versions: tuple[str, ...]
    date: str  # ISO-8601 UTC as written by the run
    source: str  # the results file
    kubectl: str | None = None  # the kubectl version runbook steps ran with

    @property
    def day(self) -> str:
        return self.date[:10]


@dataclass
class Entry:
    """One snippet's result in one run."""

    run: Run
    path: str
    line: int
    id: str
    status: str
    stage: str
    hash: str | None
    language: str
    k8s_versions: tuple[str, ...]
    fidelity: str | None
    reasons: list[str]
    standin_images: list[str]
    unavailable_images: list[str]
    messages: list[str]

    @property
    def strength(self) -> int:
        """REAL, SIMULATED or OFFLINE for a passed entry; 0 when it proves nothing."""
        if self.status != "passed":
            return 0
        if self.stage in LIVE_STAGES and self.run.provider != "none":
            return SIMULATED if self.run.simulated else REAL
        return OFFLINE if self.k8s_versions else 0

    @property
    def partial(self) -> bool:
        return self.fidelity == "partial"

    @property
    def partial_reasons(self) -> list[str]:
        if self.reasons:
            return self.reasons
        return [m.split("partial: ", 1)[1] for m in self.messages if "partial: " in m]


@dataclass
class Results:
    """Every entry of every results file read, and the strongest passed entry per hash."""

    runs: list[Run] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # files that could not be read
    best: dict[str, Entry] = field(default_factory=dict)

    def verdict(self, content_hash: str) -> Entry | None:
        return self.best.get(content_hash)


def expand(patterns: list[str], root: Path) -> list[Path]:
    """Results files named by paths or globs (relative to root), existing ones only, sorted."""
    found: list[Path] = []
    for pattern in patterns:
        full = pattern if os.path.isabs(pattern) else str(root / pattern)
        found.extend(Path(p) for p in sorted(glob.glob(full)) if Path(p).is_file())
    return list(dict.fromkeys(found))


def load(files: list[Path]) -> Results:
    out = Results()
    for file in files:
        try:
            doc = json.loads(file.read_text(encoding="utf-8"))
            run = _run(doc.get("run"), str(file))
            entries = [_entry(e, run) for e in doc.get("snippets", [])]
        except (OSError, UnicodeDecodeError, ValueError, TypeError, AttributeError, KeyError) as e:
            out.problems.append(f"{file}: not a kubedoctest results file ({e}); run `scripts/test` to write it again")
            continue
        out.runs.append(run)
        out.entries.extend(entries)
    # a failure of the same text in any run read contradicts a pass: then no badge at all
    failed = {e.hash for e in out.entries if e.hash and e.status == "failed"}
    for e in out.entries:
        if not e.hash or not e.strength or e.hash in failed:
            continue
        held = out.best.get(e.hash)
        if held is None or _rank(e) > _rank(held):
            out.best[e.hash] = e
    return out


def _rank(e: Entry) -> tuple[int, int, str]:
    return (e.strength, 0 if e.partial else 1, e.run.date)


def _run(raw: Any, source: str) -> Run:
    if not isinstance(raw, dict):
        raise ValueError('no "run" object: written by an older kubedoctest')
    provider = str(raw.get("provider") or "none")
    return Run(
        provider=provider,
        kubernetes=raw.get("kubernetes") or None,
        simulated=bool(raw.get("simulated", provider == "kwok")),
        k8s_versions=tuple(str(v) for v in raw.get("k8s_versions") or ()),
        date=str(raw.get("date") or ""),
        source=source,
        kubectl=str(raw["kubectl"]) if raw.get("kubectl") else None,
    )


def _entry(raw: dict[str, Any], run: Run) -> Entry:
    return Entry(
        run=run,
        path=str(raw.get("path", "")),
        line=int(raw.get("line", 0)),
        id=str(raw.get("id", "")),
        status=str(raw.get("status", "")),
        stage=str(raw.get("stage", "")),
        hash=raw.get("hash") or None,
        language=str(raw.get("language", "")),
        k8s_versions=tuple(str(v) for v in raw.get("k8s_versions") or ()),
        fidelity=raw.get("fidelity"),
        reasons=[str(r) for r in raw.get("reasons") or []],
        standin_images=[str(r) for r in raw.get("standin_images") or []],
        unavailable_images=[str(r) for r in raw.get("unavailable_images") or []],
        messages=[str(m) for m in raw.get("messages") or []],
    )


def version_range(versions: tuple[str, ...] | list[str]) -> str:
    """'1.35–1.37' for consecutive minor versions, '1.33, 1.37' otherwise, '' for none."""
    try:
        keys = sorted({tuple(int(x) for x in v.split(".")[:2]) for v in versions})
    except ValueError:
        return ", ".join(versions)
    if not keys:
        return ""
    if len(keys) == 1:
        return f"{keys[0][0]}.{keys[0][1]}"
    consecutive = all(b[0] == a[0] and b[1] == a[1] + 1 for a, b in zip(keys, keys[1:], strict=False))
    if consecutive:
        return f"{keys[0][0]}.{keys[0][1]}–{keys[-1][0]}.{keys[-1][1]}"
    return ", ".join(f"{a}.{b}" for a, b in keys)
