"""The folder a page's runbook steps run in: sandboxed by construction, not by pattern.

HOME, the working folder, TMPDIR and KUBECONFIG are inside a temporary folder; the kubeconfig holds
only the test cluster (one context, its namespace set to the page's); PATH is one folder of links:
the pinned kubectl, helm (or a stub that says why it is missing), and the allowed tools found on the
host, so a command the lint did not foresee is simply not found. The steps' root (relay.confine,
rule "filesystem") holds this folder, the system's program folders and the files the links name,
nothing else: no kubeconfig, context, credential or socket of the user's is within reach, by any path.
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import yaml

from ...runbook import steplint
from .kubeconfig import minify
from .network import IsolationError, PageNetwork

MISSING = """#!/bin/sh
echo "kubedoctest: {tool} is not available to runbook steps: {why}" >&2
exit 127
"""


FILE_KEYS = {
    "certificate-authority": "certificate-authority-data",
    "client-certificate": "client-certificate-data",
    "client-key": "client-key-data",
}


def inline(config: dict) -> dict:
    """The kubeconfig with the files it names written into it (`*-data`, a tokenFile's token): the
    page's root holds none of the host's files (rule "filesystem"). An exec plugin's command is
    returned as a tool to show there; what it reads of the writer's HOME (its own credentials) is not."""
    for entry in [*(config.get("clusters") or []), *(config.get("users") or [])]:
        body = entry.get("cluster") or entry.get("user") or {}
        for key, data in FILE_KEYS.items():
            if body.get(key):
                with contextlib.suppress(OSError):  # a file that is not there: kubectl says so in the step
                    body[data] = base64.b64encode(Path(body[key]).read_bytes()).decode()
                    del body[key]
        if body.get("tokenFile"):
            with contextlib.suppress(OSError):
                body["token"] = Path(body["tokenFile"]).read_text().strip()
                del body["tokenFile"]
    return config


class Sandbox:
    def __init__(self, parent: Path | None, kubeconfig: Path, namespace: str, kubectl: Path | None, helm: Path | None):
        # resolved: the folder is at the same path inside the page's root (no symlink of the host's leads to it)
        self.folder = Path(tempfile.mkdtemp(prefix="kubedoctest-runbook-", dir=parent)).resolve()
        self.home, self.work, self.bin = self.folder / "home", self.folder / "work", self.folder / "bin"
        for d in (self.home, self.work, self.bin):
            d.mkdir()
        self.kubeconfig = self.folder / "kubeconfig"
        host_path = os.environ.get("PATH", os.defpath)
        config = yaml.safe_load(kubeconfig.read_text()) or {}
        current = str(config.get("current-context") or "")
        only = inline(minify(config, current, kubeconfig.parent, host_path))
        only["contexts"][0]["context"]["namespace"] = namespace
        cluster = only["clusters"][0]["cluster"]
        self._link(
            "kubectl", kubectl, "no kubectl of the cluster's version was found (run `kubedoctest cluster build`)"
        )
        self._link(
            "helm", helm, 'this project pins no helm yet; mark the step skip reason="..." or install one in the cache'
        )
        for tool in sorted(steplint.TEXT_TOOLS | steplint.DOWNLOADERS | {"bash"}):
            found = shutil.which(tool, path=host_path)
            if found and not (self.bin / tool).exists():
                (self.bin / tool).symlink_to(Path(found).resolve())
        self.bash = str(Path(shutil.which("bash", path=host_path) or "/bin/bash").resolve())
        # the tools are seen inside the page's root at the path their links name, read-only
        tools = {os.readlink(p) for p in self.bin.iterdir() if p.is_symlink()} | {self.bash}
        plugin = ((only["users"] or [{}])[0].get("user") or {}).get("exec") or {}
        if str(plugin.get("command") or "").startswith("/") and Path(plugin["command"]).is_file():
            plugin["command"] = str(Path(plugin["command"]).resolve())
            tools.add(plugin["command"])
        try:
            self.network = PageNetwork(self.folder, str(cluster.get("server") or ""), self.work, sorted(tools))
        except IsolationError:
            self.close()
            raise
        cluster["server"] = self.network.server
        if self.network.tls_server_name and not cluster.get("tls-server-name"):
            cluster["tls-server-name"] = self.network.tls_server_name
        self.kubeconfig.touch(mode=0o600)
        self.kubeconfig.write_text(yaml.safe_dump(only))
        self.env = {
            "PATH": str(self.bin),
            "HOME": str(self.home),
            "KUBECONFIG": str(self.kubeconfig),
            "TMPDIR": str(self.folder),
            "LANG": os.environ.get("LANG", "C.UTF-8"),
        }
        self.launcher = self.network.launcher()  # every step runs inside the page's namespaces

    def _link(self, tool: str, target: Path | None, why: str) -> None:
        path = self.bin / tool
        if target is not None and target.is_file():
            path.symlink_to(target.resolve())
        else:
            path.write_text(MISSING.format(tool=tool, why=why))
            path.chmod(0o755)

    def close(self) -> None:
        network = getattr(self, "network", None)
        if network is not None:
            network.close()
        shutil.rmtree(self.folder, ignore_errors=True)
