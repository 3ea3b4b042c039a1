"""kubectl's words for the resource types of a stock cluster, in one table: each kind with its
singular and plural names, short names and whether it is cluster-scoped. `expect` directives
(wait.py) and the safety module's reading of kubectl command lines (safety/objects.py) both look
words up here, so a new resource is added in one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Resource:
    kind: str
    plural: str
    short: tuple[str, ...] = ()
    cluster_scoped: bool = False
    # Set for the cluster-scoped kinds whose objects the run looks up by name, to tell whether it
    # may change them and to claim the ones a step creates; a step that changes another
    # cluster-scoped kind is refused on a cluster the run did not create.
    api_version: str = ""

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def words(self) -> tuple[str, ...]:
        return (self.singular, self.plural, *self.short)


def _cluster(kind: str, plural: str, *short: str, api_version: str = "") -> Resource:
    return Resource(kind, plural, short, True, api_version)


RESOURCES = (
    Resource("ConfigMap", "configmaps", ("cm",)),
    Resource("CronJob", "cronjobs", ("cj",)),
    Resource("DaemonSet", "daemonsets", ("ds",)),
    Resource("Deployment", "deployments", ("deploy",)),
    Resource("Ingress", "ingresses", ("ing",)),
    Resource("Job", "jobs"),
    Resource("PersistentVolumeClaim", "persistentvolumeclaims", ("pvc",)),
    Resource("Pod", "pods", ("po",)),
    Resource("ReplicaSet", "replicasets", ("rs",)),
    Resource("ReplicationController", "replicationcontrollers", ("rc",)),
    Resource("Secret", "secrets"),
    Resource("Service", "services", ("svc",)),
    Resource("StatefulSet", "statefulsets", ("sts",)),
    _cluster("Namespace", "namespaces", "ns", api_version="v1"),
    _cluster("Node", "nodes", "no", api_version="v1"),
    _cluster("PersistentVolume", "persistentvolumes", "pv", api_version="v1"),
    _cluster("StorageClass", "storageclasses", "sc", api_version="storage.k8s.io/v1"),
    _cluster("ClusterRole", "clusterroles", api_version="rbac.authorization.k8s.io/v1"),
    _cluster("ClusterRoleBinding", "clusterrolebindings", api_version="rbac.authorization.k8s.io/v1"),
    _cluster("PriorityClass", "priorityclasses", "pc", api_version="scheduling.k8s.io/v1"),
    _cluster("IngressClass", "ingressclasses", api_version="networking.k8s.io/v1"),
    _cluster("CustomResourceDefinition", "customresourcedefinitions", "crd", "crds"),
    _cluster("RuntimeClass", "runtimeclasses"),
    _cluster("CSIDriver", "csidrivers"),
    _cluster("CSINode", "csinodes"),
    _cluster("VolumeAttachment", "volumeattachments"),
    _cluster("MutatingWebhookConfiguration", "mutatingwebhookconfigurations"),
    _cluster("ValidatingWebhookConfiguration", "validatingwebhookconfigurations"),
    _cluster("ValidatingAdmissionPolicy", "validatingadmissionpolicies"),
    _cluster("ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings"),
    _cluster("APIService", "apiservices"),
    _cluster("CertificateSigningRequest", "certificatesigningrequests", "csr"),
    _cluster("FlowSchema", "flowschemas"),
    _cluster("PriorityLevelConfiguration", "prioritylevelconfigurations"),
    _cluster("DeviceClass", "deviceclasses"),
    _cluster("IPAddress", "ipaddresses"),
    _cluster("ServiceCIDR", "servicecidrs"),
)

BY_WORD = {word: r for r in RESOURCES for word in r.words}
CLUSTER_SCOPED = frozenset(word for r in RESOURCES if r.cluster_scoped for word in r.words)


def kind_of(word: str) -> str:
    """The kind a kubectl word names (`pvc` -> PersistentVolumeClaim); an unknown word as it is."""
    r = BY_WORD.get(word.lower())
    return r.kind if r else word


def looked_up(word: str) -> tuple[str, str] | None:
    """(apiVersion, kind) of a cluster-scoped kind the run looks up by name, for a kubectl word."""
    r = BY_WORD.get(word.lower())
    return (r.api_version, r.kind) if r and r.cluster_scoped and r.api_version else None
