"""What a page made on the cluster so far: each object applied (with its UID when the run created
it, the only objects cleanup deletes), and the pod labels a later Service may select."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import Manifest


@dataclass
class Applied:
    manifest: Manifest
    obj: dict[str, Any]
    namespace: str | None
    uid: str = ""  # set when this run created the object (cleanup deletes only these)


@dataclass
class PageState:
    namespace: str
    applied: list[Applied] = field(default_factory=list)
    pod_labels: list[dict[str, str]] = field(default_factory=list)  # template labels of pods created so far

    def owned_uid(self, m: Manifest, namespace: str | None) -> str:
        for a in self.applied:
            if (a.manifest.api_version, a.manifest.kind, a.manifest.name, a.namespace) == (
                m.api_version, m.kind, m.name, namespace,
            ):  # fmt: skip
                return a.uid
        return ""
