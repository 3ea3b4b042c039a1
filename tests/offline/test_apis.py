"""apis: what happened to APIs that are no longer served, and files read by tools."""

from __future__ import annotations

import pytest

from kubedoctest.static import apis


@pytest.mark.parametrize(
    ("api_version", "kind", "removed_in", "use"),
    [
        ("extensions/v1beta1", "Ingress", "1.22", "networking.k8s.io/v1"),
        ("networking.k8s.io/v1beta1", "Ingress", "1.22", "networking.k8s.io/v1"),
        ("extensions/v1beta1", "Deployment", "1.16", "apps/v1"),
        ("apps/v1beta1", "Deployment", "1.16", "apps/v1"),
        ("apps/v1beta2", "StatefulSet", "1.16", "apps/v1"),
        ("batch/v1beta1", "CronJob", "1.25", "batch/v1"),
        ("policy/v1beta1", "PodDisruptionBudget", "1.25", "policy/v1"),
        ("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26", "autoscaling/v2"),
        (
            "flowcontrol.apiserver.k8s.io/v1beta3",
            "FlowSchema",
            "1.32",
            "flowcontrol.apiserver.k8s.io/v1",
        ),
    ],
)
def test_a_removed_api_names_the_release_that_removed_it_and_the_replacement(api_version, kind, removed_in, use):
    found = apis.removal(api_version, kind, removed_in)
    assert found is not None
    assert (found.removed_in, found.replacement) == (removed_in, use)
    major, minor = removed_in.split(".")
    assert apis.removal(api_version, kind, f"{major}.{int(minor) - 1}") is None


def test_a_served_api_is_not_removed():
    assert apis.removal("apps/v1", "Deployment", "1.35") is None
    assert apis.removal("v1", "Pod", "1.35") is None


def test_v1_endpoints_is_deprecated_since_1_33():
    assert apis.deprecation("v1", "Endpoints", "1.32") is None
    assert apis.deprecation("v1", "Endpoints", "1.33") == (
        "v1 Endpoints is deprecated since 1.33: use discovery.k8s.io/v1 EndpointSlice"
    )


def test_an_api_deprecated_before_its_removal_warns_with_both_releases():
    assert apis.deprecation("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.31") == (
        "flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema is deprecated since 1.29 and removed in "
        "1.32: use flowcontrol.apiserver.k8s.io/v1"
    )
    assert apis.deprecation("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.28") is None


@pytest.mark.parametrize(
    ("obj", "tool"),
    [
        ({"apiVersion": "kind.x-k8s.io/v1alpha4", "kind": "Cluster"}, "a kind cluster config"),
        ({"apiVersion": "v1", "kind": "Config"}, "a kubeconfig file"),
        (
            {"apiVersion": "kubeadm.k8s.io/v1beta4", "kind": "ClusterConfiguration"},
            "a kubeadm config",
        ),
        (
            {"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration"},
            "a kubelet config file",
        ),
        ({"apiVersion": "audit.k8s.io/v1", "kind": "Policy"}, "an audit policy file"),
        (
            {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization"},
            "a kustomization file",
        ),
        ({"apiVersion": "helm.cattle.io/v1", "kind": "HelmChart"}, None),
        ({"apiVersion": "v1", "kind": "ConfigMap"}, None),
        ({"apiVersion": "apps/v1", "kind": "Config"}, None),
        ({"kind": "Config"}, None),
    ],
)
def test_files_read_by_a_tool_are_recognised_by_their_group(obj, tool):
    assert apis.tool_config(obj) == tool
