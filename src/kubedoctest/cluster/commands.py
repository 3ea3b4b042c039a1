"""`kubedoctest cluster build|up|down|status|gc`: a kwok or kind cluster for trying runbooks by hand.

A cluster of `cluster up` is registered as detached: it belongs to no run, gc leaves it alone,
`status` lists it, `down` deletes it, and `check --cluster kind` attaches to a kind one.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from . import build, kubectl, records, registry
from .provider import ProviderError


def _log(message: str) -> None:
    print(message, file=sys.stderr)


def run(
    action: str, name: str | None, provider: str = "kwok", force: bool = False, images: Callable[[], list[str]] = list
) -> int:
    """`kubedoctest cluster ACTION`; `images` names the workload images `up` loads into a kind
    cluster while it creates it (those the docs name)."""
    if action == "build" and provider != "kwok":
        return registry.build(provider, force)
    if action == "build":
        try:
            info = build.build(log=_log, also=[("kubectl-oldest", lambda: kubectl.build_oldest(_log))])
        except build.BuildError as e:
            print(f"kubedoctest: {e}", file=sys.stderr)
            return 1
        print(
            f"control plane binaries in {build.bin_dir()}: Kubernetes {info['kubernetes']}, etcd {info['etcd']}, kwok {info['kwok']}"
        )
        return 0
    if action == "gc":
        removed = registry.gc(_log)
        print(f"removed {len(removed)} cluster(s) left behind")
        return 0
    if action == "status":
        return status()
    name = name or registry.UP_NAMES[provider]
    if action == "down":
        return down(name)
    return up(name, provider, images)


def status() -> int:
    """Every cluster of `cluster up`, running or not; 1 when none runs."""
    found = registry.up_entries()
    running = 0
    for entry, cls in found:
        data = entry.data or {}
        if cls.running(entry):
            running += 1
            print(f"{cls.name} cluster {entry.name!r} is running; export KUBECONFIG={data.get('kubeconfig')}")
        else:
            print(
                f"{cls.name} cluster {entry.name!r} is not running; remove it with `kubedoctest cluster down --name {entry.name}`"
            )
    if not running:
        print("no cluster is up; start one with `kubedoctest cluster up [--provider kind]`")
        return 1
    return 0


def down(name: str) -> int:
    entry = records.find(name)
    if entry is None or entry.data is None:
        print(f"cluster {name!r} is not running")
        return 0
    cls = registry.provider_class(str(entry.data.get("provider", "kwok")))
    try:
        cls.remove(entry, _log)
    except ProviderError as e:
        print(f"kubedoctest: {e}", file=sys.stderr)
        return 1
    print(f"{cls.name} cluster {name!r} deleted")
    return 0


def up(name: str, provider: str, images: Callable[[], list[str]] = list) -> int:
    entry = records.find(name)
    if entry is not None and entry.data is not None:
        cls = registry.provider_class(str(entry.data.get("provider", "kwok")))
        if cls.name != provider:
            print(
                f"kubedoctest: the name {name!r} is taken by a {cls.name} cluster; choose another --name",
                file=sys.stderr,
            )
            return 1
        if cls.running(entry):
            print(f"cluster {name!r} is already running; export KUBECONFIG={entry.data.get('kubeconfig')}")
            return 0
        try:
            cls.remove(entry, _log)  # stopped (a reboot): what is left of it goes first
        except ProviderError as e:
            print(f"kubedoctest: {e}", file=sys.stderr)
            return 1
    p = registry.provider_class(provider)(name=name, detach=True, log=_log)
    wanted = _wanted(images) if p.loads_images else []
    p.prefetch(wanted)
    try:
        registry.start(p)
        if wanted:
            p.prepare_images(wanted)  # loaded while the cluster was created; what was not, now
    except BaseException as e:
        try:
            p.delete()  # whatever the start made so far
        except ProviderError as problem:
            print(f"kubedoctest: {problem}", file=sys.stderr)
        if not isinstance(e, ProviderError):
            raise
        print(f"kubedoctest: {e}", file=sys.stderr)
        return 1
    for line in p.up_message():
        print(line)
    return 0


def _wanted(images: Callable[[], list[str]]) -> list[str]:
    """The images to load into the new cluster; none (said) when the docs cannot be read."""
    try:
        return images()
    except Exception as e:  # noqa: BLE001 - the cluster is worth having without them
        _log(f"kubedoctest: the docs' workload images are not loaded now (a run loads them): {e}")
        return []
