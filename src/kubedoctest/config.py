"""Settings: the project's mkdocs.yml (for includes) and `[tool.kubedoctest]` in pyproject.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .includes import IncludeConfig
from .model import InputError


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, which may carry !!python/name and !ENV tags, without running anything."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_TolerantLoader.add_multi_constructor("", _any_tag)


def find_upwards(start: Path, name: str) -> Path | None:
    start = start.resolve()
    for folder in [start, *start.parents] if start.is_dir() else start.parents:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def include_config(mkdocs_yml: Path | None, display_root: Path) -> IncludeConfig:
    """The pymdownx.snippets settings of a mkdocs.yml (defaults when there is none)."""
    if mkdocs_yml is None:
        return IncludeConfig(base_paths=[Path.cwd()], display_root=display_root)
    try:
        data = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise InputError(f"failed to read {mkdocs_yml}: {e}") from None
    root = mkdocs_yml.parent
    options: dict[str, Any] = {}
    extensions = data.get("markdown_extensions") if isinstance(data, dict) else None
    if isinstance(extensions, dict):  # MkDocs also takes {name: options, ...}
        extensions = [{name: value} for name, value in extensions.items()]
    for ext in extensions if isinstance(extensions, list) else []:
        if isinstance(ext, dict) and "pymdownx.snippets" in ext:
            options = ext["pymdownx.snippets"] or {}
    if not isinstance(options, dict):
        raise InputError(f"{mkdocs_yml}: the options of pymdownx.snippets must be a mapping")
    base = options.get("base_path", ["."])
    if isinstance(base, str):
        base = [base]
    if not isinstance(base, list) or not all(isinstance(b, str) for b in base):
        raise InputError(f"{mkdocs_yml}: pymdownx.snippets base_path must be a path or a list of paths")
    return IncludeConfig(
        base_paths=[(root / b) for b in base],
        check_paths=bool(options.get("check_paths", False)),
        restrict_base_path=bool(options.get("restrict_base_path", True)),
        dedent_subsections=bool(options.get("dedent_subsections", False)),
        display_root=display_root,
    )


@dataclass
class Settings:
    """What `[tool.kubedoctest]` in pyproject.toml may set; the CLI overrides each."""

    paths: list[str] = field(default_factory=list)
    k8s_versions: list[str] = field(default_factory=list)
    cluster: str | None = None
    timeout: float | None = None
    jobs: int | None = None


def load_settings(start: Path) -> Settings:
    pyproject = find_upwards(start, "pyproject.toml")
    if pyproject is None:
        return Settings()
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise InputError(f"failed to read {pyproject}: {e}") from None
    section = data.get("tool", {}).get("kubedoctest", {})
    known = {"paths", "k8s-versions", "cluster", "timeout", "jobs"}
    unknown = set(section) - known
    if unknown:
        raise InputError(
            f"{pyproject}: unknown key(s) {', '.join(sorted(unknown))} in [tool.kubedoctest]; "
            f"known keys are {', '.join(sorted(known))}"
        )
    versions = section.get("k8s-versions", [])
    numbers = [v for v in versions if not isinstance(v, str)]
    if numbers:
        raise InputError(
            f'{pyproject}: k8s-versions must be strings, e.g. ["1.30"]: {numbers[0]!r} is a '
            "number (TOML reads 1.30 as 1.3)"
        )
    return Settings(
        paths=list(section.get("paths", [])),
        k8s_versions=list(versions),
        cluster=section.get("cluster"),
        timeout=section.get("timeout"),
        jobs=section.get("jobs"),
    )
