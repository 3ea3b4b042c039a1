"""One safety policy for snippets and runbook steps: on someone else's cluster nothing is taken
over, cluster-scoped changes need a second flag, steps stay in their namespace; the context is named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kubedoctest.cluster.existing.provider import ExistingProvider
from kubedoctest.cluster.kubeconfig import minify
from kubedoctest.cluster.provider import ProviderError
from kubedoctest.live.policy import Policy, step_effects
from kubedoctest.model import Manifest

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
THEIRS_ALLOWED = Policy(owned=False, allow_cluster_scoped=True)


def test_a_step_that_creates_a_persistent_volume_is_refused_on_someone_elses_cluster_without_the_flag():
    effects = step_effects(PV_STEP, scope)
    assert [t.describe() for t in effects.cluster_scoped] == ["PersistentVolume/pv-runbook-debug"]
    reason = THEIRS.refuse_step(effects, "kdt-x")
    assert reason == (
        "the step changes cluster-scoped PersistentVolume/pv-runbook-debug (apply); allow it with --allow-cluster-scoped"
    )
    assert THEIRS_ALLOWED.refuse_step(effects, "kdt-x") is None
    assert OWN.refuse_step(effects, "kdt-x") is None


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


def test_a_snippet_with_cluster_scoped_or_foreign_namespace_objects_needs_the_flag_on_someone_elses_cluster():
    sc = Manifest({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "fast"}})
    cm = Manifest({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "default"}})
    assert (
        THEIRS.refuse_snippet([sc], scope)
        == "StorageClass/fast is cluster-scoped; allow it with --allow-cluster-scoped"
    )
    assert "names its own namespace" in THEIRS.refuse_snippet([cm], scope)
    assert THEIRS_ALLOWED.refuse_snippet([sc, cm], scope) is None
    assert OWN.refuse_snippet([sc, cm], scope) is None


def test_only_objects_in_the_runs_own_namespace_may_be_applied_over_on_someone_elses_cluster():
    assert THEIRS_ALLOWED.may_take_over("kdt-x", "kdt-x")
    assert not THEIRS_ALLOWED.may_take_over("default", "kdt-x")
    assert not THEIRS_ALLOWED.may_take_over(None, "kdt-x")  # cluster-scoped
    assert OWN.may_take_over(None, "kdt-x")


def test_the_debug_pending_runbook_step_that_creates_a_volume_is_recognised():
    text = (ROOT / "docs/en/runbooks/debug-pending.md").read_text()
    assert step_effects(text.split("kind: PersistentVolume\n")[0].rsplit("```bash", 1)[1] + "kind: PersistentVolume\n"
                        "metadata:\n  name: pv-runbook-debug\nEOF", scope).cluster_scoped  # fmt: skip


KUBECONFIG = {
    "apiVersion": "v1",
    "kind": "Config",
    "current-context": "prod",
    "contexts": [
        {"name": "prod", "context": {"cluster": "prod", "user": "admin"}},
        {"name": "lab", "context": {"cluster": "lab", "user": "me", "namespace": "team"}},
    ],
    "clusters": [
        {"name": "prod", "cluster": {"server": "https://prod:6443"}},
        {"name": "lab", "cluster": {"server": "https://lab:6443", "certificate-authority": "certs/ca.crt"}},
    ],
    "users": [{"name": "admin", "user": {"token": "p"}}, {"name": "me", "user": {"client-key": "k.pem"}}],
}


@pytest.fixture
def kubeconfig(tmp_path: Path) -> Path:
    path = tmp_path / "config"
    path.write_text(yaml.safe_dump(KUBECONFIG))
    return path


def test_an_existing_cluster_is_refused_until_its_context_is_named(kubeconfig):
    with pytest.raises(
        ProviderError,
        match="refusing to use the existing cluster .* \\(context 'prod'\\).*--allow-existing-cluster=prod",
    ):
        ExistingProvider(kubeconfig=str(kubeconfig)).confirmed_context(KUBECONFIG)
    with pytest.raises(ProviderError, match="current context 'prod' .* without naming it"):
        ExistingProvider(kubeconfig=str(kubeconfig), allow_existing=True).confirmed_context(KUBECONFIG)
    with pytest.raises(ProviderError, match="must name the same context"):
        ExistingProvider(kubeconfig=str(kubeconfig), context="lab", allow_existing="prod").confirmed_context(KUBECONFIG)
    assert ExistingProvider(kubeconfig=str(kubeconfig), allow_existing="prod").confirmed_context(KUBECONFIG) == "prod"
    assert (
        ExistingProvider(kubeconfig=str(kubeconfig), context="lab", allow_existing=True).confirmed_context(KUBECONFIG)
        == "lab"
    )
    assert "refusing" in ExistingProvider(kubeconfig=str(kubeconfig)).unavailable()


def test_a_confirmed_context_the_kubeconfig_lacks_is_refused_and_a_path_taken_as_one_is_explained(
    kubeconfig, tmp_path, monkeypatch
):
    with pytest.raises(ProviderError, match="names a context that .* does not have \\(its contexts: prod, lab\\)$"):
        ExistingProvider(kubeconfig=str(kubeconfig), allow_existing="staging").confirmed_context(KUBECONFIG)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    with pytest.raises(ProviderError, match="'docs/' is a path: .* write --allow-existing-cluster=CONTEXT"):
        ExistingProvider(kubeconfig=str(kubeconfig), allow_existing="docs/").confirmed_context(KUBECONFIG)


def test_the_run_works_from_a_kubeconfig_holding_only_the_confirmed_context(kubeconfig):
    only = minify(KUBECONFIG, "lab", kubeconfig.parent, "/usr/bin")
    assert [c["name"] for c in only["contexts"]] == ["lab"] and only["current-context"] == "lab"
    assert [c["name"] for c in only["clusters"]] == ["lab"] and [u["name"] for u in only["users"]] == ["me"]
    assert only["clusters"][0]["cluster"]["certificate-authority"] == str(kubeconfig.parent / "certs/ca.crt")
    assert only["users"][0]["user"]["client-key"] == str(kubeconfig.parent / "k.pem")
    assert "namespace" not in only["contexts"][0]["context"]
    with pytest.raises(ProviderError, match="no context 'nope'"):
        minify(KUBECONFIG, "nope", kubeconfig.parent, "/usr/bin")
