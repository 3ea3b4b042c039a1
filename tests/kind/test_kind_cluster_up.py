"""A kind cluster of `kubedoctest cluster up --provider kind`: a run attaches to it instead of
creating one and leaves it up, gc leaves it alone, status lists it, down removes it.

scripts/test keeps one such cluster up for the whole kind tier (these tests and the docs); this
test then checks it as it is, and the script's own `cluster down` checks that down removes it.
Without one (pytest tests/kind alone), the test brings up a cluster of its own and takes it down.
"""

from __future__ import annotations

import os
from pathlib import Path

from kubedoctest.cluster import registry

from .conftest import kind_containers, kubedoctest

PAGE = """# one snippet

```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: safe
```
"""


def test_a_kind_cluster_up_is_used_by_check_left_alone_by_gc_and_removed_by_down(node_image: str, tmp_path: Path):
    tier = registry.up_cluster("kind")  # the cluster scripts/test keeps up for the kind tier
    name = tier.name if tier is not None else f"kdt-up-kind-{os.getpid()}"
    page = tmp_path / "page.md"
    page.write_text(PAGE)
    try:
        if tier is None:
            up = kubedoctest("cluster", "up", "--provider", "kind", "--name", name)
            assert up.returncode == 0, up.stdout + up.stderr[-3000:]
            assert any(line.startswith("export KUBECONFIG=") for line in up.stdout.splitlines()), up.stdout
        done = kubedoctest("check", str(page), "--cluster", "kind", "--k8s-version", "1.37")
        assert done.returncode == 0, done.stdout + done.stderr[-3000:]
        assert f"({name}, attached: up with `kubedoctest cluster up`" in done.stdout.splitlines()[0], done.stdout
        assert kind_containers(name), "the run deleted the cluster it attached to"
        assert kubedoctest("cluster", "gc").returncode == 0
        assert kind_containers(name), "gc removed a cluster of `cluster up`"
        status = kubedoctest("cluster", "status")
        assert f"kind cluster {name!r} is running" in status.stdout, status.stdout
    finally:
        if tier is None:
            down = kubedoctest("cluster", "down", "--name", name)
    if tier is None:
        assert down.returncode == 0, down.stdout + down.stderr
        assert f"kind cluster {name!r} deleted" in down.stdout
        assert not kind_containers(name)
