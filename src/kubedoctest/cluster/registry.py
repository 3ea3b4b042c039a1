"""The registry of providers: the one module that knows the three (kwok, kind, existing), chooses
one for --cluster, starts it, and runs gc; like kind's pkg/cluster, the rest of the harness sees
only the interface of provider.py.

gc is per provider: starting a provider first removes what dead runs of that provider left (a
kwok run does not ask Docker about kind's containers); `kubedoctest cluster gc` runs every
provider's. A cluster brought up with `kubedoctest cluster up` belongs to no run and is never
gc's; `--cluster kind` attaches to the kind cluster that is up, if there is one, instead of
creating one.
"""

from __future__ import annotations

from . import records
from .existing.provider import ExistingProvider
from .kind.nodeimage import command as kind_build
from .kind.provider import KindProvider
from .kwok.provider import KwokProvider
from .provider import Log, Provider, ProviderError, _quiet
from .records import Entry

PROVIDERS: dict[str, type[Provider]] = {"kwok": KwokProvider, "kind": KindProvider, "existing": ExistingProvider}
UP_NAMES = {"kwok": "kubedoctest", "kind": "kubedoctest-kind"}  # default names of `cluster up`


def provider_class(name: str) -> type[Provider]:
    try:
        return PROVIDERS[name]
    except KeyError:
        raise ProviderError(f"unknown cluster provider {name!r}: use {', '.join(PROVIDERS)}") from None


def provider_for(
    cluster: str,
    kubeconfig: str | None = None,
    allow_existing: bool | str | None = False,
    context: str | None = None,
    log: Log = _quiet,
    attach: bool = True,
) -> Provider:
    """The provider --cluster names: kwok, kind (attached to ours when one is up, unless attach is
    False: --new-cluster), existing, or auto (kind, else kwok, else say how to get either)."""
    options = {"kubeconfig": kubeconfig, "allow_existing": allow_existing, "context": context, "log": log}
    if cluster in ("kwok", "existing"):
        return PROVIDERS[cluster](**options)
    if cluster == "kind":
        return _kind(options, attach)
    if cluster == "auto":
        kind, kwok = _kind(options, attach), KwokProvider(**options)
        kind_reason = kind.unavailable()
        if kind_reason is None:
            return kind
        kwok_reason = kwok.unavailable()
        if kwok_reason is None:
            log(f"kubedoctest: using kwok ({kind_reason})")
            return kwok
        raise ProviderError(
            "no cluster for a live run (--cluster auto):\n"
            f"  kind: {kind_reason}\n"
            f"  kwok: {kwok_reason}\n"
            "use --cluster none for the offline checks only"
        )
    raise ProviderError(f"unknown cluster provider {cluster!r}: use none, kwok, kind, existing or auto")


def _kind(options: dict, attach: bool) -> Provider:
    up = up_cluster("kind") if attach else None
    if up is not None:
        options["log"](f"kubedoctest: attaching to kind cluster {up.name} (up with `kubedoctest cluster up`)")
        return KindProvider(name=up.name, attach=True, **options)
    return KindProvider(**options)


def build(provider: str, force: bool = False) -> int:
    """`kubedoctest cluster build --provider kind`: the node image (kwok's binaries are build.py's)."""
    if provider != "kind":
        raise ProviderError(f"nothing to build for the {provider} provider")
    return kind_build.run(force=force)


def start(provider: Provider) -> None:
    """Remove what dead runs of this provider left, then create (or attach to) its cluster."""
    gc(provider.log, [type(provider)])
    provider.create()


def gc(log: Log = print, providers: list[type[Provider]] | None = None) -> list[str]:
    """Remove what dead runs left (of the given provider types; default all); returns the names."""
    removed: list[str] = []
    for cls in providers if providers is not None else list(PROVIDERS.values()):
        removed += cls.gc(log)
    records.remove_unreadable(log)
    return removed


def up_entries() -> list[tuple[Entry, type[Provider]]]:
    """Clusters brought up with `kubedoctest cluster up`, of every provider."""
    found = []
    for entry in records.entries():
        if entry.data is not None and entry.detached and entry.data.get("provider") in PROVIDERS:
            found.append((entry, PROVIDERS[entry.data["provider"]]))
    return found


def up_cluster(provider: str) -> Entry | None:
    """A cluster of `cluster up` of this provider that runs, if any."""
    for entry, cls in up_entries():
        if cls.name == provider and cls.running(entry):
            return entry
    return None
