"""kubeconform built from its Go module, and kubernetes-validate's schemas in a form it reads offline."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from importlib import resources
from importlib.metadata import version as package_version
from pathlib import Path

MODULE = "github.com/yannh/kubeconform/cmd/kubeconform"
VERSION = "v0.8.0"
SCHEMA_REF = re.compile(r'"(?:/api/_definitions\.json)?#/\$defs/([^"]+)"')


def cache_dir(name: str) -> Path:
    """A folder under kubedoctest's cache (KUBEDOCTEST_CACHE, else ~/.cache/kubedoctest)."""
    root = Path(os.environ.get("KUBEDOCTEST_CACHE") or Path.home() / ".cache" / "kubedoctest")
    path = root / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def binary() -> Path:
    """kubeconform built from its Go module into the cache (reused when the version matches)."""
    target = cache_dir("bench-bin") / "kubeconform"
    if target.is_file():
        # `go install` stamps the module version into the binary (kubeconform -v says "development")
        shown = subprocess.run(["go", "version", "-m", target], capture_output=True, text=True)
        if f"\tgithub.com/yannh/kubeconform\t{VERSION}" in shown.stdout:
            return target
    if shutil.which("go") is None:
        raise SystemExit("bench: the go command is needed to build kubeconform (Go 1.26+)")
    print(f"bench: building kubeconform {VERSION} into {target.parent}", file=sys.stderr)
    with tempfile.TemporaryDirectory() as work:
        env = {**os.environ, "GOBIN": str(target.parent)}
        subprocess.run(["go", "install", f"{MODULE}@{VERSION}"], cwd=work, env=env, check=True)
    return target


def schema_source(version: str) -> Path:
    """kubernetes-validate's strict schemas of a minor version (the newest patch it ships)."""
    root = Path(str(resources.files("kubernetes_validate").joinpath("kubernetes-json-schema")))
    found = sorted(root.glob(f"v{version}.*-local-strict"), key=lambda p: int(p.name.split(".")[2].split("-")[0]))
    if not found:
        raise SystemExit(f"bench: kubernetes-validate ships no schemas for Kubernetes {version}")
    return found[-1]


def schemas(version: str) -> Path:
    """A copy of kubernetes-validate's schemas that kubeconform can load from disk, offline.

    kubernetes-validate's files carry `"$id": "https://kubernetes.io/api/..."` and refs to
    `/api/_definitions.json#/$defs/...`, which resolve to https://kubernetes.io: kubeconform
    would fetch them over the network and, offline, report "could not find schema". The copy is
    in kubeconform's own "standalone" form: each file without `$id`, with the definitions it
    needs (the closure of its refs) under its own `$defs` and the refs pointing there.
    """
    source = schema_source(version)
    target = cache_dir("bench-schemas") / package_version("kubernetes-validate") / source.name
    done = target / ".complete"
    if done.is_file():
        return target
    target.mkdir(parents=True, exist_ok=True)
    defs = json.loads((source / "_definitions.json").read_text(encoding="utf-8"))["$defs"]
    needs = {name: set(SCHEMA_REF.findall(json.dumps(d))) for name, d in defs.items()}
    for file in source.glob("*.json"):
        if file.name == "_definitions.json":
            continue
        text = file.read_text(encoding="utf-8")
        closure = ref_closure(set(SCHEMA_REF.findall(text)), needs)
        data = json.loads(text.replace('"/api/_definitions.json#', '"#'))
        if isinstance(data, dict):
            data.pop("$id", None)
            if closure:
                data["$defs"] = {name: defs[name] for name in sorted(closure)}
        (target / file.name).write_text(json.dumps(data), encoding="utf-8")
    done.write_text("")
    return target


def ref_closure(roots: set[str], needs: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name not in seen and name in needs:
            seen.add(name)
            stack.extend(needs[name])
    return seen
