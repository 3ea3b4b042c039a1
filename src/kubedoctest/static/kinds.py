"""Which apiVersion serves a kind: for an object written with a kind but no apiVersion, the fix
names the value (`add apiVersion: apps/v1`), read from the checked versions' schemas and the CRDs."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .crd import CustomResources
from .schema import VersionSchemas

_VERSION = re.compile(r"v(\d+)(?:(alpha|beta)(\d+))?$")
_STAGE = {None: 0, "beta": 1, "alpha": 2}


def _preference(api_version: str) -> tuple:
    """Kubernetes' version priority: GA before beta before alpha, then the higher number."""
    m = _VERSION.match(api_version.rsplit("/", 1)[-1])
    if not m:
        return (3, 0, 0, api_version)
    return (_STAGE[m.group(2)], -int(m.group(1)), -int(m.group(3) or 0), api_version)


def api_versions(kind: str, schemas: Iterable[VersionSchemas], crds: CustomResources) -> list[str]:
    """Every apiVersion that serves `kind`, the preferred first."""
    found = {gv for vs in schemas for gv in vs.kinds.get(kind, ())} | crds.api_versions_of(kind)
    return sorted(found, key=_preference)


def missing_api_version_hint(found: list[str]) -> str:
    if not found:
        return "add apiVersion: to the object (the group/version of its kind, as its API or CRD names it)"
    if len(found) == 1:
        return f"add apiVersion: {found[0]}"
    return f"add apiVersion: {found[0]} (also served: {', '.join(found[1:])})"
