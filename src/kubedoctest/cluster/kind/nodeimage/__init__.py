"""`kubedoctest cluster build --provider kind`: a kind node image built here, with no registry.

From Debian packages (a bookworm root filesystem by mmdebstrap) and Go modules (containerd, runc,
CNI plugins, crictl, kubelet, kubeadm, kubectl, kube-proxy, CoreDNS, local-path-provisioner, and
the control plane that the kwok tier uses), with every image kubeadm and the cluster need imported
into the node's containerd at build time. The Go programs and the Debian root filesystems are built
at once, in two lanes (lanes.py); build-info.json records each part's seconds, each lane's, and the
wall clock (`seconds`, less than the sum of the parts). Cached per Kubernetes version: the Docker image carries a
recipe label (a hash of the versions, package lists and this package's code), so a second run
with nothing changed only inspects it.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from ... import build, docker
from ...build import BuildError
from . import components, debs, files, lanes, node, rootfs
from .images import RECIPE_LABEL, ImageSpec, ensure

IMAGE = f"kubedoctest/node:v{build.KUBERNETES}"
ETCD_TAG = f"{build.ETCD}-0"  # kubeadm's form; the kind config sets this tag (kubeadm 1.37 defaults to 3.7.0-0)


def node_cache() -> Path:
    return build.cache_root() / "node" / f"v{build.KUBERNETES}"


def info_file() -> Path:
    return node_cache() / "build-info.json"


def recipe() -> str:
    h = hashlib.sha256()
    versions = [build.KUBERNETES, build.ETCD, build.KIND, components.CONTAINERD, components.RUNC,
                components.CNI_PLUGINS, components.CRICTL, components.COREDNS, components.LOCAL_PATH,
                components.PAUSE, rootfs.NODE, rootfs.KUBE_PROXY]  # fmt: skip
    h.update(json.dumps(versions, default=list).encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        h.update(source.read_bytes())
    return h.hexdigest()[:16]


def is_current() -> bool:
    labels = docker.image_labels(IMAGE)
    return labels is not None and labels.get(RECIPE_LABEL) == recipe()


def component_images(cp: Path, bins: Path, kube_proxy_base: Path, busybox: tuple[Path, list[str]]) -> list[ImageSpec]:
    v = f"v{build.KUBERNETES}"
    specs = [
        ImageSpec(f"registry.k8s.io/{c}:{v}", files={f"/usr/local/bin/{c}": cp / c}, entrypoint=[f"/usr/local/bin/{c}"])
        for c in ("kube-apiserver", "kube-controller-manager", "kube-scheduler")
    ]
    binary, applets = busybox
    specs += [
        ImageSpec(
            f"registry.k8s.io/kube-proxy:{v}",
            base=kube_proxy_base,
            files={"/usr/local/bin/kube-proxy": bins / "kube-proxy"},
            entrypoint=["/usr/local/bin/kube-proxy"],
        ),
        ImageSpec(
            f"registry.k8s.io/etcd:{ETCD_TAG}",
            files={"/usr/local/bin/etcd": cp / "etcd"},
            entrypoint=["/usr/local/bin/etcd"],
        ),
        ImageSpec(
            f"registry.k8s.io/coredns/coredns:v{components.COREDNS}",
            files={"/coredns": bins / "coredns"},
            entrypoint=["/coredns"],
        ),
        ImageSpec(f"registry.k8s.io/pause:{components.PAUSE}", files={"/pause": bins / "pause"}, entrypoint=["/pause"]),
        ImageSpec(
            files.PROVISIONER_IMAGE,
            files={"/usr/bin/local-path-provisioner": bins / "local-path-provisioner"},
            entrypoint=["/usr/bin/local-path-provisioner"],
        ),
        ImageSpec(
            files.HELPER_IMAGE,
            files={"/bin/busybox": binary},
            symlinks={f"/bin/{a}": "busybox" for a in applets if a != "busybox"},
            entrypoint=["/bin/sh"],
        ),
    ]
    return specs


def _timed(timings: dict[str, float], name: str, step: Callable[[], object]) -> object:
    start = time.monotonic()
    result = step()
    timings[name] = round(time.monotonic() - start, 1)
    return result


def build_node_image(force: bool = False, log: Callable[[str], None] = print) -> dict:
    """Build (or reuse) the node image; returns what was built and how long each part took."""
    start = time.monotonic()
    reason = docker.available()
    if reason:
        raise BuildError(f"failed to build the node image: {reason}")
    if not force and is_current():
        info = read_info()
        log(f"reusing node image {IMAGE} (recipe {recipe()}, built in {info.get('seconds', '?')} s)")
        return {**info, "reused": True, "check_seconds": round(time.monotonic() - start, 2)}
    timings: dict[str, float] = {}
    lane_seconds: dict[str, float] = {}
    bins = node_cache() / "bin"
    built = lanes.run(
        {
            "go": [("control-plane", lambda: build.build(log=log)), *components.steps(bins, log)],
            "debian": [*rootfs.all_tars(log), ("busybox", lambda: debs.busybox(node_cache().parent, log))],
        },
        timings,
        lane_seconds,
        log,
    )
    node_tar, proxy_tar, busybox = built["rootfs-node"], built["rootfs-kube-proxy"], built["busybox"]
    specs = component_images(build.bin_dir(), bins, proxy_tar, busybox)  # type: ignore[arg-type]
    _timed(timings, "images", lambda: [ensure(s, log) for s in specs])
    kind_dir = files.kind_module()
    content = files.node_files(kind_dir, bins)
    _timed(timings, "assemble", lambda: node.assemble(IMAGE, node_tar, content, [s.name for s in specs], recipe(), log))  # type: ignore[arg-type]
    info = {
        "image": IMAGE,
        "recipe": recipe(),
        "kubernetes": build.KUBERNETES,
        "containerd": components.CONTAINERD,
        "runc": components.RUNC,
        "cni_plugins": components.CNI_PLUGINS,
        "crictl": components.CRICTL,
        "coredns": components.COREDNS,
        "local_path_provisioner": components.LOCAL_PATH,
        "images": [s.name for s in specs],
        "seconds": round(time.monotonic() - start, 1),  # wall clock: the lanes overlap
        "parts": timings,
        "parts_sum": round(sum(timings.values()), 1),
        "lanes": lane_seconds,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
    }
    node_cache().mkdir(parents=True, exist_ok=True)
    info_file().write_text(json.dumps(info, indent=2) + "\n")
    return {**info, "reused": False}


def read_info() -> dict:
    try:
        return json.loads(info_file().read_text())
    except (OSError, ValueError):
        return {}
