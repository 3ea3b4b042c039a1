"""What a fragment is excused: the findings that are no mistake of a part of an object (a
placeholder's value, a required field an excerpt leaves out), each adding the reason the snippet
is a fragment."""

from __future__ import annotations

import re

from . import fragments

# Kinds that every API server rejects without a spec (the schemas of some versions do not say so)
SPEC_REQUIRED = frozenset(
    {
        ("v1", "Pod"),
        ("v1", "Service"),
        ("v1", "PersistentVolume"),
        ("v1", "PersistentVolumeClaim"),
        ("v1", "ReplicationController"),
        ("apps/v1", "Deployment"),
        ("apps/v1", "StatefulSet"),
        ("apps/v1", "DaemonSet"),
        ("apps/v1", "ReplicaSet"),
        ("batch/v1", "Job"),
        ("batch/v1", "CronJob"),
        ("networking.k8s.io/v1", "Ingress"),
        ("autoscaling/v2", "HorizontalPodAutoscaler"),
    }
)


class Excuse:
    """Whether a finding is not a mistake of a fragment: a placeholder's value or key (a
    `<secret-name>` is no DNS name), or a required field a part of an object leaves out. Each
    excused finding makes the snippet's fragment reasons say why."""

    def __init__(self, marked: dict[tuple, str], partial: bool, reasons: dict[str, None], obj: object = None):
        self.marked = marked
        self.partial = partial
        self.reasons = reasons
        self.excerpt = imageless(obj)  # containers without an image: the page shows only a part
        self.several = False  # set per check: several required fields are missing

    def __call__(self, path: tuple, message: str) -> bool:
        held = fragments.under(tuple(path), self.marked) or fragments.inside(tuple(path), self.marked)
        if held is not None:
            self.reasons[f"placeholder {held}"] = None
            return True
        listed = choices(message)
        if listed:
            self.reasons[f"alternatives: {listed!r} lists the allowed values"] = None
            return True
        whole_spec = message == "missing required field 'spec'"  # an excerpt of its metadata
        several = self.several  # more than one required field left out: an excerpt, not a slip
        if message.startswith("missing required field") and (self.partial or self.excerpt or whole_spec or several):
            # an excerpt shows what it is about: a partial object, counted and reported as a fragment
            self.reasons[f"partial: no {message.split(chr(39))[1]}"] = None
            return True
        if self.partial and ": sets none of " in message:  # a oneOf of required fields, all left out
            self.reasons[f"partial: no value at {message.split(':', 1)[0]}"] = None
            return True
        return self.partial and (
            "has no value" in message or message.split(": ", 1)[-1].startswith("null is not of type")
        )


_NOT_ONE_OF = re.compile(r'"(?P<value>[^"]*)" is not one of (?P<allowed>.*)$')


def choices(message: str) -> str | None:
    """The value of an enum error that lists allowed values to choose from (`deny/allow`,
    `Always | Never`), as a page shows the choice; or None."""
    m = _NOT_ONE_OF.search(message)
    if not m:
        return None
    allowed = set(re.findall(r'"([^"]*)"', m.group("allowed")))
    parts = [p for p in re.split(r"\s*(?:/|\||,|\bor\b)\s*", m.group("value").strip()) if p]
    return m.group("value") if len(parts) >= 2 and set(parts) <= allowed else None


def imageless(obj: object) -> bool:
    """Whether an object has a container without an image (an excerpt showing only its env, say)."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key in ("containers", "initContainers") and isinstance(value, list):
                if any(isinstance(c, dict) and "image" not in c for c in value):
                    return True
            if imageless(value):
                return True
    elif isinstance(obj, list):
        return any(imageless(v) for v in obj)
    return False
