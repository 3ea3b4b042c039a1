"""A real control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler) built from
source, with KWOK's controller simulating the nodes and the pods' lifecycle.

API validation, admission, controllers, scheduling and volume binding are real; containers do not
run, images are not pulled, volumes are not mounted and cluster DNS does not resolve.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from .. import build, processes, records
from ..provider import Log, Provider
from ..records import Entry
from . import create, delete, gc

START_TIMEOUT = 60.0


class KwokProvider(Provider):
    name = "kwok"
    simulated = True
    jobs = 12

    def setup(self) -> None:
        self.procs: list[subprocess.Popen] = []
        self.bin = build.bin_dir()
        self.kubectl = self.bin / "kubectl"
        self.server = ""
        self.start_timeout = START_TIMEOUT

    @property
    def version(self) -> str:
        return build.KUBERNETES

    def unavailable(self) -> str | None:
        if not build.is_built():
            return (
                f"the kwok control plane binaries (Kubernetes {build.KUBERNETES}) are not built in {build.bin_dir()}; "
                "build them once with `kubedoctest cluster build` (needs Go and the Go module proxy, about 10 minutes on 2 cores)"
            )
        return None

    def create(self) -> None:
        reason = self.unavailable()
        if reason:
            raise self.error("create", reason)
        self.folder = Path(tempfile.mkdtemp(prefix=f"{self.cluster_name}-"))
        # registered before any process starts, so a kill -9 from here on leaves nothing gc misses;
        # owned by this process while it starts (a detached cluster is handed to its pids after)
        self._register(os.getpid())
        start = create.Start(self.cluster_name, self.folder, self.bin, self._started, self.detach, self.start_timeout)
        try:
            start.run()
        except BaseException:
            self.delete()
            raise
        self.server = start.server
        self._kubeconfig = start.kubeconfig
        if self.detach:
            self._register(None)

    def _started(self, proc: subprocess.Popen) -> None:
        self.procs.append(proc)
        self._register(os.getpid())

    def _register(self, owner: int | None) -> None:
        assert self.folder is not None
        records.register(
            self.cluster_name,
            self.folder,
            [q.pid for q in self.procs],
            owner,
            self.name,
            extra={"kubeconfig": str(self.folder / "kubeconfig"), "detached": self.detach},
        )

    def delete(self) -> None:
        procs, self.procs = self.procs, []
        delete.delete(self.cluster_name, procs, self.folder)
        self.folder = None
        self._kubeconfig = None

    def up_message(self) -> list[str]:
        return [
            f"cluster {self.cluster_name!r} is up (Kubernetes {self.version}, {len(self.procs)} processes, simulated nodes)",
            f"export KUBECONFIG={self.kubeconfig}",
            f"export PATH={self.bin}:$PATH   # kubectl {self.version}",
        ]

    @classmethod
    def running(cls, entry: Entry) -> bool:
        return any(processes.alive(p) for p in (entry.data or {}).get("pids", []))

    @classmethod
    def remove(cls, entry: Entry, log: Log) -> None:
        gc.remove(entry, log)

    @classmethod
    def gc(cls, log: Log) -> list[str]:
        return gc.gc(log)
