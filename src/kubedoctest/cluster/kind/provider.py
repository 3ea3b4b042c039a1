"""kind (Kubernetes in Docker): full fidelity, with real containers. Driven through the kind binary.

The node image is the one `kubedoctest cluster build --provider kind` builds here
(kubedoctest/node:v<version>, with a bridge CNI baked in and every system image preloaded), or
kind's published image where the host can pull it (the GitHub workflow's stock path; KUBEDOCTEST_KIND_IMAGE
chooses another). Every cluster is registered before it is created, so an interrupted run's
containers are removed by its own cleanup or by `kubedoctest cluster gc`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from .. import build, docker, processes
from ..provider import Provider, ProviderError
from .nodeimage import IMAGE as BUILT_IMAGE
from .nodeimage import components
from .nodeimage import files as node_files
from .nodeimage.images import RECIPE_LABEL

# kind v0.33.0's own image for Kubernetes 1.37, pinned by digest (the stock path, with internet).
STOCK_IMAGE = "kindest/node:v1.37.0@sha256:a1ed56cfb0e7b93589bdf97c8cd566405a265939e3620fc4f5de89adff580ae5"
CLUSTER_LABEL = "io.x-k8s.kind.cluster"  # kind labels its node containers with the cluster name
PREFIX = "kubedoctest-"
CREATE_TIMEOUT = 600.0
# Kernel parameters a privileged kind node changes for the whole host (measured on this project's CI
# machine: systemd in the node and the kubelet set them). A run puts back what it found, once no
# kind cluster of ours is left.
HOST_SYSCTLS = (
    "kernel/panic",
    "kernel/panic_on_oops",
    "vm/overcommit_memory",
    "fs/file-max",
    "fs/protected_fifos",
    "fs/protected_regular",
    "fs/protected_symlinks",
)


def read_sysctls() -> dict[str, str]:
    out = {}
    for key in HOST_SYSCTLS:
        try:
            out[key] = (Path("/proc/sys") / key).read_text().strip()
        except OSError:
            pass
    return out


def restore_sysctls(saved: dict[str, str]) -> list[str]:
    """Write back the saved values that changed; returns what could not be restored."""
    problems = []
    for key, value in saved.items():
        path = Path("/proc/sys") / key
        try:
            if path.read_text().strip() != value:
                path.write_text(value + "\n")
        except OSError as e:
            problems.append(f"{key.replace('/', '.')} (was {value}): {e.strerror}")
    return problems


READY_TIMEOUT = 300.0


def cgroup_v1() -> bool:
    return not Path("/sys/fs/cgroup/cgroup.controllers").exists()


def kind_binary() -> Path | None:
    built = build.bin_dir() / "kind"
    if built.is_file():
        return built
    found = shutil.which("kind")
    return Path(found) if found else None


def default_image() -> str:
    """KUBEDOCTEST_KIND_IMAGE, else the image built here when Docker has it, else kind's own."""
    chosen = os.environ.get("KUBEDOCTEST_KIND_IMAGE")
    if chosen:
        return chosen
    if docker.available() is None and docker.image_labels(BUILT_IMAGE) is not None:
        return BUILT_IMAGE
    return STOCK_IMAGE


# On a cgroup v1 host, runc's systemd cgroup driver freezes a container's cgroup to apply its
# device rules, and under load the freeze times out: "error setting cgroup config for procHooks
# process: unable to freeze" (kubernetes/kubernetes#131087), a container that never starts. The
# cgroupfs driver applies the rules without freezing: kubelet and containerd must agree on it.
V1_KUBELET = "kind: KubeletConfiguration\nfailCgroupV1: false\ncgroupDriver: cgroupfs\n"
V1_CONTAINERD = '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = false\n'


def config(image_is_ours: bool, v1: bool) -> str:
    """The kind cluster config: one node; on our image a bridge CNI (kindnet cannot be had here) and
    the etcd we built; on a cgroup v1 host the kubelet's failCgroupV1 turned off and the cgroupfs
    driver in the kubelet and containerd (V1_KUBELET)."""
    lines = ["kind: Cluster", "apiVersion: kind.x-k8s.io/v1alpha4"]
    if image_is_ours:
        lines += ["networking:", "  disableDefaultCNI: true"]
    patches = []
    if image_is_ours:
        from .nodeimage import ETCD_TAG

        patches.append(f"kind: ClusterConfiguration\netcd:\n  local:\n    imageTag: {ETCD_TAG}\n")
    if v1:
        patches.append(V1_KUBELET)
    if patches:
        lines.append("kubeadmConfigPatches:")
        for p in patches:
            lines.append("- |")
            lines += [f"  {line}" for line in p.rstrip().splitlines()]
    if v1:
        lines.append("containerdConfigPatches:")
        lines.append("- |")
        lines += [f"  {line}" for line in V1_CONTAINERD.rstrip().splitlines()]
    return "\n".join(lines) + "\n"


class KindProvider(Provider):
    name = "kind"
    simulated = False

    def __init__(self, image: str | None = None, log: Callable[[str], None] = lambda m: None, name: str | None = None):
        self.image = image or default_image()
        self.log = log
        # the owner's PID in the name: `cluster gc` of any run (whatever its cache folder) leaves a
        # cluster alone while the process that made it lives
        self.cluster_name = name or f"{PREFIX}{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.folder: Path | None = None
        self._kubeconfig: Path | None = None
        self._notes: list[str] = []
        self.made_network = False  # True when this run created docker's "kind" network (then it removes it)
        self.sysctls: dict[str, str] = {}  # the host's kernel parameters before the node changed them
        kubectl = build.bin_dir() / "kubectl"
        self.kubectl = kubectl if kubectl.is_file() else None

    # -- what it is ------------------------------------------------------------------------------

    @property
    def version(self) -> str:
        tag = self.image.split("@", 1)[0].rsplit(":", 1)[-1]
        return tag.removeprefix("v")

    @property
    def kubeconfig(self) -> Path:
        if self._kubeconfig is None:
            raise ProviderError("the kind cluster is not running")
        return self._kubeconfig

    def image_is_ours(self) -> bool:
        labels = docker.image_labels(self.image) or {}
        return RECIPE_LABEL in labels

    def describe(self) -> str:
        where = "node image built here" if self.image == BUILT_IMAGE else f"node image {self.image}"
        return f"kind {self.version} ({self.cluster_name}, real containers, {where})"

    @property
    def notes(self) -> list[str]:
        """What the run's header and results file must say about this cluster (workarounds, stand-ins)."""
        return list(self._notes)

    def unavailable(self) -> str | None:
        reason = docker.available()
        if reason:
            return reason
        if kind_binary() is None:
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

    def _run(self, args: list[str], timeout: float, what: str) -> str:
        command = [str(kind_binary()), *args]
        # kind runs in a session of its own (a Ctrl-C reaches us, and we stop it and delete in order)
        # and dies with this process; on any interruption its whole process group is killed, so no
        # `docker run` it started can create a node after our cleanup
        proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=processes._die_with_parent,  # noqa: PLW1509
        )
        try:
            out, _ = proc.communicate(timeout=timeout)
        except BaseException as e:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            if isinstance(e, subprocess.TimeoutExpired):
                raise ProviderError(
                    f"failed to {what}: command {' '.join(command)!r} did not finish within {timeout:g} s"
                ) from None
            raise
        if proc.returncode != 0:
            tail = "\n".join(out.strip().splitlines()[-20:])
            raise ProviderError(
                f"failed to {what}: command {' '.join(command)!r} failed with exit code {proc.returncode}:\n{tail}"
            )
        return out

    def create(self) -> None:
        reason = self.unavailable()
        if reason:
            raise ProviderError(f"failed to create kind cluster: {reason}")
        note, _ = docker.runtime_workaround()
        if note:
            self._notes.append(note)
            self.log(f"kubedoctest: {note}")
        self.folder = Path(tempfile.mkdtemp(prefix=f"{self.cluster_name}-"))
        self.made_network = not docker.run("network", "ls", "-q", "--filter", "name=^kind$", timeout=30).strip()
        self.sysctls = {} if ours() else read_sysctls()  # with another cluster up they are not the host's own
        processes.register(
            self.cluster_name,
            self.folder,
            [],
            os.getpid(),
            self.name,
            extra={"cluster": self.cluster_name, "made_network": self.made_network, "sysctls": self.sysctls},
        )
        image_is_ours = self.image_is_ours()
        v1 = cgroup_v1()
        if v1:
            self._notes.append(
                "cgroup v1 host: the kind config sets the kubelet's failCgroupV1: false and the cgroupfs driver "
                "in the kubelet and containerd (the systemd driver fails to freeze cgroups under load)"
            )
        if image_is_ours:
            self._notes.append(f"node image {self.image} built here from Debian packages and Go modules; bridge CNI")
        cfg = self.folder / "kind.yaml"
        cfg.write_text(config(image_is_ours, v1))
        kubeconfig = self.folder / "kubeconfig"
        start = time.monotonic()
        self.log(f"kubedoctest: creating kind cluster {self.cluster_name} from {self.image}")
        out = self._run(
            ["create", "cluster", "--name", self.cluster_name, "--image", self.image, "--config", str(cfg),
             "--kubeconfig", str(kubeconfig), "--wait", "0s"],
            CREATE_TIMEOUT,
            f"create kind cluster {self.cluster_name}",
        )  # fmt: skip
        (self.folder / "kind-create.log").write_text(out)
        self._kubeconfig = kubeconfig
        self._wait_ready()
        self.log(f"kubedoctest: kind cluster {self.cluster_name} ready in {time.monotonic() - start:.1f} s")

    def _kubectl(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        kubectl = str(self.kubectl or shutil.which("kubectl") or "kubectl")
        command = [kubectl, "--kubeconfig", str(self.kubeconfig), *args]
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=timeout + 15, check=False)
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess(command, 124, "", f"kubectl did not answer within {timeout + 15:g} s")

    def _wait_ready(self) -> None:
        """Node Ready, CoreDNS and the local-path provisioner available, a default StorageClass."""
        deadline = time.monotonic() + READY_TIMEOUT
        checks = [
            ("wait", "--for=condition=Ready", "node", "--all"),
            ("-n", "kube-system", "rollout", "status", "deployment/coredns"),
            ("-n", "local-path-storage", "rollout", "status", "deployment/local-path-provisioner"),
        ]
        for check in checks:
            while True:
                left = deadline - time.monotonic()
                done = self._kubectl(*check, f"--timeout={max(1, int(left))}s", timeout=max(1, left))
                if done.returncode == 0:
                    break
                if time.monotonic() >= deadline:
                    raise ProviderError(
                        f"failed to create kind cluster {self.cluster_name}: `kubectl {' '.join(check)}` "
                        f"did not succeed within {READY_TIMEOUT:g} s: {(done.stdout + done.stderr).strip()[-400:]}\n"
                        + self.diagnostics()
                    )
                time.sleep(2)  # the object may not exist yet (kind applies the storage manifest last)
        classes = self._kubectl("get", "storageclass", "-o", "jsonpath={.items[*].metadata.annotations}")
        if "is-default-class" not in classes.stdout:
            raise ProviderError(
                f"failed to create kind cluster {self.cluster_name}: no default StorageClass\n" + self.diagnostics()
            )

    def diagnostics(self) -> str:
        """What a person needs to see when the cluster does not come up."""
        parts = []
        pods = self._kubectl("get", "pods", "-A", "-o", "wide")
        parts.append("pods:\n" + (pods.stdout + pods.stderr).strip())
        events = self._kubectl("get", "events", "-A", "--sort-by=.lastTimestamp")
        parts.append("events:\n" + "\n".join((events.stdout + events.stderr).strip().splitlines()[-15:]))
        node = f"{self.cluster_name}-control-plane"
        journal = docker.run("exec", node, "journalctl", "-u", "kubelet", "-u", "containerd", "--no-pager", "-n", "25",
                             timeout=30, check=False)  # fmt: skip
        parts.append("kubelet and containerd:\n" + journal.strip())
        return "\n".join(parts)

    def prepare_images(self, images: list[str]):
        """Load the run's workload images into the node: real ones, or stand-ins; see standins.py."""
        from . import images as standins

        preloaded = {f"registry.k8s.io/pause:{components.PAUSE}", node_files.HELPER_IMAGE}
        try:
            plan = standins.prepare(images, preloaded, self.log)
        except (build.BuildError, docker.DockerError) as e:
            raise ProviderError(
                f"failed to prepare the workload images for kind cluster {self.cluster_name}: {e}"
            ) from None
        load = plan.real + sorted(plan.standin)
        if load:
            self._run(
                ["load", "docker-image", "--name", self.cluster_name, *load], 900, "load images into the kind node"
            )
        if plan.standin or plan.unavailable:
            self._notes.append(plan.describe())
        return plan

    def delete(self) -> None:
        problems = []
        if self.folder is not None and kind_binary() is not None:
            try:
                self._run(["delete", "cluster", "--name", self.cluster_name, "--kubeconfig", str(self.folder / "kubeconfig")],
                          180, f"delete kind cluster {self.cluster_name}")  # fmt: skip
            except ProviderError as e:
                problems.append(str(e))
        for _ in range(5):  # a `docker run` that was under way may finish creating its container just now
            left = containers(self.cluster_name)
            if not left:
                break
            docker.run("rm", "-f", "-v", *left, timeout=120, check=False)
            time.sleep(1)
        else:
            problems.append(f"containers {', '.join(left)} remain; remove them with `docker rm -f`")
        if not ours():
            if self.made_network:
                # docker refuses while another cluster's node is attached: then it is that run's to remove
                docker.run("network", "rm", "kind", timeout=60, check=False)
            failed = restore_sysctls(self.sysctls)
            if failed:
                problems.append("could not restore the host's kernel parameters " + "; ".join(failed))
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            if self.folder.exists():
                problems.append(f"cannot remove {self.folder}")
            else:
                processes.unregister(self.cluster_name)
                self.folder = None
        self._kubeconfig = None
        if problems:
            raise ProviderError("failed to delete kind cluster " + self.cluster_name + ": " + "; ".join(problems))

    @classmethod
    def gc(cls, log: Callable[[str], None]) -> list[str]:
        """Kind clusters of dead runs: registered ones, and containers labelled by kind with our
        name prefix that no live run claims; build containers of dead `cluster build` runs."""
        if docker.available() is not None:
            return []
        removed = []
        live = {e.data.get("cluster") for e in processes.entries(cls.name) if e.data and e.owner_alive()}
        for entry in processes.entries(cls.name):
            if entry.data is None or entry.owner_alive():
                continue
            provider = cls(image=STOCK_IMAGE, name=entry.data.get("cluster") or entry.name)
            provider.folder = Path(entry.data["folder"]) if entry.data.get("folder") else None
            provider.made_network = bool(entry.data.get("made_network"))
            provider.sysctls = dict(entry.data.get("sysctls") or {})
            try:
                provider.delete()
                removed.append(provider.cluster_name)
                log(f"removed kind cluster {provider.cluster_name!r} left behind")
            except ProviderError as e:
                log(f"kubedoctest: {e}")
            entry.path.unlink(missing_ok=True)
        for cluster in sorted(orphans() - live - set(removed)):
            provider = cls(image=STOCK_IMAGE, name=cluster)
            try:
                provider.delete()
                removed.append(cluster)
                log(f"removed kind cluster {cluster!r} left behind (no run claims it)")
            except ProviderError as e:
                log(f"kubedoctest: {e}")
        from .nodeimage.node import remove_dead_builds

        removed += remove_dead_builds(log)
        return removed


def containers(cluster: str) -> list[str]:
    out = docker.run("ps", "-aq", "--filter", f"label={CLUSTER_LABEL}={cluster}", timeout=30, check=False)
    return out.split()


def owner_alive(cluster: str) -> bool:
    """Whether the process named in a cluster name kubedoctest-<pid>-<random> still runs here."""
    pid = cluster.removeprefix(PREFIX).split("-", 1)[0]
    if not pid.isdigit():
        return False
    return processes.alive(int(pid))


def ours() -> set[str]:
    """Our kind clusters: kind's cluster label with our name prefix."""
    out = docker.run("ps", "-a", "--filter", f"label={CLUSTER_LABEL}", "--format", f'{{{{.Label "{CLUSTER_LABEL}"}}}}',
                     timeout=30, check=False)  # fmt: skip
    return {c for c in out.split() if c.startswith(PREFIX)}


def orphans() -> set[str]:
    """Our kind clusters whose owner process is gone."""
    return {c for c in ours() if not owner_alive(c)}
