"""YAML text to Kubernetes objects, each field remembering its line, with errors located to page:line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from .model import FieldPath, Finding, Manifest, Snippet

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

MERGE_TAG = "tag:yaml.org,2002:merge"
# Values that aliases may re-expand in one snippet; past it the YAML is an "alias bomb" that would
# take minutes and gigabytes to build (a Kubernetes manifest needs a handful).
MAX_ALIAS_VALUES = 100_000
# YAML also breaks lines at these; Markdown (and so the snippet's own numbering) only at "\n".
_EXTRA_BREAK = re.compile(r"\r(?!$)|[\x85\u2028\u2029]")


@dataclass
class Parsed:
    manifests: list[Manifest]
    others: int  # documents that are not Kubernetes objects (no apiVersion and no kind)
    findings: list[Finding]


class _Constructor(SafeConstructor):
    pass


# Kubernetes reads timestamps as strings; keep them as written.
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


class _TooManyAliases(Exception):
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


class _Walker:
    def __init__(self, snippet: Snippet):
        self.snippet = snippet
        self.constructor = _Constructor()
        self.findings: list[Finding] = []
        self.lines: dict[FieldPath, int] = {}
        self.active: set[int] = set()
        self.built: set[int] = set()
        self.rebuilt = 0
        self.line_map = _line_map(snippet.text)

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
                raise _TooManyAliases
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
                self.error(self.at(key_node.start_mark.line), "a mapping key must be a scalar")
                continue
            key = _json_key(key)
            line = self.at(key_node.start_mark.line)
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
        for p, ln in merged_lines.items():
            self.lines.setdefault(p, ln)
        return result


def _describe_yaml_error(e: yaml.YAMLError, text: str) -> tuple[int, str]:
    """(0-based YAML line, problem); a ReaderError's line is already a snippet line."""
    mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
    line = mark.line if mark is not None else 0
    if isinstance(e, yaml.reader.ReaderError) and isinstance(e.position, int):
        line = text[: e.position].count("\n")  # a character index into the text
        char = chr(e.character) if isinstance(e.character, int) else e.character
        return line, f"unacceptable character {char!r}: {e.reason}"
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
        line, problem = _describe_yaml_error(e, snippet.text)
        if not isinstance(e, yaml.reader.ReaderError):
            line = walker.at(line)
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
        start = walker.at(node.start_mark.line)
        try:
            obj = walker.build(node, ())
        except (yaml.YAMLError, ValueError, TypeError) as e:  # e.g. a bad !!binary value
            walker.error(start, f"YAML value error: {e}")
            continue
        except RecursionError:
            walker.error(start, "YAML nested too deeply to read")
            continue
        except _TooManyAliases:
            walker.error(
                start,
                f"YAML aliases expand to more than {MAX_ALIAS_VALUES} values (an alias bomb?)",
                hint="write the values out, or use fewer aliases",
            )
            return Parsed([], 0, walker.findings)
        lines = walker.lines
        if obj is None:
            continue
        if isinstance(obj, list) and any(isinstance(i, dict) and ("apiVersion" in i or "kind" in i) for i in obj):
            walker.error(
                start,
                f"document {index + 1} is a YAML list of Kubernetes objects; kubectl reads one object per document",
                hint="separate the objects with --- lines, or wrap them as apiVersion: v1, kind: List, items: [...]",
            )
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
