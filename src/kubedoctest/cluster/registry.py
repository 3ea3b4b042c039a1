"""Choose a provider for --cluster: kwok, kind, existing, or auto (kind, else kwok, else say how)."""

from __future__ import annotations

from collections.abc import Callable

from .provider import Provider, ProviderError


def provider_for(
    cluster: str,
    kubeconfig: str | None = None,
    allow_existing: bool | str | None = False,
    context: str | None = None,
    log: Callable[[str], None] = lambda m: None,
) -> Provider:
    from .existing.provider import ExistingProvider
    from .kind.provider import KindProvider
    from .kwok.provider import KwokProvider

    if cluster == "kwok":
        return KwokProvider(log=log)
    if cluster == "kind":
        return KindProvider(log=log)
    if cluster == "existing":
        return ExistingProvider(kubeconfig, context=context, allow=allow_existing)
    if cluster == "auto":
        kind, kwok = KindProvider(log=log), KwokProvider(log=log)
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
