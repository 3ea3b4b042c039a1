"""A kubeconfig reduced to the one context a run may use: nothing downstream (the API client, the
runbook steps) can reach another cluster of the user's kubeconfig."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any


class Refused(Exception):
    """A safety rule refuses: the message says which and how to go on."""


def minify(config: dict[str, Any], context: str, base: Path, path_env: str) -> dict[str, Any]:
    """The kubeconfig reduced to one context, its cluster and its user, with relative file paths made
    absolute (they were relative to the original file) and exec plugins resolved to absolute paths."""
    ctx = next((c for c in config.get("contexts") or [] if c.get("name") == context), None)
    if ctx is None:
        known = ", ".join(repr(c.get("name")) for c in config.get("contexts") or []) or "none"
        raise Refused(f"kubeconfig has no context {context!r}; its contexts: {known}")
    spec = dict(ctx.get("context") or {})
    cluster = next((c for c in config.get("clusters") or [] if c.get("name") == spec.get("cluster")), None)
    user = next((u for u in config.get("users") or [] if u.get("name") == spec.get("user")), None)
    if cluster is None:
        raise Refused(f"context {context!r} names cluster {spec.get('cluster')!r}, which the kubeconfig lacks")
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


def confirmed_context(data: dict[str, Any], source: Path, context: str | None, allow: bool | str | None) -> str:
    """The context of someone else's cluster to use, once the user has named it (`allow`: the
    consent, True or the context it confirms); refuses otherwise, naming the context."""
    current = data.get("current-context") or ""
    named = allow if isinstance(allow, str) and allow else None
    wanted = context or named or current
    how = (
        f"a test run creates and deletes namespaces there; name the context to confirm: "
        f"--allow-existing-cluster={wanted or 'CONTEXT'} (or --context {wanted or 'CONTEXT'} --allow-existing-cluster)"
    )
    if not allow:
        raise Refused(f"refusing to use the existing cluster of {source} (context {wanted!r}): {how}")
    names = [c.get("name") for c in data.get("contexts") or [] if isinstance(c, dict)]
    if named and named not in names:
        hint = (
            f"; {named!r} is a path: the option takes an optional value, so the word after it is read as "
            "the context; write --allow-existing-cluster=CONTEXT, or put the paths first"
            if Path(named).exists()
            else ""
        )
        raise Refused(
            f"--allow-existing-cluster={named} names a context that {source} does not have "
            f"(its contexts: {', '.join(map(str, names)) or 'none'}){hint}"
        )
    if named and context and named != context:
        raise Refused(
            f"--allow-existing-cluster={named} confirms a context other than --context {context}; "
            "they must name the same context"
        )
    if not context and not named:
        raise Refused(f"refusing to use the current context {current!r} of {source} without naming it: {how}")
    return wanted
