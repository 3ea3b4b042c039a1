"""The format checks of formats.py applied to one object: which field holds which format.

Names follow their kind (a DNS-1123 subdomain; a label for Namespace, DNS-1035 for Service, a path
segment for RBAC); labels, selectors, annotations, quantities, ports. Each problem is a field error
as the API server writes it: `FIELD: Invalid value: "VALUE": DETAIL`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..model import FieldPath, Manifest
from .formats import (
    dns1035_label,
    dns1123_label,
    dns1123_subdomain,
    label_value,
    path_segment,
    port_name,
    port_number,
    qualified_name,
    quantity,
)

# Kinds whose name is a DNS-1123 label, a DNS-1035 label, or a path segment (RBAC) rather than
# the usual DNS-1123 subdomain.
LABEL_NAMED = {("v1", "Namespace")}
DNS1035_NAMED = {("v1", "Service")}
PATH_SEGMENT_GROUP = "rbac.authorization.k8s.io"

Problem = tuple[FieldPath, str, str]  # (field path, message, hint)


def problems(manifest: Manifest) -> list[Problem]:
    """Every format problem of one object, with the field path the server would name."""
    obj = manifest.obj
    out: list[Problem] = []

    def add(path: FieldPath, value: Any, errors: list[str], hint: str) -> None:
        for error in errors:
            out.append((path, f"{_dotted(path)}: Invalid value: {_go_quote(value)}: {error}", hint))

    meta = obj.get("metadata")
    gv, kind = manifest.api_version, manifest.kind
    if isinstance(meta, dict):
        name = meta.get("name")
        if isinstance(name, str):
            if (gv, kind) in LABEL_NAMED:
                check, hint = dns1123_label, "use lower case letters, digits and '-' (at most 63)"
            elif (gv, kind) in DNS1035_NAMED:
                check, hint = dns1035_label, "start with a letter; use lower case letters, digits and '-' (at most 63)"
            elif gv.split("/")[0] == PATH_SEGMENT_GROUP:
                check, hint = path_segment, "remove '/' and '%' from the name"
            else:
                check, hint = dns1123_subdomain, "use lower case letters, digits, '-' and '.'"
            add(("metadata", "name"), name, check(name), hint)
        namespace = meta.get("namespace")
        if isinstance(namespace, str):
            add(("metadata", "namespace"), namespace, dns1123_label(namespace), "use an existing namespace's name")
    for path, value in _walk(obj, ()):
        _field(path, value, add)
    if "spec" in obj and obj["spec"] is None:
        hint = "write the spec's fields under it, or remove the spec: line"
        out.append((("spec",), "spec: Invalid value: null: spec: has no value (nothing after it)", hint))
    return out


_QUANTITY_MAPS = {("resources", "requests"), ("resources", "limits"), ("spec", "capacity"), ("spec", "hard")}
_QUANTITY_MAPS |= {("spec", "overhead"), ("overhead", "podFixed")}
_LIMIT_RANGE_KEYS = {"max", "min", "default", "defaultRequest", "maxLimitRequestRatio"}


def _is_label_map(path: FieldPath, value: dict[Any, Any]) -> bool:
    key = path[-1] if path else None
    parent = path[-2] if len(path) > 1 else None
    if (key == "labels" and parent == "metadata") or key in ("matchLabels", "nodeSelector"):
        return True
    plain = all(isinstance(v, str) for v in value.values()) and "matchExpressions" not in value
    return key == "selector" and parent == "spec" and plain


def _field(path: FieldPath, value: Any, add: Any) -> None:
    key = path[-1] if path else None
    parent = path[-2] if len(path) > 1 else None
    if isinstance(value, dict) and _is_label_map(path, value):
        for k, v in value.items():
            add(
                (*path, k),
                k,
                qualified_name(str(k)),
                "label keys: [prefix/]name, a name of letters, digits, '-', '_', '.'",
            )
            if isinstance(v, str):
                add((*path, k), v, label_value(v), "label values: at most 63 letters, digits, '-', '_', '.'")
    elif isinstance(value, dict) and key == "annotations" and parent == "metadata":
        for k in value:
            add(
                (*path, k),
                k,
                qualified_name(str(k)),
                "annotation keys: [prefix/]name, a name of letters, digits, '-', '_', '.'",
            )
    elif isinstance(value, dict) and (
        (parent, key) in _QUANTITY_MAPS or (key in _LIMIT_RANGE_KEYS and len(path) > 2 and path[-3] == "limits")
    ):
        for k, v in value.items():
            add((*path, k), v, quantity(v), "write a quantity like 500m, 1.5 or 128Mi")
    elif isinstance(value, dict) and "sizeLimit" in value:
        add((*path, "sizeLimit"), value["sizeLimit"], quantity(value["sizeLimit"]), "write a quantity like 128Mi")
    if isinstance(value, dict) and parent == "ports" and isinstance(key, int):
        _port(path, value, add)


def _port(path: FieldPath, value: dict[str, Any], add: Any) -> None:
    for field in ("containerPort", "hostPort", "port"):
        number = value.get(field)
        if isinstance(number, int) and not isinstance(number, bool) and not (field == "hostPort" and number == 0):
            add((*path, field), number, port_number(number), "use a port from 1 to 65535")
    target = value.get("targetPort")
    if isinstance(target, int) and not isinstance(target, bool):
        add((*path, "targetPort"), target, port_number(target), "use a port from 1 to 65535")
    elif isinstance(target, str):
        add((*path, "targetPort"), target, port_name(target), "name a container port (at most 15 characters)")
    name = value.get("name")
    if isinstance(name, str) and name:
        in_pod = any(p in path for p in ("containers", "initContainers", "ephemeralContainers"))
        errors = port_name(name) if in_pod else dns1123_label(name)
        add((*path, "name"), name, errors, "at most 15 lower case letters, digits and '-', with a letter")


def _walk(value: Any, path: FieldPath) -> Iterator[tuple[FieldPath, Any]]:
    stack = [(path, value)]
    while stack:
        p, v = stack.pop()
        yield p, v
        if isinstance(v, dict):
            stack.extend(((*p, k), x) for k, x in v.items() if isinstance(x, dict | list))
        elif isinstance(v, list):
            stack.extend(((*p, i), x) for i, x in enumerate(v) if isinstance(x, dict | list))


def _dotted(path: FieldPath) -> str:
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(p)):
            out += f".{p}" if out else str(p)
        else:
            out += f"[{p}]"
    return out


def _go_quote(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)
