"""YAML text to Kubernetes objects, each field remembering its line, with errors located to page:line."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..model import Finding, Manifest, Snippet
from . import fragments, yaml_errors
from .yaml_walk import MAX_ALIAS_VALUES, TooManyAliases, Walker

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader


@dataclass
class Parsed:
    manifests: list[Manifest]
    others: int  # documents that are not Kubernetes objects (no apiVersion and no kind)
    findings: list[Finding]
    elided: bool = False  # the text leaves something out (`...`, `# (...)`)
    template: str | None = None  # the first line of template syntax (Helm, Go, Jinja), if any
    partial: list[str] = field(default_factory=list)  # why documents are only parts of objects
    # (finding, kind) of each object with a kind but no apiVersion: the schemas know its apiVersion
    unversioned: list[tuple[Finding, str]] = field(default_factory=list)


def parse(snippet: Snippet) -> Parsed:
    """Parse a YAML snippet into manifests; syntax and structure errors become findings. Elisions
    (fragments.prepare) are taken out first; line numbers stay."""
    prepared = fragments.prepare(snippet.text)
    walker = Walker(snippet)
    manifests: list[Manifest] = []
    others = 0
    partial: list[str] = []
    unversioned: list[tuple[Finding, str]] = []
    text = prepared.text
    text_lines = text.split("\n")

    def done() -> Parsed:
        if walker.alternatives:
            partial.append("alternatives: the same key written once per option")
        return Parsed(
            manifests, others, walker.findings, bool(prepared.elided), prepared.template, partial, unversioned
        )

    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.YAMLError as e:
        e = yaml_errors.python_error(text) or e
        shown = yaml_errors.not_yaml(text, snippet.text)
        if shown:
            others += 1  # printed output or a drawing in a yaml fence: not a Kubernetes manifest
            return done()
        for level in yaml_errors.cut_levels(text) or []:
            error = yaml_errors.python_error(level)
            if error is not None:  # a mistake inside one level of the excerpt: reported there
                e, text, text_lines = error, level, level.split("\n")
                break
        else:
            if yaml_errors.cut_levels(text):
                others += 1  # an excerpt cut from deep inside an object, whose levels all read
                return done()
        mark = getattr(e, "problem_mark", None)
        structural = any(
            w in str(getattr(e, "problem", "")) + str(getattr(e, "context", "")) for w in yaml_errors.STRUCTURAL
        )
        near = structural and mark is not None and any(0 < mark.line - n <= 3 for n in prepared.elided)
        if prepared.elided and (near or not re.search(r"^\s*(apiVersion|kind):", text, re.M)):
            partial.append("elided: not YAML on its own around the elision")  # an excerpt cut around it
            return done()
        line, problem = yaml_errors.describe(e, text)
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
        elif yaml_errors.prose(bad) and line > 0:
            walker.error(
                line,
                f"YAML syntax error: {problem}; this line reads as a sentence of the page",
                hint="close the fence before the text (a ``` line is missing above it), or make the line a # comment",
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
        except TooManyAliases:
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
            if missing == "apiVersion" and not typo and isinstance(obj.get("kind"), str):
                unversioned.append((walker.findings[-1], obj["kind"]))
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


def _named(obj: dict[str, Any]) -> bool:
    meta = obj.get("metadata")
    return isinstance(meta, dict) and bool(meta.get("name") or meta.get("generateName"))
