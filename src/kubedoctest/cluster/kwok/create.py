"""Start a kwok cluster: etcd, kube-apiserver (its own CA, serving and client certificates, free
ports, all in the cluster's folder), kube-controller-manager, kube-scheduler and KWOK's controller
with two simulated nodes; each process reported as it starts, so it is registered before the next.
"""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from .. import build, pki, processes
from ..provider import ProviderError, failure

NODES = 2
NODE_ANNOTATION = "kwok.x-k8s.io/node"


class Start:
    """One start of the control plane in `folder`; `started` is told each process as it starts."""

    def __init__(
        self,
        name: str,
        folder: Path,
        bin: Path,
        started: Callable[[subprocess.Popen], None],
        detach: bool = False,
        timeout: float = 60.0,
    ):
        self.name = name
        self.folder = folder
        self.bin = bin
        self.started = started
        self.detach = detach
        self.start_timeout = timeout
        self.procs: list[subprocess.Popen] = []
        self.server = ""
        self.kubeconfig = folder / "kubeconfig"

    def fail(self, problem: str, output: str = "") -> ProviderError:
        return failure("create", "kwok", self.name, problem, output=output)

    def _proc(self, name: str, args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        p = processes.start([str(self.bin / name), *args], self.folder / f"{name}.log", env, detach=self.detach)
        self.procs.append(p)
        self.started(p)
        return p

    def run(self) -> None:
        certs = pki.make(self.folder / "pki")
        etcd_port, peer_port, api_port = (
            processes.free_port(),
            processes.free_port(),
            processes.free_port(),
        )
        etcd_url = f"http://127.0.0.1:{etcd_port}"
        self._proc(
            "etcd",
            [
                "--name=kubedoctest",
                f"--data-dir={self.folder / 'etcd'}",
                f"--listen-client-urls={etcd_url}",
                f"--advertise-client-urls={etcd_url}",
                f"--listen-peer-urls=http://127.0.0.1:{peer_port}",
                f"--initial-advertise-peer-urls=http://127.0.0.1:{peer_port}",
                f"--initial-cluster=kubedoctest=http://127.0.0.1:{peer_port}",
                "--unsafe-no-fsync=true",
                "--quota-backend-bytes=1073741824",
                "--log-level=warn",
            ],
        )
        self.server = f"https://127.0.0.1:{api_port}"
        self._proc(
            "kube-apiserver",
            [
                f"--etcd-servers={etcd_url}",
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                f"--secure-port={api_port}",
                f"--tls-cert-file={certs.server_cert}",
                f"--tls-private-key-file={certs.server_key}",
                f"--client-ca-file={certs.ca_cert}",
                f"--service-account-key-file={certs.sa_pub}",
                f"--service-account-signing-key-file={certs.sa_key}",
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--service-cluster-ip-range=10.96.0.0/16",
                "--authorization-mode=Node,RBAC",
                "--allow-privileged=true",
                "--endpoint-reconciler-type=none",
                "--v=1",
            ],
        )
        self.kubeconfig.write_text(pki.kubeconfig(certs, self.server, self.name))
        self.kubeconfig.chmod(0o600)
        self._wait_ready(certs)
        kc = str(self.kubeconfig)
        self._proc(
            "kube-controller-manager",
            [
                f"--kubeconfig={kc}",
                f"--authentication-kubeconfig={kc}",
                f"--authorization-kubeconfig={kc}",
                "--leader-elect=false",
                "--secure-port=0",
                f"--service-account-private-key-file={certs.sa_key}",
                f"--root-ca-file={certs.ca_cert}",
                f"--cluster-signing-cert-file={certs.ca_cert}",
                f"--cluster-signing-key-file={certs.ca_key}",
                "--controllers=*",
                "--concurrent-deployment-syncs=10",
                "--concurrent-replicaset-syncs=10",
                "--v=1",
            ],
        )
        self._proc(
            "kube-scheduler",
            [
                f"--kubeconfig={kc}",
                f"--authentication-kubeconfig={kc}",
                f"--authorization-kubeconfig={kc}",
                "--leader-elect=false",
                "--secure-port=0",
                "--v=1",
            ],
        )
        kwok_home = self.folder / "kwok-home"
        kwok_home.mkdir()
        self._proc(
            "kwok",
            [
                f"--kubeconfig={kc}",
                f"--config={self.bin / build.STAGES_FILE}",
                "--manage-all-nodes=false",
                f"--manage-nodes-with-annotation-selector={NODE_ANNOTATION}=fake",
                "--cidr=10.244.0.0/16",
                "--node-ip=10.0.0.1",
                "--node-lease-duration-seconds=40",
                "--server-address=127.0.0.1:0",
            ],
            env={**os.environ, "HOME": str(kwok_home)},
        )
        self._create_nodes(certs)

    def _request(self, certs: pki.Pki, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        ctx = ssl.create_default_context(cafile=str(certs.ca_cert))
        ctx.load_cert_chain(str(certs.admin_cert), str(certs.admin_key))
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.server + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, context=ctx, timeout=10) as resp:
                raw = resp.read()
                return resp.status, json.loads(raw) if raw.startswith(b"{") else {"text": raw.decode()}
        except urllib.error.HTTPError as e:
            raw = e.read()
            return e.code, json.loads(raw) if raw.startswith(b"{") else {"text": raw.decode(errors="replace")}

    def _check_processes(self) -> None:
        for p in self.procs:
            if p.poll() is not None:
                name = Path(p.args[0]).name
                log = (self.folder / f"{name}.log").read_text(errors="replace").strip().splitlines()[-15:]
                raise failure(
                    "create", "kwok", self.name, f"{name} exited with code {p.returncode}", p.args, "\n".join(log)
                )

    def _wait_ready(self, certs: pki.Pki) -> None:
        deadline = time.monotonic() + self.start_timeout
        last = ""
        while time.monotonic() < deadline:
            self._check_processes()
            try:
                status, body = self._request(certs, "GET", "/readyz")
                if status == 200:
                    return
                last = str(body)[:300]
            except (urllib.error.URLError, ConnectionError, OSError) as e:
                last = str(e)
            time.sleep(0.2)
        raise self.fail(f"kube-apiserver not ready after {self.start_timeout:.0f} s", last)

    def _create_nodes(self, certs: pki.Pki) -> None:
        for i in range(NODES):
            name = f"kwok-node-{i}"
            node = {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {
                    "name": name,
                    "annotations": {NODE_ANNOTATION: "fake", "node.alpha.kubernetes.io/ttl": "0"},
                    "labels": {
                        "kubernetes.io/hostname": name,
                        "kubernetes.io/os": "linux",
                        "kubernetes.io/arch": "amd64",
                        "type": "kwok",
                    },
                },
                "spec": {},
                "status": {
                    "allocatable": {
                        "cpu": "32",
                        "memory": "256Gi",
                        "pods": "110",
                        "ephemeral-storage": "500Gi",
                    },
                    "capacity": {
                        "cpu": "32",
                        "memory": "256Gi",
                        "pods": "110",
                        "ephemeral-storage": "500Gi",
                    },
                    "nodeInfo": {
                        "kubeletVersion": f"v{build.KUBERNETES}",
                        "operatingSystem": "linux",
                        "architecture": "amd64",
                    },
                },
            }
            status, body = self._request(certs, "POST", "/api/v1/nodes", node)
            if status not in (200, 201, 409):
                raise self.fail(f"cannot create node {name}: {body.get('message', body)}")
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            self._check_processes()
            status, body = self._request(certs, "GET", "/api/v1/nodes")
            ready = [
                n
                for n in body.get("items", [])
                if any(
                    c.get("type") == "Ready" and c.get("status") == "True"
                    for c in n.get("status", {}).get("conditions", [])
                )
            ]
            if len(ready) >= NODES:
                return
            time.sleep(0.2)
        raise self.fail(f"nodes not Ready after {self.start_timeout:.0f} s; see {self.folder}/kwok.log")
