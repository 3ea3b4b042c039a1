"""Formats the API server enforces beyond the OpenAPI schema, in the server's own words.

The messages are those of k8s.io/apimachinery/pkg/util/validation (IsDNS1123Subdomain,
IsDNS1123Label, IsDNS1035Label, IsQualifiedName, IsValidLabelValue, IsValidPortName,
InclusiveRangeError) and of resource.ParseQuantity, written as the server writes a field error:
`FIELD: Invalid value: "VALUE": DETAIL`.
"""

from __future__ import annotations

import re
from typing import Any

LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
SUBDOMAIN_FMT = LABEL_FMT + "(\\." + LABEL_FMT + ")*"
DNS1035_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
QUALIFIED_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
LABEL_VALUE_FMT = "(" + QUALIFIED_FMT + ")?"
QUANTITY_RE = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
_QUANTITY = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?")
_PORT_NAME_CHARS = re.compile(r"[-a-z0-9]+")


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
