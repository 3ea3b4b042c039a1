"""Container image references: every one in docs/** and snippets/** is an entry of images.yaml.

The catalog format is described at the top of images.yaml. A reference is:
- a YAML `image:` field (also the JSON form `"image": "..."`), in a snippet file or a page;
- `--image=IMAGE` / `--image IMAGE` and `kubectl set image ... NAME=IMAGE` in a command;
- a catalog repository named with a tag anywhere on a page (prose, output, a directive such as
  output="nginx:1.30"), and `Image:` lines of `kubectl describe` output.
Fences skipped with reason="history..." show old manifests as they were and are not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from docpages import rel

from kubedoctest.collect.collect import collect_page
from kubedoctest.collect.includes import IncludeConfig

CATALOG = "images.yaml"
KEY_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TAG = r"[A-Za-z0-9_]+(?:[.-][A-Za-z0-9_]+)*"
REF_RE = re.compile(rf"^(?P<repo>[a-z0-9]+(?:[._/-][a-z0-9]+)*):(?P<tag>{TAG})(?:@(?P<digest>sha256:[a-f0-9]{{64}}))?$")
# An image value: up to white space, a quote, a comma or a closing bracket.
VALUE = r"""(?P<value>[^\s"'`,\]\)}#]+)"""
FIELD_RE = re.compile(rf"""(?:^|[\s{{,\-])["']?image["']?\s*:\s*["']?{VALUE}""")
FLAG_RE = re.compile(rf"""--image(?:=|\s+)["']?{VALUE}""")
SET_IMAGE_RE = re.compile(r"\bkubectl\s+set\s+image\s+(?P<args>[^;&|#\n]*)")
SET_PAIR_RE = re.compile(rf"""(?:^|\s)[A-Za-z0-9_.*-]+=["']?{VALUE}""")
DESCRIBE_RE = re.compile(rf"""^\s*Image:\s+{VALUE}""")


class CatalogError(ValueError):
    """images.yaml is malformed; the message names the line and the fix."""


@dataclass(frozen=True)
class Entry:
    key: str
    image: str
    standin: str  # a Debian package name, or "none"
    renovate: bool
    line: int  # 1-based line of the key in images.yaml

    @property
    def repository(self) -> str:
        return self.image.split("@", 1)[0].rsplit(":", 1)[0]

    @property
    def undigested(self) -> str:
        return self.image.split("@", 1)[0]


@dataclass(frozen=True)
class Ref:
    file: str  # relative to the repository root
    line: int  # 1-based
    image: str


def load_catalog(root: Path) -> list[Entry]:
    """The entries of images.yaml, in file order; CatalogError when it is malformed."""
    path = root / CATALOG
    if not path.is_file():
        raise CatalogError(f"{CATALOG} is missing: it is the catalog of every image the docs use")
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise CatalogError(f"{CATALOG}: not valid YAML: {e}") from None
    if not isinstance(data, dict) or set(data) != {"images"} or not isinstance(data["images"], dict):
        raise CatalogError(f"{CATALOG}:1: the file must be one mapping `images:` of KEY: {{image, standin}}")
    lines = {}
    for k, _ in node.value[0][1].value:
        lines[k.value] = k.start_mark.line + 1
    entries = []
    seen: dict[str, str] = {}
    for key, spec in data["images"].items():
        where = f"{CATALOG}:{lines.get(str(key), 1)}"
        if not isinstance(key, str) or not KEY_RE.match(key):
            raise CatalogError(f"{where}: key {key!r}: use lowercase letters, digits and dashes")
        if not isinstance(spec, dict):
            raise CatalogError(f"{where}: {key}: write image: and standin: under it")
        unknown = set(spec) - {"image", "standin", "renovate", "note"}
        if unknown:
            raise CatalogError(
                f"{where}: {key}: unknown field(s) {sorted(unknown)}; known are image, standin, renovate, note"
            )
        image, standin = spec.get("image"), spec.get("standin")
        if not isinstance(image, str) or not REF_RE.match(image):
            raise CatalogError(f"{where}: {key}: image {image!r} is not REPOSITORY:TAG[@sha256:DIGEST]; pin a tag")
        if not isinstance(standin, str) or not re.match(r"^(none|[a-z0-9][a-z0-9.+-]+)$", standin):
            raise CatalogError(f"{where}: {key}: standin {standin!r} must be a Debian package name or none")
        if not isinstance(spec.get("renovate", True), bool):
            raise CatalogError(f"{where}: {key}: renovate must be true or false")
        if image in seen:
            raise CatalogError(f"{where}: {key}: image {image} is already entry {seen[image]}; keep one entry")
        seen[image] = key
        entries.append(Entry(key, image, standin, spec.get("renovate", True), lines.get(key, 1)))
    return entries


def _history_lines(lines: list[str]) -> set[int]:
    """0-based lines of fences skipped as history (their directive's reason starts with "history")."""
    plain = ["" if "8<-" in line else line for line in lines]

    class _Every(frozenset):
        def __contains__(self, item: object) -> bool:
            return True

    snippets, _ = collect_page("page", plain, IncludeConfig(), _Every())
    out: set[int] = set()
    for s in snippets:
        if s.directives.skip and s.directives.reason.strip().lower().startswith("history"):
            last = s.origins[-1].page_line if s.origins else s.line
            out.update(range(s.line - 1, last + 1))
    return out


def _repo_pattern(repositories: list[str]) -> re.Pattern[str] | None:
    if not repositories:
        return None
    names = "|".join(re.escape(r) for r in sorted(repositories, key=len, reverse=True))
    return re.compile(rf"(?<![\w./-])(?:{names}):{TAG}(?:@sha256:[a-f0-9]{{64}})?")


def line_references(line: str, repo_re: re.Pattern[str] | None, markdown: bool) -> list[str]:
    """The image references on one line (each once, in order)."""
    found: list[tuple[int, str]] = []
    for m in FIELD_RE.finditer(line):
        found.append((m.start("value"), m.group("value")))
    for m in FLAG_RE.finditer(line):
        found.append((m.start("value"), m.group("value")))
    for m in SET_IMAGE_RE.finditer(line):
        base = m.start("args")
        for p in SET_PAIR_RE.finditer(m.group("args")):
            found.append((base + p.start("value"), p.group("value")))
    if markdown:
        for m in DESCRIBE_RE.finditer(line):
            found.append((m.start("value"), m.group("value")))
        if repo_re is not None:
            for m in repo_re.finditer(line):
                found.append((m.start(), m.group(0)))
    by_start: dict[int, str] = {}
    for start, value in found:
        value = value.rstrip(".")  # the end of a sentence
        if value.startswith(("$", "{", "<")):  # a shell variable or a placeholder
            continue
        by_start.setdefault(start, value)
    return [by_start[s] for s in sorted(by_start)]


def references(root: Path, entries: list[Entry]) -> list[Ref]:
    """Every image reference in snippets/** and docs/**, in file and line order."""
    repo_re = _repo_pattern(sorted({e.repository for e in entries}))
    refs: list[Ref] = []
    files = sorted(p for p in (root / "snippets").rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())
    files += sorted((root / "docs").rglob("*.md"))
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        markdown = path.suffix == ".md"
        skip = _history_lines(lines) if markdown else set()
        for i, line in enumerate(lines):
            if i in skip:
                continue
            for image in line_references(line, repo_re, markdown):
                refs.append(Ref(rel(root, path), i + 1, image))
    return refs


def unknown_references(root: Path) -> list[str]:
    """References that are not exactly a catalog image, with the fix."""
    entries = load_catalog(root)
    exact = {e.image: e for e in entries}
    loose = {e.undigested: e for e in entries if "@" in e.image}
    by_repo: dict[str, list[Entry]] = {}
    for e in entries:
        by_repo.setdefault(e.repository, []).append(e)
    found = []
    for ref in references(root, entries):
        if ref.image in exact or ref.image in loose:
            continue
        m = REF_RE.match(ref.image)
        repo = m.group("repo") if m else ref.image.split("@", 1)[0].rsplit(":", 1)[0]
        where = f"{ref.file}:{ref.line}"
        if repo in by_repo:
            choices = " or ".join(f'"{e.image}" ({CATALOG}: {e.key})' for e in by_repo[repo])
            found.append(f'{where}: image "{ref.image}" is not in {CATALOG}; write {choices}')
        elif m is None:
            found.append(
                f'{where}: image "{ref.image}" has no tag; pin it to a tag that {CATALOG} lists, '
                f"or add the image to {CATALOG} (key, image, standin)"
            )
        else:
            found.append(
                f'{where}: image "{ref.image}" is not in {CATALOG}; add it there '
                f"(KEY: {{image: {ref.image}, standin: PACKAGE or none}}) or use an image it lists"
            )
    return found


def unused_entries(root: Path) -> list[str]:
    """Catalog entries that no page or snippet uses."""
    entries = load_catalog(root)
    used = {r.image for r in references(root, entries)}
    return [
        f"{CATALOG}:{e.line}: {e.key} ({e.image}) is used by no page or snippet; remove it"
        for e in entries
        if e.image not in used and e.undigested not in used
    ]
