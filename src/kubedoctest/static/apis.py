"""Removed and deprecated Kubernetes API versions (from the official deprecation guide), and tool configs.

The schemas only say what exists in a version; this table says what happened to what no longer
does, so an error can name the release that removed it and what to use instead.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Removal:
    removed_in: str  # "1.22"
    replacement: str  # "networking.k8s.io/v1"
    deprecated_in: str | None = None


def _table() -> dict[tuple[str, str], Removal]:
    t: dict[tuple[str, str], Removal] = {}

    def add(group_versions: list[str], kinds: list[str], removed: str, use: str, dep: str | None = None) -> None:
        for gv in group_versions:
            for kind in kinds:
                t[(gv, kind)] = Removal(removed, use, dep)

    workloads = ["Deployment", "DaemonSet", "ReplicaSet", "StatefulSet"]
    add(["extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"], workloads, "1.16", "apps/v1", "1.9")
    add(["apps/v1beta1", "apps/v1beta2"], ["ControllerRevision"], "1.16", "apps/v1", "1.9")
    add(["extensions/v1beta1"], ["NetworkPolicy"], "1.16", "networking.k8s.io/v1", "1.9")
    add(["extensions/v1beta1"], ["PodSecurityPolicy"], "1.16", "policy/v1beta1", "1.10")
    add(
        ["extensions/v1beta1", "networking.k8s.io/v1beta1"],
        ["Ingress"],
        "1.22",
        "networking.k8s.io/v1",
        "1.14",
    )
    add(["networking.k8s.io/v1beta1"], ["IngressClass"], "1.22", "networking.k8s.io/v1", "1.19")
    add(
        ["admissionregistration.k8s.io/v1beta1"],
        ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
        "1.22",
        "admissionregistration.k8s.io/v1",
        "1.16",
    )
    add(
        ["apiextensions.k8s.io/v1beta1"],
        ["CustomResourceDefinition"],
        "1.22",
        "apiextensions.k8s.io/v1",
        "1.16",
    )
    add(
        ["apiregistration.k8s.io/v1beta1"],
        ["APIService"],
        "1.22",
        "apiregistration.k8s.io/v1",
        "1.19",
    )
    add(
        ["authentication.k8s.io/v1beta1"],
        ["TokenReview"],
        "1.22",
        "authentication.k8s.io/v1",
        "1.19",
    )
    add(
        ["authorization.k8s.io/v1beta1"],
        ["SubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectAccessReview"],
        "1.22",
        "authorization.k8s.io/v1",
        "1.19",
    )
    add(
        ["certificates.k8s.io/v1beta1"],
        ["CertificateSigningRequest"],
        "1.22",
        "certificates.k8s.io/v1",
        "1.19",
    )
    add(["coordination.k8s.io/v1beta1"], ["Lease"], "1.22", "coordination.k8s.io/v1", "1.19")
    add(
        ["rbac.authorization.k8s.io/v1beta1", "rbac.authorization.k8s.io/v1alpha1"],
        ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
        "1.22",
        "rbac.authorization.k8s.io/v1",
        "1.17",
    )
    add(
        ["scheduling.k8s.io/v1beta1", "scheduling.k8s.io/v1alpha1"],
        ["PriorityClass"],
        "1.22",
        "scheduling.k8s.io/v1",
        "1.14",
    )
    add(
        ["storage.k8s.io/v1beta1"],
        ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"],
        "1.22",
        "storage.k8s.io/v1",
        "1.19",
    )
    add(["batch/v1beta1", "batch/v2alpha1"], ["CronJob"], "1.25", "batch/v1", "1.21")
    add(["discovery.k8s.io/v1beta1"], ["EndpointSlice"], "1.25", "discovery.k8s.io/v1", "1.21")
    add(["events.k8s.io/v1beta1"], ["Event"], "1.25", "events.k8s.io/v1", "1.22")
    add(["autoscaling/v2beta1"], ["HorizontalPodAutoscaler"], "1.25", "autoscaling/v2", "1.22")
    add(["autoscaling/v2beta2"], ["HorizontalPodAutoscaler"], "1.26", "autoscaling/v2", "1.23")
    add(["policy/v1beta1"], ["PodDisruptionBudget"], "1.25", "policy/v1", "1.21")
    add(
        ["policy/v1beta1"],
        ["PodSecurityPolicy"],
        "1.25",
        "Pod Security Admission (pod-security.kubernetes.io labels)",
        "1.21",
    )
    add(["node.k8s.io/v1beta1"], ["RuntimeClass"], "1.25", "node.k8s.io/v1", "1.20")
    add(["storage.k8s.io/v1beta1"], ["CSIStorageCapacity"], "1.27", "storage.k8s.io/v1", "1.24")
    flow = ["FlowSchema", "PriorityLevelConfiguration"]
    add(
        ["flowcontrol.apiserver.k8s.io/v1beta1"],
        flow,
        "1.26",
        "flowcontrol.apiserver.k8s.io/v1",
        "1.23",
    )
    add(
        ["flowcontrol.apiserver.k8s.io/v1beta2"],
        flow,
        "1.29",
        "flowcontrol.apiserver.k8s.io/v1",
        "1.26",
    )
    add(
        ["flowcontrol.apiserver.k8s.io/v1beta3"],
        flow,
        "1.32",
        "flowcontrol.apiserver.k8s.io/v1",
        "1.29",
    )
    return t


REMOVED = _table()


@dataclass(frozen=True)
class Deprecation:
    since: str
    advice: str


# Served, but deprecated: the API server answers with a warning.
DEPRECATED: dict[tuple[str, str], Deprecation] = {
    ("v1", "Endpoints"): Deprecation("1.33", "use discovery.k8s.io/v1 EndpointSlice"),
    ("v1", "ComponentStatus"): Deprecation("1.19", "query the components' health endpoints instead"),
}


def _version_tuple(v: str) -> tuple[int, int]:
    major, minor = v.split(".")[:2]
    return int(major), int(minor)


def removal(api_version: str, kind: str, k8s_version: str) -> Removal | None:
    """The removal that makes apiVersion/kind unavailable in k8s_version, if the table knows it."""
    found = REMOVED.get((api_version, kind))
    if found and _version_tuple(k8s_version) >= _version_tuple(found.removed_in):
        return found
    return None


def deprecation(api_version: str, kind: str, k8s_version: str) -> str | None:
    """A warning text when apiVersion/kind is deprecated (but still served) in k8s_version."""
    found = DEPRECATED.get((api_version, kind))
    if found and _version_tuple(k8s_version) >= _version_tuple(found.since):
        return f"{api_version} {kind} is deprecated since {found.since}: {found.advice}"
    removal_ = REMOVED.get((api_version, kind))
    if removal_ and removal_.deprecated_in and _version_tuple(k8s_version) >= _version_tuple(removal_.deprecated_in):
        return (
            f"{api_version} {kind} is deprecated since {removal_.deprecated_in} and removed in "
            f"{removal_.removed_in}: use {removal_.replacement}"
        )
    return None


# Files that carry apiVersion/kind but are read by a tool, never served by an API server.
TOOL_GROUPS = {
    "kind.x-k8s.io": "a kind cluster config",
    "kwok.x-k8s.io": "a KWOK config",
    "config.kwok.x-k8s.io": "a KWOK config",
    "kubeadm.k8s.io": "a kubeadm config",
    "kubelet.config.k8s.io": "a kubelet config file",
    "kubeproxy.config.k8s.io": "a kube-proxy config file",
    "kubescheduler.config.k8s.io": "a kube-scheduler config file",
    "kubecontrolplane.config.k8s.io": "a kube-controller-manager config file",
    "apiserver.config.k8s.io": "a kube-apiserver config file",
    "apiserver.k8s.io": "a kube-apiserver config file",
    "audit.k8s.io": "an audit policy file",
    "client.authentication.k8s.io": "a client credential plugin config",
    "kustomize.config.k8s.io": "a kustomization file",
    "k3d.io": "a k3d config",
    "helm.cattle.io": None,  # served by RKE2/K3s (HelmChart CRD): a custom resource, not a tool config
}


# OpenShift's legacy core-group kinds (apiVersion v1): served by OpenShift's API server, not kube-apiserver
OPENSHIFT_CORE = {
    ("v1", kind): f"an OpenShift object (today {group}/v1), served by OpenShift, not by kube-apiserver"
    for kind, group in (
        ("Template", "template.openshift.io"),
        ("DeploymentConfig", "apps.openshift.io"),
        ("Route", "route.openshift.io"),
        ("BuildConfig", "build.openshift.io"),
        ("ImageStream", "image.openshift.io"),
        ("Project", "project.openshift.io"),
    )
}

# Kinds of other groups that a tool reads from a file and no API server serves
TOOL_KINDS = {
    ("argoproj.io/v1alpha1", "ConfigManagementPlugin"): "an Argo CD config management plugin file (plugin.yaml)",
    ("kustomize.config.k8s.io/v1alpha1", "Component"): "a kustomize component",
}


def tool_config(obj: dict) -> str | None:
    """What tool reads this object, or None when it is meant for an API server."""
    api_version = str(obj.get("apiVersion", ""))
    kind = obj.get("kind")
    if (api_version, kind) in TOOL_KINDS:
        return TOOL_KINDS[(api_version, kind)]
    group = api_version.split("/")[0] if "/" in api_version else ""
    if group in TOOL_GROUPS and TOOL_GROUPS[group]:
        return TOOL_GROUPS[group]
    if api_version == "v1" and kind == "Config":
        return "a kubeconfig file"
    return None


def near_tool_group(group: str) -> str | None:
    """The tool config group a misspelled group is closest to (`kind.x-k8s.oi`), or None."""
    import difflib

    tools = sorted(g for g, what in TOOL_GROUPS.items() if what)
    close = difflib.get_close_matches(group, tools, n=1, cutoff=0.85)
    return f"group {close[0]!r} ({TOOL_GROUPS[close[0]]})" if close and close[0] != group else None
