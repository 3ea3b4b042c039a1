"""A runbook step's sandbox and flow, without a cluster: its PATH holds only the pinned tools, its
kubeconfig only the test cluster, a timed-out step dies with its children, and the page stops at
the first failed or refused step."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import yaml

from kubedoctest.live.safety.sandbox import Sandbox
from kubedoctest.model import Origin, Snippet, Status
from kubedoctest.parse.directives import Directives
from kubedoctest.runbook import runbook

CONFIG = {
    "apiVersion": "v1",
    "kind": "Config",
    "current-context": "test",
    "contexts": [
        {"name": "test", "context": {"cluster": "test", "user": "admin"}},
        {"name": "prod", "context": {"cluster": "prod", "user": "admin"}},
    ],
    "clusters": [
        {"name": "test", "cluster": {"server": "https://127.0.0.1:1"}},
        {"name": "prod", "cluster": {"server": "https://prod:6443"}},
    ],
    "users": [{"name": "admin", "user": {"token": "t"}}],
}


@pytest.fixture
def sandbox(tmp_path: Path):
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(yaml.safe_dump(CONFIG))
    fake_kubectl = tmp_path / "pinned" / "kubectl"
    fake_kubectl.parent.mkdir()
    fake_kubectl.write_text('#!/bin/sh\necho "pinned kubectl $*"\n')
    fake_kubectl.chmod(0o755)
    box = Sandbox(tmp_path, kubeconfig, "kdt-abc-1-page", fake_kubectl, None)
    yield box
    box.close()
    assert not box.folder.exists()


def run(box: Sandbox, text: str, timeout: float = 20) -> runbook.StepOutcome:
    return runbook.run_step(text, box.work, box.env, timeout, box.bash, box.launcher)


def test_the_sandbox_kubeconfig_holds_only_the_test_cluster_with_the_pages_namespace(sandbox):
    config = yaml.safe_load(sandbox.kubeconfig.read_text())
    assert [c["name"] for c in config["contexts"]] == ["test"]
    assert [c["name"] for c in config["clusters"]] == ["test"]
    assert config["contexts"][0]["context"]["namespace"] == "kdt-abc-1-page"
    assert oct(sandbox.kubeconfig.stat().st_mode & 0o777) == "0o600"


def test_path_holds_the_pinned_kubectl_and_the_allowed_tools_only(sandbox):
    out = run(sandbox, 'kubectl get pods; echo "$HOME|$KUBECONFIG|$PWD"; echo x | grep -c x')
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == "pinned kubectl get pods"
    home, kubeconfig, cwd = lines[1].split("|")
    assert home.startswith(str(sandbox.folder)) and kubeconfig == str(sandbox.kubeconfig)
    assert cwd == str(sandbox.work) and lines[2] == "1"
    for tool in ("python3", "ssh", "apt-get", "docker", "sudo"):
        if shutil.which(tool):
            missing = run(sandbox, f"{tool} --version")
            assert missing.exit_code == 127, (tool, missing.output)


def test_helm_that_is_not_pinned_fails_clearly(sandbox):
    out = run(sandbox, "helm list")
    assert out.exit_code == 127
    assert "kubedoctest: helm is not available to runbook steps" in out.output


def test_a_step_past_its_timeout_is_killed_with_its_children(sandbox):
    started = time.monotonic()
    out = run(sandbox, "sleep 30 & sleep 30; wait", timeout=0.5)
    assert out.timed_out and time.monotonic() - started < 10
    deadline = time.monotonic() + 10  # killed processes leave /proc once reaped: wait for that, bounded
    while (left := [p for p in Path("/proc").iterdir() if p.name.isdigit() and _in(p, str(sandbox.folder))]) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.01)
    assert left == []


def _in(proc: Path, folder: str) -> bool:
    try:
        return folder.encode() in (proc / "environ").read_bytes()
    except OSError:
        return False


def step(line: int, text: str, **directives) -> Snippet:
    return Snippet("docs/zh/runbooks/p.md", line, "bash", text, [Origin(line + 1)], Directives(**directives))


def test_the_page_stops_at_the_first_failed_step_and_at_a_refused_one(sandbox):
    refuse = {"refuse me"}
    steps = runbook.PageSteps(
        sandbox.env,
        sandbox.work,
        sandbox.bash,
        False,
        "kubectl test",
        lambda s: "policy says no" if s.text in refuse else None,
    )
    ok = steps.run(step(3, "echo fine", output="fine"))
    bad = steps.run(step(7, "echo oops; exit 3"))
    after = steps.run(step(11, "echo never"))
    assert (ok.status, bad.status, after.status) == (Status.PASSED, Status.FAILED, Status.SKIPPED)
    assert "exited with 3 (expected 0)" in bad.messages[0] and "oops" in bad.messages[0]
    assert "an earlier step failed at docs/zh/runbooks/p.md:7" in after.messages[0]
    fresh = runbook.PageSteps(
        sandbox.env,
        sandbox.work,
        sandbox.bash,
        False,
        "kubectl test",
        lambda s: "policy says no" if s.text in refuse else None,
    )
    refused = fresh.run(step(3, "refuse me"))
    assert refused.status == Status.SKIPPED and "not run: policy says no" in refused.messages[0]
    assert fresh.run(step(7, "echo later")).status == Status.SKIPPED


def test_a_step_that_needs_a_kubelet_is_not_run_on_simulated_nodes(sandbox):
    steps = runbook.PageSteps(sandbox.env, sandbox.work, sandbox.bash, True, "kubectl test", lambda s: None)
    r = steps.run(step(3, "kubectl logs deploy/web", requires=frozenset({"kubelet"})))
    assert r.status == Status.SKIPPED and r.fidelity == "partial"
    assert "not checked on simulated nodes" in r.messages[0]
