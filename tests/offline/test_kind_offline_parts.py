"""The kind provider's pure parts, without Docker: its config, image names, the images a snippet or a
step names, stuck pods, the CAP_SYS_RESOURCE detection and the runc wrapper."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from kubedoctest.cluster import docker
from kubedoctest.cluster.kind import config as kind
from kubedoctest.cluster.kind import images as standins
from kubedoctest.live import images, pods

ROOT = Path(__file__).resolve().parents[2]


def test_the_config_for_the_image_built_here_on_cgroup_v1_disables_kindnet_and_fail_cgroup_v1_and_uses_cgroupfs():
    doc = yaml.safe_load(kind.config(image_is_ours=True, v1=True))
    assert doc["networking"] == {"disableDefaultCNI": True}
    patches = [yaml.safe_load(p) for p in doc["kubeadmConfigPatches"]]
    assert {"kind": "KubeletConfiguration", "failCgroupV1": False, "cgroupDriver": "cgroupfs"} in patches
    containerd = tomllib.loads(doc["containerdConfigPatches"][0])
    runc = containerd["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]["runc"]
    assert runc["options"] == {"SystemdCgroup": False}  # the kubelet and containerd agree on the driver
    assert any(p.get("kind") == "ClusterConfiguration" and p["etcd"]["local"]["imageTag"] == "3.7.3-0" for p in patches)


def test_the_config_for_kinds_own_image_on_cgroup_v2_is_kinds_default():
    doc = yaml.safe_load(kind.config(image_is_ours=False, v1=False))
    assert doc == {"kind": "Cluster", "apiVersion": "kind.x-k8s.io/v1alpha4"}


@pytest.mark.parametrize(
    ("ref", "repository"),
    [
        ("nginx:1.30", "nginx"),
        ("docker.io/library/nginx:1.31", "nginx"),
        ("curlimages/curl:8.22.0", "curlimages/curl"),
        ("busybox@sha256:" + "0" * 64, "busybox"),
        ("registry.example.com:5000/team/app:1.0", "registry.example.com:5000/team/app"),
    ],
)
def test_an_image_reference_names_its_repository(ref, repository):
    assert standins.repository(ref) == repository


def test_a_workload_names_the_images_of_all_its_containers():
    cronjob = {
        "kind": "CronJob",
        "spec": {"jobTemplate": {"spec": {"template": {"spec": {
            "initContainers": [{"name": "a", "image": "busybox:1.38"}],
            "containers": [{"name": "b", "image": "nginx:1.30"}],
        }}}}},
    }  # fmt: skip
    assert images.of_object(cronjob) == ["busybox:1.38", "nginx:1.30"]
    assert images.of_object({"kind": "ConfigMap", "data": {"image": "x"}}) == []


def test_a_step_names_images_by_flag_and_by_set_image():
    step = "kubectl run t --image=busybox:1.38 --rm -i -- true\nkubectl set image deploy/web web=nginx:1.31 # update"
    assert images.of_step(step) == ["busybox:1.38", "nginx:1.31"]
    assert images.of_step('kubectl run t --image "$IMAGE"') == []


def test_the_images_of_a_steps_here_document_are_prepared_too():
    # a runbook page run on its own (or by --changed) must get the images its inline manifests name
    step = "kubectl apply -f - <<'EOF'\napiVersion: v1\nkind: Pod\nmetadata:\n  name: c\nspec:\n  containers:\n    - name: c\n      image: busybox:1.38\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\nEOF\nkubectl get pods"
    assert images.of_heredocs(step) == ["busybox:1.38"]
    assert images.of_heredocs("kubectl apply -f - <<'EOF'\n: [not yaml\nEOF") == []
    assert images.of_heredocs("kubectl get pods") == []
    assert images.to_load(step + " --image=nginx:1.30") == ["nginx:1.30", "busybox:1.38"]
    assert images.of_step(step) == []  # applying a manifest whose image is missing still runs the step


def _pod(reason: str, restarts: int = 3) -> dict:
    return {"kind": "Pod", "status": {"containerStatuses": [
        {"name": "app", "restartCount": restarts, "state": {"waiting": {"reason": reason}}}
    ]}}  # fmt: skip


def test_a_crash_loop_and_an_image_pull_failure_are_stuck_and_a_starting_pod_is_not():
    assert "CrashLoopBackOff" in (pods.stuck(_pod("CrashLoopBackOff")) or "")
    assert pods.stuck(_pod("CrashLoopBackOff", restarts=1)) is None  # one restart may still recover
    assert "cannot be pulled" in (pods.stuck(_pod("ImagePullBackOff", 0)) or "")
    assert pods.stuck(_pod("ContainerCreating", 0)) is None


def test_the_missing_cap_sys_resource_is_read_from_the_bounding_set(tmp_path):
    status = tmp_path / "status"
    status.write_text("Name:\tx\nCapBnd:\t000001fffeffffff\n")
    assert docker.host_lacks_sys_resource(status)
    status.write_text("Name:\tx\nCapBnd:\t000001ffffffffff\n")
    assert not docker.host_lacks_sys_resource(status)


def test_the_runc_wrapper_removes_only_cap_sys_resource_then_runs_runc_with_the_same_arguments(tmp_path):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    caps = ["CAP_CHOWN", "CAP_SYS_RESOURCE", "CAP_SYS_ADMIN"]
    config = {"process": {"capabilities": {k: list(caps) for k in ("bounding", "effective", "permitted")}}, "root": {}}
    (bundle / "config.json").write_text(json.dumps(config))
    fake = tmp_path / "runc"
    fake.write_text('#!/bin/sh\necho "$@"\n')
    fake.chmod(0o755)
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "runc-drop-sys-resource"),
            "--root",
            "/r",
            "create",
            "--bundle",
            str(bundle),
            "c1",
        ],
        env={**os.environ, "KUBEDOCTEST_REAL_RUNC": str(fake)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["--root", "/r", "create", "--bundle", str(bundle), "c1"]
    after = json.loads((bundle / "config.json").read_text())
    for kind_ in ("bounding", "effective", "permitted"):
        assert after["process"]["capabilities"][kind_] == ["CAP_CHOWN", "CAP_SYS_ADMIN"]
    assert after["root"] == {}
