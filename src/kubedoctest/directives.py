"""The `<!-- kubedoctest: ... -->` directive grammar.

A directive is an HTML comment placed on the lines just before a fence::

    <!-- kubedoctest: KEY="VALUE" KEY="VALUE" FLAG -->

Values are double-quoted (a backslash escapes a quote). `skip` is a flag and needs `reason`.
The comment may span lines, and `<!--` may stand alone on the line before `kubedoctest:`.
"""

from __future__ import annotations

import re

PREFIX = "kubedoctest:"
FLAGS = {"skip"}
KEYS = {"reason", "expect", "requires", "k8s", "timeout", "exit", "output"}
REQUIREMENTS = {"kubelet", "external"}
CONDITIONS = {
    "Available",
    "Ready",
    "Succeeded",
    "Complete",
    "Bound",
    "Pending",
    "Established",
    "Endpoints",
    "Exists",
}
_TOKEN = re.compile(r'\s*([A-Za-z][A-Za-z0-9_-]*)(?:="((?:[^"\\]|\\.)*)")?')
_RANGE = re.compile(r"^(>=|<=|==|!=|>|<)?\s*(\d+)\.(\d+)$")
_EXPECT = re.compile(r"^([a-z][a-z0-9.]*)/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)\s+([A-Za-z]+)$")


class DirectiveError(ValueError):
    """A malformed directive; the message says what to write instead."""


def parse(body: str) -> dict[str, str]:
    """Parse the text after `kubedoctest:` into a dict; raise DirectiveError when malformed."""
    result: dict[str, str] = {}
    pos = 0
    body = body.strip()
    while pos < len(body):
        m = _TOKEN.match(body, pos)
        if not m or m.end() == pos:
            raise DirectiveError(
                f'cannot read directive at {body[pos : pos + 30]!r}: write KEY="VALUE" pairs, '
                'e.g. <!-- kubedoctest: skip reason="why" -->'
            )
        key, value = m.group(1), m.group(2)
        pos = m.end()
        if key in FLAGS:
            if value is not None:
                raise DirectiveError(f'{key!r} takes no value: write {key} reason="..."')
            value = "true"
        elif key in KEYS:
            if value is None:
                raise DirectiveError(f'{key!r} needs a value: write {key}="..."')
            value = value.replace('\\"', '"')
        else:
            known = ", ".join(sorted(FLAGS | KEYS))
            raise DirectiveError(f"unknown directive {key!r}: known directives are {known}")
        if key in result:
            raise DirectiveError(f"directive {key!r} is given twice")
        result[key] = value
    _check(result)
    return result


def _check(d: dict[str, str]) -> None:
    if "skip" in d and not d.get("reason", "").strip():
        raise DirectiveError('skip without a reason: write skip reason="why this is not checked"')
    if "reason" in d and "skip" not in d:
        raise DirectiveError('reason without skip: write skip reason="..." or drop reason')
    for req in split_list(d.get("requires", "")):
        if req not in REQUIREMENTS:
            raise DirectiveError(
                f"unknown requirement {req!r} in requires: known are {', '.join(sorted(REQUIREMENTS))}"
            )
    if "k8s" in d:
        version_range(d["k8s"])
    if "expect" in d:
        expectations(d["expect"])
    for key in ("timeout", "exit"):
        if key in d and not d[key].strip().isdigit():
            raise DirectiveError(f'{key} must be a whole number, e.g. {key}="60"')


def split_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def version_range(spec: str) -> list[tuple[str, tuple[int, int]]]:
    """Parse `>=1.33,<1.36` into [(op, (major, minor))]."""
    parts = []
    for raw in split_list(spec):
        m = _RANGE.match(raw)
        if not m:
            raise DirectiveError(
                f'cannot read Kubernetes version range {raw!r}: write e.g. k8s=">=1.33" or ">=1.30,<1.36"'
            )
        parts.append((m.group(1) or "==", (int(m.group(2)), int(m.group(3)))))
    if not parts:
        raise DirectiveError('empty k8s range: write e.g. k8s=">=1.33"')
    return parts


def version_matches(spec: str, version: str) -> bool:
    major, minor = (int(x) for x in version.split(".")[:2])
    v = (major, minor)
    ops = {
        ">=": v.__ge__,
        "<=": v.__le__,
        ">": v.__gt__,
        "<": v.__lt__,
        "==": v.__eq__,
        "!=": v.__ne__,
    }
    return all(ops[op](bound) for op, bound in version_range(spec))


def expectations(spec: str) -> list[tuple[str, str, str]]:
    """Parse `pvc/data Bound; deployment/web Available` into [(kind, name, condition)]."""
    out = []
    for raw in (p.strip() for p in spec.split(";")):
        if not raw:
            continue
        m = _EXPECT.match(raw)
        if not m:
            raise DirectiveError(
                f'cannot read expectation {raw!r}: write KIND/NAME CONDITION, e.g. expect="pvc/data Bound"'
            )
        cond = m.group(4)
        if cond not in CONDITIONS:
            raise DirectiveError(f"unknown condition {cond!r} in {raw!r}: known are {', '.join(sorted(CONDITIONS))}")
        out.append((m.group(1), m.group(2), cond))
    if not out:
        raise DirectiveError('empty expect: write e.g. expect="pvc/data Bound"')
    return out
