"""The settings of a project's mkdocs.yml that change what a page contains: pymdownx.snippets,
mkdocs-macros and markdown-include, with their base paths resolved as MkDocs does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..model import InputError
from .includes import IncludeConfig
from .reading import read_bounded

MAX_CONFIG_BYTES = 1024 * 1024
MKDOCS_CONFIGS = ("mkdocs.yml", "mkdocs.yaml")  # the names MkDocs looks for, in its order
MAX_INHERIT = 10  # INHERIT chains; a longer one is almost surely a cycle


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, which may carry !!python/name and !ENV tags, without running anything."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_TolerantLoader.add_multi_constructor("", _any_tag)


def include_config(mkdocs_yml: Path | None, display_root: Path) -> IncludeConfig:
    """The pymdownx.snippets settings of a mkdocs.yml (defaults when there is none)."""
    if mkdocs_yml is None:
        return IncludeConfig(base_paths=[Path.cwd()], display_root=display_root, project_root=Path.cwd())
    data = _read(mkdocs_yml)
    root = mkdocs_yml.parent
    extensions = _named(data.get("markdown_extensions"))
    options = extensions.get("pymdownx.snippets", {})
    if not isinstance(options, dict):
        raise InputError(f"{mkdocs_yml}: the options of pymdownx.snippets must be a mapping")
    base = options.get("base_path", ["."])
    if isinstance(base, str):
        base = [base]
    if not isinstance(base, list) or not all(isinstance(b, str) for b in base):
        raise InputError(f"{mkdocs_yml}: pymdownx.snippets base_path must be a path or a list of paths")
    docs_dir = data.get("docs_dir", "docs")
    docs = root / (docs_dir if isinstance(docs_dir, str) else "docs")
    macros_dirs = None
    macros_block = ("{%", "%}")
    macros_variable = ("{{", "}}")
    plugins = _named(data.get("plugins"))
    if "macros" in plugins:
        macros = plugins["macros"] if isinstance(plugins["macros"], dict) else {}
        include_dir = macros.get("include_dir")
        found = [root / include_dir, Path.cwd() / include_dir] if isinstance(include_dir, str) else []
        macros_dirs = _unique([*found, docs])
        start, end = macros.get("j2_block_start_string", "{%"), macros.get("j2_block_end_string", "%}")
        macros_block = (start, end) if isinstance(start, str) and isinstance(end, str) else ("{%", "%}")
        start, end = macros.get("j2_variable_start_string", "{{"), macros.get("j2_variable_end_string", "}}")
        macros_variable = (start, end) if isinstance(start, str) and isinstance(end, str) else ("{{", "}}")
    markdown_include = None
    if "markdown_include.include" in extensions:
        mi = extensions["markdown_include.include"]
        mi_base = mi.get("base_path", ".") if isinstance(mi, dict) else "."
        markdown_include = _as_mkdocs(mi_base if isinstance(mi_base, str) else ".", root)
    return IncludeConfig(
        base_paths=_unique([root / b for b in base] + [Path.cwd() / b for b in base]),
        restrict_base_path=bool(options.get("restrict_base_path", True)),
        dedent_subsections=bool(options.get("dedent_subsections", False)),
        display_root=display_root,
        # a mkdocs.yml in a subfolder (`hack/api-docs/mkdocs.yml`, docs_dir: ../../docs) belongs to
        # the project kubedoctest runs in
        project_root=Path.cwd() if root.resolve().is_relative_to(Path.cwd().resolve()) else root,
        macros_dirs=macros_dirs,
        macros_block=macros_block,
        macros_variable=macros_variable,
        macros_variables=_variables(data),
        markdown_include_base=markdown_include,
    )


def _read(path: Path, depth: int = 0) -> dict[str, Any]:
    """A mkdocs.yml merged over the file its INHERIT names, as MkDocs merges them (mappings key by
    key, the child's value wins; anything else replaced)."""
    try:
        data = yaml.load(read_bounded(path, MAX_CONFIG_BYTES).decode("utf-8"), Loader=_TolerantLoader) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError) as e:
        raise InputError(f"failed to read {path}: {e}") from None
    data = data if isinstance(data, dict) else {}
    parent = data.pop("INHERIT", None)
    if not isinstance(parent, str):
        return data
    if depth >= MAX_INHERIT:
        raise InputError(f"{path}: INHERIT nested more than {MAX_INHERIT} deep; break the cycle")
    base = path.parent / parent
    if not base.is_file():
        raise InputError(f"{path}: INHERIT names {parent!r}, which is not a file next to it; fix the path")
    return _merge(_read(base, depth + 1), data)


def _merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in child.items():
        out[key] = _merge(out[key], value) if isinstance(out.get(key), dict) and isinstance(value, dict) else value
    return out


def _variables(data: dict[str, Any]) -> dict[str, Any]:
    """What mkdocs-macros renders `{{ name }}` to from mkdocs.yml alone: each entry of `extra` by
    its own name, and the whole configuration as `config`."""
    extra = data.get("extra")
    return {**(extra if isinstance(extra, dict) else {}), "config": data}


def _named(entries: Any) -> dict[str, Any]:
    """markdown_extensions or plugins of mkdocs.yml (a list of names and {name: options}, or a
    mapping) as name -> options ({} when none are given)."""
    if isinstance(entries, dict):
        entries = [{name: value} for name, value in entries.items()]
    out: dict[str, Any] = {}
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, str):
            out[entry] = {}
        elif isinstance(entry, dict):
            for name, value in entry.items():
                out[str(name)] = value if value is not None else {}
    return out


def _unique(paths: list[Path]) -> list[Path]:
    """Base paths relative to the mkdocs.yml, then relative to the folder kubedoctest runs in, as
    MkDocs reads them (`mkdocs build -f hack/docs/mkdocs.yml` from the project root resolves
    `base_path: docs` from the project root); each once, the first that holds the file wins."""
    out: list[Path] = []
    for p in paths:
        if not any(p.resolve() == q.resolve() for q in out):
            out.append(p)
    return out


def _as_mkdocs(path: str, config_dir: Path) -> Path:
    """A base path relative to the mkdocs.yml when it exists there, else relative to the folder
    kubedoctest runs in (as MkDocs reads it)."""
    beside = config_dir / path
    return beside if beside.exists() else Path.cwd() / path
