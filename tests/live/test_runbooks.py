"""Runbook steps run in order, in bash -euo pipefail, against the test cluster; unsafe steps are refused."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest

from .conftest import ROOT

PREFIX = "tests/samples/runbooks/"


@pytest.fixture(scope="module")
def runbook_run(binaries, cli) -> dict:
    done = cli("check", "tests/samples/runbooks", "--cluster", "kwok", "--format", "json", "--k8s-version", "1.37")
    assert done.returncode == 1, done.stderr
    return {e["id"]: e for e in json.loads(done.stdout)["snippets"]}


def test_good_steps_run_in_page_order_against_the_cluster_with_its_own_kubectl(runbook_run):
    lines = (3, 9, 16, 30, 43)
    for line in lines:
        entry = runbook_run[f"{PREFIX}good/runbooks/deploy.md:{line}"]
        assert entry["status"] == "passed", entry
        assert entry["stage"] == "run"
        assert "kubectl v1.37.2" in entry["messages"][0]
    assert len(lines) == 5  # every step that runs is in the list above


def test_a_step_runs_in_a_sandbox_that_holds_only_the_test_cluster(runbook_run):
    entry = runbook_run[f"{PREFIX}good/runbooks/deploy.md:43"]
    assert entry["status"] == "passed", entry


def test_a_step_that_needs_a_kubelet_is_reported_as_not_checked_on_simulated_nodes(runbook_run):
    entry = runbook_run[f"{PREFIX}good/runbooks/deploy.md:21"]
    assert entry["status"] == "skipped"
    assert entry["fidelity"] == "partial"
    assert "not checked on simulated nodes" in entry["messages"][0]


def test_a_step_that_must_never_run_in_a_test_is_skipped_with_its_reason(runbook_run):
    entry = runbook_run[f"{PREFIX}good/runbooks/deploy.md:26"]
    assert entry["status"] == "skipped"
    assert "runs on the NFS server" in entry["messages"][0]


@pytest.mark.parametrize(
    ("line", "words"),
    [
        (3, "broken.md:4: refused by rule 'prompt': the step starts with a $ prompt"),
        (7, "broken.md:8: refused by rule 'context': 'kubectl --context prod get ...' uses --context"),
        (
            11,
            "broken.md:12: refused by rule 'repo-path': the step reads 'snippets/concepts/pod.yaml' from this repository",
        ),
    ],
)
def test_an_unsafe_or_uncopyable_step_is_refused_before_anything_runs(runbook_run, line, words):
    entry = runbook_run[f"{PREFIX}bad/runbooks/broken.md:{line}"]
    assert entry["status"] == "failed"
    assert entry["stage"] == "lint"
    assert words in entry["messages"][0]


def test_a_failed_step_shows_the_command_and_the_last_lines_of_its_output_and_stops_the_page(runbook_run):
    failed = runbook_run[f"{PREFIX}bad/runbooks/broken.md:16"]
    assert failed["status"] == "failed" and failed["stage"] == "run"
    first = failed["messages"][0]
    assert first.startswith(
        f"{PREFIX}bad/runbooks/broken.md:16: failed to run step: command 'kubectl create deployment"
    )
    assert "did not print 'deployment.apps/api created'" in first
    assert "deployment.apps/web created" in first
    after = runbook_run[f"{PREFIX}bad/runbooks/broken.md:20"]
    assert after["status"] == "skipped"
    assert "an earlier step failed at" in after["messages"][0]


def test_without_a_cluster_steps_are_linted_and_reported_as_not_run(cli):
    done = cli("check", "tests/samples/runbooks/good", "--cluster", "none", "--format", "json")
    assert done.returncode == 0, done.stderr
    entries = json.loads(done.stdout)["snippets"]
    assert {e["status"] for e in entries} == {"skipped"}
    assert any("runs only against a cluster" in e["messages"][0] for e in entries)


def test_with_runbook_kubectl_oldest_every_step_runs_with_kubectl_one_minor_below_the_cluster(binaries, cli):
    done = cli(
        "check", "tests/samples/runbook-kubectl", "--cluster", "kwok", "--format", "json",
        "--k8s-version", "1.37", "--runbook-kubectl", "oldest", timeout=1200,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["run"]["kubectl"].startswith("v1.36."), report["run"]
    entries = report["snippets"]
    assert [e["status"] for e in entries] == ["passed", "passed"], entries
    for entry in entries:
        assert f"with kubectl {report['run']['kubectl']}," in entry["messages"][0], entry


ESCAPE = """# Runbook

```bash
kubectl create configmap probe --from-literal=a=b
```

<!-- kubedoctest: allow="network" reason="the test proves the sandbox holds where the lint is lifted" exit="7" -->
```bash
curl -sS -m 5 http://127.0.0.1:{port}/api/v1/namespaces
```

<!-- kubedoctest: allow="network,indirect" reason="the same with bash's /dev/tcp" exit="1" -->
```bash
exec 3<>/dev/tcp/127.0.0.1/{port}
```

```bash
kubectl get configmap probe -o name
```
"""


def test_a_step_reaches_the_test_cluster_but_no_port_of_this_machine_even_where_the_lint_is_lifted(
    binaries, cli, tmp_path
):
    """A listener of the host stands for a writer's `kubectl proxy`: the page's steps talk to the
    kwok API server (through their relay) but never reach it, with curl or bash's /dev/tcp."""
    reached = []
    proxy = socket.socket()
    proxy.bind(("127.0.0.1", 0))
    proxy.listen()

    def accept() -> None:
        while True:
            try:
                client, _ = proxy.accept()
            except OSError:
                return
            reached.append(client)

    threading.Thread(target=accept, daemon=True).start()
    page = tmp_path / "runbooks" / "escape.md"
    page.parent.mkdir()
    page.write_text(ESCAPE.format(port=proxy.getsockname()[1]))
    try:
        done = cli("check", str(page), "--cluster", "kwok", "--format", "json", "--k8s-version", "1.37")
    finally:
        proxy.close()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    entries = json.loads(done.stdout)["snippets"]
    assert [e["status"] for e in entries] == ["passed"] * 4, entries
    assert reached == []


QUOTED = f"{PREFIX}quoted/runbooks/"


@pytest.mark.parametrize("line", [3, 15, 26, 36])
def test_a_quoted_output_that_differs_only_in_ages_widths_uids_and_elided_lines_matches(runbook_run, line):
    entry = runbook_run[f"{QUOTED}outputs.md:{line}"]
    assert entry["status"] == "passed", entry
    assert any("quoted output matched what the step printed" in m for m in entry["messages"]), entry


def test_a_quoted_output_that_the_step_no_longer_prints_fails_with_a_diff_at_the_block(runbook_run):
    entry = runbook_run[f"{QUOTED}stale.md:3"]
    assert entry["status"] == "failed"
    message = entry["messages"][0]
    assert message.startswith(f"{QUOTED}stale.md:7: failed to match quoted output"), message
    assert "-configmap/old configured" in message and "+configmap/old created" in message


def test_a_page_with_stale_quoted_output_still_runs_its_later_steps(runbook_run):
    assert runbook_run[f"{QUOTED}stale.md:11"]["status"] == "passed"


def test_a_quoted_output_that_needs_a_kubelet_is_not_compared_on_simulated_nodes(runbook_run):
    entry = runbook_run[f"{QUOTED}outputs.md:52"]
    assert entry["status"] == "passed" and entry["fidelity"] == "partial", entry
    assert any("quoted output not compared on simulated nodes" in m for m in entry["messages"]), entry


def test_a_block_marked_as_an_illustration_is_not_compared(runbook_run):
    entry = runbook_run[f"{QUOTED}outputs.md:63"]
    assert entry["status"] == "passed"
    assert not any("quoted output" in m for m in entry["messages"]), entry


OWN_FILES = """# Runbook

```bash
kubectl create configmap probe --from-literal=a=b
kubectl get configmap probe -o name
```

```bash
echo kept > note.txt
```

<!-- kubedoctest: output="kept" -->
```bash
cat note.txt
```

<!-- kubedoctest: exit="1" -->
```bash
cat {home}/.kube/config
```

<!-- kubedoctest: allow="context" reason="the test proves the writer's kubeconfig is out of reach" exit="1" -->
```bash
kubectl --kubeconfig {home}/.kube/config delete namespace prod
```

<!-- kubedoctest: allow="context" reason="the same with KUBECONFIG=" exit="1" -->
```bash
KUBECONFIG={kubeconfig} kubectl delete namespace prod
```

<!-- kubedoctest: exit="7" -->
```bash
curl -sS -m 5 --unix-socket {socket} http://x/api/v1/namespaces
```

<!-- kubedoctest: exit="7" -->
```bash
curl -sS -m 5 --unix-socket {tmp_socket} http://x/api/v1/namespaces
```

```bash
kubectl proxy --port=18001 >/dev/null 2>&1 &
sleep 2
```

<!-- kubedoctest: allow="network" reason="the port the page's own kubectl proxy opened" output="probe" -->
```bash
curl -sS -m 5 http://127.0.0.1:18001/api/v1/namespaces/$(kubectl config view --minify -o jsonpath='{{..namespace}}')/configmaps/probe
```
"""


def test_a_step_sees_its_pages_files_and_the_test_cluster_but_not_the_writers_home_kubeconfig_or_sockets(
    binaries, tmp_path
):
    """The run is started by a writer whose HOME holds a kubeconfig and whose KUBECONFIG names
    another file; a `kubectl proxy --unix-socket` of theirs listens in a folder of theirs and in
    /tmp. The page's steps use the test cluster, keep their files from step to step and reach the
    port their page opened, but read, use and reach none of the writer's (rule "filesystem")."""
    from kubedoctest.cluster import build

    home = tmp_path / "me"
    (home / ".kube").mkdir(parents=True)
    (home / ".kube" / "config").write_text("the writer's production kubeconfig")
    other = tmp_path / "elsewhere" / "prod.yaml"
    other.parent.mkdir()
    other.write_text("the writer's production kubeconfig")
    reached: list = []
    listeners = []
    tmp_socket = Path(f"/tmp/kdt-{uuid.uuid4().hex[:8]}.sock")
    for path in (tmp_path / "proxy.sock", tmp_socket):
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(path))
        s.listen()
        listeners.append(s)
        threading.Thread(target=lambda s=s: reached.append(s.accept()), daemon=True).start()
    page = tmp_path / "runbooks" / "own-files.md"
    page.parent.mkdir()
    page.write_text(
        OWN_FILES.format(home=home, kubeconfig=other, socket=tmp_path / "proxy.sock", tmp_socket=tmp_socket)
    )
    env = {**os.environ, "HOME": str(home), "KUBECONFIG": f"{other}:{home / '.kube' / 'config'}"}
    env["KUBEDOCTEST_CACHE"] = str(build.cache_root())  # the pinned binaries stay where they were built
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kubedoctest.cli", "check", str(page), "--cluster", "kwok", "--format", "json",
             "--k8s-version", "1.37"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    finally:
        for s in listeners:
            s.close()
        tmp_socket.unlink(missing_ok=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    entries = json.loads(done.stdout)["snippets"]
    assert [e["status"] for e in entries] == ["passed"] * 10, entries
    assert reached == []
    assert "production" not in done.stdout


def test_a_failed_step_says_which_pods_of_the_page_are_not_ready_and_why(runbook_run):
    failed = runbook_run[f"{PREFIX}bad/runbooks/pending.md:5"]
    assert failed["status"] == "failed" and failed["stage"] == "run", failed
    first = failed["messages"][0]
    assert "timed out waiting for the condition on pods/nowhere" in first, first
    assert "\nthe namespace's Pods that are not ready or done:\npod nowhere (Pending)\n" in first, first
    assert "  not scheduled: Unschedulable: 0/" in first and "node affinity/selector" in first, first
