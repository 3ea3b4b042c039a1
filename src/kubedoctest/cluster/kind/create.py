"""Create a kind cluster from its node image and wait until it can take the run's pages: node
Ready, CoreDNS and the local-path provisioner available, a default StorageClass."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from .. import docker
from ..provider import failure
from . import host, run
from .config import config

CREATE_TIMEOUT = 600.0
READY_TIMEOUT = 300.0
SERVICE_CIDR = "10.96.0.0/16"  # kind's default serviceSubnet (the config does not change it)
# A connection to a ClusterIP that kube-proxy has not programmed yet (a Service created a moment
# ago, while the node is busy) is routed out of the node like any other address; where the host's
# network answers every port-80 connection (this machine's does, with a 404), curl then succeeds
# instead of being refused. The node refuses such connections, as kube-proxy does for a Service
# without endpoints: a packet kube-proxy did translate no longer has a service address here.
REFUSE_UNPROGRAMMED = ["iptables", "-w", "-I", "FORWARD", "1", "-d", SERVICE_CIDR, "-p", "tcp",
                       "-j", "REJECT", "--reject-with", "tcp-reset"]  # fmt: skip
REFUSE_NOTE = (
    f"the node refuses TCP connections to service addresses ({SERVICE_CIDR}) that kube-proxy has not programmed "
    "yet, instead of routing them out to the host's network"
)


def create(
    name: str,
    image: str,
    image_is_ours: bool,
    folder: Path,
    kubectl: Path | None,
    notes: list[str],
    log: Callable[[str], None],
) -> Path:
    """`kind create cluster` in `folder`; returns its kubeconfig. Adds what the run must say to `notes`."""
    v1 = host.cgroup_v1()
    if v1:
        notes.append(
            "cgroup v1 host: the kind config sets the kubelet's failCgroupV1: false and the cgroupfs driver "
            "in the kubelet and containerd (the systemd driver fails to freeze cgroups under load)"
        )
    if image_is_ours:
        notes.append(f"node image {image} built here from Debian packages and Go modules; bridge CNI")
    cfg = folder / "kind.yaml"
    cfg.write_text(config(image_is_ours, v1))
    kubeconfig = folder / "kubeconfig"
    start = time.monotonic()
    log(f"kubedoctest: creating kind cluster {name} from {image}")
    out = run.kind(
        ["create", "cluster", "--name", name, "--image", image, "--config", str(cfg),
         "--kubeconfig", str(kubeconfig), "--wait", "0s"],
        CREATE_TIMEOUT,
        "create",
        name,
    )  # fmt: skip
    (folder / "kind-create.log").write_text(out)
    refuse = ["exec", f"{name}-control-plane", *REFUSE_UNPROGRAMMED]
    try:
        docker.run(*refuse, timeout=30)
    except docker.DockerError as e:
        problem = "the node's rule that refuses unprogrammed service addresses could not be added"
        raise failure("create", "kind", name, problem, ["docker", *refuse], str(e)) from None
    notes.append(REFUSE_NOTE)
    wait_ready(name, kubectl, kubeconfig)
    log(f"kubedoctest: kind cluster {name} ready in {time.monotonic() - start:.1f} s")
    return kubeconfig


def wait_ready(name: str, kubectl: Path | None, kubeconfig: Path) -> None:
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
            done = run.kubectl(kubectl, kubeconfig, *check, f"--timeout={max(1, int(left))}s", timeout=max(1, left))
            if done.returncode == 0:
                break
            if time.monotonic() >= deadline:
                raise failure(
                    "create", "kind", name, f"`kubectl {' '.join(check)}` did not succeed within {READY_TIMEOUT:g} s",
                    done.args, (done.stdout + done.stderr).strip()[-400:] + "\n" + diagnostics(name, kubectl, kubeconfig),
                )  # fmt: skip
            time.sleep(2)  # the object may not exist yet (kind applies the storage manifest last)
    classes = run.kubectl(kubectl, kubeconfig, "get", "storageclass", "-o", "jsonpath={.items[*].metadata.annotations}")
    if "is-default-class" not in classes.stdout:
        raise failure("create", "kind", name, "no default StorageClass", classes.args,
                      diagnostics(name, kubectl, kubeconfig))  # fmt: skip


def diagnostics(name: str, kubectl: Path | None, kubeconfig: Path) -> str:
    """What a person needs to see when the cluster does not come up."""
    parts = []
    pods = run.kubectl(kubectl, kubeconfig, "get", "pods", "-A", "-o", "wide")
    parts.append("pods:\n" + (pods.stdout + pods.stderr).strip())
    events = run.kubectl(kubectl, kubeconfig, "get", "events", "-A", "--sort-by=.lastTimestamp")
    parts.append("events:\n" + "\n".join((events.stdout + events.stderr).strip().splitlines()[-15:]))
    journal = docker.run("exec", f"{name}-control-plane", "journalctl", "-u", "kubelet", "-u", "containerd",
                         "--no-pager", "-n", "25", timeout=30, check=False)  # fmt: skip
    parts.append("kubelet and containerd:\n" + journal.strip())
    return "\n".join(parts)
