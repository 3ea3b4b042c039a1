"""SIGINT and SIGTERM during a live run: they stop the work, never the cleanup.

`armed()` turns SIGTERM into `Terminated` (a KeyboardInterrupt, so every front-end already treats it
as an interruption: exit 130 from the CLI, an interrupted session in pytest); after the first signal
the next ones are ignored until the run's cleanup is done (kill -9 still stops it, and leaves what
`kubedoctest cluster gc` removes). `shielded()` is for
teardown: signals that arrive meanwhile are remembered, not raised, so a second Ctrl-C cannot stop
a cluster's deletion half-way; the first of them is raised once the block is done (when no other
exception is already on its way). Signal handlers can only be set from the main thread; elsewhere
both are no-ops.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into an exception so the cluster is deleted on the way out."""

    def __init__(self, signum: int = signal.SIGTERM):
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum


def _main() -> bool:
    return threading.current_thread() is threading.main_thread()


def _raise(signum: int, frame: Any) -> None:
    if signum == signal.SIGINT:
        raise KeyboardInterrupt()
    raise Terminated(signum)


requested: list[int] = []  # the signal that stopped the run, also when its exception was lost


def _first(signum: int, frame: Any) -> None:
    """The first signal stops the run; from then on signals are ignored until the handlers are
    restored, so none can land between the work and the shielded teardown. The signal is also
    remembered: an exception raised while Python runs a finalizer is printed and dropped, so the
    run checks `stop_requested()` at its own points too."""
    requested.append(signum)
    for s in SIGNALS:
        signal.signal(s, _ignored)
    _raise(signum, frame)


def stop_requested() -> bool:
    return bool(requested)


def check() -> None:
    """Raise the interruption of a signal whose exception was lost (see _first)."""
    if requested:
        _raise(requested[0], None)


def _ignored(signum: int, frame: Any) -> None:
    pass


@contextmanager
def armed() -> Iterator[None]:
    """SIGINT and SIGTERM raise in the main thread while the block runs."""
    if not _main():
        yield
        return
    requested.clear()
    old = {s: signal.signal(s, _first) for s in SIGNALS}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


@contextmanager
def shielded() -> Iterator[list[int]]:
    """Signals during the block are recorded (the list it yields), not raised; afterwards the first
    one is raised unless an exception is already propagating or being handled."""
    received: list[int] = []
    if not _main():
        yield received
        return
    old = {s: signal.signal(s, lambda signum, frame: received.append(signum)) for s in SIGNALS}
    failed = False
    try:
        yield received
    except BaseException:
        failed = True
        raise
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        if received and not failed and sys.exc_info()[0] is None:
            _raise(received[0], None)


def owned_by_front_end() -> None:
    """For a front-end that owns its process (the CLI): SIGTERM raises `Terminated` outside a run
    too, so a signal that lands as a run restores its handlers is still an interruption, not a kill."""
    if _main():
        signal.signal(signal.SIGTERM, _raise)


def ignore_from_now() -> None:
    """The process is on its way out after an interruption (exit 130): later signals are ignored so
    an impatient user's next Ctrl-C cannot turn that into a traceback or a kill."""
    if _main():
        for s in SIGNALS:
            signal.signal(s, signal.SIG_IGN)


def guarded(create: Callable[[], None], delete: Callable[[], None], log: Callable[[str], None]) -> None:
    """Run create(); if it fails or is interrupted at any point, delete() what it made, shielded.
    A failure of delete() is reported through log (the failure of create() is the one raised)."""
    try:
        create()
    except BaseException:
        with shielded():
            try:
                delete()
            except Exception as e:
                log(f"kubedoctest: cleanup after a failed start failed too: {e}")
        raise
