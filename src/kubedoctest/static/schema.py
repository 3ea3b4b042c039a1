"""Kubernetes OpenAPI schemas per version (from kubernetes-validate's package) and compiled validators.

Each version's `_definitions.json` is read once. For a run, one validator per version is compiled
for exactly the kinds the docs use: an `allOf` of `if apiVersion/kind then $ref` branches over the
closure of the definitions they need. Compiling once per version, not once per kind, is what keeps
the offline tier fast.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

_REF = re.compile(r'"#/\$defs/([^"]+)"')
_DIR_VERSION = re.compile(r"^v(\d+)\.(\d+)\.(\d+)-local-strict$")


@dataclass(frozen=True)
class SchemaError:
    path: tuple[str | int, ...]
    message: str
    definition: str | None = None  # the definition whose rule failed, when known
    unexpected: tuple[str, ...] = ()  # for "additional properties" errors: the unknown keys
    branches: tuple[tuple[str, ...], ...] = ()  # for oneOf/anyOf errors: each alternative's own errors


def schema_error(e: Any) -> SchemaError:
    """A jsonschema_rs ValidationError as a SchemaError (the unknown keys read from its kind)."""
    unexpected: tuple[str, ...] = ()
    if isinstance(e.kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
        unexpected = tuple(str(k) for k in e.kind.unexpected)
    branches = tuple(tuple(str(b.message) for b in branch) for branch in (getattr(e.kind, "context", None) or []))
    return SchemaError(tuple(e.instance_path), _shorten(e.message), unexpected=unexpected, branches=branches)


def _schema_root() -> Path:
    """The schema folder of the kubernetes-validate package, found without importing it (its
    import pulls in jsonschema and referencing: a fifth of our run time, for a path)."""
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("kubernetes-validate is not installed: pip install kubernetes-validate")
    return Path(list(spec.submodule_search_locations)[0]) / "kubernetes-json-schema"


@cache
def available_versions() -> list[str]:
    """Minor versions ("1.37") with strict schemas available offline, oldest first."""
    found: dict[tuple[int, int], tuple[int, str]] = {}
    for entry in _schema_root().iterdir():
        m = _DIR_VERSION.match(entry.name)
        if m:
            key = (int(m.group(1)), int(m.group(2)))
            patch = int(m.group(3))
            if key not in found or patch > found[key][0]:
                found[key] = (patch, entry.name)
    return [f"{a}.{b}" for a, b in sorted(found)]


def default_versions(count: int = 3) -> list[str]:
    return available_versions()[-count:]


@cache
def _directory(version: str) -> Path:
    root = _schema_root()
    candidates = sorted(
        p for p in root.iterdir() if p.name.startswith(f"v{version}.") and p.name.endswith("-local-strict")
    )
    if not candidates:
        known = ", ".join(available_versions())
        raise KeyError(f"no schemas for Kubernetes {version}; available offline: {known}")
    return candidates[-1]


class VersionSchemas:
    """The definitions of one Kubernetes version."""

    def __init__(self, version: str):
        self.version = version
        raw = (_directory(version) / "_definitions.json").read_text(encoding="utf-8")
        self.defs: dict[str, Any] = json.loads(raw.replace("/api/_definitions.json#", "#"))["$defs"]
        self.by_gvk: dict[tuple[str, str], str] = {}
        self.kinds: dict[str, set[str]] = {}
        for name, definition in self.defs.items():
            for gvk in definition.get("x-kubernetes-group-version-kind", []):
                group, ver, kind = gvk["group"], gvk["version"], gvk["kind"]
                api_version = f"{group}/{ver}" if group else ver
                if name.startswith("io.k8s.apimachinery.pkg.apis.meta"):
                    continue  # DeleteOptions, WatchEvent, ...: not objects one applies
                self.by_gvk.setdefault((api_version, kind), name)
                self.kinds.setdefault(kind, set()).add(api_version)
        # The API groups kube-apiserver itself serves ("" is the core group): any other group,
        # `*.k8s.io` ones too (Gateway API, snapshots, metrics), belongs to a custom resource.
        self.groups: set[str] = {gv.split("/")[0] if "/" in gv else "" for gvs in self.kinds.values() for gv in gvs}

    def _closure(self, roots: list[str]) -> dict[str, Any]:
        seen: set[str] = set()
        stack = list(roots)
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            stack.extend(_REF.findall(json.dumps(self.defs[name])))
        return {n: self.defs[n] for n in seen}

    def validator(self, gvks: frozenset[tuple[str, str]]) -> Validator:
        known = sorted(g for g in gvks if g in self.by_gvk)
        roots = [self.by_gvk[g] for g in known]
        branches = [
            {
                "if": {
                    "properties": {"apiVersion": {"const": api_version}, "kind": {"const": kind}},
                    "required": ["apiVersion", "kind"],
                },
                "then": {"$ref": f"#/$defs/{self.by_gvk[(api_version, kind)]}"},
            }
            for api_version, kind in known
        ]
        schema = {"$defs": self._closure(roots), "allOf": branches}
        return Validator(jsonschema_rs.validator_for(schema))

    def definition_at(self, api_version: str, kind: str, path: tuple[str | int, ...]) -> str | None:
        """The name of the definition that describes the value at `path` of an object, if any."""
        name = self.by_gvk.get((api_version, kind))
        node: Any = self.defs.get(name) if name else None
        for key in path:
            node, _ = self._deref(node)
            if not isinstance(node, dict):
                return None
            if isinstance(key, int):
                node = node.get("items")
            else:
                extra = node.get("additionalProperties")
                node = (node.get("properties") or {}).get(key, extra)
            name = None
        return self._deref(node)[1] or name

    def _deref(self, node: Any) -> tuple[Any, str | None]:
        name = None
        for _ in range(20):
            if not isinstance(node, dict):
                break
            ref = node.get("$ref")
            if ref is None and len(node.get("allOf") or []) == 1:
                ref = node["allOf"][0].get("$ref") if isinstance(node["allOf"][0], dict) else None
            if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
                break
            name = ref[len("#/$defs/") :]
            node = self.defs.get(name)
        return node, name


class Validator:
    def __init__(self, compiled: Any):
        self._compiled = compiled

    def errors(self, obj: dict[str, Any]) -> list[SchemaError]:
        return [schema_error(e) for e in self._compiled.iter_errors(obj)]


def _shorten(message: str) -> str:
    return message if len(message) < 300 else message[:297] + "..."


@cache
def schemas(version: str) -> VersionSchemas:
    return VersionSchemas(version)
