"""Formats the API server enforces beyond the OpenAPI schema, in the server's own words.

The messages are those of k8s.io/apimachinery/pkg/util/validation (IsDNS1123Subdomain,
IsDNS1123Label, IsDNS1035Label, IsQualifiedName, IsValidLabelValue, IsValidPortName,
InclusiveRangeError) and of resource.ParseQuantity, written as the server writes a field error:
`FIELD: Invalid value: "VALUE": DETAIL`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .model import FieldPath, Manifest

LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
SUBDOMAIN_FMT = LABEL_FMT + "(\\." + LABEL_FMT + ")*"
DNS1035_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
QUALIFIED_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
LABEL_VALUE_FMT = "(" + QUALIFIED_FMT + ")?"
QUANTITY_RE = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
_QUANTITY = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?")
_PORT_NAME_CHARS = re.compile(r"[-a-z0-9]+")

# Kinds whose name is a DNS-1123 label, a DNS-1035 label, or a path segment (RBAC) rather than
# the usual DNS-1123 subdomain.
LABEL_NAMED = {("v1", "Namespace")}
DNS1035_NAMED = {("v1", "Service")}
PATH_SEGMENT_GROUP = "rbac.authorization.k8s.io"

Problem = tuple[FieldPath, str, str]  # (field path, message, hint)


def regex_error(message: str, fmt: str, *examples: str) -> str:
    """apimachinery's RegexError, word for word (its double spaces included)."""
    text = message + " (e.g. "
    for i, example in enumerate(examples):
        text += (" or " if i else "") + f"'{example}', "
    return text + f"regex used for validation is '{fmt}')"


def _full(fmt: str, value: str) -> bool:
    return re.fullmatch(fmt, value) is not None


def dns1123_subdomain(value: str) -> list[str]:
    errs = ["must be no more than 253 characters"] if len(value) > 253 else []
    if not _full(SUBDOMAIN_FMT, value):
        message = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
        errs.append(regex_error(message, SUBDOMAIN_FMT, "example.com"))
    return errs


def dns1123_label(value: str) -> list[str]:
    errs = ["must be no more than 63 characters"] if len(value) > 63 else []
    if not _full(LABEL_FMT, value):
        if _full(SUBDOMAIN_FMT, value):
            errs.append("must not contain dots")
        else:
            message = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"
            errs.append(regex_error(message, LABEL_FMT, "my-name", "123-abc"))
    return errs


def dns1035_label(value: str) -> list[str]:
    errs = ["must be no more than 63 characters"] if len(value) > 63 else []
    if not _full(DNS1035_FMT, value):
        message = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character"
        errs.append(regex_error(message, DNS1035_FMT, "my-name", "abc-123"))
    return errs


def path_segment(value: str) -> list[str]:
    if value in (".", ".."):
        return [f"may not be '{value}'"]
    return [f"may not contain '{c}'" for c in "/%" if c in value]


def qualified_name(value: str) -> list[str]:
    """A label or annotation key: an optional DNS subdomain prefix and '/', then a name."""
    parts = value.split("/")
    if len(parts) > 2:
        message = "a qualified name " + regex_error(
            "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
            QUALIFIED_FMT,
            "MyName",
            "my.name",
            "123-abc",
        )
        return [message + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    errs: list[str] = []
    if len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs += ["prefix part " + e for e in dns1123_subdomain(prefix)]
    else:
        name = parts[0]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > 63:
        errs.append("name part must be no more than 63 characters")
    if name and not _full(QUALIFIED_FMT, name):
        message = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
        errs.append("name part " + regex_error(message, QUALIFIED_FMT, "MyName", "my.name", "123-abc"))
    return errs


def label_value(value: str) -> list[str]:
    errs = ["must be no more than 63 characters"] if len(value) > 63 else []
    if not _full(LABEL_VALUE_FMT, value):
        message = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
        errs.append(regex_error(message, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


def port_name(value: str) -> list[str]:
    errs = ["must be no more than 15 characters"] if len(value) > 15 else []
    if not _PORT_NAME_CHARS.fullmatch(value):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if "--" in value:
        errs.append("must not contain consecutive hyphens")
    if not re.search("[a-z]", value):
        errs.append("must contain at least one letter (a-z)")
    if value.startswith("-") or value.endswith("-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def port_number(value: int) -> list[str]:
    return [] if 1 <= value <= 65535 else ["must be between 1 and 65535, inclusive"]


def quantity(value: Any) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return []  # the schema reports the type
    if isinstance(value, str) and not _QUANTITY.fullmatch(value.strip()):
        return [f"quantities must match the regular expression '{QUANTITY_RE}'"]
    return []


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
