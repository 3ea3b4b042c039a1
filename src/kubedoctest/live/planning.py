"""Planning a live run, without a cluster: which pages go live, which of them conflict (they share
names across the cluster: the same cluster-scoped object, a namespace they name, a fixed node
port), in which order, and each page's namespace. Pages that conflict form a chain and run one
after another, each waiting for its objects to be gone only when a later page of its chain needs
the same names; chains and every other page run in parallel.

Pure: the only thing it asks about the cluster is `scope(api_version, kind)`, True when the kind
is namespaced, False when cluster-scoped, None when the cluster does not serve it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..model import Manifest, Prepared, Status
from ..runner import is_step
from . import safety, twins

Scope = Callable[[str, str], bool | None]


@dataclass
class PagePlan:
    index: int  # position of the page in the run (names its namespace)
    page: str
    items: list[Prepared]
    exclusive: bool  # a later page of its chain needs its names: its cleanup waits until they are gone
    namespace: str
    reasons: list[str] = field(default_factory=list)  # why it shares names across the cluster
    keys: set[str] = field(default_factory=set)  # the names it shares (its conflicts)
    copies: list[PagePlan] = field(default_factory=list)  # pages with the same live part: they take its results

    @property
    def live(self) -> list[Prepared]:
        return [p for p in self.items if goes_live(p)]


@dataclass
class Plan:
    chains: list[list[PagePlan]]  # pages that conflict: each chain one after another, in page order
    parallel: list[PagePlan]  # each on any worker
    offline_only: list[Prepared]  # results already final (failed offline, skipped, nothing to apply)

    @property
    def exclusive(self) -> list[PagePlan]:
        """Every page that shares names across the cluster, in page order."""
        return sorted((p for chain in self.chains for p in chain), key=lambda p: p.index)


# A page's expected cost, for starting the longest first (the run ends when its longest chain of
# work ends, so that one must not start last): each live snippet or step counts 1, a step 3 more
# (a shell, kubectl, often a rollout), and each command in it that waits for the cluster 5 more.
_WAITS = re.compile(r"\brollout\s+status\b|\bkubectl\b[^\n]*\bwait\b|\bsleep\s+\d|--watch\b|\blogs\b[^\n]*--previous")


def cost(page: PagePlan) -> int:
    """The page's expected cost (only its order among the others matters)."""
    return sum(1 + (3 + 5 * len(_WAITS.findall(p.snippet.text)) if is_step(p) else 0) for p in page.live)


def longest_first(plan: Plan) -> list[list[PagePlan]]:
    """The run's tasks (each chain, each other page), the costliest first: with N workers, the
    pages that wait longest start at once instead of after the quick ones, and the run ends
    close to the longest task's end. Ties keep page order."""
    return sorted(in_page_order(plan), key=lambda task: (-sum(cost(p) for p in task), task[0].index))


def in_page_order(plan: Plan) -> list[list[PagePlan]]:
    """The run's tasks as they were planned: the chains, then the other pages in page order."""
    return [*plan.chains, *([p] for p in plan.parallel)]


def goes_live(p: Prepared) -> bool:
    return p.result.status == Status.PASSED and bool(p.manifests or is_step(p))


def namespace_for(run_id: str, index: int, page: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", page.lower()).strip("-")[-40:].strip("-")
    return f"kdt-{run_id}-{index}-{slug}"[:63].rstrip("-")


def shared_names(m: Manifest, scope: Scope) -> str | None:
    """Why a manifest's names are shared across the cluster, or None when they stay in the page's namespace."""
    return next(iter(_shared(m, scope)), (None, None))[0]


def _shared(m: Manifest, scope: Scope) -> list[tuple[str, str]]:
    """(reason, conflict key) for each name of a manifest shared across the cluster."""
    out = safety.outside(m, scope)  # what the safety policy refuses without consent: shared names
    ports = (m.obj.get("spec") or {}).get("ports") or [] if m.kind == "Service" else []
    for port in ports:
        if isinstance(port, dict) and port.get("nodePort"):
            out.append((f"{m.describe()} asks for a fixed nodePort", f"nodePort/{port['nodePort']}"))
    return out


# commands whose objects the step does not show: an applied file or kustomization, a Helm chart
_UNSEEN = re.compile(
    r"\bkubectl\s+(?:apply|create|replace)\s+(?:[^\n|;&]*\s)?(?:(?:-f|--filename)[=\s]+(?!-(?:\s|$))\S|-k\b)"
    r"|\bhelm\s+(?:install|upgrade)\b",
    re.M,
)


def _without_heredocs(text: str) -> str:
    """The step's command lines: the bodies of its here-documents left out (their manifests are read apart)."""
    out, ending = [], None
    for line in text.split("\n"):
        if ending is not None:
            ending = None if line.strip() == ending else ending
            continue
        out.append(line)
        m = re.search(r"<<-?\s*['\"]?(\w+)['\"]?", line)
        ending = m.group(1) if m else None
    return "\n".join(out)


def _step_keys(p: Prepared, scope: Scope) -> set[str]:
    """The names a runbook step shares across the cluster: the cluster-scoped objects it creates or
    changes (its here-documents' manifests and its kubectl command lines, read by the safety
    module), the namespaces it creates, and, when it may change cluster-scoped objects it does not
    show (one without a name, an applied file, a chart), the runbook itself, so that its pages in
    other languages do not run beside it."""
    page, text = p.snippet.page, p.snippet.text
    keys = set()
    unseen = _UNSEEN.search(_without_heredocs(text)) is not None
    for touch in safety.step_effects(text, scope).cluster_scoped:
        kind = touch.kind()
        if kind and touch.name:
            keys.add(f"{kind[1]}/{touch.name}")
        else:
            unseen = True
    if unseen:
        keys.add("runbook:" + re.sub(r"^(?:.*/)?docs/[^/]+/", "", page))
    return keys


def plan(prepared: list[Prepared], run_id: str, scope: Scope, first_index: int = 0) -> Plan:
    """Group by page (in order of first appearance), chain the pages that share names across the
    cluster, and run everything else in parallel; a page whose live part is the same as an earlier
    page's (its translation) does not run but takes that page's results (twins.py). Pages are
    numbered from first_index (a run that plans several times keeps its names unique)."""
    pages: dict[str, list[Prepared]] = {}
    for p in prepared:
        pages.setdefault(p.snippet.page, []).append(p)
    result = Plan([], [], [])
    sharing: list[PagePlan] = []
    first_with: dict[twins.Signature, PagePlan] = {}
    for index, (page, items) in enumerate(pages.items(), start=first_index):
        live = [p for p in items if goes_live(p)]
        if not live:
            result.offline_only.extend(items)
            continue
        signature = twins.signature(live) or ()
        same = first_with.get(signature)
        if same is not None:
            same.copies.append(PagePlan(index, page, items, False, namespace_for(run_id, index, page)))
            continue
        keys = {k for p in live if is_step(p) for k in _step_keys(p, scope)}
        reasons = [
            "runbook steps may change cluster-scoped objects they do not show"
            if k.startswith("runbook:")
            else f"a runbook step creates or changes {k}"
            for k in sorted(keys)
        ]
        for p in live:
            for m in p.manifests:
                for reason, key in _shared(m, scope):
                    reasons.append(reason)
                    keys.add(key)
        page_plan = PagePlan(index, page, items, False, namespace_for(run_id, index, page), reasons, keys)
        first_with[signature] = page_plan
        (sharing if keys else result.parallel).append(page_plan)
    result.chains = _chains(sharing)
    return result


def _chains(pages: list[PagePlan]) -> list[list[PagePlan]]:
    """Pages that share a key, directly or through others, in one chain (page order); a page
    waits for its cleanup only when a later page of its chain shares one of its keys."""
    parent = list(range(len(pages)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, page in enumerate(pages):
        for key in page.keys:
            if key in first:
                parent[root(i)] = root(first[key])
            else:
                first[key] = i
    chains: dict[int, list[PagePlan]] = {}
    for i, page in enumerate(pages):
        chains.setdefault(root(i), []).append(page)
    for chain in chains.values():
        for i, page in enumerate(chain):
            page.exclusive = any(page.keys & later.keys for later in chain[i + 1 :])
    return list(chains.values())
