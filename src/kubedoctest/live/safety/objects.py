"""What a snippet or a runbook step reaches outside its page's namespace: the cluster-scoped objects
it creates or changes and the namespaces it names, read from manifests, kubectl command lines (the
one reader, runbook/kubectl_command.py; the resource words are ../kubectl_resources.py) and the
manifests of here-documents. The rules that decide what of it is allowed are in __init__.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import yaml

from ...model import Manifest
from ...runbook import kubectl_command, shell
from ..kubectl_resources import CLUSTER_SCOPED, looked_up

MUTATING = {"create", "apply", "delete", "replace", "patch", "edit", "label", "annotate", "set", "scale",
            "autoscale", "expose", "taint", "cordon", "uncordon", "drain", "certificate", "rollout"}  # fmt: skip
NODE_VERBS = {"taint", "cordon", "uncordon", "drain"}  # act on nodes without naming the kind
CREATE_VERBS = {"create", "apply", "replace"}


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
        return looked_up(self.resource.split(".")[0])


@dataclass
class StepEffects:
    cluster_scoped: list[Touch] = field(default_factory=list)
    namespaces: list[str] = field(default_factory=list)  # namespaces the step names (other than its own)


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
        args = kubectl_command.kubectl_args(c.words)
        positional = args.positional
        effects.namespaces += args.namespaces
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


def outside(m: Manifest, scope: Callable[[str, str], bool | None]) -> list[tuple[str, str]]:
    """(why, the name it shares) for each way a manifest reaches outside the page's namespace: the
    namespace it names, or its own cluster-scoped name. The policy refuses these without consent;
    planning chains the pages that share them."""
    out = []
    namespace = (m.obj.get("metadata") or {}).get("namespace")
    if namespace:
        out.append((f"{m.describe()} names its own namespace", f"Namespace/{namespace}"))
    if scope(m.api_version, m.kind) is False:
        out.append((f"{m.describe()} is cluster-scoped", f"{m.kind}/{m.name}"))
    return out
