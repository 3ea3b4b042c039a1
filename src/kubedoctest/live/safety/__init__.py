"""The safety module: every rule of what a live run may reach, create, change, take over and delete,
for snippets and runbook steps alike. Everything else asks it; RULES is its specification (the
README's safety section is generated from it, and tests/offline/test_safety.py holds one test per
rule, named after its sentence).

On a cluster the run created (kwok, kind) everything on it is the run's own; on someone else's
(`--cluster existing`) the rules below hold. A runbook step's network is its page's own everywhere
(network.py). What a snippet or step reaches is read in objects.py; the kubeconfig rules are in
kubeconfig.py.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ...model import Manifest
from .kubeconfig import Refused, confirmed_context, minify
from .objects import CREATE_VERBS, StepEffects, Touch, outside, step_effects

RUN_LABEL = "kubedoctest.io/run"  # on every namespace and object the run creates: the run's id
OWNER_ANNOTATION = "kubedoctest.io/owner"  # "<host>/<pid>" of the run that created the namespace
Scope = Callable[[str, str], bool | None]  # (apiVersion, kind) -> namespaced? None: not served


@dataclass(frozen=True)
class Rule:
    name: str
    sentence: str  # the rule; its test is named after it
    detail: str  # how it holds (Markdown, for the README)


RULES = (
    Rule("context", "someone else's cluster is used only once its context is named",
         "`--allow-existing-cluster=CONTEXT`, or `--context CONTEXT --allow-existing-cluster`; a bare "
         "`--allow-existing-cluster` is refused with the current context's name"),
    Rule("kubeconfig", "the run and its steps see only the confirmed context",
         "the run works from a copy of the kubeconfig that holds only that context, its cluster and its "
         "user (the header names the context and its server); runbook steps get one holding only the "
         "test cluster, with their page's namespace as its namespace"),
    Rule("marks", "every namespace the run creates is marked as the run's",
         "labelled `kubedoctest.io/run` (the run's id) and annotated `kubedoctest.io/owner` (its host "
         "and process); every object it creates carries the label too"),
    Rule("dead-runs", "only namespaces of runs of this machine whose process is gone are removed as leftovers",
         "a namespace labelled `kubedoctest.io/run` whose owner is a process of this host that is gone "
         "(a crash, `kill -9`) is removed at the next start and by `kubedoctest cluster gc`; one of "
         "another host, or of a process still running, is never touched"),
    Rule("take-over", "an object that exists and is not the run's is never taken over",
         "objects are created, never applied over: one that already exists outside the run's own "
         "namespaces fails its snippet (\"already exists ... refusing to take it over\") and is left as "
         "it was"),
    Rule("delete", "cleanup deletes only what the run created",
         "the page's namespace, and outside it only the objects whose UID the run created (the "
         "deletion carries that UID as a precondition, so an object made again by someone else in "
         "between is left alone)"),
    Rule("cluster-scoped", "a snippet that reaches outside its namespace needs the cluster-scoped consent",
         "cluster-scoped objects, and objects in a namespace the manifest names, need "
         "`--allow-cluster-scoped` too: without it such snippets are skipped with the reason"),
    Rule("step-namespace", "a step may not name another namespace",
         "`-n`, `--namespace`, `-A`, or `metadata.namespace` in a here-document, read by the one "
         "kubectl argument reader the lint uses too (`runbook/kubectl_command.py`); the lint's `allow=` does "
         "not lift it"),
    Rule("step-cluster-scoped", "a step that changes a cluster-scoped object needs the cluster-scoped consent",
         "a step that would create a PersistentVolume or label a node is not run without "
         "`--allow-cluster-scoped`, nor are the steps after it"),
    Rule("step-existing", "a step may change a cluster-scoped object only when the run created it",
         "with the consent, a step may still not change such an object that exists and is not the "
         "run's; one it creates is remembered by UID and deleted with its page"),
    Rule("network", "a step reaches only the test cluster and the ports its page opened",
         "on every cluster, not only someone else's: each page's steps run in user, network, PID and "
         "mount namespaces of their own (`unshare`, `nsenter`), whose only way out is a relay to the "
         "test cluster's API server; the port an earlier step's `kubectl port-forward` opened is there "
         "for the later steps of its page, and nothing else of this machine (a `kubectl proxy`, "
         "another cluster's API server, the host's abstract unix sockets) or beyond is, whatever the tool "
         "(curl, wget, bash's `/dev/tcp`, an interpreter) and whatever the lint allowed; what a step "
         "leaves running dies with its page. Where the namespaces cannot be made (no unprivileged user "
         "namespaces, not Linux) the page's steps fail with the reason, never run on the host's "
         "network"),
    Rule("filesystem", "a step sees only the system's program folders and its page's own",
         "on every cluster too: the page's steps run in a root of their own (made in their mount namespace "
         "by the relay) that holds the system's program folders (`/usr`, `/bin`, `/sbin`, `/lib*`, `/etc`) "
         "read-only, the page's own folder (its HOME, working folder and kubeconfig, whose certificate "
         "and token files are written into it), the pinned tools read-only, harmless devices, a `/proc` "
         "of the page's own processes and empty `/tmp`, `/var/tmp` and `/run` of its own; so the "
         "writer's HOME (`~/.kube`, `~/.docker`, `~/.config`), the files `$KUBECONFIG` names, the "
         "cluster credentials a node keeps in `/etc/kubernetes` and `/etc/rancher`, daemons' sockets "
         "(`/run`, `/var/run`, `/var/lib/docker`, containerd's) and any other unix socket (a `kubectl "
         "proxy --unix-socket` in `/tmp`) are not there, whatever path or `--kubeconfig` a step names. "
         "The mounts are locked in a user namespace below the page's: a step cannot unmount or remount "
         "its way back. What cannot be had: an exec credential plugin runs there, but without what it "
         "keeps under the writer's HOME; and where a `/proc` of the page's own cannot be mounted (a "
         "container whose `/proc` is partly masked) the page's steps fail with the reason"),
)  # fmt: skip


@dataclass(frozen=True)
class Consent:
    """What the user allowed, as one value: someone else's cluster (True, or the context it
    confirms), and cluster-scoped objects there."""

    existing_cluster: bool | str = False
    cluster_scoped: bool = False


NO_CONSENT = Consent()


def owner_id(pid: int | None = None) -> str:
    return f"{socket.gethostname()}/{pid or os.getpid()}"


def namespace_body(name: str, run_id: str) -> dict[str, Any]:
    """A namespace of the run, marked as its own (rule "marks")."""
    marks = {"labels": {RUN_LABEL: run_id}, "annotations": {OWNER_ANNOTATION: owner_id()}}
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, **marks}}


def mark(obj: dict[str, Any], run_id: str) -> None:
    obj.setdefault("metadata", {}).setdefault("labels", {})[RUN_LABEL] = run_id


def left_by_dead_run(meta: dict[str, Any], alive: Callable[[int], bool], host: str | None = None) -> bool:
    """Rule "dead-runs": may this namespace (its metadata, listed by RUN_LABEL) be removed?"""
    if RUN_LABEL not in (meta.get("labels") or {}) or meta.get("deletionTimestamp"):
        return False
    owner = (meta.get("annotations") or {}).get(OWNER_ANNOTATION, "")
    owner_host, _, pid = owner.rpartition("/")
    return owner_host == (host or socket.gethostname()) and pid.isdigit() and not alive(int(pid))


@dataclass(frozen=True)
class Target:
    """An object cleanup deletes: by UID (the run's own) unless it is the page's namespace."""

    api_version: str
    kind: str
    name: str
    namespace: str | None
    uid: str


@dataclass(frozen=True)
class Policy:
    owned: bool  # the run created the cluster
    consent: Consent = NO_CONSENT

    def refuse_snippet(self, manifests: list[Manifest], scope: Scope) -> str | None:
        """Rule "cluster-scoped": why a snippet must not be applied here (it is skipped with it)."""
        if self.owned or self.consent.cluster_scoped:
            return None
        for m in manifests:
            for why, _ in outside(m, scope):
                return f"{why}; allow it with --allow-cluster-scoped"
        return None

    def refuse_step(self, effects: StepEffects, namespace: str) -> str | None:
        """Rules "step-namespace" and "step-cluster-scoped", before a step runs."""
        if self.owned:
            return None
        others = [n for n in effects.namespaces if n != namespace]
        if others:
            shown = "all namespaces" if "*" in others else f"namespace {others[0]!r}"
            return f"the step names {shown}; on a cluster the run did not create, steps stay in their own namespace"
        if effects.cluster_scoped and not self.consent.cluster_scoped:
            t = effects.cluster_scoped[0]
            return f"the step changes cluster-scoped {t.describe()} ({t.verb}); allow it with --allow-cluster-scoped"
        return None

    def refuse_change(self, touch: Touch, lookup: Callable[[], dict[str, Any] | None], ours: set[str]) -> str | None:
        """Rule "step-existing": a step may change a cluster-scoped object only when it is not there
        yet or the run created it (`lookup()`: the object as it is now, `ours`: the run's UIDs)."""
        if self.owned:
            return None
        kind = touch.kind()
        if kind is None or not touch.name:
            return f"the step changes cluster-scoped {touch.describe()}, and the run cannot tell whether it is its own"
        found = lookup()
        if found is not None and (found.get("metadata") or {}).get("uid") not in ours:
            return f"{kind[1]}/{touch.name} already exists and is not this run's: refusing to change it ({touch.verb})"
        return None

    def claims(self, touch: Touch, found: dict[str, Any] | None, ours: set[str]) -> str:
        """The UID of a cluster-scoped object a step created, now the run's (deleted with its page),
        or "" when the step did not create one."""
        uid = str(((found or {}).get("metadata") or {}).get("uid") or "")
        if touch.verb not in CREATE_VERBS or touch.kind() is None or not touch.name or uid in ours:
            return ""
        return uid

    @property
    def removes_leftovers(self) -> bool:
        """Rule "dead-runs" applies (at the start): on someone else's cluster; the run's own is new."""
        return not self.owned

    @property
    def sweeps_on_stop(self) -> bool:
        """Rule "delete" after a signal: pages stopped half-way did not clean up, so the teardown
        deletes what they made; a cluster the run created goes as a whole."""
        return not self.owned

    def may_take_over(self, namespace: str | None, own_namespace: str) -> bool:
        """Rule "take-over": may an object that already exists be applied over?"""
        return self.owned or (namespace is not None and namespace == own_namespace)

    @staticmethod
    def take_over_refusal(what: str, namespace: str | None) -> str:
        where = f" in namespace {namespace!r}" if namespace else ""
        return (
            f"{what} already exists{where} and is not this run's: refusing to take it over (nothing of it was changed)"
        )

    @staticmethod
    def deletions(made: Iterable[Target], namespace: str) -> list[Target]:
        """Rule "delete": what a page's cleanup deletes, in order: what it made outside its namespace
        (newest first, each by the UID the run created), then its namespace."""
        outside_ns = [t for t in reversed(list(made)) if t.namespace != namespace and t.uid]
        return [*outside_ns, Target("v1", "Namespace", namespace, None, "")]

    @staticmethod
    def deletion_problem(target: Target, status: int) -> bool:
        """Is a failed deletion a problem? Not a conflict on the UID: the object is no longer the run's."""
        return not (status == 409 and target.uid)


__all__ = [
    "CREATE_VERBS", "NO_CONSENT", "OWNER_ANNOTATION", "RULES", "RUN_LABEL", "Consent", "Policy", "Refused", "Rule", "StepEffects", "Target",
    "Touch", "confirmed_context", "left_by_dead_run", "mark", "minify", "namespace_body", "outside", "owner_id",
    "step_effects",
]  # fmt: skip
