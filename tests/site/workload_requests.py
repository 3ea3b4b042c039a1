"""Resource requests: every workload container of the docs declares resources.requests (cpu, memory).

The manifests are the YAML fences of the pages with their --8<-- includes resolved, read by the
harness's own collector, plus the manifests that runbook steps apply from a here-document
(`kubectl apply -f - <<'EOF' ... EOF`). A fence whose directive says no-requests="why" is exempt
(a BestEffort example, a Pod that gets its requests from a LimitRange); skipped fences are not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from docpages import LANGS, pages, rel

from kubedoctest.collect.collect import collect_page, read_page
from kubedoctest.collect.includes import IncludeConfig
from kubedoctest.model import Origin, Snippet

# kind -> the path from the object to its Pod spec
POD_SPEC = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "PodTemplate": ("template", "spec"),
}
HEREDOC_RE = re.compile(r"<<-?\s*['\"]?(?P<tag>[A-Za-z_]+)['\"]?")


@dataclass(frozen=True)
class Container:
    where: str  # page:line (snippet file:line) of the container's name
    kind: str
    name: str
    container: str
    field: str  # containers or initContainers
    requests: dict


class _Yaml(frozenset):
    def __contains__(self, item: object) -> bool:
        return item in {"yaml", "yml", "bash", "sh", "shell", "console"}


def _dig(obj: object, path: tuple[str, ...]) -> object:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def manifests(snippet: Snippet) -> list[tuple[str, list[Origin]]]:
    """The YAML texts of a fence: the fence itself, or the here-documents of a shell step."""
    lines = snippet.text.split("\n")
    if snippet.language in {"yaml", "yml"}:
        return [(snippet.text, snippet.origins)]
    out = []
    i = 0
    while i < len(lines):
        m = HEREDOC_RE.search(lines[i]) if "kubectl" in lines[i] and "apply" in lines[i] else None
        if not m:
            i += 1
            continue
        end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == m.group("tag")), len(lines))
        out.append(("\n".join(lines[i + 1 : end]), snippet.origins[i + 1 : end]))
        i = end + 1
    return out


def _line_of(text: str, origins: list[Origin], name: str, start: int) -> tuple[Origin | None, int]:
    """The origin of the first `name: NAME` line at or after `start` (0-based), and its index."""
    lines = text.split("\n")
    for dash in (r"-\s+", r"(-\s+)?"):  # a container is a list item: prefer `- name: NAME`
        pattern = re.compile(rf"^\s*{dash}name:\s*['\"]?{re.escape(name)}['\"]?\s*(#.*)?$")
        for i in range(start, len(lines)):
            if pattern.match(lines[i]):
                return (origins[i] if i < len(origins) else None), i + 1
    return None, start


def containers(page: str, snippet: Snippet) -> list[Container]:
    """The workload containers of one fence, each with where it is written."""
    out = []
    for text, origins in manifests(snippet):
        try:
            docs = [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]
        except yaml.YAMLError:
            continue  # the harness reports YAML errors
        cursor = 0
        for doc in docs:
            kind = doc.get("kind")
            spec = _dig(doc, POD_SPEC.get(kind, ("-",)))
            if not isinstance(spec, dict):
                continue
            obj_name = str(_dig(doc, ("metadata", "name")) or "?")
            for field in ("initContainers", "containers"):
                for c in spec.get(field) or []:
                    if not isinstance(c, dict):
                        continue
                    cname = str(c.get("name", "?"))
                    origin, cursor = _line_of(text, origins, cname, cursor)
                    where = origin.describe(page) if origin else f"{page}:{snippet.line}"
                    requests = _dig(c, ("resources", "requests"))
                    out.append(
                        Container(where, kind, obj_name, cname, field, requests if isinstance(requests, dict) else {})
                    )
    return out


def page_snippets(root: Path) -> list[tuple[str, Snippet]]:
    config = IncludeConfig(base_paths=[root / "snippets"], display_root=root)
    found = []
    for lang in LANGS:
        for page in pages(root, lang):
            path = root / "docs" / lang / page
            display = rel(root, path)
            snippets, _ = collect_page(display, read_page(display, path), config, _Yaml())
            found += [(display, s) for s in snippets if not s.directives.skip]
    return found


def missing_requests(root: Path) -> list[str]:
    """Workload containers without requests.cpu and requests.memory, with the fix."""
    found = []
    seen: set[str] = set()
    for page, snippet in page_snippets(root):
        exempt = snippet.directives.no_requests
        for c in containers(page, snippet):
            missing = [r for r in ("cpu", "memory") if r not in c.requests]
            if not missing or exempt:
                continue
            # one finding per written place: a snippet included by both languages is reported once
            key = c.where.split(" (", 1)[1] if " (" in c.where else c.where
            if key in seen:
                continue
            seen.add(key)
            found.append(
                f"{c.where}: container {c.container!r} of {c.kind} {c.name} ({c.field}) has no "
                f"resources.requests.{' or '.join(missing)}; add e.g. resources: {{requests: {{cpu: 10m, "
                f'memory: 32Mi}}, limits: {{memory: 64Mi}}}}, or put <!-- kubedoctest: no-requests="why" --> '
                f"before the fence"
            )
    return found
