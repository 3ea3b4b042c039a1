"""YAML text to Kubernetes objects, each field remembering its line, with errors located to page:line."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from . import fragments
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
    elided: bool = False  # the text leaves something out (`...`, `# (...)`)
    template: str | None = None  # the first line of template syntax (Helm, Go, Jinja), if any
    partial: list[str] = field(default_factory=list)  # why documents are only parts of objects


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


def _describe_yaml_error(e: yaml.YAMLError, text: str) -> tuple[int, str]:
    """(0-based YAML line of the culprit, problem); a ReaderError's line is already a snippet line.

    The parser notices some mistakes lines after them: an unclosed quote or a key without its
    colon is where the scanner started (`context_mark`); a block that ends too early is the last
    line indented less than the one that surprised the parser."""
    problem_mark = getattr(e, "problem_mark", None)
    context_mark = getattr(e, "context_mark", None)
    mark = problem_mark or context_mark
    line = mark.line if mark is not None else 0
    if isinstance(e, yaml.reader.ReaderError) and isinstance(e.position, int):
        line = text[: e.position].count("\n")  # a character index into the text
        char = chr(e.character) if isinstance(e.character, int) else e.character
        return line, f"unacceptable character {char!r}: {e.reason}"
    problem = getattr(e, "problem", None) or str(e)
    context = getattr(e, "context", None) or ""
    if context_mark is not None and problem_mark is not None:
        if context.startswith(("while scanning a quoted scalar", "while scanning a simple key")):
            line = context_mark.line
        elif "expected <block end>" in problem and "<block mapping start>" in problem:
            line = _dedented_before(text, context_mark.line, problem_mark.line)
    message = f"{context}: {problem}" if context else problem
    return line, message


_DESCRIBE_KEYS = {"Name", "Namespace", "Labels", "Annotations", "Events", "API Version", "Status", "Spec", "Metadata"}


_STRUCTURAL = ("block end", "expected key", "mapping values are not allowed", "expected ':'", "document start")
_SHELL_START = re.compile(r"^\s*(?:\$ |# |kubectl |oc |helm |curl |cat |echo |virtctl |export )")


def _not_yaml(text: str, original: str) -> str | None:
    """What a yaml fence that does not parse shows instead, when it is plainly no manifest: a
    directory tree, `kubectl describe` output, a shell session, a TOML file."""
    if re.search(r"[├└│]──|[├└]─", text):
        return "a directory tree"
    first = next((line for line in original.split("\n") if line.strip() and not line.startswith("#!")), "")
    if _SHELL_START.match(first) and not first.lstrip().startswith("# "):
        return "shell commands"
    if re.search(r"^\[[\w.\-\"]+\]\s*$", text, re.M) and re.search(r"^\s*[\w.-]+\s*=\s*\S", text, re.M):
        return "a TOML file"
    top = {line.split(":", 1)[0] for line in text.split("\n") if re.match(r"^[A-Z][A-Za-z ]*:", line)}
    if len(top & _DESCRIBE_KEYS) >= 2 or re.search(r"^\s*Type\s+Reason\s+Age\s+From\s+Message", text, re.M):
        return "kubectl describe output"
    return None


def _python_error(text: str) -> yaml.YAMLError | None:
    """The same error from PyYAML's Python parser, whose messages say more than libyaml's
    (`expected <block end>, but found '<block mapping start>'` for `did not find expected key`)."""
    try:
        list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as e:
        return e
    except RecursionError:
        return None
    return None


def _dedented_before(text: str, first: int, noticed: int) -> int:
    """The line that ended a block too early: the last line before `noticed` indented less than it."""
    lines = text.split("\n")
    if noticed >= len(lines):
        return noticed
    depth = len(lines[noticed]) - len(lines[noticed].lstrip(" "))
    for number in range(noticed - 1, first, -1):
        line = lines[number]
        if line.strip() and not line.lstrip().startswith("#") and len(line) - len(line.lstrip(" ")) < depth:
            return number
    return noticed


def parse(snippet: Snippet) -> Parsed:
    """Parse a YAML snippet into manifests; syntax and structure errors become findings. Elisions
    (fragments.prepare) are taken out first; line numbers stay."""
    prepared = fragments.prepare(snippet.text)
    walker = _Walker(snippet)
    manifests: list[Manifest] = []
    others = 0
    partial: list[str] = []
    text = prepared.text
    text_lines = text.split("\n")

    def done() -> Parsed:
        if walker.alternatives:
            partial.append("alternatives: the same key written once per option")
        return Parsed(manifests, others, walker.findings, bool(prepared.elided), prepared.template, partial)

    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.YAMLError as e:
        e = _python_error(text) or e
        shown = _not_yaml(text, snippet.text)
        if shown:
            others += 1  # printed output or a drawing in a yaml fence: not a Kubernetes manifest
            return done()
        mark = getattr(e, "problem_mark", None)
        structural = any(w in str(getattr(e, "problem", "")) + str(getattr(e, "context", "")) for w in _STRUCTURAL)
        near = structural and mark is not None and any(0 < mark.line - n <= 3 for n in prepared.elided)
        if prepared.elided and (near or not re.search(r"^\s*(apiVersion|kind):", text, re.M)):
            partial.append("elided: not YAML on its own around the elision")  # an excerpt cut around it
            return done()
        line, problem = _describe_yaml_error(e, text)
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
        elif "found character '*' that cannot start any token" in problem or "while scanning an alias" in problem:
            walker.error(
                line,
                f"YAML syntax error: {problem}",
                hint="a value that starts with * (a wildcard like *.example.com) must be quoted: '*.example.com'",
            )
        else:
            walker.error(
                line,
                f"YAML syntax error: {problem}",
                hint="fix the indentation or quoting on this line",
            )
        return done()
    except RecursionError:
        walker.error(0, "YAML nested too deeply to read")
        return done()
    for index, node in enumerate(nodes):
        if node is None:
            continue
        walker.lines = {}
        walker.duplicates = []
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
            return done()
        lines = walker.lines
        if obj is None:
            continue
        if not (isinstance(obj, dict) and "apiVersion" in obj and "kind" in obj):
            # not an object: the same key written twice is alternatives side by side, not a mistake
            walker.findings = [f for f in walker.findings if all(f is not d for d in walker.duplicates)]
        if isinstance(obj, list) and any(isinstance(i, dict) and "apiVersion" in i and "kind" in i for i in obj):
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
            typo = next((k for k in obj if isinstance(k, str) and k.lower() == missing.lower()), None) or next(
                iter(difflib.get_close_matches(missing, [k for k in obj if isinstance(k, str)], n=1, cutoff=0.8)), None
            )
            if typo is None and (not _named(obj) or prepared.elided):
                partial.append(f"partial: document {index + 1} has {present} but no {missing}, and leaves things out")
                continue
            walker.error(
                lines.get((typo,), start) if typo else start,
                f"document {index + 1} has {present} but no {missing}"
                + (
                    f" ({typo!r} is not {missing!r}{': keys are case-sensitive' if typo.lower() == missing.lower() else ''})"
                    if typo
                    else ""
                ),
                hint=f"write {missing}: in place of {typo}:" if typo else f"add {missing}: to the object",
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
    return done()


_OR = re.compile(r"^\s*#+\s*(?:or\b|alternatively\b|another (?:way|option)|option \d|instead\b)", re.I)


def _alternative(text: str, first: int, second: int) -> bool:
    """Whether a comment between two lines offers the second as an alternative to the first."""
    return any(_OR.match(line) for line in text.split("\n")[first + 1 : second])


def _named(obj: dict[str, Any]) -> bool:
    meta = obj.get("metadata")
    return isinstance(meta, dict) and bool(meta.get("name") or meta.get("generateName"))
