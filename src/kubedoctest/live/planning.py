"""Planning a live run, without a cluster: which pages go live, which of them must run one at a
time (they share names across the cluster), in which order, and each page's namespace.

Pure: the only thing it asks about the cluster is `scope(api_version, kind)`, True when the kind
is namespaced, False when cluster-scoped, None when the cluster does not serve it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..model import Manifest, Prepared, Status
from ..runner import is_step

Scope = Callable[[str, str], bool | None]


@dataclass
class PagePlan:
    index: int  # position of the page in the run (names its namespace)
    page: str
    items: list[Prepared]
    exclusive: bool  # shares cluster-wide names: runs alone, waits for its cleanup
    namespace: str
    reasons: list[str] = field(default_factory=list)  # why exclusive

    @property
    def live(self) -> list[Prepared]:
        return [p for p in self.items if goes_live(p)]


@dataclass
class Plan:
    exclusive: list[PagePlan]  # run one after another, in page order, on one worker
    parallel: list[PagePlan]  # each on any worker
    offline_only: list[Prepared]  # results already final (failed offline, skipped, nothing to apply)


def goes_live(p: Prepared) -> bool:
    return p.result.status == Status.PASSED and bool(p.manifests or is_step(p))


def namespace_for(run_id: str, index: int, page: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", page.lower()).strip("-")[-40:].strip("-")
    return f"kdt-{run_id}-{index}-{slug}"[:63].rstrip("-")


def shared_names(m: Manifest, scope: Scope) -> str | None:
    """Why a manifest's names are shared across the cluster, or None when they stay in the page's namespace."""
    if (m.obj.get("metadata") or {}).get("namespace"):
        return f"{m.describe()} names its own namespace"
    if m.kind == "Service" and any(
        isinstance(p, dict) and p.get("nodePort") for p in (m.obj.get("spec") or {}).get("ports") or []
    ):
        return f"{m.describe()} asks for a fixed nodePort"
    if scope(m.api_version, m.kind) is False:
        return f"{m.describe()} is cluster-scoped"
    return None


def plan(prepared: list[Prepared], run_id: str, scope: Scope, first_index: int = 0) -> Plan:
    """Group by page (in order of first appearance) and sort pages into exclusive and parallel.
    Pages are numbered from first_index (a run that plans several times keeps its names unique)."""
    pages: dict[str, list[Prepared]] = {}
    for p in prepared:
        pages.setdefault(p.snippet.page, []).append(p)
    result = Plan([], [], [])
    for index, (page, items) in enumerate(pages.items(), start=first_index):
        live = [p for p in items if goes_live(p)]
        if not live:
            result.offline_only.extend(items)
            continue
        reasons = ["runbook steps may create cluster-scoped objects"] if any(is_step(p) for p in live) else []
        reasons += [r for p in live for m in p.manifests if (r := shared_names(m, scope))]
        page_plan = PagePlan(index, page, items, bool(reasons), namespace_for(run_id, index, page), reasons)
        (result.exclusive if page_plan.exclusive else result.parallel).append(page_plan)
    return result
