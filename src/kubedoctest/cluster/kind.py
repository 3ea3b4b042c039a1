"""kind (Kubernetes in Docker) through pytest-kind's KindCluster: full fidelity, needs Docker and a node image."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

from .build import bin_dir
from .provider import Provider, ProviderError

# The node image that kind v0.33.0 (the version `kubedoctest cluster build` builds) defaults to.
NODE_IMAGE = "kindest/node:v1.37.0"
HOW = (
    "on a machine with internet, `docker pull {image}` then `docker save {image} -o node.tar`; "
    "here, `docker load -i node.tar`; or run with --cluster kwok"
)


def _docker(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, check=False)


class KindProvider(Provider):
    name = "kind"
    simulated = False

    def __init__(self, image: str = NODE_IMAGE, log=lambda m: None):
        self.image = image
        self.log = log
        self.cluster_name = f"kubedoctest-{uuid.uuid4().hex[:6]}"
        self.cluster = None
        self.workdir: Path | None = None

    @property
    def version(self) -> str:
        return NODE_IMAGE.rsplit(":v", 1)[1]

    @property
    def kubeconfig(self) -> Path:
        if self.cluster is None:
            raise ProviderError("the kind cluster is not running")
        return Path(self.cluster.kubeconfig_path)

    def kind_binary(self) -> Path | None:
        found = shutil.which("kind")
        if found:
            return Path(found)
        built = bin_dir() / "kind"
        return built if built.is_file() else None

    def unavailable(self) -> str | None:
        if shutil.which("docker") is None:
            return "Docker is not installed (kind runs its nodes as Docker containers)"
        try:
            info = _docker("info", "--format", "{{.ServerVersion}}", timeout=15)
        except subprocess.TimeoutExpired:
            return "Docker did not answer within 15 s"
        if info.returncode != 0:
            last = (info.stderr or info.stdout).strip().splitlines()[-1:] or [""]
            return f"Docker is not running: {last[0]}"
        if self.kind_binary() is None:
            return "the kind command is not installed: `go install sigs.k8s.io/kind@v0.33.0`"
        if _docker("image", "inspect", self.image).returncode != 0:
            return f"kind's node image {self.image} is not present and would have to be pulled: " + HOW.format(
                image=self.image
            )
        return None

    def create(self) -> None:
        reason = self.unavailable()
        if reason and "node image" in reason:
            pulled = _docker("pull", self.image, timeout=300)
            if pulled.returncode != 0:
                last = (pulled.stderr or pulled.stdout).strip().splitlines()[-1:] or [""]
                raise ProviderError(
                    f"failed to create kind cluster: cannot pull node image {self.image}: {last[0]}; "
                    + HOW.format(image=self.image)
                )
            reason = self.unavailable()
        if reason:
            raise ProviderError(f"failed to create kind cluster: {reason}")
        from pytest_kind import KindCluster

        kind = self.kind_binary()
        self.cluster = KindCluster(self.cluster_name, image=self.image, kind_path=kind)
        self.workdir = Path(self.cluster.path)
        try:
            self.cluster.create()
        except Exception as e:
            self.delete()
            raise ProviderError(f"failed to create kind cluster {self.cluster_name}: {e}") from None

    def delete(self) -> None:
        if self.cluster is not None:
            try:
                self.cluster.delete()
            except Exception as e:  # still remove our files
                self.log(f"kubedoctest: kind delete failed: {e}")
            self.cluster = None
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            parent = self.workdir.parent
            if parent.name == ".pytest-kind" and not any(parent.iterdir()):
                parent.rmdir()
            self.workdir = None
