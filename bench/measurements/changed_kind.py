"""The fast path of a writer: one changed page verified on real containers with `--changed`, on a
kind cluster kept up between runs (`kubedoctest cluster up --provider kind`), and without one
(the run then creates its own cluster and deletes it).

In a shared clone of this repository (`git clone --shared`, so the checkout is not touched), one
new page holding a Deployment and a Service is the change; `kubedoctest check docs --changed
--cluster kind` selects it alone (an untracked file counts as changed). Timed end to end, as a
writer waits for it: selection, images, the page, cleanup. Public entry points only.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bench.timing import ROOT, run_child, tool_env

NAME = "changed_kind"
SUMMARY = "--changed for one changed page on kind: with a cluster of `cluster up`, and with create"
READY = re.compile(r"kind cluster \S+ ready in ([0-9.]+) s")
PAGE = """# A changed page

```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: bench-changed
spec:
  replicas: 2
  selector:
    matchLabels:
      app: bench-changed
  template:
    metadata:
      labels:
        app: bench-changed
    spec:
      containers:
        - name: web
          image: nginx:1.30
          resources:
            requests:
              cpu: 50m
              memory: 32Mi
```

```yaml
apiVersion: v1
kind: Service
metadata:
  name: bench-changed
spec:
  selector:
    app: bench-changed
  ports:
    - port: 80
```
"""


def _check(clone: Path, *new: str) -> tuple[float, str]:
    """Seconds and stderr of one `--changed` run; a failed run fails the measurement (SystemExit)."""
    run = run_child(
        ["kubedoctest", "check", "docs", "--changed", "--cluster", "kind", *new, "--k8s-version", "1.37"],
        cwd=clone,
        env=tool_env(),
    )
    if run.returncode != 0:
        raise SystemExit(f"bench: --changed on kind failed:\n{run.tail(30)}")
    return run.seconds, run.stderr


def measure(runs: int, quick: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", "--shared", str(ROOT), str(clone)], check=True)
        (clone / "docs" / "en" / "bench-changed.md").write_text(PAGE)
        created, created_err = _check(clone, "--new-cluster")  # with create, even if a cluster is up
        ready = READY.search(created_err)
        up = run_child(["kubedoctest", "cluster", "up", "--provider", "kind"], env=tool_env())
        if up.returncode != 0:
            raise SystemExit(f"bench: cluster up --provider kind failed:\n{up.tail(30)}")
        try:
            kept, kept_err = _check(clone)
        finally:
            down = run_child(["kubedoctest", "cluster", "down", "--provider", "kind"], env=tool_env())
        attached = "ready in" not in kept_err
    return {
        "with_cluster_up_seconds": round(kept, 1),
        "attached_to_cluster_up": attached,
        "with_create_seconds": round(created, 1),
        "create_seconds": float(ready.group(1)) if ready else None,
        "cluster_up_seconds": round(up.seconds, 1),
        "cluster_down_exit_code": down.returncode,
    }
