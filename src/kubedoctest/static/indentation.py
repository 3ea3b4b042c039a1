"""Top-level keys that lost their indentation: `spec:` left empty and the lines meant under it
written at the top level, one mistake that the schema would report once per key."""

from __future__ import annotations

from typing import Any

META_KEYS = ("name", "namespace", "labels", "annotations", "generateName")


def lost_indentation(obj: dict[str, Any], top_fields: list[str] | None) -> dict[str, list[str]]:
    """Empty key -> the keys after it that belong under it: metadata's own keys at the top level
    when metadata is empty; with the schema's top-level fields known, also the unknown keys right
    after another empty key (`spec:` then `replicas: 3`)."""
    found: dict[str, list[str]] = {}
    if "metadata" in obj and not obj["metadata"]:
        stray = [k for k in obj if k in META_KEYS]
        if stray:
            found["metadata"] = stray
    if not top_fields:
        return found
    parent = None
    for key, value in obj.items():
        if key in top_fields:
            parent = key if value is None and key != "metadata" else None
        elif parent is not None and key not in found.get("metadata", []):
            found.setdefault(parent, []).append(key)
    return found
