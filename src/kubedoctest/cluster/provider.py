"""The one interface every cluster provider implements, shaped like kind's pkg/cluster: this module
knows no provider; registry.py alone knows the three (kwok/, kind/, existing/, each a folder with
the same file names: provider.py wires create.py, delete.py and gc.py together).

Every provider takes the same keyword arguments; each uses the ones that mean something to it
(kwok: name, detach; kind: name, detach, attach, image; existing: kubeconfig, context,
allow_existing). What only some providers do (prepare_images, notes) is a no-op here.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .records import Entry

Log = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


class ProviderError(RuntimeError):
    """A cluster that cannot be had: the message says why and what to do."""


def failure(
    verb: str, provider: str, name: str, problem: str, command: Sequence[str] | None = None, output: str = ""
) -> ProviderError:
    """`failed to <verb> <provider> cluster NAME: <problem>`, then the command and its output."""
    text = f"failed to {verb} {provider} cluster {name}: {problem}"
    if command:
        text += f"\ncommand: {' '.join(str(c) for c in command)}"
    if output.strip():
        text += "\n" + output.strip()
    return ProviderError(text)


class Provider(ABC):
    name: str = ""  # the provider type: kwok, kind, existing
    simulated: bool = False  # True: no kubelet, containers do not run (kwok)
    owned: bool = True  # True: the run created this cluster; False: someone else's (existing)
    jobs: int = 4  # pages checked at once by default (--jobs); live/session.py says why each
    loads_images: bool = False  # True: prefetch() is worth the images' names (kind loads them into its node)

    def __init__(
        self,
        *,
        name: str | None = None,
        log: Log = _quiet,
        detach: bool = False,
        attach: bool = False,
        image: str | None = None,
        kubeconfig: str | None = None,
        context: str | None = None,
        allow_existing: bool | str | None = None,
    ):
        self.log = log
        self.detach = detach  # `cluster up`: the cluster outlives this process, until `cluster down`
        self.attach = attach  # the cluster `name` is up already (`cluster up`): use it, never delete it
        self.image_choice = image
        self.source_kubeconfig = kubeconfig
        self.context = context
        self.allow_existing = allow_existing
        self.cluster_name = name or self.default_name()
        self.kubectl: Path | None = None  # a kubectl of the cluster's own minor version, when known
        self.folder: Path | None = None  # the cluster's own folder, removed with it (and by gc)
        self._kubeconfig: Path | None = None
        self._notes: list[str] = []
        self.setup()

    def setup(self) -> None:
        """What the provider works out from its arguments (binaries, image); nothing by default."""
        return None

    def default_name(self) -> str:
        return f"kubedoctest-{uuid.uuid4().hex[:8]}"

    def error(self, verb: str, problem: str, command: Sequence[str] | None = None, output: str = "") -> ProviderError:
        return failure(verb, self.name, self.cluster_name, problem, command, output)

    @abstractmethod
    def unavailable(self) -> str | None:
        """None when this provider can run here, else the reason and what to do."""

    @abstractmethod
    def create(self) -> None:
        """Start the cluster (or attach to it), or raise ProviderError. May be interrupted at any
        point (a signal): the caller then calls delete(), which must remove whatever was made so far.
        Run through registry.start, which first removes what dead runs of this provider left."""

    @abstractmethod
    def delete(self) -> None:
        """Remove everything create made. Safe to call twice and after a create that stopped half-way.
        Failures are raised as ProviderError naming what could not be removed and the command."""

    @property
    def kubeconfig(self) -> Path:
        if self._kubeconfig is None:
            raise ProviderError(f"the {self.name} cluster {self.cluster_name} is not running")
        return self._kubeconfig

    @property
    @abstractmethod
    def version(self) -> str: ...

    def describe(self) -> str:
        return f"{self.name} {self.version}"

    @property
    def notes(self) -> list[str]:
        """What the run's header and results file must say about this cluster (workarounds, stand-ins)."""
        return list(self._notes)

    def prefetch(self, images: list[str]) -> None:
        """The images the run will want, told before create (for providers that loads_images)."""
        return None

    def prepare_images(self, images: list[str]) -> Any:
        """Make the run's workload images available to the cluster; returns what was done (with
        `standin` and `unavailable`), or None when the provider has nothing to do (the default)."""
        return None

    def up_message(self) -> list[str]:
        """What `kubedoctest cluster up` prints once the cluster is up."""
        return [f"export KUBECONFIG={self.kubeconfig}"]

    @classmethod
    def running(cls, entry: Entry) -> bool:
        """Whether a cluster of `cluster up` (its registry entry) still runs."""
        return entry.owner_alive()

    @classmethod
    def remove(cls, entry: Entry, log: Log) -> None:
        """Remove the cluster (or the run's footprint) a registry entry describes: for gc and
        `cluster down`. Raises ProviderError when something stays."""
        raise ProviderError(f"the {cls.name} provider cannot remove {entry.name!r}")

    @classmethod
    def gc(cls, log: Log) -> list[str]:
        """Remove what dead runs of this provider type left (registry entries with provider=cls.name
        whose owner is dead); never an entry whose owner may be alive, nor a `cluster up` cluster.
        Returns the names removed."""
        return []
