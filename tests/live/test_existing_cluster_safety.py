"""A docs run on someone else's cluster changes nothing of theirs and leaves nothing of its own.

A kwok cluster stands in for the user's: it holds a StorageClass with the name a docs snippet uses,
a ConfigMap and a Deployment in `default` with names the docs use, and a namespace of the team's.
The docs' StorageClass page, the debug-pending runbook (which creates a PersistentVolume) and a page
that names `default` run on it, without and with --allow-cluster-scoped: afterwards every one of
the user's objects has the resourceVersion it had, and no namespace, volume or class of the run's
remains. A run killed with -9 leaves a namespace that `cluster gc` removes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import yaml

from kubedoctest.cluster import records
from kubedoctest.cluster.kwok.provider import KwokProvider

ROOT = Path(__file__).resolve().parents[2]
USERS = [
    (
        "storageclass",
        None,
        "storage-classes-local-disks",
    ),  # the name snippets/storage/storageclass-local-wffc.yaml uses
    ("namespace", None, "team"),
    ("configmap", "team", "keep"),
    ("configmap", "default", "settings"),
    ("deployment", "default", "web"),  # the name of the docs' canonical Deployment
    ("namespace", None, "default"),
]
DEFAULT_PAGE = """# names default

```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: default
data:
  mode: docs
```

```yaml
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: storage-classes-local-disks
provisioner: kubernetes.io/no-provisioner
```
"""


def _kubectl(provider: KwokProvider, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [str(provider.kubectl), "--kubeconfig", str(provider.kubeconfig), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def users_cluster(binaries):
    provider = KwokProvider(name=f"users-{uuid.uuid4().hex[:6]}")
    provider.create()
    try:
        _kubectl(
            provider,
            "apply",
            "-f",
            "-",
            stdin="apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: storage-classes-local-disks\n"
            "provisioner: example.com/users-own\nreclaimPolicy: Delete\n",
        )
        _kubectl(provider, "create", "namespace", "team")
        _kubectl(provider, "-n", "team", "create", "configmap", "keep", "--from-literal=a=b")
        _kubectl(provider, "-n", "default", "create", "configmap", "settings", "--from-literal=mode=users")
        _kubectl(provider, "-n", "default", "create", "deployment", "web", "--image=nginx:1.27")
        yield provider
    finally:
        provider.delete()


def _versions(provider: KwokProvider) -> dict[str, str]:
    out = {}
    for kind, ns, name in USERS:
        args = ["get", kind, name, "-o", "jsonpath={.metadata.resourceVersion}"]
        out[f"{kind}/{ns or ''}/{name}"] = _kubectl(provider, *(["-n", ns] if ns else []), *args)
    return out


def _check(provider: KwokProvider, *paths: str, extra: tuple[str, ...] = ()) -> dict[str, dict]:
    done = subprocess.run(
        [sys.executable, "-m", "kubedoctest.cli", "check", *paths, "--k8s-version", "1.37", "--format", "json",
         "--cluster", "existing", "--kubeconfig", str(provider.kubeconfig),
         f"--allow-existing-cluster={provider.cluster_name}", *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    return {e["id"]: e for e in json.loads(done.stdout)["snippets"]}


def _nothing_of_ours(provider: KwokProvider) -> None:
    deadline = time.monotonic() + 90
    while True:
        ours = yaml.safe_load(_kubectl(provider, "get", "ns", "-l", "kubedoctest.io/run", "-o", "yaml"))["items"]
        pvs = _kubectl(provider, "get", "pv", "-o", "name").split()
        classes = _kubectl(provider, "get", "storageclass", "-o", "name").split()
        left = [n["metadata"]["name"] for n in ours] + pvs + [c for c in classes if "local-disks" not in c]
        if not left:
            break
        assert time.monotonic() < deadline, f"left on the user's cluster: {left}"
        time.sleep(0.5)
    dead = [e.name for e in records.entries("existing") if e.data and not e.owner_alive()]
    assert dead == [], f"registry entries of finished runs left: {dead}"


def test_a_docs_run_without_the_cluster_scoped_flag_leaves_the_users_objects_as_they_were(users_cluster, tmp_path):
    before = _versions(users_cluster)
    page = tmp_path / "default.md"
    page.write_text(DEFAULT_PAGE)
    run = _check(users_cluster, "docs/en/storage/storage-classes.md", "docs/en/runbooks/debug-pending.md", str(page))
    pv_step = next(i for i, e in run.items() if "debug-pending" in i and "pv-runbook-debug" in " ".join(e["messages"]))
    assert run[pv_step]["status"] == "skipped"
    assert (
        "changes cluster-scoped PersistentVolume/pv-runbook-debug (apply); allow it with --allow-cluster-scoped"
        in (run[pv_step]["messages"][0])
    )
    later = [e for i, e in run.items() if "debug-pending" in i and e["line"] > run[pv_step]["line"]]
    assert later and all(e["status"] == "skipped" for e in later)
    assert f"skipped: an earlier step was not run at {pv_step}" in later[0]["messages"][0]
    classes = [e for i, e in run.items() if "storage-classes" in i and "StorageClass/" in " ".join(e["messages"])]
    assert classes and all(
        "is cluster-scoped; allow it with --allow-cluster-scoped" in e["messages"][0] for e in classes
    )
    named = run[f"{page}:3"]
    assert named["status"] == "skipped" and "names its own namespace" in named["messages"][0]
    assert _versions(users_cluster) == before
    _nothing_of_ours(users_cluster)


def test_with_the_flag_an_object_that_exists_is_an_error_naming_it_and_nothing_is_taken_over(users_cluster, tmp_path):
    before = _versions(users_cluster)
    page = tmp_path / "default.md"
    page.write_text(DEFAULT_PAGE)
    run = _check(
        users_cluster,
        "docs/en/storage/storage-classes.md",
        "docs/en/runbooks/debug-pending.md",
        str(page),
        extra=("--allow-cluster-scoped",),
    )
    cm = run[f"{page}:3"]
    assert cm["status"] == "failed"
    assert (
        "ConfigMap/settings already exists in namespace 'default' and is not this run's: refusing to take it over"
        in (cm["messages"][0])
    )
    sc = run[f"{page}:13"]
    assert sc["status"] == "failed"
    assert "StorageClass/storage-classes-local-disks already exists and is not this run's" in sc["messages"][0]
    steps = [e for i, e in run.items() if "debug-pending" in i]
    assert steps and all(e["status"] in ("passed", "skipped") for e in steps), [
        (e["id"], e["messages"][:1]) for e in steps if e["status"] == "failed"
    ]
    assert any("pv-runbook-debug" in " ".join(e["messages"]) or e["status"] == "passed" for e in steps)
    assert _versions(users_cluster) == before
    _nothing_of_ours(users_cluster)


def test_a_namespace_left_by_a_run_killed_with_minus_9_is_removed_by_cluster_gc(users_cluster, tmp_path, cli):
    page = tmp_path / "slow.md"
    page.write_text(
        '<!-- kubedoctest: timeout="120" -->\n```yaml\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n'
        "  name: never\nspec:\n  storageClassName: none\n  accessModes: [ReadWriteOnce]\n  resources:\n"
        "    requests:\n      storage: 1Gi\n```\n"
    )
    run = subprocess.Popen(
        [sys.executable, "-m", "kubedoctest.cli", "check", str(page), "--k8s-version", "1.37",
         "--cluster", "existing", "--kubeconfig", str(users_cluster.kubeconfig),
         "--context", users_cluster.cluster_name, "--allow-existing-cluster"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    names: list[str] = []
    while not names:
        assert time.monotonic() < deadline and run.poll() is None, run.communicate() if run.poll() is not None else ""
        names = _kubectl(users_cluster, "get", "ns", "-l", "kubedoctest.io/run", "-o", "name").split()
        time.sleep(0.2)
    run.kill()
    run.communicate(timeout=30)
    assert _kubectl(users_cluster, "get", "ns", "-l", "kubedoctest.io/run", "-o", "name").split() == names
    done = cli("cluster", "gc")
    assert done.returncode == 0, done.stderr
    assert f"removed namespace {names[0].split('/')[1]!r}" in done.stderr
    _nothing_of_ours(users_cluster)


GADGET_CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.users.example.com
spec:
  group: users.example.com
  scope: Namespaced
  names: {kind: Gadget, plural: gadgets}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
"""


def test_on_a_live_run_the_clusters_own_crds_check_its_custom_resources(users_cluster, tmp_path):
    _kubectl(users_cluster, "apply", "-f", "-", stdin=GADGET_CRD)
    page = tmp_path / "gadget.md"
    page.write_text(
        "```yaml\napiVersion: users.example.com/v1\nkind: Gadget\nmetadata:\n  name: g\nspec:\n  size: big\n```\n"
    )
    run = _check(users_cluster, str(page))
    entry = run[f"{page}:1"]
    assert entry["status"] == "failed" and entry["stage"] == "static", entry
    assert 'spec.size: "big" is not of type "integer"' in entry["messages"][0]
