"""The `<!-- kubedoctest: ... -->` directive grammar, read once into a typed `Directives`.

A directive is an HTML comment placed on the lines just before a fence::

    <!-- kubedoctest: KEY="VALUE" KEY="VALUE" FLAG -->

Values are double-quoted (a backslash escapes a quote). `skip` is a flag and needs `reason`.
The comment may span lines, and `<!--` may stand alone on the line before `kubedoctest:`.
The names are a closed set: a near miss (`expct`, `skp`) is an error naming the right one.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import NamedTuple

FLAGS = {"skip", "quoted"}
FLAG_USE = {"skip": 'skip reason="..."', "quoted": "quoted"}
KEYS = {"reason", "expect", "requires", "k8s", "timeout", "exit", "output", "no-requests", "allow"}
REQUIREMENTS = {"kubelet", "external"}
CONDITIONS = {"Available", "Ready", "Succeeded", "Complete", "Bound", "Pending", "Established", "Endpoints", "Exists"}
# what `allow` may name besides the step lint's rules
ALLOWANCES = {
    "missing-image": "the step names an image that does not exist on purpose (an ImagePullBackOff demonstration): "
    "it runs even where the image cannot be had, and no stand-in is made for it",
}
MAX_TIMEOUT = 3600  # seconds: an hour per object or step is already far past any useful wait
_TOKEN = re.compile(r'\s*([A-Za-z][A-Za-z0-9_-]*)(?:="((?:[^"\\]|\\.)*)")?')
_RANGE = re.compile(r"^(>=|<=|==|!=|>|<)?\s*(\d{1,4})\.(\d{1,4})$")
_EXPECT = re.compile(r"^([a-z][a-z0-9.]*)/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)\s+([A-Za-z]+)$")


class DirectiveError(ValueError):
    """A malformed directive; the message says what to write instead."""


class Expectation(NamedTuple):
    kind: str  # as written: a kind or a short name (pvc, deploy)
    name: str
    condition: str


@dataclass(frozen=True)
class Directives:
    """What the directive before a fence says; the defaults are "no directive"."""

    skip: bool = False
    quoted: bool = False  # the fence is the quoted output of the runbook step before it
    reason: str = ""
    expect: tuple[Expectation, ...] = ()
    requires: frozenset[str] = frozenset()
    k8s: str | None = None  # the range as written, e.g. ">=1.30,<1.36"
    timeout: float | None = None  # seconds
    exit: int = 0
    output: str | None = None
    no_requests: str | None = None  # why a workload fence declares no resources.requests
    allow: frozenset[str] = frozenset()  # runbook lint rules a reviewed step may break (needs reason)

    def matches(self, version: str) -> bool:
        """Whether a Kubernetes version (e.g. "1.35") is in the k8s range (always, without one)."""
        return self.k8s is None or version_matches(self.k8s, version)


def suggest(word: str, known: set[str]) -> str:
    close = difflib.get_close_matches(word, sorted(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else f"; known are {', '.join(sorted(known))}"


def parse(body: str) -> Directives:
    """Parse the text after `kubedoctest:`; raise DirectiveError when malformed."""
    raw: dict[str, str] = {}
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
                raise DirectiveError(f"{key!r} takes no value: write {FLAG_USE[key]}")
            value = "true"
        elif key in KEYS:
            if value is None:
                raise DirectiveError(f'{key!r} needs a value: write {key}="..."')
            value = value.replace('\\"', '"')
        else:
            raise DirectiveError(f"unknown directive {key!r}{suggest(key, FLAGS | KEYS)}")
        if key in raw:
            raise DirectiveError(f"directive {key!r} is given twice")
        raw[key] = value
    return _typed(raw)


def _typed(d: dict[str, str]) -> Directives:
    if "skip" in d and not d.get("reason", "").strip():
        raise DirectiveError('skip without a reason: write skip reason="why this is not checked"')
    if "allow" in d and not d.get("reason", "").strip():
        raise DirectiveError('allow without a reason: write allow="RULE" reason="why this step is safe"')
    if "reason" in d and "skip" not in d and "allow" not in d:
        raise DirectiveError('reason without skip or allow: write skip reason="..." or drop reason')
    allow = split_list(d.get("allow", ""))
    if "allow" in d:
        from ..runbook.step_rules import RULES  # the lint's own rule names

        for rule in allow or [""]:
            if rule not in RULES and rule not in ALLOWANCES:
                known = set(RULES) | set(ALLOWANCES)
                raise DirectiveError(f"unknown lint rule {rule!r} in allow{suggest(rule, known)}")
    requires = split_list(d.get("requires", ""))
    for req in requires:
        if req not in REQUIREMENTS:
            raise DirectiveError(f"unknown requirement {req!r} in requires{suggest(req, REQUIREMENTS)}")
    if "k8s" in d:
        version_range(d["k8s"])
    return Directives(
        skip="skip" in d,
        quoted="quoted" in d,
        reason=d.get("reason", ""),
        expect=tuple(expectations(d["expect"])) if "expect" in d else (),
        requires=frozenset(requires),
        k8s=d.get("k8s"),
        timeout=float(_number(d, "timeout", 1, MAX_TIMEOUT)) if "timeout" in d else None,
        exit=_number(d, "exit", 0, 255) if "exit" in d else 0,
        output=d.get("output"),
        no_requests=_reason(d, "no-requests"),
        allow=frozenset(allow),
    )


def _reason(d: dict[str, str], key: str) -> str | None:
    if key not in d:
        return None
    if not d[key].strip():
        raise DirectiveError(f'{key} needs the reason as its value, e.g. {key}="its requests come from the LimitRange"')
    return d[key]


def _number(d: dict[str, str], key: str, low: int, high: int) -> int:
    text = d[key].strip()
    if not text.isdigit() or not text.isascii():
        raise DirectiveError(f'{key} must be a whole number, e.g. {key}="60": got {d[key]!r}')
    value = int(text[:12])
    if len(text) > 12 or not low <= value <= high:
        raise DirectiveError(f"{key} must be between {low} and {high}: got {d[key]!r}")
    return value


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
    ops = {">=": v.__ge__, "<=": v.__le__, ">": v.__gt__, "<": v.__lt__, "==": v.__eq__, "!=": v.__ne__}
    return all(ops[op](bound) for op, bound in version_range(spec))


def expectations(spec: str) -> list[Expectation]:
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
            raise DirectiveError(f"unknown condition {cond!r} in {raw!r}{suggest(cond, CONDITIONS)}")
        out.append(Expectation(m.group(1), m.group(2), cond))
    if not out:
        raise DirectiveError('empty expect: write e.g. expect="pvc/data Bound"')
    return out
