"""YAML nodes to plain values, each field remembering its snippet line: merge keys, aliases (with
a bound against alias bombs), duplicate keys (reported for objects; written once per `# Or`
option they are alternatives), keys JSON would name differently."""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from ..model import FieldPath, Finding, Snippet

MERGE_TAG = "tag:yaml.org,2002:merge"
# Values that aliases may re-expand in one snippet; past it the YAML is an "alias bomb" that would
# take minutes and gigabytes to build (a Kubernetes manifest needs a handful).
MAX_ALIAS_VALUES = 100_000
# YAML also breaks lines at these; Markdown (and so the snippet's own numbering) only at "\n".
_EXTRA_BREAK = re.compile(r"\r(?!$)|[\x85\u2028\u2029]")


class _Constructor(SafeConstructor):
    pass


# Kubernetes reads timestamps as strings; keep them as written.
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


class TooManyAliases(Exception):
    pass


def _json_key(key: Any) -> str:
    """A mapping key as the JSON sent to the API server names it (1 -> "1", true -> "true")."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool) or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    return str(key)


def _line_map(text: str) -> list[int] | None:
    """YAML line -> snippet line, when the text has line breaks YAML counts and Markdown does not."""
    if not _EXTRA_BREAK.search(text):
        return None
    out: list[int] = []
    for number, line in enumerate(text.split("\n")):
        out.extend([number] * (1 + len(_EXTRA_BREAK.findall(line))))
    return out


class Walker:
    def __init__(self, snippet: Snippet):
        self.snippet = snippet
        self.constructor = _Constructor()
        self.findings: list[Finding] = []
        self.lines: dict[FieldPath, int] = {}
        self.active: set[int] = set()
        self.built: set[int] = set()
        self.rebuilt = 0
        self.line_map = _line_map(snippet.text)
        self.duplicates: list[Finding] = []  # reported only for a document that is a Kubernetes object
        self.alternatives = False

    def at(self, yaml_line: int) -> int:
        """The 0-based snippet line of a 0-based YAML line."""
        if self.line_map is None or not self.line_map:
            return yaml_line
        return self.line_map[min(yaml_line, len(self.line_map) - 1)]

    def error(self, line: int, message: str, hint: str | None = None, path: str | None = None) -> None:
        self.findings.append(Finding(self.snippet.where(line), message, hint=hint, path=path))

    def build(self, node: yaml.Node, path: FieldPath) -> Any:
        if id(node) in self.built:  # an alias: the anchored value is built once more
            self.rebuilt += 1
            if self.rebuilt > MAX_ALIAS_VALUES:
                raise TooManyAliases
        else:
            self.built.add(id(node))
        self.lines.setdefault(path, self.at(node.start_mark.line))
        if id(node) in self.active:
            self.error(self.at(node.start_mark.line), "recursive alias: an anchor refers to itself")
            return None
        if isinstance(node, yaml.ScalarNode):
            value = self.constructor.construct_object(node, deep=True)
            if isinstance(value, bytes):  # !!binary: sent as the decoded text, as kubectl does
                return value.decode("utf-8", errors="replace")
            return value
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            return self.mapping(node, path)
        finally:
            self.active.discard(id(node))

    def mapping(self, node: yaml.MappingNode, path: FieldPath) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        merged_lines: dict[FieldPath, int] = {}  # kept apart: a key written here wins over a merged one
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for source in sources:
                    own_lines, self.lines = self.lines, {}
                    try:
                        value = self.build(source, path)
                    finally:
                        for p, ln in self.lines.items():
                            merged_lines.setdefault(p, ln)
                        self.lines = own_lines
                    if isinstance(value, dict):
                        for k, v in value.items():
                            merged.setdefault(k, v)
                    else:
                        self.error(
                            self.at(key_node.start_mark.line),
                            "merge key << needs a mapping or a list of mappings",
                        )
                continue
            key = self.build(key_node, (*path, "<key>"))
            try:
                hash(key)
            except TypeError:
                if (
                    "{{"
                    in self.snippet.text.split("\n")[
                        min(self.at(key_node.start_mark.line), len(self.snippet.text.split("\n")) - 1)
                    ]
                ):
                    self.error(
                        self.at(key_node.start_mark.line),
                        "unquoted template expression {{ ... }}: YAML reads the braces as a mapping",
                        hint='quote the value ("{{ ... }}"), as the object must be YAML before the template is rendered',
                    )
                else:
                    self.error(self.at(key_node.start_mark.line), "a mapping key must be a scalar")
                continue
            key = _json_key(key)
            line = self.at(key_node.start_mark.line)
            if key in seen and _alternative(self.snippet.text, seen[key], line):
                self.alternatives = True  # `# Or` between them: the page shows one or the other
                continue
            if key in seen:
                dotted = ".".join(str(p) for p in (*path, key))
                self.error(
                    line,
                    f"duplicate key {key!r} (first at {self.snippet.where(seen[key])}); "
                    "kubectl would silently keep only the last one",
                    hint=f"remove one of the two {key!r} keys",
                    path=dotted,
                )
                self.duplicates.append(self.findings[-1])
                continue
            seen[key] = line
            self.lines[(*path, key)] = line
            result[key] = self.build(value_node, (*path, key))
            self.lines[(*path, key)] = line
        for k, v in merged.items():
            result.setdefault(k, v)
        for p, ln in merged_lines.items():
            self.lines.setdefault(p, ln)
        return result


_OR = re.compile(r"^\s*#+\s*(?:or\b|alternatively\b|another (?:way|option)|option \d|instead\b)", re.I)


def _alternative(text: str, first: int, second: int) -> bool:
    """Whether a comment between two lines offers the second as an alternative to the first."""
    return any(_OR.match(line) for line in text.split("\n")[first + 1 : second])
