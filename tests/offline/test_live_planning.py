"""Planning a live run is pure: which pages go live, which run alone, their namespaces and order."""

from __future__ import annotations

import pytest

from kubedoctest.live import planning
from kubedoctest.model import Manifest, Origin, Prepared, Result, Snippet, Stage, Status

CLUSTER_SCOPED = {"PersistentVolume", "StorageClass", "Namespace", "ClusterRole"}


def scope(api_version: str, kind: str) -> bool | None:
    if kind == "Unserved":
        return None
    return kind not in CLUSTER_SCOPED


def item(
    page: str, line: int, *objs: dict, status: Status = Status.PASSED, language: str = "yaml", text: str = ""
) -> Prepared:
    """One snippet; its text names its page and line unless given, so that pages are not twins."""
    s = Snippet(page, line, language, text or f"# {page}:{line}", [Origin(line + 1)])
    manifests = [Manifest(o) for o in objs]
    return Prepared(s, manifests, Result(s, status, Stage.STATIC))


def obj(kind: str, name: str = "a", **extra) -> dict:
    return {"apiVersion": "v1", "kind": kind, "metadata": {"name": name, **extra.pop("metadata", {})}, **extra}


def test_pages_with_cluster_wide_names_run_alone_and_the_others_in_parallel():
    prepared = [
        item("docs/zh/a.md", 3, obj("ConfigMap")),
        item("docs/zh/storage.md", 3, obj("StorageClass")),
        item("docs/zh/storage.md", 9, obj("PersistentVolumeClaim")),
        item("docs/zh/own-ns.md", 3, obj("ConfigMap", metadata={"namespace": "monitoring"})),
        item("docs/zh/nodeport.md", 3, obj("Service", spec={"ports": [{"port": 80, "nodePort": 30080}]})),
        item("docs/zh/runbooks/r.md", 3, language="bash", text="kubectl label node kind-worker disk=ssd"),
        item("docs/zh/runbooks/s.md", 3, language="bash", text="kubectl create deployment web --image=nginx:1.30"),
        item("docs/zh/b.md", 3, obj("Unserved")),
    ]
    plan = planning.plan(prepared, "abc123", scope)
    assert [p.page for p in plan.exclusive] == [
        "docs/zh/storage.md",
        "docs/zh/own-ns.md",
        "docs/zh/nodeport.md",
        "docs/zh/runbooks/r.md",
    ]
    assert [p.page for p in plan.parallel] == ["docs/zh/a.md", "docs/zh/runbooks/s.md", "docs/zh/b.md"]
    reasons = {p.page: p.reasons for p in plan.exclusive}
    assert reasons["docs/zh/storage.md"] == ["StorageClass/a is cluster-scoped"]
    assert "names its own namespace" in reasons["docs/zh/own-ns.md"][0]
    assert "fixed nodePort" in reasons["docs/zh/nodeport.md"][0]
    assert reasons["docs/zh/runbooks/r.md"] == ["a runbook step creates or changes Node/kind-worker"]


def test_pages_with_nothing_to_apply_keep_their_offline_results_and_get_no_namespace():
    failed = item("docs/zh/a.md", 3, obj("ConfigMap"), status=Status.FAILED)
    empty = item("docs/zh/b.md", 3)
    plan = planning.plan([failed, empty], "abc123", scope)
    assert plan.exclusive == [] and plan.parallel == []
    assert plan.offline_only == [failed, empty]


def test_each_page_gets_a_valid_namespace_of_its_own_named_after_run_index_and_page():
    prepared = [item(f"docs/zh/{'very-long-' * 8}{i}.md", 3, obj("ConfigMap")) for i in range(3)]
    plan = planning.plan(prepared, "abc123", scope)
    names = [p.namespace for p in plan.parallel]
    assert len(set(names)) == 3
    for n in names:
        assert n.startswith("kdt-abc123-") and len(n) <= 63 and not n.endswith("-")
    assert planning.namespace_for("abc123", 7, "docs/zh/concepts/Pod.md") == "kdt-abc123-7-docs-zh-concepts-pod-md"


def test_a_page_keeps_its_items_in_page_order_and_pages_keep_the_order_they_came_in():
    prepared = [item("docs/zh/b.md", 9, obj("ConfigMap")), item("docs/zh/a.md", 3, obj("ConfigMap")),
                item("docs/zh/b.md", 3, obj("ConfigMap"))]  # fmt: skip
    plan = planning.plan(prepared, "r", scope)
    assert [p.page for p in plan.parallel] == ["docs/zh/b.md", "docs/zh/a.md"]
    assert [p.snippet.line for p in plan.parallel[0].items] == [9, 3]
    assert [p.index for p in plan.parallel] == [0, 1]


def test_a_run_that_plans_page_by_page_numbers_its_pages_on():
    first = planning.plan([item("docs/zh/a.md", 3, obj("ConfigMap"))], "r", scope)
    second = planning.plan([item("docs/zh/a.md", 3, obj("ConfigMap"))], "r", scope, first_index=1)
    assert first.parallel[0].namespace != second.parallel[0].namespace


def test_only_pages_that_share_a_name_are_chained_and_only_a_page_followed_by_one_waits():
    prepared = [
        item("docs/zh/pv.md", 3, obj("PersistentVolume", "pv-a")),
        item("docs/en/pv.md", 3, obj("PersistentVolume", "pv-a")),
        item("docs/zh/sc.md", 3, obj("StorageClass", "fast")),
        item("docs/zh/other-pv.md", 3, obj("PersistentVolume", "pv-b")),
        item("docs/zh/ns.md", 3, obj("ConfigMap", metadata={"namespace": "monitoring"})),
        item("docs/en/ns.md", 3, obj("Namespace", "monitoring")),
    ]
    plan = planning.plan(prepared, "abc123", scope)
    chains = [[p.page for p in chain] for chain in plan.chains]
    assert chains == [
        ["docs/zh/pv.md", "docs/en/pv.md"],
        ["docs/zh/sc.md"],
        ["docs/zh/other-pv.md"],
        ["docs/zh/ns.md", "docs/en/ns.md"],
    ]
    waits = {p.page: p.exclusive for chain in plan.chains for p in chain}
    assert waits == {
        "docs/zh/pv.md": True,
        "docs/en/pv.md": False,
        "docs/zh/sc.md": False,
        "docs/zh/other-pv.md": False,
        "docs/zh/ns.md": True,
        "docs/en/ns.md": False,
    }


def test_runbook_pages_conflict_with_pages_creating_the_same_names_and_otherwise_run_in_parallel():
    step = "kubectl apply -f - <<'EOF'\napiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv-debug\nEOF"

    def run(page: str, text: str) -> Prepared:
        s = Snippet(page, 3, "bash", text, [Origin(4)])
        return Prepared(s, [], Result(s, Status.PASSED, Stage.LINT))

    prepared = [
        run("docs/zh/runbooks/debug.md", step),
        run("docs/en/runbooks/debug.md", "# the same step, its comment translated\n" + step),
        run("docs/zh/runbooks/deploy.md", "kubectl create deployment web --image=nginx:1.30"),
        item("docs/zh/storage/pv.md", 3, obj("PersistentVolume", "pv-debug")),
    ]
    chains = [[p.page for p in chain] for chain in planning.plan(prepared, "abc123", scope).chains]
    assert chains == [["docs/zh/runbooks/debug.md", "docs/en/runbooks/debug.md", "docs/zh/storage/pv.md"]]


@pytest.mark.parametrize(
    ("step", "chained"),
    [
        (
            "kubectl apply -f - <<'EOF'\nkind: Deployment\nmetadata:\n  name: web\nEOF\nkubectl rollout status deploy/web",
            False,
        ),
        ("kubectl set image deployment/web web=nginx:1.31\nkubectl get pods -o wide", False),
        ("kubectl label node kind-worker disk=ssd", True),
        ("kubectl taint nodes kind-worker key=value:NoSchedule", True),
        ("kubectl create clusterrole reader --verb=get --resource=pods", True),
        ("kubectl delete pv/pv-old", True),
        ("kubectl apply -f manifests/", True),
        ("kubectl apply -k overlays/dev", True),
        ("helm install web ./chart", True),
    ],
)
def test_a_runbook_in_two_languages_runs_in_parallel_unless_a_step_may_change_what_it_does_not_show(step, chained):
    def run(page: str) -> Prepared:
        s = Snippet(page, 3, "bash", step, [Origin(4)])
        return Prepared(s, [], Result(s, Status.PASSED, Stage.LINT))

    zh, en = run("docs/zh/runbooks/r.md"), run("docs/en/runbooks/r.md")
    en.snippet.text = "# a comment translated\n" + step  # else the pages are twins: only one runs
    plan = planning.plan([zh, en], "abc123", scope)
    twins = [["docs/zh/runbooks/r.md", "docs/en/runbooks/r.md"]]
    assert ([[p.page for p in c] for c in plan.chains] == twins) is chained
    assert (len(plan.parallel) == 2) is not chained


def test_the_costliest_pages_and_chains_start_first_and_ties_keep_page_order():
    step = dict(language="bash")
    prepared = [
        item("docs/zh/a.md", 3, obj("ConfigMap")),
        item("docs/zh/b.md", 3, obj("ConfigMap")),
        item("docs/zh/b.md", 9, obj("Secret")),
        item("docs/zh/runbooks/quick.md", 3, text="kubectl get pods", **step),
        item("docs/zh/runbooks/rollout.md", 3, text="kubectl apply -f web.yaml", **step),
        item("docs/zh/runbooks/rollout.md", 9, text="kubectl rollout status deployment/web --timeout=60s", **step),
        item("docs/zh/storage.md", 3, obj("StorageClass")),
        item("docs/en/storage.md", 3, obj("StorageClass")),
        item("docs/zh/c.md", 3, obj("ConfigMap")),
    ]
    plan = planning.plan(prepared, "abc123", scope)
    order = [[p.page for p in task] for task in planning.longest_first(plan)]
    assert order == [
        ["docs/zh/runbooks/rollout.md"],  # two steps, one waiting for a rollout: 4 + 9
        ["docs/zh/runbooks/quick.md"],  # one step: 4
        ["docs/zh/b.md"],  # two snippets: 2
        ["docs/zh/storage.md", "docs/en/storage.md"],  # a chain costs its pages together: 2, a later page
        ["docs/zh/a.md"],
        ["docs/zh/c.md"],
    ]
    assert sorted(p for task in order for p in task) == sorted({p.snippet.page for p in prepared})


def test_a_translation_with_the_same_live_part_does_not_run_but_takes_the_first_pages_results():
    pv = obj("PersistentVolume", "pv-a")
    step = "kubectl get pods"
    prepared = [
        item("docs/zh/pv.md", 3, pv, text="kind: PersistentVolume"),
        item("docs/zh/runbooks/r.md", 5, language="bash", text=step),
        item("docs/en/pv.md", 7, pv, text="kind: PersistentVolume"),
        item("docs/en/runbooks/r.md", 9, language="bash", text=step),
        item("docs/en/runbooks/other.md", 9, language="bash", text=step + "  # a comment"),
    ]
    plan = planning.plan(prepared, "abc123", scope)
    assert [[p.page for p in chain] for chain in plan.chains] == [["docs/zh/pv.md"]]
    assert plan.chains[0][0].exclusive is False  # no later page of its chain needs its names
    assert [p.page for p in plan.chains[0][0].copies] == ["docs/en/pv.md"]
    assert [p.page for p in plan.parallel] == ["docs/zh/runbooks/r.md", "docs/en/runbooks/other.md"]
    assert [p.page for p in plan.parallel[0].copies] == ["docs/en/runbooks/r.md"]


@pytest.mark.parametrize("differs", ["quoted output", "directives", "offline warning", "objects"])
def test_pages_whose_live_parts_differ_in_anything_but_prose_both_run(differs):
    from kubedoctest.model import Finding, QuotedOutput
    from kubedoctest.parse.directives import Directives

    zh, en = (item(f"docs/{lang}/a.md", 3, obj("ConfigMap"), text="kind: ConfigMap") for lang in ("zh", "en"))
    if differs == "quoted output":
        zh.snippet.quoted, en.snippet.quoted = QuotedOutput(9, "web 1/1"), QuotedOutput(9, "web 0/1")
    elif differs == "directives":
        en.snippet.directives = Directives(timeout=5.0)
    elif differs == "offline warning":
        en.result.findings.append(Finding("docs/en/a.md:4", "deprecated field", "warning"))
    else:
        en.manifests = [Manifest(obj("ConfigMap", "b"))]
    plan = planning.plan([zh, en], "abc123", scope)
    assert [p.page for p in plan.parallel] == ["docs/zh/a.md", "docs/en/a.md"]
    assert all(p.copies == [] for p in plan.parallel)


def test_a_translations_results_are_moved_to_its_own_lines_and_say_where_they_ran():
    from kubedoctest.live import twins
    from kubedoctest.model import Finding

    def page(path: str, first: int) -> list[Prepared]:
        text = "apiVersion: v1\nkind: ConfigMap"
        s = Snippet(path, first, "yaml", text, [Origin(first + 1), Origin(first + 2)])
        prose = Snippet(path, first + 5, "text", "just words", [Origin(first + 6)])
        return [Prepared(s, [], Result(s, Status.PASSED, Stage.STATIC)),
                Prepared(prose, [], Result(prose, Status.SKIPPED, Stage.PARSE))]  # fmt: skip

    zh, en = page("docs/zh/a.md", 3), page("docs/en/a.md", 10)
    ran = Result(zh[0].snippet, Status.FAILED, Stage.APPLY, [
        Finding("docs/zh/a.md:5", "denied; see docs/zh/a.md:4 and docs/zh/a.md:99", hint="fix docs/zh/a.md:5"),
    ], "full", 2.5, ["1.37"], standin_images=["nginx:1.30"])  # fmt: skip
    out = twins.take([zh[0]], {id(zh[0]): ran}, en, [en[0]])
    assert [p for p, _ in out] == en
    copied, prose = out[0][1], out[1][1]
    assert prose is en[1].result  # what did not go live keeps its own result
    assert (copied.snippet, copied.status, copied.stage, copied.fidelity) == (
        en[0].snippet,
        ran.status,
        ran.stage,
        "full",
    )
    assert copied.seconds == 0 and copied.standin_images == ["nginx:1.30"] and copied.k8s_versions == ["1.37"]
    assert copied.messages == [
        "docs/en/a.md:12: denied; see docs/en/a.md:11 and docs/en/a.md:99; fix: fix docs/en/a.md:12",
        "docs/en/a.md:10: info: checked once with docs/zh/a.md: its snippets and steps are the same, and ran there "
        "on this cluster",
    ]
