"""renovate.json: its shape, and that its regex manager finds every image reference images.py finds."""

from __future__ import annotations

import json
import re
from pathlib import Path

from images import CATALOG, Entry, load_catalog, references

CONFIG = "renovate.json"


class RenovateError(ValueError):
    """renovate.json is malformed; the message says what to fix."""


def load(root: Path) -> dict:
    path = root / CONFIG
    if not path.is_file():
        raise RenovateError(f"{CONFIG} is missing: it makes Renovate propose image updates as pull requests")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise RenovateError(f"{CONFIG}:{e.lineno}: not valid JSON: {e.msg}") from None
    if not isinstance(data, dict):
        raise RenovateError(f"{CONFIG}: the top level must be an object")
    return data


def js_to_python(pattern: str) -> str:
    """A Renovate (JavaScript/RE2) pattern as a Python one: named groups (?<n>...) become (?P<n>...)."""
    return re.sub(r"\(\?<(?=[A-Za-z])", "(?P<", pattern)


def _file_pattern(p: str) -> re.Pattern[str]:
    if not (p.startswith("/") and p.endswith("/") and len(p) > 2):
        raise RenovateError(
            f'{CONFIG}: managerFilePatterns entry {p!r}: write a regex between slashes, e.g. "/^docs/.+\\\\.md$/"'
        )
    return re.compile(js_to_python(p[1:-1]))


def image_managers(data: dict) -> list[tuple[list[re.Pattern[str]], list[re.Pattern[str]]]]:
    """(file patterns, match patterns) of each regex custom manager with the docker datasource."""
    found = []
    managers = data.get("customManagers")
    if not isinstance(managers, list) or not managers:
        raise RenovateError(f"{CONFIG}: customManagers must be a non-empty list of regex managers")
    for i, m in enumerate(managers):
        if not isinstance(m, dict) or m.get("customType") != "regex":
            raise RenovateError(f'{CONFIG}: customManagers[{i}] must be an object with "customType": "regex"')
        if "fileMatch" in m:
            raise RenovateError(f"{CONFIG}: customManagers[{i}]: fileMatch was replaced by managerFilePatterns")
        files, strings = m.get("managerFilePatterns"), m.get("matchStrings")
        if not isinstance(files, list) or not files or not all(isinstance(f, str) for f in files):
            raise RenovateError(
                f"{CONFIG}: customManagers[{i}]: managerFilePatterns must be a non-empty list of strings"
            )
        if not isinstance(strings, list) or not strings or not all(isinstance(s, str) for s in strings):
            raise RenovateError(f"{CONFIG}: customManagers[{i}]: matchStrings must be a non-empty list of strings")
        if m.get("datasourceTemplate") != "docker":
            continue
        patterns = []
        for s in strings:
            if "(?<=" in s or "(?<!" in s:
                raise RenovateError(f"{CONFIG}: customManagers[{i}]: {s!r}: Renovate's RE2 has no lookbehind")
            try:
                p = re.compile(js_to_python(s))
            except re.error as e:
                raise RenovateError(f"{CONFIG}: customManagers[{i}]: {s!r} is not a valid regex: {e}") from None
            if not {"depName", "currentValue"} <= set(p.groupindex):
                raise RenovateError(f"{CONFIG}: customManagers[{i}]: {s!r} needs the groups depName and currentValue")
            patterns.append(p)
        found.append(([_file_pattern(f) for f in files], patterns))
    if not found:
        raise RenovateError(f'{CONFIG}: no regex manager has "datasourceTemplate": "docker"')
    return found


def matches_in(text: str, patterns: list[re.Pattern[str]]) -> set[str]:
    """The references Renovate would extract from a file's text (repository:tag[@digest])."""
    out = set()
    for p in patterns:
        for m in p.finditer(text):
            ref = f"{m.group('depName')}:{m.group('currentValue')}"
            if "currentDigest" in p.groupindex and m.group("currentDigest"):
                ref += f"@{m.group('currentDigest')}"
            out.add(ref)
    return out


def uncovered(root: Path) -> list[str]:
    """Image references (and catalog entries) that Renovate's managers would not find."""
    data = load(root)
    managers = image_managers(data)
    entries = load_catalog(root)
    found = []
    wanted: dict[str, set[str]] = {}
    # Entries marked renovate: false need not be found (a locally built image is in no registry).
    frozen = {e.image for e in entries if not e.renovate} | {e.undigested for e in entries if not e.renovate}
    for e in entries:
        if e.image not in frozen:
            wanted.setdefault(CATALOG, set()).add(e.image)
    for r in references(root, entries):
        if r.image not in frozen:
            wanted.setdefault(r.file, set()).add(r.image)
    for file, images in sorted(wanted.items()):
        patterns = [p for files, ps in managers if any(f.search(file) for f in files) for p in ps]
        if not patterns:
            found.append(f"{file}: no managerFilePatterns of {CONFIG} matches this file; Renovate would not update it")
            continue
        seen = matches_in((root / file).read_text(encoding="utf-8"), patterns)
        seen_loose = {s.split("@", 1)[0] for s in seen}
        for image in sorted(images):
            if image not in seen and image not in seen_loose:
                found.append(
                    f'{file}: Renovate would not find "{image}": add its repository to the '
                    f"depName list of the matchStrings in {CONFIG}"
                )
    return found


def disabled_without_rule(root: Path) -> list[str]:
    """Entries marked renovate: false that Renovate would find must be disabled by a packageRule; only those are."""
    data = load(root)
    rules = data.get("packageRules", [])
    if not isinstance(rules, list):
        raise RenovateError(f"{CONFIG}: packageRules must be a list")
    # (repository, tag): a rule with matchCurrentValue (an exact tag, not a /regex/) disables that tag
    # only, as for a tag that does not exist on purpose; without it the whole repository
    disabled = {
        (d, r.get("matchCurrentValue"))
        for r in rules
        if isinstance(r, dict) and r.get("enabled") is False
        for d in r.get("matchDepNames", [])
    }
    entries: list[Entry] = load_catalog(root)
    patterns = [p for _, ps in image_managers(data) for p in ps]
    found = []
    for e in entries:
        tag = e.undigested[len(e.repository) + 1 :]
        off = (e.repository, None) in disabled or (e.repository, tag) in disabled
        seen = bool(matches_in(f" {e.image} ", patterns))  # Renovate would extract it: it must be disabled
        if not e.renovate and seen and not off:
            found.append(
                f'{CATALOG}:{e.line}: {e.key} has renovate: false but no packageRule of {CONFIG} disables "{e.repository}"'
            )
        if e.renovate and off:
            found.append(
                f'{CONFIG}: a packageRule disables "{e.repository}" but {CATALOG}:{e.line} ({e.key}) does not say renovate: false'
            )
    return found
