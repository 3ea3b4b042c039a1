"""The providers behind --cluster: existing (refuses unless allowed, stays in its namespaces), auto, kind."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kubedoctest.cluster import records
from kubedoctest.cluster.kwok.provider import KwokProvider

ROOT = Path(__file__).resolve().parents[2]
PAGE = """# two snippets

```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: safe
```

```yaml
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv-providers-test
spec:
  capacity:
    storage: 1Gi
  accessModes: [ReadWriteOnce]
  hostPath:
    path: /tmp/x
```
"""


@pytest.fixture(scope="module")
def someone_elses_cluster(binaries):
    """A running cluster that the test run did not create, with a namespace of its own."""
    provider = KwokProvider()
    provider.create()
    kubectl = [str(provider.kubectl), "--kubeconfig", str(provider.kubeconfig)]
    subprocess.run([*kubectl, "create", "namespace", "team"], check=True, capture_output=True)
    subprocess.run(
        [*kubectl, "-n", "team", "create", "configmap", "keep", "--from-literal=a=b"], check=True, capture_output=True
    )
    yield provider, kubectl
    provider.delete()


def _allowed_existing(provider: KwokProvider) -> tuple[str, ...]:
    """Arguments of a JSON run against someone else's cluster, allowed."""
    return (
        "--cluster",
        "existing",
        "--kubeconfig",
        str(provider.kubeconfig),
        f"--allow-existing-cluster={provider.cluster_name}",
        "--format",
        "json",
    )


def _check(page: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kubedoctest.cli", "check", str(page), "--k8s-version", "1.37", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def test_an_existing_cluster_is_refused_without_allow_existing_cluster(someone_elses_cluster, tmp_path):
    provider, _ = someone_elses_cluster
    page = tmp_path / "page.md"
    page.write_text(PAGE)
    done = _check(page, "--cluster", "existing", "--kubeconfig", str(provider.kubeconfig))
    assert done.returncode == 2
    assert "refusing to use the existing cluster" in done.stderr
    assert f"--allow-existing-cluster={provider.cluster_name}" in done.stderr


def test_allowing_an_existing_cluster_without_naming_its_context_is_refused_naming_it(someone_elses_cluster, tmp_path):
    provider, _ = someone_elses_cluster
    page = tmp_path / "page.md"
    page.write_text(PAGE)
    done = _check(page, "--cluster", "existing", "--kubeconfig", str(provider.kubeconfig), "--allow-existing-cluster")
    assert done.returncode == 2
    assert f"refusing to use the current context {provider.cluster_name!r}" in done.stderr
    assert done.stdout == ""


def test_the_header_names_the_context_and_the_server_of_an_existing_cluster(someone_elses_cluster, tmp_path):
    provider, _ = someone_elses_cluster
    page = tmp_path / "page.md"
    page.write_text(PAGE.split("\n\n```yaml\napiVersion: v1\nkind: PersistentVolume")[0] + "\n")
    done = _check(page, "--cluster", "existing", "--kubeconfig", str(provider.kubeconfig), "--context",
                  provider.cluster_name, "--allow-existing-cluster")  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"context {provider.cluster_name!r} at {provider.server}" in done.stdout.splitlines()[0]


def test_an_allowed_existing_cluster_gets_only_namespaced_objects_in_namespaces_the_run_creates(
    someone_elses_cluster, tmp_path
):
    provider, kubectl = someone_elses_cluster
    page = tmp_path / "page.md"
    page.write_text(PAGE)
    done = _check(page, *_allowed_existing(provider))
    assert done.returncode == 0, done.stdout + done.stderr
    entries = {e["line"]: e for e in json.loads(done.stdout)["snippets"]}
    assert entries[3]["status"] == "passed"
    assert entries[12]["status"] == "skipped"
    assert (
        "PersistentVolume/pv-providers-test is cluster-scoped; allow it with --allow-cluster-scoped"
        in entries[12]["messages"][0]
    )
    pvs = subprocess.run([*kubectl, "get", "pv", "-o", "name"], capture_output=True, text=True, check=True).stdout
    assert pvs.strip() == ""
    kept = subprocess.run(
        [*kubectl, "-n", "team", "get", "configmap", "keep", "-o", "name"], capture_output=True, text=True
    )
    assert kept.stdout.strip() == "configmap/keep"
    namespaces = yaml.safe_load(
        subprocess.run([*kubectl, "get", "ns", "-o", "yaml"], capture_output=True, text=True, check=True).stdout
    )
    ours = [ns for ns in namespaces["items"] if "kubedoctest.io/run" in (ns["metadata"].get("labels") or {})]
    in_default = subprocess.run([*kubectl, "-n", "default", "get", "configmap", "settings"], capture_output=True)
    assert in_default.returncode != 0, "the snippet's ConfigMap went to default, not to a namespace of the run's"
    for ns in ours:  # deleted at the end of the run (removal may still be under way)
        assert ns["status"]["phase"] == "Terminating" or ns["metadata"].get("deletionTimestamp")


def test_pods_that_need_an_external_server_are_only_created_on_real_nodes(someone_elses_cluster, tmp_path):
    provider, _ = someone_elses_cluster
    page = tmp_path / "page.md"
    page.write_text(
        '<!-- kubedoctest: requires="external" -->\n```yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: nfs-client\n'
        "spec:\n  containers:\n    - name: app\n      image: busybox:1.36\n      volumeMounts:\n        - name: data\n"
        "          mountPath: /data\n  volumes:\n    - name: data\n      nfs:\n        server: 192.0.2.10\n        path: /exports\n```\n"
    )
    done = _check(page, *_allowed_existing(provider))
    assert done.returncode == 0, done.stdout + done.stderr
    entry = json.loads(done.stdout)["snippets"][0]
    assert entry["status"] == "passed" and entry["fidelity"] == "partial"
    assert any(
        "Pod/nfs-client Ready was not waited for: its pods need a server outside the cluster" in m
        for m in entry["messages"]
    )


def test_auto_uses_kwok_when_kind_cannot_run_and_says_why(binaries, tmp_path):
    page = tmp_path / "page.md"
    page.write_text(PAGE.split("\n\n```yaml\napiVersion: v1\nkind: PersistentVolume")[0] + "\n")
    # kind made unavailable on purpose (a node image that is not there), whatever this host has
    env = {**os.environ, "KUBEDOCTEST_KIND_IMAGE": "kubedoctest/no-such-node:v0.0.0"}
    done = _check(page, "--cluster", "auto", env=env)
    if "using kwok" not in done.stderr:
        pytest.fail(f"auto did not choose kwok: {done.stderr}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "cluster auto (kwok 1.37.2)" in done.stdout


def test_auto_without_kind_or_kwok_stops_and_says_how_to_get_either(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(PAGE)
    env = {**os.environ, "KUBEDOCTEST_CACHE": str(tmp_path / "empty-cache"), "PATH": "/usr/bin:/bin"}
    done = _check(page, "--cluster", "auto", env={**env, "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"})
    assert done.returncode == 2
    assert "no cluster for a live run (--cluster auto)" in done.stderr
    assert "kind:" in done.stderr and "kwok:" in done.stderr
    assert "kubedoctest cluster build" in done.stderr
    assert done.stdout == ""  # no silent fall-back to the offline tier


def test_kind_without_its_node_image_says_how_to_build_it_and_leaves_nothing(binaries, tmp_path):
    page = tmp_path / "page.md"
    page.write_text(PAGE)
    before_registry = set(records.registry_dir().glob("*.json"))
    env = {**os.environ, "KUBEDOCTEST_KIND_IMAGE": "kubedoctest/no-such-node:v0.0.0"}
    done = _check(page, "--cluster", "kind", env=env)
    assert done.returncode == 2
    message = done.stderr.strip()
    assert re.match(r"kubedoctest: failed to create kind cluster kubedoctest-\d+-[0-9a-f]+: ", message), message
    docker_up = subprocess.run(["docker", "info"], capture_output=True).returncode == 0 if _has("docker") else False
    if docker_up:
        assert "kubedoctest/no-such-node:v0.0.0 is not present" in message, message
        assert "kubedoctest cluster build --provider kind" in message, message
        containers = subprocess.run(
            ["docker", "ps", "-a", "--format", "{{.Names}}"], capture_output=True, text=True
        ).stdout
        assert "no-such-node" not in containers
    else:
        assert "Docker is not" in message, message
    assert set(records.registry_dir().glob("*.json")) == before_registry


def _has(command: str) -> bool:
    from shutil import which

    return which(command) is not None


def _cluster(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kubedoctest.cli", "cluster", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_cluster_of_cluster_up_is_listed_left_alone_by_gc_and_removed_by_down(binaries):
    name = f"kdt-up-{os.getpid()}"
    up = _cluster("up", "--name", name)
    try:
        assert up.returncode == 0, up.stderr
        kubeconfig = next(line.split("=", 1)[1] for line in up.stdout.splitlines() if "KUBECONFIG=" in line)
        assert Path(kubeconfig).is_file()
        status = _cluster("status")
        assert f"kwok cluster {name!r} is running; export KUBECONFIG={kubeconfig}" in status.stdout, status.stdout
        assert _cluster("gc").returncode == 0
        assert records.read(name) is not None and Path(kubeconfig).is_file()  # it belongs to no dead run
        assert _cluster("up", "--name", name, "--provider", "kind").returncode == 1  # the name is taken
    finally:
        down = _cluster("down", "--name", name)
    assert down.returncode == 0 and f"kwok cluster {name!r} deleted" in down.stdout, down.stderr
    assert records.read(name) is None and not Path(kubeconfig).exists()
    assert f"cluster {name!r}" not in _cluster("status").stdout
