"""YAML text to Kubernetes objects, each field remembering its line, with errors located to page:line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from .model import Finding, Snippet

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

Path = tuple[str | int, ...]
MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass
class Manifest:
    """One Kubernetes object from a snippet."""

    obj: dict[str, Any]
    lines: dict[Path, int] = field(default_factory=dict)  # field path -> 0-based snippet line
    line: int = 0  # 0-based snippet line where the object starts
    document: int = 0

    @property
    def api_version(self) -> str:
        return str(self.obj.get("apiVersion", ""))

    @property
    def kind(self) -> str:
        return str(self.obj.get("kind", ""))

    @property
    def name(self) -> str:
        meta = self.obj.get("metadata") or {}
        return (
            str(meta.get("name") or meta.get("generateName") or "")
            if isinstance(meta, dict)
            else ""
        )

    def line_of(self, path: Path) -> int:
        """The line of the deepest known prefix of a field path."""
        for end in range(len(path), -1, -1):
            found = self.lines.get(tuple(path[:end]))
            if found is not None:
                return found
        return self.line

    def describe(self) -> str:
        return f"{self.kind}/{self.name}" if self.name else self.kind or "object"


@dataclass
class Parsed:
    manifests: list[Manifest]
    others: int  # documents that are not Kubernetes objects (no apiVersion and no kind)
    findings: list[Finding]


class _Constructor(SafeConstructor):
    pass


# Kubernetes reads timestamps as strings; keep them as written.
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


class _Walker:
    def __init__(self, snippet: Snippet):
        self.snippet = snippet
        self.constructor = _Constructor()
        self.findings: list[Finding] = []
        self.lines: dict[Path, int] = {}
        self.active: set[int] = set()

    def error(
        self, line: int, message: str, hint: str | None = None, path: str | None = None
    ) -> None:
        self.findings.append(Finding(self.snippet.where(line), message, hint=hint, path=path))

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.lines.setdefault(path, node.start_mark.line)
        if id(node) in self.active:
            self.error(node.start_mark.line, "recursive alias: an anchor refers to itself")
            return None
        if isinstance(node, yaml.ScalarNode):
            return self.constructor.construct_object(node, deep=True)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            return self.mapping(node, path)
        finally:
            self.active.discard(id(node))

    def mapping(self, node: yaml.MappingNode, path: Path) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                sources = (
                    value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                )
                for source in sources:
                    value = self.build(source, path)
                    if isinstance(value, dict):
                        for k, v in value.items():
                            merged.setdefault(k, v)
                    else:
                        self.error(
                            key_node.start_mark.line,
                            "merge key << needs a mapping or a list of mappings",
                        )
                continue
            key = self.build(key_node, (*path, "<key>"))
            try:
                hash(key)
            except TypeError:
                self.error(key_node.start_mark.line, "a mapping key must be a scalar")
                continue
            line = key_node.start_mark.line
            if key in seen:
                dotted = ".".join(str(p) for p in (*path, key))
                self.error(
                    line,
                    f"duplicate key {key!r} (first at {self.snippet.where(seen[key])}); "
                    "kubectl would silently keep only the last one",
                    hint=f"remove one of the two {key!r} keys",
                    path=dotted,
                )
                continue
            seen[key] = line
            self.lines[(*path, key)] = line
            result[key] = self.build(value_node, (*path, key))
            self.lines[(*path, key)] = line
        for k, v in merged.items():
            result.setdefault(k, v)
        return result


def _describe_yaml_error(e: yaml.YAMLError) -> tuple[int, str]:
    mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
    line = mark.line if mark is not None else 0
    problem = getattr(e, "problem", None) or str(e)
    context = getattr(e, "context", None)
    text = f"{context}: {problem}" if context else problem
    return line, text


def parse(snippet: Snippet) -> Parsed:
    """Parse a YAML snippet into manifests; syntax and structure errors become findings."""
    walker = _Walker(snippet)
    manifests: list[Manifest] = []
    others = 0
    text_lines = snippet.text.split("\n")
    try:
        nodes = list(yaml.compose_all(snippet.text, Loader=_Loader))
    except yaml.YAMLError as e:
        line, problem = _describe_yaml_error(e)
        line = min(line, max(len(text_lines) - 1, 0))
        bad = text_lines[line] if text_lines else ""
        indent = bad[: len(bad) - len(bad.lstrip(" \t"))]
        if "\t" in indent or "'\\t'" in problem:
            walker.error(
                line,
                "tab used for indentation; YAML allows only spaces",
                hint="replace the tab with spaces",
            )
        else:
            walker.error(
                line,
                f"YAML syntax error: {problem}",
                hint="fix the indentation or quoting on this line",
            )
        return Parsed([], 0, walker.findings)
    except RecursionError:
        walker.error(0, "YAML nested too deeply to read")
        return Parsed([], 0, walker.findings)
    for index, node in enumerate(nodes):
        if node is None:
            continue
        walker.lines = {}
        try:
            obj = walker.build(node, ())
        except (yaml.YAMLError, ValueError, TypeError) as e:  # e.g. a bad !!binary value
            walker.error(node.start_mark.line, f"YAML value error: {e}")
            continue
        except RecursionError:
            walker.error(node.start_mark.line, "YAML nested too deeply to read")
            continue
        lines = walker.lines
        start = node.start_mark.line
        if obj is None:
            continue
        if not isinstance(obj, dict) or ("apiVersion" not in obj and "kind" not in obj):
            others += 1
            continue
        if "kind" not in obj or "apiVersion" not in obj:
            missing = "kind" if "kind" not in obj else "apiVersion"
            present = "apiVersion" if missing == "kind" else "kind"
            walker.error(
                start,
                f"document {index + 1} has {present} but no {missing}",
                hint=f"add {missing}: to the object",
            )
            continue
        if obj.get("kind") == "List" and isinstance(obj.get("items"), list):
            for i, item in enumerate(obj["items"]):
                prefix = ("items", i)
                if not isinstance(item, dict):
                    walker.error(lines.get(prefix, start), f"List item {i} is not an object")
                    continue
                sub = {p[2:]: ln for p, ln in lines.items() if p[:2] == prefix}
                manifests.append(Manifest(item, sub, lines.get(prefix, start), index))
            continue
        manifests.append(Manifest(obj, lines, start, index))
    return Parsed(manifests, others, walker.findings)
