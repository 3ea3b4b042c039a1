"""Custom resources: a CustomResourceDefinition in the docs makes its resources checkable."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema_rs

from ..parse.parse import Manifest
from .schema import SchemaError, schema_error

CRD_API = "apiextensions.k8s.io/v1"


def _strict(schema: Any) -> Any:
    """Structural schema -> JSON schema: unknown fields are errors, int-or-string is understood."""
    if isinstance(schema, list):
        return [_strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _strict(v) for k, v in schema.items()}
    if out.pop("x-kubernetes-int-or-string", False):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if isinstance(out.get("required"), list) and isinstance(out.get("properties"), dict):
        # the API server fills defaults before it validates: a required field with a default is there
        defaulted = {k for k, v in out["properties"].items() if isinstance(v, dict) and "default" in v}
        out["required"] = [r for r in out["required"] if r not in defaulted]
    preserve = out.pop("x-kubernetes-preserve-unknown-fields", False)
    if out.get("type") == "object" and "properties" in out and "additionalProperties" not in out and not preserve:
        out["additionalProperties"] = False
    if out.pop("nullable", False) and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    return out


def _defaulted(obj: Any, schema: Any) -> Any:
    """The object with the schema's defaults filled in where a field is absent, as the API server
    does before it validates (a `oneOf` may hold only once `type: IPAddress` is there)."""
    if not isinstance(schema, dict):
        return obj
    if isinstance(obj, dict):
        props = schema.get("properties")
        out = dict(obj)
        if isinstance(props, dict):
            for key, sub in props.items():
                if key not in out and isinstance(sub, dict) and "default" in sub:
                    out[key] = copy.deepcopy(sub["default"])
            for key, value in out.items():
                if key in props:
                    out[key] = _defaulted(value, props[key])
        elif isinstance(schema.get("additionalProperties"), dict):
            out = {k: _defaulted(v, schema["additionalProperties"]) for k, v in out.items()}
        return out
    if isinstance(obj, list) and isinstance(schema.get("items"), dict):
        return [_defaulted(v, schema["items"]) for v in obj]
    return obj


def _without_nulls(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _without_nulls(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, list):
        return [_without_nulls(v) for v in obj]
    return obj


class CustomResources:
    """The CRDs found in the checked docs, by (apiVersion, kind). The first definition of a kind
    wins: the caller adds the project's own (`--crd`, the cluster's) before those of the docs, so a
    stale CRD in a design page never overrides the real one."""

    def __init__(self) -> None:
        self._schemas: dict[tuple[str, str], Any] = {}
        self._validators: dict[tuple[str, str], Any] = {}
        self.scopes: dict[tuple[str, str], str] = {}
        self.sources: dict[tuple[str, str], tuple[str, str]] = {}  # page, page:line of a CRD of the docs

    def add(self, manifest: Manifest, source: tuple[str, str] | None = None) -> None:
        """Define the kinds of a CRD; `source` is the page and page:line it was found at (None for
        a file of `--crd` or the cluster's)."""
        spec = manifest.obj.get("spec")
        if manifest.api_version != CRD_API or not isinstance(spec, dict):
            return
        # A malformed CRD is reported by its own schema check; here it just defines nothing.
        group = spec.get("group")
        names = spec.get("names")
        kind = names.get("kind") if isinstance(names, dict) else None
        versions = spec.get("versions")
        if not isinstance(group, str) or not isinstance(kind, str) or not isinstance(versions, list):
            return
        for version in versions:
            if not isinstance(version, dict) or not isinstance(version.get("name"), str):
                continue
            key = (f"{group}/{version['name']}", kind)
            if key in self._schemas:
                continue
            found = version.get("schema")
            schema = found.get("openAPIV3Schema") if isinstance(found, dict) else None
            if isinstance(schema, dict):
                schema = copy.deepcopy(schema)
            else:  # no usable schema: any fields
                schema = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
            props = schema.setdefault("properties", {})
            if not isinstance(props, dict):
                continue
            props.setdefault("apiVersion", {"type": "string"})
            props.setdefault("kind", {"type": "string"})
            props.setdefault("metadata", {"type": "object", "x-kubernetes-preserve-unknown-fields": True})
            self._schemas[key] = _strict(schema)
            self.scopes[key] = str(spec.get("scope", "Namespaced"))
            if source is not None:
                self.sources[key] = source

    def versions_of(self, group: str, kind: str) -> list[str]:
        """The versions the CRDs give for a group and kind (to say which ones a wrong apiVersion misses)."""
        return sorted(gv.split("/")[-1] for gv, k in self._schemas if k == kind and gv.split("/")[0] == group)

    def api_versions_of(self, kind: str) -> set[str]:
        return {gv for gv, k in self._schemas if k == kind}

    def knows(self, api_version: str, kind: str) -> bool:
        return (api_version, kind) in self._schemas

    def errors(self, manifest: Manifest) -> list[SchemaError]:
        key = (manifest.api_version, manifest.kind)
        if key not in self._validators:
            try:
                self._validators[key] = jsonschema_rs.validator_for(self._schemas[key])
            except (ValueError, jsonschema_rs.ValidationError) as e:
                return [SchemaError((), f"the CustomResourceDefinition's schema cannot be compiled: {e}")]
        # The API server prunes null values of fields that are not nullable before it validates
        # (nullable ones keep theirs and pass), then fills the defaults; so do we.
        obj = _defaulted(_without_nulls(manifest.obj), self._schemas[key])
        return [schema_error(e) for e in self._validators[key].iter_errors(obj)]

    def fields_at(self, api_version: str, kind: str, path: tuple[str | int, ...]) -> list[str]:
        """The property names the CRD's schema allows at `path` (for "did you mean")."""
        node: Any = self._schemas.get((api_version, kind))
        for key in path:
            if not isinstance(node, dict):
                return []
            node = node.get("items") if isinstance(key, int) else (node.get("properties") or {}).get(key)
        props = node.get("properties") if isinstance(node, dict) else None
        return sorted(props) if isinstance(props, dict) else []
