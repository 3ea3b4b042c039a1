"""Run a runbook page's steps in order against the test cluster, in the page's namespace."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import yaml

from .. import runbook
from ..cluster.provider import Provider
from ..model import Finding, Result, Snippet, Status


class StepRunner:
    def __init__(self, provider: Provider, namespace: str):
        self.provider = provider
        self.namespace = namespace
        # Inside the cluster's own folder when it has one, so `cluster gc` removes it after a kill -9.
        parent = getattr(provider, "folder", None)
        self.folder = Path(tempfile.mkdtemp(prefix="kubedoctest-runbook-", dir=parent))
        self.home = self.folder / "home"
        self.work = self.folder / "work"
        self.home.mkdir()
        self.work.mkdir()
        self.kubeconfig = self.folder / "kubeconfig"
        config = yaml.safe_load(provider.kubeconfig.read_text())
        current = config.get("current-context")
        for ctx in config.get("contexts") or []:
            if ctx.get("name") == current:
                ctx.setdefault("context", {})["namespace"] = namespace
        self.kubeconfig.write_text(yaml.safe_dump(config))
        self.kubeconfig.chmod(0o600)
        kubectl = provider.kubectl if provider.kubectl and provider.kubectl.is_file() else None
        path = os.environ.get("PATH", "")
        if kubectl is not None:
            path = f"{kubectl.parent}{os.pathsep}{path}"
        self.env = {
            "PATH": path,
            "HOME": str(self.home),
            "KUBECONFIG": str(self.kubeconfig),
            "LANG": os.environ.get("LANG", "C.UTF-8"),
            "TMPDIR": str(self.folder),
        }
        self.kubectl_version = self._kubectl_version()
        self.failed_at: str | None = None

    def _kubectl_version(self) -> str:
        try:
            done = subprocess.run(
                ["kubectl", "version", "--client", "-o", "yaml"],
                env=self.env,
                capture_output=True,
                text=True,
                timeout=20,
            )
            return str((yaml.safe_load(done.stdout) or {}).get("clientVersion", {}).get("gitVersion", "unknown"))
        except (OSError, subprocess.TimeoutExpired, yaml.YAMLError):
            return "not found"

    def run(self, step: Snippet) -> Result:
        if self.failed_at:
            note = f"skipped: an earlier step failed at {self.failed_at}"
            return Result(step, Status.SKIPPED, "run", [Finding(step.where(), note, "info")])
        needs = step.directives.requires
        if "kubelet" in needs and self.provider.simulated:
            note = (
                "not checked on simulated nodes: the step needs a kubelet (running containers for logs, exec, "
                "port-forward or an interactive pod); run it on kind or a real cluster"
            )
            return Result(
                step,
                Status.SKIPPED,
                "run",
                [Finding(step.where(), note, "info")],
                fidelity="partial",
            )
        if "external" in needs and not self.provider.simulated:
            note = (
                "not checked here: the step needs a server outside the cluster (an NFS export, say) "
                "that a test cluster does not have"
            )
            return Result(step, Status.SKIPPED, "run", [Finding(step.where(), note, "info")], fidelity="partial")
        timeout = step.directives.timeout or runbook.DEFAULT_TIMEOUT
        outcome = runbook.run_step(step.text, self.work, self.env, timeout)
        problem = runbook.judge(step, outcome, timeout)
        info = Finding(
            step.where(),
            f"ran in bash -euo pipefail with kubectl {self.kubectl_version}, namespace {self.namespace}, in {outcome.seconds:.1f} s",
            "info",
        )
        if problem:
            self.failed_at = step.id
            return Result(
                step,
                Status.FAILED,
                "run",
                [Finding(step.where(), problem), info],
                seconds=outcome.seconds,
            )
        return Result(step, Status.PASSED, "run", [info], fidelity="full", seconds=outcome.seconds)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
