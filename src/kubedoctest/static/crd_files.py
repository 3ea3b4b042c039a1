"""CustomResourceDefinitions from files and folders outside the docs (`crds` in
`[tool.kubedoctest]`, `--crd PATH`): the project's own `config/crd/bases`, a chart's `crds/`."""

from __future__ import annotations

from pathlib import Path

import yaml

from ..collect.reading import RejectedFile, read_bounded
from ..model import InputError, Manifest, Origin, Snippet
from ..parse.parse import parse

MAX_CRD_BYTES = 20 * 1024 * 1024
SUFFIXES = (".yaml", ".yml", ".json")


def load(paths: list[Path]) -> tuple[list[Manifest], list[str]]:
    """The CRDs of the files (and the YAML files under the folders), and one line per file that
    could not be read or parsed (reported, never silent). A path that does not exist is an error."""
    crds: list[Manifest] = []
    problems: list[str] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"crds: {str(path)!r} does not exist; give a CRD file or a folder of them")
        files = sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file()) if path.is_dir() else [path]
        for file in files:
            try:
                text = read_bounded(file, MAX_CRD_BYTES).decode("utf-8")
            except (OSError, RejectedFile, UnicodeDecodeError) as e:
                problems.append(f"{file}: cannot be read ({e})")
                continue
            if "CustomResourceDefinition" not in text:
                continue
            lines = text.split("\n")
            snippet = Snippet(str(file), 0, "yaml", text, [Origin(i + 1) for i in range(len(lines))])
            try:
                parsed = parse(snippet)
            except yaml.YAMLError as e:  # parse turns these into findings; a safety net only
                problems.append(f"{file}: {e}")
                continue
            errors = [f.render() for f in parsed.findings if f.severity == "error"]
            if errors:
                problems.append(f"{file}: not read as CRDs: {errors[0]}")
            crds.extend(m for m in parsed.manifests if m.kind == "CustomResourceDefinition")
    return crds, problems
