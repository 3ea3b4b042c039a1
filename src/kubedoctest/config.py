"""Settings: `[tool.kubedoctest]` in pyproject.toml under the command line (and, re-exported from
mkdocs_config, the include settings of a mkdocs.yml).

Near 300 lines, and one job: every setting's check is a few lines that say what it expects, and
they stay beside the one Settings they fill, so that the CLI, pytest and the MkDocs plugin read a
bad value in the same words."""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .collect.mkdocs_config import MAX_CONFIG_BYTES, include_config
from .collect.reading import read_bounded
from .live.safety import Consent
from .model import InputError
from .options import CLUSTERS, DEFAULT_CLUSTER, FILE_KEYS, OPTIONS
from .static import schema


def find_upwards(start: Path, *names: str) -> Path | None:
    """The nearest file of one of the names in the folder of `start` or above (the first name wins
    in one folder)."""
    start = start.resolve()
    for folder in [start, *start.parents] if start.is_dir() else start.parents:
        for name in names:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


DEFAULT_TIMEOUT = 60.0
MAX_TIMEOUT = 3600.0
MAX_JOBS = 64
FRAGMENTS = ("check", "skip", "fail")


@dataclass
class Settings:
    """Every setting of a check, after command line over `[tool.kubedoctest]` over defaults."""

    paths: list[str] = field(default_factory=list)
    k8s_versions: list[str] = field(default_factory=list)
    cluster: str = DEFAULT_CLUSTER
    timeout: float = DEFAULT_TIMEOUT
    jobs: int | None = None  # pages at once; None: the session's default for the cluster (live/session.py)
    results: Path | None = None
    shard: tuple[int, int] | None = None  # (K, N): the K-th of N shares of the pages, 1-based
    mkdocs_config: Path | None = None
    kubeconfig: str | None = None
    context: str | None = None  # --cluster existing: the kubeconfig context to use
    allow_existing_cluster: bool | str = False  # True, or the context name it confirms
    allow_cluster_scoped: bool = False
    new_cluster: bool = False  # --cluster kind: never attach to a cluster of `cluster up`
    runbook_kubectl: str = "cluster"  # cluster | oldest | X.Y.Z: the kubectl runbook steps run with
    fragments: str = "check"  # check | skip | fail: what becomes of a snippet that is part of an object
    crds: list[Path] = field(default_factory=list)  # CRD files or folders outside the docs
    baseline: Path | None = None  # known failures: listed, not failing the run
    write_baseline: Path | None = None  # record this run's failures there (CLI)
    changed: str | None = None  # only the pages changed since this git REF (HEAD: uncommitted changes)

    @property
    def consent(self) -> Consent:
        """The two consent settings as the one value the safety module reads."""
        return Consent(self.allow_existing_cluster, self.allow_cluster_scoped)


SETTING_NAMES = frozenset(f.name for f in fields(Settings))


def _problem(key: str, expects: str, value: Any) -> InputError:
    return InputError(f"{key} must be {expects}: got {value!r}")


def _paths(key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise _problem(key, 'a path or a list of paths, e.g. ["docs"]', value)
    return list(value)


RE_VERSION = re.compile(r"v?\d+\.\d+(?:\.\d+)?")


def _versions(key: str, value: Any) -> list[str]:
    """Kubernetes minor versions ("1.36"; "v1.36" and "1.36.2" name the same) with offline
    schemas: the one check of the CLI, pytest, [tool.kubedoctest] and the MkDocs plugin."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        bad = next((v for v in value if not isinstance(v, str)), value) if isinstance(value, list) else value
        raise InputError(
            f'{key} must be a list of strings, e.g. ["1.36", "1.37"]: got {bad!r}'
            + (
                " (an unquoted version is read as a number, 1.30 as 1.3: quote each version)"
                if isinstance(bad, float)
                else ""
            )
        )
    if not value:
        raise InputError(f'{key}: [] names no version; give one like "1.36", or leave {key} out for the default ones')
    available = schema.available_versions()
    for v in value:
        if not RE_VERSION.fullmatch(v.strip()):
            raise InputError(f'{key}: {v!r} is not a Kubernetes minor version like "1.36"')
        if ".".join(v.strip().removeprefix("v").split(".")[:2]) not in available:
            raise InputError(
                f"{key}: {v!r} has no offline schema; use one of {', '.join(available)}"
                " (upgrade kubernetes-validate for newer ones)"
            )
    return [v.strip() for v in value]


def _cluster(key: str, value: Any) -> str:
    if value not in CLUSTERS:
        raise _problem(key, f"one of {', '.join(CLUSTERS)}", value)
    return str(value)


def _timeout(key: str, value: Any) -> float:
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not (math.isfinite(number) and 0 < number <= MAX_TIMEOUT):
        raise _problem(key, f"a number of seconds above 0 and at most {MAX_TIMEOUT:.0f}", value)
    return number


def _jobs(key: str, value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit() and value.isascii():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_JOBS:
        raise _problem(key, f"a whole number from 1 to {MAX_JOBS}", value)
    return value


def _results(key: str, value: Any) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise _problem(key, "the path of a JSON file to write", value)
    return Path(value)


def _runbook_kubectl(key: str, value: Any) -> str:
    text = value.strip().removeprefix("v") if isinstance(value, str) else ""
    parts = text.split(".")
    if text in ("cluster", "oldest") or (len(parts) == 3 and all(p.isdigit() and p.isascii() for p in parts)):
        return text
    raise _problem(key, "cluster (the cluster's own kubectl), oldest (one minor below it) or a version X.Y.Z", value)


def _fragments(key: str, value: Any) -> str:
    if value not in FRAGMENTS:
        raise _problem(key, f"one of {', '.join(FRAGMENTS)}", value)
    return str(value)


def _crds(key: str, value: Any) -> list[str]:
    return _paths(key, value)


def _file(key: str, value: Any) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise _problem(key, "the path of a JSON file", value)
    return Path(value)


def parse_shard(key: str, value: Any) -> tuple[int, int]:
    text = str(value).strip()
    k, sep, n = text.partition("/")
    if sep and k.isdigit() and n.isdigit() and k.isascii() and n.isascii() and len(k + n) < 8:
        if 1 <= int(k) <= int(n):
            return int(k), int(n)
    raise _problem(key, "K/N with 1 <= K <= N, e.g. 1/4", value)


# How each setting is checked, by Settings field; a setting not here is taken as given.
CHECKS = {"paths": _paths, "k8s_versions": _versions, "cluster": _cluster, "timeout": _timeout, "jobs": _jobs}
CHECKS |= {"results": _results, "shard": parse_shard, "runbook_kubectl": _runbook_kubectl}
CHECKS |= {"fragments": _fragments, "crds": _crds, "baseline": _file, "write_baseline": _file}
_CHECKS = {o.key: CHECKS[o.name] for o in OPTIONS if o.key is not None}  # by [tool.kubedoctest] key


def _flag(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _problem(key, "true or false", value)
    return value


def _globs(key: str, value: Any) -> list[str]:
    if value is None:  # `!ENV [KUBEDOCTEST_RESULTS, ...]` with the variable set but empty
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _problem(
            key, 'a path or glob, or a list of them (may be empty), e.g. ".kubedoctest/results/*.json"', value
        )
    return [v for v in value if v.strip()]  # "" (KUBEDOCTEST_RESULTS="") names no file


def _language(key: str, value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]+)*", value):
        raise _problem(key, 'a language code, the folder of the source pages under docs/, e.g. "zh"', value)
    return value


# The MkDocs plugin's options (mkdocs.yml), checked with the same functions and words as the
# settings: its k8s_versions is the setting's (None: not given, [tool.kubedoctest] or the default
# versions apply); results None (an empty KUBEDOCTEST_RESULTS) names no file.
PLUGIN_CHECKS = {"k8s_versions": _versions, "results": _globs, "source_language": _language}
PLUGIN_CHECKS |= {"findings": _flag, "badges": _flag, "translations": _flag}


def check_plugin_options(values: dict[str, Any]) -> dict[str, Any]:
    """The MkDocs plugin's options, each checked (an InputError naming the option for a bad one)."""
    return {
        key: None if key == "k8s_versions" and value is None else PLUGIN_CHECKS[key](key, value)
        for key, value in values.items()
    }


def read_section(start: Path) -> tuple[Path | None, dict[str, Any]]:
    """The pyproject.toml found from `start` upwards and its validated `[tool.kubedoctest]` keys."""
    pyproject = find_upwards(start, "pyproject.toml")
    if pyproject is None:
        return None, {}
    try:
        data = tomllib.loads(read_bounded(pyproject, MAX_CONFIG_BYTES).decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError) as e:
        raise InputError(f"failed to read {pyproject}: {e}") from None
    section = data.get("tool", {}).get("kubedoctest", {})
    if not isinstance(section, dict):
        raise InputError(f"{pyproject}: [tool.kubedoctest] must be a table")
    unknown = sorted(set(section) - set(FILE_KEYS))
    if unknown:
        raise InputError(
            f"{pyproject}: unknown key(s) {', '.join(unknown)} in [tool.kubedoctest]; "
            f"known keys are {', '.join(sorted(FILE_KEYS))}"
        )
    out = {}
    for key, value in section.items():
        try:
            out[key] = _CHECKS[key](key, value)
        except InputError as e:
            raise InputError(f"{pyproject}: [tool.kubedoctest] {e}") from None
    root = pyproject.parent
    if "paths" in out:  # relative to the pyproject.toml, shown relative to the working folder
        out["paths"] = [_relative(root / p) for p in out["paths"]]
    if "results" in out:
        out["results"] = root / out["results"]
    if "baseline" in out:
        out["baseline"] = root / out["baseline"]
    if "crds" in out:
        out["crds"] = [root / p for p in out["crds"]]
    return pyproject, out


def _relative(path: Path) -> str:
    """Relative to the working folder when inside it (as reports show pages), else absolute."""
    cwd = Path.cwd()
    return os.path.relpath(path, cwd) if path.resolve().is_relative_to(cwd.resolve()) else str(path)


def load_settings(start: Path, given: dict[str, Any] | None = None, pytest: bool = False) -> Settings:
    """Settings from the command line (`given`: setting name -> value or None, names as in
    Settings, values as typed) over `[tool.kubedoctest]` of the pyproject.toml above `start`,
    over the defaults. Every bad value is an InputError naming the option (as the CLI spells it,
    or with `pytest` as the plugin does: --kubedoctest-timeout) or the key."""
    given = {k: v for k, v in (given or {}).items() if v not in (None, [], "")}
    _, section = read_section(start)
    values: dict[str, Any] = {}
    for o in OPTIONS:
        if o.name in given and o.name in CHECKS:
            values[o.name] = CHECKS[o.name](o.pytest_flag if pytest else o.cli_name(), given[o.name])
        elif o.name in given and o.name in SETTING_NAMES:
            values[o.name] = given[o.name]
        elif o.key is not None and o.key in section:
            values[o.name] = section[o.key]
    if "mkdocs_config" in values:
        values["mkdocs_config"] = Path(values["mkdocs_config"])
    if "crds" in values:
        values["crds"] = [Path(p) for p in values["crds"]]
    return Settings(**values)


__all__ = [
    "CLUSTERS",
    "DEFAULT_CLUSTER",
    "FILE_KEYS",
    "MAX_CONFIG_BYTES",
    "Settings",
    "find_upwards",
    "include_config",
    "load_settings",
]
