"""The container images a snippet or a runbook step names, and what a cluster can run of them."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..collect.collect import SHELL_LANGUAGES, YAML_LANGUAGES
from ..model import Manifest, Snippet
from ..runbook import shell

Obj = dict[str, Any]
_SET_IMAGE = re.compile(r"\bset\s+image\b(?P<rest>[^\n;|&]*)")


def _pod_spec(obj: Obj) -> Obj | None:
    kind = obj.get("kind")
    spec = obj.get("spec") or {}
    if kind == "Pod":
        return spec
    if kind == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    template = spec.get("template")
    return (template or {}).get("spec") if isinstance(template, dict) else None


def of_object(obj: Obj) -> list[str]:
    """Images of a workload object's containers, init containers and ephemeral containers."""
    spec = _pod_spec(obj) or {}
    out = []
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for c in spec.get(key) or []:
            if isinstance(c, dict) and isinstance(c.get("image"), str):
                out.append(c["image"])
    return out


def to_load(text: str) -> list[str]:
    """Images a step needs in the node: those it names and those of its here-documents' workloads."""
    return of_step(text) + of_heredocs(text)


def of_step(text: str) -> list[str]:
    """Images a shell step names: `--image=X`, `--image X`, `kubectl set image ... NAME=X` (a step
    that starts a Pod of one that is not there is not run; a manifest it applies is applied)."""
    out = []
    try:
        words = shlex.split(text, comments=True)
    except ValueError:
        words = text.split()
    for i, w in enumerate(words):
        if w.startswith("--image="):
            out.append(w.split("=", 1)[1])
        elif w == "--image" and i + 1 < len(words):
            out.append(words[i + 1])
    for m in _SET_IMAGE.finditer(text):
        for w in m.group("rest").split():
            if "=" in w and not w.startswith("-"):
                out.append(w.split("=", 1)[1])
    return [i for i in out if i and "$" not in i]


def of_heredocs(text: str) -> list[str]:
    """Images of the workloads a step's here-documents hold (`kubectl apply -f - <<'EOF'` ... `EOF`)."""
    try:
        commands = shell.parse(text)
    except shell.ShellSyntaxError:
        return []
    out = []
    for c in commands:
        try:
            documents = list(yaml.safe_load_all(c.heredoc or ""))
        except yaml.YAMLError:
            continue
        for doc in documents:
            if isinstance(doc, dict):
                out += of_object(doc)
    return [i for i in out if "$" not in i]


@dataclass
class Availability:
    """What the cluster's provider made of the run's images (kind); empty on kwok and existing."""

    standin: dict[str, str] = field(default_factory=dict)  # image -> Debian package of its stand-in
    unavailable: set[str] = field(default_factory=set)

    def split(self, images: list[str]) -> tuple[list[str], list[str]]:
        """(stand-ins, unavailable) among images."""
        return sorted({i for i in images if i in self.standin}), sorted({i for i in images if i in self.unavailable})


def of_snippet(s: Snippet, manifests: list[Manifest]) -> list[str]:
    """Images to load for one snippet: its objects' and, for a runbook step (unless it allows a
    missing image), those it names and those of its here-documents."""
    out = [i for m in manifests for i in of_object(m.obj)]
    if s.language in SHELL_LANGUAGES and "missing-image" not in s.directives.allow:
        out += to_load(s.text)
    return out


def named(snippets: list[Snippet]) -> list[str]:
    """Every image the snippets' objects and the steps name (before any check: the ones that will
    go live are among them), for a provider to load early."""
    from ..parse.parse import parse  # the parse stage, only when a provider loads images

    out: set[str] = set()
    for s in snippets:
        if not s.directives.skip:
            out.update(of_snippet(s, parse(s).manifests if s.language in YAML_LANGUAGES else []))
    return sorted(out)
