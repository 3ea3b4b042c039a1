"""What a runbook step reaches outside its namespace, as the safety module reads it (through the one
kubectl argument reader, runbook/kubectl_command.py): the cluster-scoped objects it changes, the
namespaces it names. The rules that decide are specified in test_safety.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubedoctest.live.safety import Consent, Policy, step_effects
from kubedoctest.runbook import kubectl_command

ROOT = Path(__file__).resolve().parents[2]


def scope(api_version: str, kind: str) -> bool | None:
    return kind not in {"PersistentVolume", "StorageClass", "Namespace"}


PV_STEP = """kubectl apply -f - <<'EOF'
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv-runbook-debug
spec:
  capacity:
    storage: 1Gi
EOF"""

OWN = Policy(owned=True)
THEIRS = Policy(owned=False)
THEIRS_ALLOWED = Policy(owned=False, consent=Consent(cluster_scoped=True))


@pytest.mark.parametrize(
    ("text", "changed"),
    [
        ("kubectl delete pod/app pvc/data pv/pv-runbook-debug", "pv/pv-runbook-debug"),
        ("kubectl create namespace team", "namespace/team"),
        ("kubectl label node kwok-node-0 disk=ssd", "node/kwok-node-0"),
        ("kubectl cordon kwok-node-0", "node/kwok-node-0"),
        ("kubectl patch storageclass standard -p '{}'", "storageclass/standard"),
        ("kubectl delete sc fast", "sc/fast"),
    ],
)
def test_kubectl_commands_that_change_cluster_scoped_objects_are_recognised(text, changed):
    effects = step_effects(text, scope)
    assert [t.describe() for t in effects.cluster_scoped] == [changed]
    assert "allow it with --allow-cluster-scoped" in THEIRS.refuse_step(effects, "kdt-x")


@pytest.mark.parametrize(
    "text",
    ["kubectl get pv", "kubectl get storageclass", "kubectl describe node kwok-node-0", "kubectl delete pvc data",
     "kubectl apply -f - <<'EOF'\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\nEOF"],
)  # fmt: skip
def test_reading_cluster_scoped_objects_and_changing_namespaced_ones_is_allowed_everywhere(text):
    assert THEIRS.refuse_step(step_effects(text, scope), "kdt-x") is None


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("kubectl -n kube-system delete pod x", "namespace 'kube-system'"),
        ("kubectl get pods --all-namespaces", "all namespaces"),
        (
            "kubectl apply -f - <<'EOF'\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\nEOF",
            "namespace 'default'",
        ),
    ],
)
def test_a_step_that_names_another_namespace_is_refused_on_someone_elses_cluster(text, named):
    reason = THEIRS_ALLOWED.refuse_step(step_effects(text, scope), "kdt-x")
    assert reason is not None and named in reason


def test_the_debug_pending_runbook_step_that_creates_a_volume_is_recognised():
    text = (ROOT / "docs/en/runbooks/debug-pending.md").read_text()
    assert step_effects(text.split("kind: PersistentVolume\n")[0].rsplit("```bash", 1)[1] + "kind: PersistentVolume\n"
                        "metadata:\n  name: pv-runbook-debug\nEOF", scope).cluster_scoped  # fmt: skip


@pytest.mark.parametrize(
    ("words", "positional", "flags", "namespaces"),
    [
        ("kubectl -n kube-system get pods", ["get", "pods"], ["-n"], ["kube-system"]),
        ("kubectl get pods -nkube-system -o wide", ["get", "pods"], ["-n", "-o"], ["kube-system"]),
        ("kubectl get pods --namespace=team", ["get", "pods"], ["--namespace"], ["team"]),
        ("kubectl get pods -A", ["get", "pods"], ["-A"], ["*"]),
        ("kubectl --context prod get pods", ["get", "pods"], ["--context"], []),
        ("kubectl exec web -- ls -n x", ["exec", "web"], [], []),
        ("helm install web ./chart --kube-context prod -n x", ["install", "web", "./chart"], ["--kube-context", "-n"], ["x"]),
    ],
)  # fmt: skip
def test_one_reader_gives_kubectl_and_helm_arguments_to_the_lint_and_the_policy(words, positional, flags, namespaces):
    args = kubectl_command.kubectl_args(words.split())
    assert (args.positional, args.flags, args.namespaces) == (positional, flags, namespaces)
