"""The files a kind node needs besides its programs: kind's own node files (shipped inside the
sigs.k8s.io/kind module), the CNI configuration, the storage manifest and kind's version file."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ... import build
from . import components

BRIDGE_SUBNET = "10.244.0.0/24"  # the first node CIDR of kind's default pod subnet (one node)
PROVISIONER_IMAGE = f"kubedoctest.local/local-path-provisioner:v{components.LOCAL_PATH}"
HELPER_IMAGE = "kubedoctest.local/local-path-helper:busybox"

# Added to kind's entrypoint, in configure_containerd: decide by trying, never by assumption.
OOM_DETECTION = r"""
  # kubedoctest: where lowering oom_score_adj is refused (the host drops CAP_SYS_RESOURCE), pod
  # sandboxes fail with "failed to update /proc/self/oom_score_adj"; containerd must not try.
  if ! (echo -998 > /proc/self/oom_score_adj) 2>/dev/null; then
    log_warn 'cannot lower oom_score_adj here: setting containerd restrict_oom_score_adj = true'
    sed -i 's/restrict_oom_score_adj = false/restrict_oom_score_adj = true/' /etc/containerd/config.toml
  fi
"""
BRIDGE_SYSCTL = "net.bridge.bridge-nf-call-iptables = 1\nnet.bridge.bridge-nf-call-ip6tables = 1\n"


def kind_module() -> Path:
    return components.module_dir(f"sigs.k8s.io/kind@v{build.KIND}")


def cni_conflist() -> bytes:
    doc = {
        "cniVersion": "1.0.0",
        "name": "kubedoctest-bridge",
        "plugins": [
            {
                "type": "bridge",
                "bridge": "cni0",
                "isGateway": True,
                "ipMasq": True,
                "hairpinMode": True,
                "ipam": {
                    "type": "host-local",
                    "ranges": [[{"subnet": BRIDGE_SUBNET}]],
                    "routes": [{"dst": "0.0.0.0/0"}],
                },
            },
            {"type": "portmap", "capabilities": {"portMappings": True}},
        ],
    }
    return (json.dumps(doc, indent=2) + "\n").encode()


def storage_manifest(kind_dir: Path) -> bytes:
    """kind's own local-path-provisioner manifest (pkg/build/nodeimage/const_storage.go), with our images."""
    source = (kind_dir / "pkg" / "build" / "nodeimage" / "const_storage.go").read_text()
    start = source.find("const defaultStorageManifest = `")
    end = source.rfind("`")
    if start < 0 or end <= start:
        raise build.BuildError("failed to build the node image: kind's storage manifest was not found in its module")
    text = source[start + len("const defaultStorageManifest = `") : end]
    text = re.sub(r"` \+ storageProvisionerImage \+ `", PROVISIONER_IMAGE, text)
    text = re.sub(r"` \+ storageHelperImage \+ `", HELPER_IMAGE, text)
    if "` +" in text:
        raise build.BuildError("failed to build the node image: kind's storage manifest has an unknown placeholder")
    return text.encode()


def node_files(kind_dir: Path, bins: Path) -> dict[str, Path | bytes]:
    """Target path in the node -> host file or content."""
    base = kind_dir / "images" / "base" / "files"
    out: dict[str, Path | bytes] = {}
    for f in sorted(base.rglob("*")):
        if f.is_file() and "LICENSES" not in f.parts:
            out["/" + str(f.relative_to(base))] = f
    entrypoint = (base / "usr/local/bin/entrypoint").read_text()
    marker = "  # handle userns (rootless)\n"
    if marker not in entrypoint:
        raise build.BuildError(
            "failed to build the node image: kind's entrypoint changed; cannot add the oom detection"
        )
    out["/usr/local/bin/entrypoint"] = entrypoint.replace(marker, OOM_DETECTION + marker).encode()
    config = (base / "etc/containerd/config.toml").read_text()
    config = re.sub(r'sandbox_image = "[^"]*"', f'sandbox_image = "registry.k8s.io/pause:{components.PAUSE}"', config)
    out["/etc/containerd/config.toml"] = config.encode()
    for name in ("containerd", "ctr", "containerd-shim-runc-v2", "crictl"):
        out[f"/usr/local/bin/{name}"] = bins / name
    out["/usr/local/sbin/runc"] = bins / "runc"
    for name in ("kubelet", "kubeadm", "kubectl"):
        out[f"/usr/bin/{name}"] = bins / name
    for name in ("bridge", "host-local", "loopback", "portmap", "ptp"):
        out[f"/opt/cni/bin/{name}"] = bins / name
    out["/etc/cni/net.d/10-kubedoctest-bridge.conflist"] = cni_conflist()
    out["/etc/sysctl.d/11-kubedoctest-bridge.conf"] = BRIDGE_SYSCTL.encode()
    out["/kind/version"] = f"v{build.KUBERNETES}".encode()
    out["/kind/manifests/default-storage.yaml"] = storage_manifest(kind_dir)
    return out


# Run inside the build container, as kind's base Dockerfile does after copying its files.
PREPARE = r"""set -eu
chmod 0755 /usr/local/bin/entrypoint /usr/local/bin/clean-install /kind/bin/*.sh
find /lib/systemd/system/sysinit.target.wants/ -name systemd-tmpfiles-setup.service -delete
rm -f /lib/systemd/system/multi-user.target.wants/* /etc/systemd/system/*.wants/* \
  /lib/systemd/system/local-fs.target.wants/* /lib/systemd/system/sockets.target.wants/*udev* \
  /lib/systemd/system/sockets.target.wants/*initctl* /lib/systemd/system/basic.target.wants/*
grep -q '^ReadKMsg=no' /etc/systemd/journald.conf || echo "ReadKMsg=no" >> /etc/systemd/journald.conf
ln -sf /usr/lib/systemd/systemd /sbin/init
systemctl enable kubelet.service containerd.service undo-mount-hacks.service >/dev/null 2>&1
systemctl mask systemd-binfmt.service >/dev/null 2>&1
mkdir -p /etc/kubernetes/manifests
ctr oci spec \
  | jq '.hooks.createContainer[.hooks.createContainer| length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' \
  | jq 'del(.process.rlimits)' > /etc/containerd/cri-base.json
(nohup containerd >/tmp/containerd.log 2>&1 &)
for i in $(seq 1 60); do [ -S /run/containerd/containerd.sock ] && ctr version >/dev/null 2>&1 && exit 0; sleep 0.5; done
echo "containerd did not start in the build container:" >&2; tail -n 20 /tmp/containerd.log >&2; exit 1
"""
FINISH = r"""set -eu
ctr --namespace=k8s.io images list -q
pkill containerd || true
for i in $(seq 1 30); do pgrep containerd >/dev/null || break; sleep 0.5; done
rm -rf /tmp/containerd.log /run/containerd
"""
