"""The one safety policy of a live run, for snippets and runbook steps alike.

On a cluster the run created (kwok, kind) everything is the run's own. On someone else's cluster
(`--cluster existing`): objects are created, never taken over (one that already exists outside the
run's namespaces is an error naming it, and is left untouched); cleanup deletes only objects whose
UID the run created; cluster-scoped objects, and objects in a namespace the manifest names, need
`--allow-cluster-scoped`; runbook steps cannot name other namespaces, and a step that changes a
cluster-scoped object is refused without that flag.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import yaml

from ..model import Manifest
from ..runbook import shell

# kubectl's words for cluster-scoped kinds of a stock cluster (names, plurals, short names).
CLUSTER_SCOPED = {
    "namespace", "namespaces", "ns", "node", "nodes", "no", "persistentvolume", "persistentvolumes", "pv",
    "storageclass", "storageclasses", "sc", "clusterrole", "clusterroles", "clusterrolebinding",
    "clusterrolebindings", "customresourcedefinition", "customresourcedefinitions", "crd", "crds",
    "priorityclass", "priorityclasses", "pc", "ingressclass", "ingressclasses", "runtimeclass",
    "runtimeclasses", "csidriver", "csidrivers", "csinode", "csinodes", "volumeattachment", "volumeattachments",
    "mutatingwebhookconfiguration", "mutatingwebhookconfigurations", "validatingwebhookconfiguration",
    "validatingwebhookconfigurations", "validatingadmissionpolicy", "validatingadmissionpolicies",
    "validatingadmissionpolicybinding", "validatingadmissionpolicybindings", "apiservice", "apiservices",
    "certificatesigningrequest", "certificatesigningrequests", "csr", "flowschema", "flowschemas",
    "prioritylevelconfiguration", "prioritylevelconfigurations", "deviceclass", "deviceclasses",
    "ipaddress", "ipaddresses", "servicecidr", "servicecidrs",
}  # fmt: skip
_STOCK = {
    ("v1", "Namespace"): ("namespace", "namespaces", "ns"),
    ("v1", "Node"): ("node", "nodes", "no"),
    ("v1", "PersistentVolume"): ("persistentvolume", "persistentvolumes", "pv"),
    ("storage.k8s.io/v1", "StorageClass"): ("storageclass", "storageclasses", "sc"),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"): ("clusterrole", "clusterroles"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"): ("clusterrolebinding", "clusterrolebindings"),
    ("scheduling.k8s.io/v1", "PriorityClass"): ("priorityclass", "priorityclasses", "pc"),
    ("networking.k8s.io/v1", "IngressClass"): ("ingressclass", "ingressclasses"),
}
KINDS = {word: kind for kind, words in _STOCK.items() for word in words}
MUTATING = {"create", "apply", "delete", "replace", "patch", "edit", "label", "annotate", "set", "scale",
            "autoscale", "expose", "taint", "cordon", "uncordon", "drain", "certificate", "rollout"}  # fmt: skip
NODE_VERBS = {"taint", "cordon", "uncordon", "drain"}  # act on nodes without naming the kind
CREATE_VERBS = {"create", "apply", "replace"}
_VALUE_FLAGS = {"-f", "--filename", "-o", "--output", "-l", "--selector", "--field-selector", "-c", "--container",
                "--image", "--type", "--timeout", "--for", "-p", "--patch", "--from-literal", "--from-file"}  # fmt: skip


@dataclass(frozen=True)
class Touch:
    """A cluster-scoped object a step changes: kubectl word or kind, and name ("" when not named)."""

    verb: str
    resource: str
    name: str
    api_version: str = ""  # known when the object comes from a manifest

    def describe(self) -> str:
        return f"{self.resource}/{self.name}" if self.name else self.resource

    def kind(self) -> tuple[str, str] | None:
        """(apiVersion, kind) of the object, when it can be told."""
        if self.api_version:
            return self.api_version, self.resource
        return KINDS.get(self.resource.split(".")[0].lower())


@dataclass
class StepEffects:
    cluster_scoped: list[Touch] = field(default_factory=list)
    namespaces: list[str] = field(default_factory=list)  # namespaces the step names (other than its own)


def _kubectl_words(words: list[str]) -> tuple[list[str], list[str]]:
    """(positional words, namespaces named) of a kubectl command line (up to `--`)."""
    args = words[1 : words.index("--")] if "--" in words else words[1:]
    positional, namespaces = [], []
    i = 0
    while i < len(args):
        w = args[i]
        flag, _, value = w.partition("=")
        if flag in ("-n", "--namespace"):
            value = value or (args[i + 1] if i + 1 < len(args) else "")
            i += 0 if "=" in w else 1
            namespaces.append(value)
        elif w.startswith("-n") and not w.startswith("--") and len(w) > 2:
            namespaces.append(w[2:])
        elif flag in ("-A", "--all-namespaces"):
            namespaces.append("*")
        elif flag in _VALUE_FLAGS and "=" not in w:
            i += 1
        elif not w.startswith("-"):
            positional.append(w)
        i += 1
    return positional, namespaces


def step_effects(text: str, scope: Callable[[str, str], bool | None]) -> StepEffects:
    """What a runbook step would change outside its namespace, read from its commands and the
    manifests of its here-documents. `scope(api_version, kind)` as in planning."""
    effects = StepEffects()
    try:
        commands = shell.parse(text)
    except shell.ShellSyntaxError:
        return effects  # the lint has refused it already
    for c in commands:
        if c.name != "kubectl":
            continue
        positional, namespaces = _kubectl_words(c.words)
        effects.namespaces += namespaces
        verb = positional[0] if positional else ""
        if verb not in MUTATING:
            continue
        if verb in NODE_VERBS:
            effects.cluster_scoped.append(Touch(verb, "node", positional[1] if len(positional) > 1 else ""))
            continue
        targets = positional[1:]
        if verb == "create" and targets and targets[0] in CLUSTER_SCOPED:
            effects.cluster_scoped.append(Touch(verb, targets[0], targets[1] if len(targets) > 1 else ""))
            continue
        for t in targets:
            resource, _, name = t.partition("/")
            if resource.split(".")[0].lower() in CLUSTER_SCOPED:
                if not name and targets.index(t) + 1 < len(targets):
                    name = targets[targets.index(t) + 1]
                effects.cluster_scoped.append(Touch(verb, resource, name))
                break
        for doc in _documents(c.heredoc):
            kind, meta = str(doc.get("kind", "")), doc.get("metadata") or {}
            if meta.get("namespace"):
                effects.namespaces.append(str(meta["namespace"]))
            if kind and scope(str(doc.get("apiVersion", "")), kind) is False:
                effects.cluster_scoped.append(
                    Touch(verb, kind, str(meta.get("name", "")), str(doc.get("apiVersion", "")))
                )
    return effects


def _documents(text: str | None) -> list[dict]:
    if not text:
        return []
    try:
        return [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]
    except yaml.YAMLError:
        return []


@dataclass(frozen=True)
class Policy:
    owned: bool  # the run created the cluster
    allow_cluster_scoped: bool = False

    def refuse_snippet(self, manifests: list[Manifest], scope: Callable[[str, str], bool | None]) -> str | None:
        """Why a snippet must not be applied here (it is then skipped with that reason), or None."""
        if self.owned or self.allow_cluster_scoped:
            return None
        for m in manifests:
            if (m.obj.get("metadata") or {}).get("namespace"):
                return f"{m.describe()} names its own namespace; allow it with --allow-cluster-scoped"
            if scope(m.api_version, m.kind) is False:
                return f"{m.describe()} is cluster-scoped; allow it with --allow-cluster-scoped"
        return None

    def refuse_step(self, effects: StepEffects, namespace: str) -> str | None:
        if self.owned:
            return None
        others = [n for n in effects.namespaces if n != namespace]
        if others:
            shown = "all namespaces" if "*" in others else f"namespace {others[0]!r}"
            return f"the step names {shown}; on a cluster the run did not create, steps stay in their own namespace"
        if effects.cluster_scoped and not self.allow_cluster_scoped:
            t = effects.cluster_scoped[0]
            return f"the step changes cluster-scoped {t.describe()} ({t.verb}); allow it with --allow-cluster-scoped"
        return None

    def may_take_over(self, namespace: str | None, own_namespace: str) -> bool:
        """May an object that already exists be applied over (instead of being an error)?"""
        return self.owned or (namespace is not None and namespace == own_namespace)
