"""Delete a kind cluster: `kind delete`, then any node container left, then (once no kind cluster
of ours is left) the docker network the run made and the host's kernel parameters as they were."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from .. import docker, processes, records
from ..provider import ProviderError, failure
from . import host, run

CLUSTER_LABEL = "io.x-k8s.kind.cluster"  # kind labels its node containers with the cluster name
PREFIX = "kubedoctest-"


def delete(name: str, folder: Path | None, made_network: bool, sysctls: dict[str, str]) -> None:
    """Raises `failed to delete kind cluster NAME: ...` naming everything that stayed."""
    problems = []
    if folder is not None and run.kind_binary() is not None:
        try:
            run.kind(["delete", "cluster", "--name", name, "--kubeconfig", str(folder / "kubeconfig")], 180,
                     "delete", name)  # fmt: skip
        except ProviderError as e:
            problems.append(str(e).removeprefix(f"failed to delete kind cluster {name}: "))
    for _ in range(5):  # a `docker run` that was under way may finish creating its container just now
        left = containers(name)
        if not left:
            break
        docker.run("rm", "-f", "-v", *left, timeout=120, check=False)
        time.sleep(1)
    else:
        problems.append(f"containers {', '.join(left)} remain; remove them with `docker rm -f`")
    if not ours():
        if made_network:
            # docker refuses while another cluster's node is attached: then it is that run's to remove
            docker.run("network", "rm", "kind", timeout=60, check=False)
        failed = host.restore_sysctls(sysctls)
        if failed:
            problems.append("could not restore the host's kernel parameters " + "; ".join(failed))
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
        if folder.exists():
            problems.append(f"cannot remove {folder}")
        else:
            records.unregister(name)
    if problems:
        raise failure("delete", "kind", name, "; ".join(problems))


def containers(cluster: str, running: bool = False) -> list[str]:
    filters = ["--filter", f"label={CLUSTER_LABEL}={cluster}"] + (["--filter", "status=running"] if running else [])
    return docker.run("ps", "-aq", *filters, timeout=30, check=False).split()


def owner_alive(cluster: str) -> bool:
    """Whether the process named in a cluster name kubedoctest-<pid>-<random> still runs here."""
    pid = cluster.removeprefix(PREFIX).split("-", 1)[0]
    if not pid.isdigit():
        return False
    return processes.alive(int(pid))


def registered() -> set[str]:
    """Kind clusters in the registry (runs under way, dead runs, `cluster up`)."""
    return {str(e.data.get("cluster") or e.name) for e in records.entries("kind") if e.data}


def ours() -> set[str]:
    """Our kind clusters: kind's cluster label with our name prefix, or a cluster we registered."""
    out = docker.run("ps", "-a", "--filter", f"label={CLUSTER_LABEL}", "--format", f'{{{{.Label "{CLUSTER_LABEL}"}}}}',
                     timeout=30, check=False)  # fmt: skip
    mine = registered()
    return {c for c in out.split() if c.startswith(PREFIX) or c in mine}


def orphans() -> set[str]:
    """Our kind clusters whose owner process is gone (registered ones are gc's by their entry)."""
    return {c for c in ours() if c.startswith(PREFIX) and not owner_alive(c)}
