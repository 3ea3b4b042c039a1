"""Build steps in lanes that run at once: a lane's steps one after the other, the lanes side by side.

The node image has two: the Go programs (CPU-bound; one lane, as `go build` already uses every
core) and the Debian root filesystems (mmdebstrap: network and disk), so the minutes of the one
hide the minutes of the other. The first failure stops every other lane (its running command is
killed through stoppable.py, its next steps never start) and is raised once all lanes have
stopped, with the part that failed; an interruption (KeyboardInterrupt, or `Terminated` for
SIGTERM, in the main thread) does the same, shielded from further signals while the lanes stop,
and is raised as it came. Each step's seconds go into `timings`, each lane's into `lanes`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from ....live import signals
from ... import stoppable
from ...build import BuildError

Step = tuple[str, Callable[[], object]]
PREFIX = "failed to build the node image: "


class LaneFailed(BuildError):
    def __init__(self, lane: str, part: str, error: BaseException, stopped: list[str]):
        message = str(error).removeprefix(PREFIX) or type(error).__name__
        note = f" (the {', '.join(stopped)} lane was stopped)" if stopped else ""
        super().__init__(f"{PREFIX}{part} ({lane} lane): {message}{note}")
        self.lane, self.part, self.error = lane, part, error


def run(
    lanes: dict[str, Sequence[Step]],
    timings: dict[str, float],
    lane_seconds: dict[str, float] | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, object]:
    """Run the lanes at once; returns every step's result by its name."""
    results: dict[str, object] = {}
    lane_seconds = {} if lane_seconds is None else lane_seconds
    current: dict[str, str] = {}  # lane -> the step it is in (or failed in)
    # lane -> its exception, None once it finished: written once by its thread, read without a lock
    outcome: dict[str, BaseException | None] = {}
    lock = threading.Lock()

    def lane(name: str, steps: Sequence[Step]) -> None:
        start = time.monotonic()
        try:
            for part, step in steps:
                if stoppable.stopping():
                    raise stoppable.Stopped(f"{part} not started")
                current[name] = part
                began = time.monotonic()
                result = step()
                with lock:
                    timings[part] = round(time.monotonic() - began, 1)
                    results[part] = result
        except BaseException as e:
            outcome[name] = e
            raise
        else:
            outcome[name] = None
        finally:
            lane_seconds[name] = round(time.monotonic() - start, 1)

    stoppable.resume()
    pool = ThreadPoolExecutor(max_workers=len(lanes), thread_name_prefix="nodeimage-lane")
    for n, s in lanes.items():
        pool.submit(lane, n, s)
    try:
        # time.sleep, not concurrent.futures.wait: a signal's exception raised inside wait() can
        # leave a future's lock taken, and the lanes then never finish (a hang, not an interruption)
        while len(outcome) < len(lanes) and all(e is None for e in list(outcome.values())):
            time.sleep(0.2)
    except BaseException:  # interrupted: stop both lanes, wait for them, then let it through
        with signals.shielded():
            stoppable.stop_all()
            pool.shutdown(wait=True, cancel_futures=True)
            stoppable.resume()
        raise
    failures = [(n, e) for n, e in list(outcome.items()) if e is not None]
    if failures:
        still_running = [n for n in lanes if n not in outcome]
        stoppable.stop_all()
        with signals.shielded():
            pool.shutdown(wait=True, cancel_futures=True)
        stoppable.resume()
        name, error = failures[0]
        for n, e in outcome.items():
            if n != name and e is not None and not isinstance(e, stoppable.Stopped):
                log(f"kubedoctest: the {n} lane failed too: {e}")
        raise LaneFailed(name, current.get(name, "?"), error, still_running) from error
    pool.shutdown(wait=True)
    return results
