"""The Kubernetes objects of the docs' snippets as other validators see them, one file each.

Which snippets: those the `kubedoctest check --format json` report lists as YAML and passed
offline. Their text is read from the page at the report's line (the fence), its
`--8<-- "file"` includes resolved from snippets/; a text is used only when its sha256 equals the
report's "hash" (the text kubedoctest checked), so the comparison is on the same input without
importing the harness. Objects without a schema in kubernetes-validate (tool configurations such
as kubeconfig or kind's Cluster, custom resources) are left out: the other tools cannot check them.
"""

from __future__ import annotations

import hashlib
import re
import textwrap
from pathlib import Path
from typing import Any

import yaml

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})")
INCLUDE = re.compile(r'^\s*--8<--\s+"([^"]+)"\s*$')


def fence_text(page: Path, line: int, snippets: Path) -> str:
    """The resolved text of the fence that opens at `line` (1-based) of `page`."""
    lines = page.read_text(encoding="utf-8").splitlines()
    indent, marker = FENCE.match(lines[line - 1]).groups()  # type: ignore[union-attr]
    body: list[str] = []
    for text in lines[line:]:
        if text.strip().startswith(marker) and text.strip().strip(marker[0]) == "":
            break
        body.append(text[len(indent) :] if text.startswith(indent) else text.lstrip())
    out: list[str] = []
    for text in textwrap.dedent("\n".join(body)).split("\n"):
        found = INCLUDE.match(text)
        if found and ":" not in found.group(1):
            out.extend((snippets / found.group(1)).read_text(encoding="utf-8").split("\n"))
        else:
            out.append(text)
    return "\n".join(out)


def kind_suffix(api_version: str) -> str:
    """kubeconform's {{.KindSuffix}}: -<first label of the group>-<version>, or -<version>."""
    group, _, version = api_version.rpartition("/")
    return f"-{group.split('.')[0]}-{version}".lower() if group else f"-{version}".lower()


def has_schema(obj: Any, schemas: Path) -> bool:
    if not isinstance(obj, dict) or not isinstance(obj.get("kind"), str):
        return False
    name = f"{obj['kind'].lower()}{kind_suffix(str(obj.get('apiVersion', '')))}.json"
    return (schemas / name).is_file()


def write_files(report: dict[str, Any], root: Path, schemas: Path, folder: Path) -> tuple[list[Path], int]:
    """One file per passed YAML snippet with checkable objects; also how many texts did not
    match the report's hash (those are left out)."""
    files: list[Path] = []
    unmatched = 0
    for entry in report["snippets"]:
        if entry["language"] not in ("yaml", "yml") or entry["status"] != "passed":
            continue
        text = fence_text(root / entry["path"], entry["line"], root / "snippets")
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != entry["hash"]:
            unmatched += 1
            continue
        objects = [o for o in yaml.safe_load_all(text) if o is not None]
        kept = [o for o in objects if has_schema(o, schemas)]
        if not kept:
            continue
        path = folder / f"snippet-{len(files):04d}.yaml"
        body = text if len(kept) == len(objects) else yaml.safe_dump_all(kept, sort_keys=False)
        path.write_text(body + "\n", encoding="utf-8")
        files.append(path)
    return files, unmatched
