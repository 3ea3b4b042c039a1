"""kind (Kubernetes in Docker): full fidelity, with real containers. Driven through the kind binary.

The node image is the one `kubedoctest cluster build --provider kind` builds here
(kubedoctest/node:v<version>, with a bridge CNI baked in and every system image preloaded), or
kind's published image where the host can pull it (the GitHub workflow's stock path; KUBEDOCTEST_KIND_IMAGE
chooses another). Every cluster is registered before it is created, so an interrupted run's
containers are removed by its own cleanup or by `kubedoctest cluster gc`. A cluster brought up
with `kubedoctest cluster up --provider kind` (detach) stays until `cluster down`; a run attaches
to it (attach) and leaves it up.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import uuid
from pathlib import Path

from .. import build, docker, records
from ..provider import Log, Provider
from ..records import Entry
from . import create, delete, gc, host, run
from . import images as standins
from .delete import CLUSTER_LABEL, PREFIX
from .early_load import EarlyLoad
from .nodeimage import IMAGE as BUILT_IMAGE
from .nodeimage import components
from .nodeimage import files as node_files
from .nodeimage.images import RECIPE_LABEL

__all__ = ["CLUSTER_LABEL", "PREFIX", "STOCK_IMAGE", "KindProvider", "default_image"]

# kind v0.33.0's own image for Kubernetes 1.37, pinned by digest (the stock path, with internet).
STOCK_IMAGE = "kindest/node:v1.37.0@sha256:a1ed56cfb0e7b93589bdf97c8cd566405a265939e3620fc4f5de89adff580ae5"


def default_image() -> str:
    """KUBEDOCTEST_KIND_IMAGE, else the image built here when Docker has it, else kind's own."""
    chosen = os.environ.get("KUBEDOCTEST_KIND_IMAGE")
    if chosen:
        return chosen
    if docker.available() is None and docker.image_labels(BUILT_IMAGE) is not None:
        return BUILT_IMAGE
    return STOCK_IMAGE


class KindProvider(Provider):
    name = "kind"
    simulated = False
    jobs = 6
    loads_images = True

    def setup(self) -> None:
        self.image = self.image_choice or default_image()
        self.made_network = False  # True when this run created docker's "kind" network (then it removes it)
        self._lock: int | None = None  # attached: the lock that keeps other runs off the cluster
        self._wanted: list[str] = []  # the run's images, known before create (prefetch)
        self._early: EarlyLoad | None = None  # loading them while kind creates the cluster
        self.sysctls: dict[str, str] = {}  # the host's kernel parameters before the node changed them
        kubectl = build.bin_dir() / "kubectl"
        self.kubectl = kubectl if kubectl.is_file() else None

    def default_name(self) -> str:
        # the owner's PID in the name: `cluster gc` of any run (whatever its cache folder) leaves a
        # cluster alone while the process that made it lives
        return f"{PREFIX}{os.getpid()}-{uuid.uuid4().hex[:6]}"

    # -- what it is ------------------------------------------------------------------------------

    @property
    def version(self) -> str:
        tag = self.image.split("@", 1)[0].rsplit(":", 1)[-1]
        return tag.removeprefix("v")

    def image_is_ours(self) -> bool:
        labels = docker.image_labels(self.image) or {}
        return RECIPE_LABEL in labels

    def describe(self) -> str:
        where = "node image built here" if self.image == BUILT_IMAGE else f"node image {self.image}"
        up = ", attached: up with `kubedoctest cluster up`, left up" if self.attach else ""
        return f"kind {self.version} ({self.cluster_name}{up}, real containers, {where})"

    def unavailable(self) -> str | None:
        reason = docker.available()
        if reason:
            return reason
        if run.kind_binary() is None:
            return "the kind command is not built: run `kubedoctest cluster build --provider kind`"
        _, problem = docker.runtime_workaround()
        if problem:
            return problem
        if docker.image_labels(self.image) is None:
            if self.image == STOCK_IMAGE:
                return (
                    f"no kind node image here: build one with `kubedoctest cluster build --provider kind` "
                    f"(from Debian packages and Go modules), or pull kind's own ({STOCK_IMAGE})"
                )
            return f"kind's node image {self.image} is not present: build it with `kubedoctest cluster build --provider kind`"
        return None

    # -- life ------------------------------------------------------------------------------------

    def create(self) -> None:
        if self.attach:
            if self._attach():
                return
            # another run uses it: pages of two runs on one cluster would collide on cluster-wide names
            self.log(f"kubedoctest: kind cluster {self.cluster_name} is in use by another run; creating one of its own")
            self.attach, self.folder, self._kubeconfig = False, None, None
            self.cluster_name = self.default_name()
        reason = self.unavailable()
        if reason:
            raise self.error("create", reason)
        note, _ = docker.runtime_workaround()
        if note:
            self._notes.append(note)
            self.log(f"kubedoctest: {note}")
        self.folder = Path(tempfile.mkdtemp(prefix=f"{self.cluster_name}-"))
        self.made_network = not docker.run("network", "ls", "-q", "--filter", "name=^kind$", timeout=30).strip()
        # the host's kernel parameters, unless another cluster of ours is up (then they are not the host's own)
        self.sysctls = {} if delete.ours() else host.read_sysctls()
        self._register(os.getpid())
        if self._wanted:
            self._early = EarlyLoad(self.cluster_name, self._wanted, self._preloaded(), self.log)
            self._early.start()
        try:
            self._kubeconfig = create.create(
                self.cluster_name, self.image, self.image_is_ours(), self.folder, self.kubectl, self._notes, self.log
            )
        except BaseException:
            if self._early is not None:
                self._early.stop()
            raise
        if self.detach:
            self._register(None)

    def _register(self, owner: int | None) -> None:
        assert self.folder is not None
        records.register(
            self.cluster_name,
            self.folder,
            [],
            owner,
            self.name,
            extra={
                "cluster": self.cluster_name,
                "made_network": self.made_network,
                "sysctls": self.sysctls,
                "kubeconfig": str(self.folder / "kubeconfig"),
                "image": self.image,
                "detached": self.detach,
                "notes": list(self._notes),  # what a run attached to it says about it too
            },
        )

    def _attach(self) -> bool:
        """Use the cluster `cluster up` left running (its kubeconfig from the registry), one run at a
        time: False while another run holds it (a lock in its folder, freed when that run ends or dies)."""
        entry = records.find(self.cluster_name)
        if entry is None or entry.data is None or not entry.detached or not self.running(entry) or not entry.folder:
            raise self.error("attach to", "it is not up; start it with `kubedoctest cluster up --provider kind`")
        lock = os.open(entry.folder / ".attached.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(lock)
            return False
        self._lock = lock
        self.folder = entry.folder
        self.image = str(entry.data.get("image") or self.image)
        self._kubeconfig = Path(entry.data["kubeconfig"])
        self._notes.extend(str(n) for n in entry.data.get("notes") or [])  # the runtime and node it was made with
        self._notes.append(
            f"attached to kind cluster {self.cluster_name} (up with `kubedoctest cluster up`); it stays up after the run"
        )
        return True

    def prefetch(self, images: list[str]) -> None:
        self._wanted = sorted(set(images))

    @staticmethod
    def _preloaded() -> set[str]:
        return {f"registry.k8s.io/pause:{components.PAUSE}", node_files.HELPER_IMAGE}

    def prepare_images(self, images: list[str]) -> standins.Plan:
        """Load the run's workload images into the node: real ones, or stand-ins; see images.py
        (already done when they were loaded while the cluster was created: early_load.py)."""
        early, self._early = self._early, None
        plan = early.result(images) if early is not None else None
        if plan is None:
            plan = self._load(images)
        if plan.standin or plan.unavailable:
            self._notes.append(plan.describe())
        return plan

    def _load(self, images: list[str]) -> standins.Plan:
        try:
            plan = standins.prepare(images, self._preloaded(), self.log)
        except (build.BuildError, docker.DockerError) as e:
            raise self.error("prepare the workload images of", str(e)) from None
        load = plan.real + sorted(plan.standin)
        if load:
            run.kind(["load", "docker-image", "--name", self.cluster_name, *load], 900,
                     "load images into", self.cluster_name)  # fmt: skip
        return plan

    def delete(self) -> None:
        if self._early is not None:  # a run that never asked for its images (stopped, or none went live)
            self._early.stop()
            self._early = None
        if self.attach:  # not ours to delete: `cluster down` does
            if self._lock is not None:
                os.close(self._lock)  # the next run may attach
                self._lock = None
            self.folder = self._kubeconfig = None
            return
        try:
            delete.delete(self.cluster_name, self.folder, self.made_network, self.sysctls)
        finally:
            if self.folder is not None and not self.folder.exists():
                self.folder = None
            self._kubeconfig = None

    def up_message(self) -> list[str]:
        lines = [
            f"kind cluster {self.cluster_name!r} is up (Kubernetes {self.version}, real containers, {self.image})",
            f"export KUBECONFIG={self.kubeconfig}",
        ]
        if self.kubectl is not None:
            lines.append(f"export PATH={self.kubectl.parent}:$PATH   # kubectl {build.KUBERNETES}")
        return lines

    @classmethod
    def running(cls, entry: Entry) -> bool:
        if docker.available() is not None:
            return False
        return bool(delete.containers(str((entry.data or {}).get("cluster") or entry.name), running=True))

    @classmethod
    def remove(cls, entry: Entry, log: Log) -> None:
        gc.remove(entry, log)

    @classmethod
    def gc(cls, log: Log) -> list[str]:
        return gc.gc(log)
