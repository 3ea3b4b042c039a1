"""The kind cluster config."""

from __future__ import annotations

from .nodeimage import ETCD_TAG

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
