"""`kubedoctest cluster build|up|down|status|gc`: a kwok cluster for trying runbooks by hand."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from . import build, processes
from .kwok.provider import KwokProvider
from .provider import ProviderError


def run(action: str, name: str) -> int:
    if action == "build":
        try:
            info = build.build(log=lambda m: print(m, file=sys.stderr))
        except build.BuildError as e:
            print(f"kubedoctest: {e}", file=sys.stderr)
            return 1
        print(
            f"control plane binaries in {build.bin_dir()}: Kubernetes {info['kubernetes']}, etcd {info['etcd']}, kwok {info['kwok']}"
        )
        return 0
    if action == "gc":
        removed = processes.gc(lambda m: print(m, file=sys.stderr))
        print(f"removed {len(removed)} cluster(s) left behind")
        return 0
    entry = processes.read(name)
    alive = entry is not None and any(processes.alive(p) for p in entry.get("pids", []))
    if action == "status":
        if not alive:
            print(f"cluster {name!r} is not running; start it with `kubedoctest cluster up`")
            return 1
        print(f"cluster {name!r} is running; export KUBECONFIG={Path(entry['folder']) / 'kubeconfig'}")
        return 0
    if action == "down":
        if entry is None:
            print(f"cluster {name!r} is not running")
            return 0
        folder = Path(entry["folder"])
        processes.kill_tree(entry.get("pids", []), folder)
        shutil.rmtree(folder, ignore_errors=True)
        if folder.exists():
            print(f"kubedoctest: failed to delete cluster {name!r}: cannot remove {folder}", file=sys.stderr)
            return 1
        processes.unregister(name)
        print(f"cluster {name!r} deleted")
        return 0
    if alive:
        print(f"cluster {name!r} is already running; export KUBECONFIG={Path(entry['folder']) / 'kubeconfig'}")
        return 0
    provider = KwokProvider(name=name, detach=True, log=lambda m: print(m, file=sys.stderr))
    try:
        provider.create()
    except ProviderError as e:
        print(f"kubedoctest: {e}", file=sys.stderr)
        return 1
    print(f"cluster {name!r} is up (Kubernetes {provider.version}, {len(provider.procs)} processes, simulated nodes)")
    print(f"export KUBECONFIG={provider.kubeconfig}")
    print(f"export PATH={provider.bin}:$PATH   # kubectl {provider.version}")
    return 0
