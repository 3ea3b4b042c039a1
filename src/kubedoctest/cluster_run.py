"""The cluster side of a pipeline run (pipeline.py): the live session, opened on first use and
closed with the pipeline, the CRDs its cluster serves, and the `run` block of the results file
that says which cluster the results come from."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from .config import Settings
from .model import InputError, Manifest


class ClusterRun:
    def __init__(self, settings: Settings, log: Callable[[str], None]):
        self.settings, self.log = settings, log
        self.session: Any = None  # live.session.LiveSession once opened
        self.crd_count = 0  # CRDs the live cluster served (counted in the header)
        self._opened = False

    def open(self, snippets: Callable[[], list[Any]] = list) -> Any:
        """The live session, opened on first use (None with cluster none); `snippets` gives those
        the run will check, whose images a provider may load while it creates the cluster."""
        if self.settings.cluster == "none":
            return None
        if not self._opened:
            self._opened = True
            from .live import session

            s = self.settings
            live = session.open_session(
                s.cluster,
                kubeconfig=s.kubeconfig,
                context=s.context,
                consent=s.consent,
                timeout=s.timeout,
                jobs=s.jobs,
                log=self.log,
                runbook_kubectl=s.runbook_kubectl,
                new_cluster=s.new_cluster,
            )
            live.prefetch(snippets)
            live.__enter__()
            self.session = live
        if self.session is None:
            raise InputError("the cluster could not be started (see the first error)")
        return self.session

    def close(self) -> None:
        if self.session is not None:
            session, self.session = self.session, None
            session.__exit__(None, None, None)

    def crds(self) -> list[Manifest]:
        """On a live run the cluster's own CRDs count too: its custom resources are checked offline
        against them (an existing cluster's operators, kind's local-path provisioner)."""
        api = getattr(self.session, "api", None)
        if api is None:
            return []
        try:
            items = api.list("apiextensions.k8s.io/v1", "CustomResourceDefinition", None).get("items", [])
        except Exception as e:  # a cluster that does not let us list them: said, not fatal
            self.log(
                f"kubedoctest: warning: the cluster's CRDs could not be listed ({e}); custom resources without a CRD in the docs are not checked"
            )
            return []
        found = [Manifest(_as_sent(item)) for item in items if isinstance(item, dict)]
        self.crd_count = len(found)
        return found

    def run_block(self, versions: list[str]) -> dict[str, Any]:
        """The `run` block of the results file (README, "JSON")."""
        provider = getattr(self.session, "provider", None)
        version = str(getattr(provider, "version", "") or "").lstrip("v") or None if provider else None
        return {
            "provider": getattr(provider, "name", None) or ("none" if provider is None else "existing"),
            "kubernetes": version,
            "simulated": bool(getattr(provider, "simulated", False)),
            "k8s_versions": list(versions),
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "cluster": provider.describe() if provider is not None else "none",
            "kubectl": getattr(self.session, "runbook_kubectl_version", None) or None,
            "notes": provider.notes if provider is not None else [],
        }


def _as_sent(item: dict[str, Any]) -> dict[str, Any]:
    """A CRD as the API returns it through the dynamic client, with the field names it is written with."""
    item.setdefault("apiVersion", "apiextensions.k8s.io/v1")
    item.setdefault("kind", "CustomResourceDefinition")
    return item
