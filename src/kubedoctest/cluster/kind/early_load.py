"""The run's workload images loaded while kind creates the cluster.

Loading them afterwards took 27 s of a run on our docs (four Debian stand-ins of about 170 MB each,
`kind load docker-image` on 2 cores), time in which no page can start. The images a run will want
are known before the cluster exists (its snippets and steps name them), so a thread makes them
available on the host (images.py: real ones, else stand-ins), waits until the new node's containerd
answers, and loads them while kubeadm still sets up the control plane. The provider's
prepare_images then takes that plan, and loads only what the thread did not (kind skips images a
node already has). A failure here is not the run's: prepare_images does the normal work again.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable

from .. import docker
from . import images as standins
from . import run

NODE_TIMEOUT = 300.0  # how long to wait for the node's containerd (kind create takes 30 to 60 s here)


class EarlyLoad:
    def __init__(self, cluster: str, wanted: list[str], preloaded: set[str], log: Callable[[str], None]):
        self.cluster, self.wanted, self.preloaded, self.log = cluster, sorted(set(wanted)), preloaded, log
        self.plan: standins.Plan | None = None  # set once every wanted image is in the node
        self.stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kubedoctest-early-load", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """The cluster is going away (a failed or interrupted create): give up."""
        self.stopped.set()

    def result(self, images: list[str]) -> standins.Plan | None:
        """The plan for `images` when the thread loaded all of them, else None (do it again)."""
        self._thread.join()
        if self.plan is None or not set(images) <= set(self.wanted):
            return None
        wanted = set(images)
        return standins.Plan(
            real=[i for i in self.plan.real if i in wanted],
            standin={i: p for i, p in self.plan.standin.items() if i in wanted},
            unavailable=[i for i in self.plan.unavailable if i in wanted],
            preloaded=[i for i in self.plan.preloaded if i in wanted],
        )

    def _run(self) -> None:
        try:
            plan = standins.prepare(self.wanted, self.preloaded, self.log)
            load = plan.real + sorted(plan.standin)
            if load and self._node_ready():
                start = time.monotonic()
                run.kind(["load", "docker-image", "--name", self.cluster, *load], 900, "load images into", self.cluster)
                self.log(
                    f"kubedoctest: {len(load)} workload images loaded into the node while the cluster was created "
                    f"({time.monotonic() - start:.1f} s)"
                )
            elif load:
                return
            self.plan = plan
        except Exception:  # noqa: BLE001 - prepare_images does the work again and says what fails
            return

    def _node_ready(self) -> bool:
        """True once the control-plane node's containerd answers (False when stopped or timed out)."""
        node = f"{self.cluster}-control-plane"
        deadline = time.monotonic() + NODE_TIMEOUT
        while not self.stopped.is_set() and time.monotonic() < deadline:
            try:
                done = docker.run("exec", node, "ctr", "--namespace", "k8s.io", "version", timeout=10, check=False)
            except (docker.DockerError, subprocess.SubprocessError):
                done = ""
            if "Server:" in done:
                return True
            self.stopped.wait(1.0)
        return False
