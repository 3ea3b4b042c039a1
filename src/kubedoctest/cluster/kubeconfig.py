"""The user's kubeconfig reduced to the one context the run may use."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from .provider import ProviderError


def minify(config: dict[str, Any], context: str, base: Path, path_env: str) -> dict[str, Any]:
    """The kubeconfig reduced to one context, its cluster and its user, with relative file paths made
    absolute (they were relative to the original file) and exec plugins resolved to absolute paths."""
    ctx = next((c for c in config.get("contexts") or [] if c.get("name") == context), None)
    if ctx is None:
        known = ", ".join(repr(c.get("name")) for c in config.get("contexts") or []) or "none"
        raise ProviderError(f"kubeconfig has no context {context!r}; its contexts: {known}")
    spec = dict(ctx.get("context") or {})
    cluster = next((c for c in config.get("clusters") or [] if c.get("name") == spec.get("cluster")), None)
    user = next((u for u in config.get("users") or [] if u.get("name") == spec.get("user")), None)
    if cluster is None:
        raise ProviderError(f"context {context!r} names cluster {spec.get('cluster')!r}, which the kubeconfig lacks")
    cluster = {"name": cluster["name"], "cluster": dict(cluster.get("cluster") or {})}
    for key in ("certificate-authority",):
        if cluster["cluster"].get(key):
            cluster["cluster"][key] = str(base / cluster["cluster"][key])
    users = []
    if user is not None:
        user = {"name": user["name"], "user": dict(user.get("user") or {})}
        for key in ("client-certificate", "client-key", "tokenFile"):
            if user["user"].get(key):
                user["user"][key] = str(base / user["user"][key])
        plugin = user["user"].get("exec")
        if isinstance(plugin, dict) and plugin.get("command") and "/" not in plugin["command"]:
            found = shutil.which(plugin["command"], path=path_env)
            if found:
                user["user"]["exec"] = {**plugin, "command": found}
        users.append(user)
    spec.pop("namespace", None)
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [cluster],
        "users": users,
        "contexts": [{"name": context, "context": spec}],
        "current-context": context,
    }
