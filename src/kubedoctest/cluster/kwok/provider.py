"""A real control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler) built from
source, with KWOK's controller simulating the nodes and the pods' lifecycle.

API validation, admission, controllers, scheduling and volume binding are real; containers do not
run, images are not pulled, volumes are not mounted and cluster DNS does not resolve.
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from .. import build, pki, processes
from ..provider import Provider, ProviderError

NODES = 2
NODE_ANNOTATION = "kwok.x-k8s.io/node"


class KwokProvider(Provider):
    name = "kwok"
    simulated = True

    def __init__(
        self,
        name: str | None = None,
        detach: bool = False,
        log=lambda m: None,
        start_timeout: float = 60.0,
    ):
        self.cluster_name = name or f"kubedoctest-{uuid.uuid4().hex[:8]}"
        self.detach = detach
        self.log = log
        self.start_timeout = start_timeout
        self.folder: Path | None = None
        self.procs: list[subprocess.Popen] = []
        self._kubeconfig: Path | None = None
        self.bin = build.bin_dir()
        self.kubectl = self.bin / "kubectl"
        self.server = ""

    @property
    def version(self) -> str:
        return build.KUBERNETES

    @property
    def kubeconfig(self) -> Path:
        if self._kubeconfig is None:
            raise ProviderError("the kwok cluster is not running")
        return self._kubeconfig

    def unavailable(self) -> str | None:
        if not build.is_built():
            return (
                f"the kwok control plane binaries (Kubernetes {build.KUBERNETES}) are not built in {build.bin_dir()}; "
                "build them once with `kubedoctest cluster build` (needs Go and the Go module proxy, about 10 minutes on 2 cores)"
            )
        return None

    def create(self) -> None:
        reason = self.unavailable()
        if reason:
            raise ProviderError(reason)
        processes.gc(self.log)
        self.folder = Path(tempfile.mkdtemp(prefix=f"{self.cluster_name}-"))
        # registered before any process starts, so a kill -9 from here on leaves nothing gc misses;
        # owned by this process while it starts (a detached cluster is handed to its pids after)
        self._register()
        try:
            self._start()
        except BaseException:
            self.delete()
            raise
        if self.detach:
            self._register(owner=None)

    def _register(self, owner: int | None = -1) -> None:
        assert self.folder is not None
        pids = [q.pid for q in self.procs]
        processes.register(self.cluster_name, self.folder, pids, os.getpid() if owner == -1 else owner, self.name)

    def _proc(self, name: str, args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        assert self.folder is not None
        p = processes.start([str(self.bin / name), *args], self.folder / f"{name}.log", env, detach=self.detach)
        self.procs.append(p)
        self._register()
        return p

    def _start(self) -> None:
        assert self.folder is not None
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
        self._kubeconfig = self.folder / "kubeconfig"
        self._kubeconfig.write_text(pki.kubeconfig(certs, self.server, self.cluster_name))
        self._kubeconfig.chmod(0o600)
        self._wait_ready(certs)
        kc = str(self._kubeconfig)
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
        assert self.folder is not None
        for p in self.procs:
            if p.poll() is not None:
                name = Path(p.args[0]).name
                log = (self.folder / f"{name}.log").read_text(errors="replace").strip().splitlines()[-15:]
                raise ProviderError(
                    f"failed to start the kwok cluster: {name} exited with code {p.returncode}:\n" + "\n".join(log)
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
        raise ProviderError(
            f"failed to start the kwok cluster: kube-apiserver not ready after {self.start_timeout:.0f} s: {last}"
        )

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
                raise ProviderError(
                    f"failed to start the kwok cluster: cannot create node {name}: {body.get('message', body)}"
                )
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
        raise ProviderError(
            f"failed to start the kwok cluster: nodes not Ready after {self.start_timeout:.0f} s; see {self.folder}/kwok.log"
        )

    def delete(self) -> None:
        processes.stop(self.procs)
        self.procs = []
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            if self.folder.exists():
                raise ProviderError(f"failed to delete the kwok cluster: cannot remove its folder {self.folder}")
            processes.unregister(self.cluster_name)
            self.folder = None
        self._kubeconfig = None
