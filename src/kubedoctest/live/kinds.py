"""Short names used in `expect` directives, and which kinds are cluster-scoped."""

from __future__ import annotations

SHORT_NAMES = {
    "pvc": "PersistentVolumeClaim",
    "persistentvolumeclaim": "PersistentVolumeClaim",
    "pv": "PersistentVolume",
    "persistentvolume": "PersistentVolume",
    "deploy": "Deployment",
    "deployment": "Deployment",
    "sts": "StatefulSet",
    "statefulset": "StatefulSet",
    "ds": "DaemonSet",
    "daemonset": "DaemonSet",
    "rs": "ReplicaSet",
    "replicaset": "ReplicaSet",
    "rc": "ReplicationController",
    "replicationcontroller": "ReplicationController",
    "po": "Pod",
    "pod": "Pod",
    "job": "Job",
    "cj": "CronJob",
    "cronjob": "CronJob",
    "svc": "Service",
    "service": "Service",
    "crd": "CustomResourceDefinition",
    "customresourcedefinition": "CustomResourceDefinition",
    "ns": "Namespace",
    "namespace": "Namespace",
    "sc": "StorageClass",
    "storageclass": "StorageClass",
    "ing": "Ingress",
    "ingress": "Ingress",
    "cm": "ConfigMap",
    "configmap": "ConfigMap",
    "secret": "Secret",
}


def kind_of(short: str) -> str:
    return SHORT_NAMES.get(short.lower(), short)
