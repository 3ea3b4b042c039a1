"""The build commands (go, gcc, mmdebstrap, apt-get), run so that another thread can stop them.
(processes.py is for a cluster's long-running children; these are commands whose output we wait for.)

Each command runs in a session of its own, so stopping it kills its whole process group (go's
compile and link children, mmdebstrap's helpers) and nothing of it is left behind. `stop_all()`
is what a parallel build (nodeimage/lanes.py) calls when one lane fails or the build is
interrupted: every running command is terminated (SIGTERM, so mmdebstrap removes its temporary
directory; SIGKILL after a grace period) and no new one starts until `resume()`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from pathlib import Path

SIGNALS = {signal.SIGINT, signal.SIGTERM}
GRACE = 10.0  # seconds between SIGTERM and SIGKILL
_lock = threading.Lock()
_running: set[subprocess.Popen] = set()
_stopped = threading.Event()


class Stopped(RuntimeError):
    """A command was not started (or was killed) because the build is stopping."""


def run(
    command: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
    input: bytes | None = None,
) -> subprocess.CompletedProcess:
    """subprocess.run(capture_output=True, text=True) that `stop_all()` can stop. Raises
    FileNotFoundError and subprocess.TimeoutExpired as subprocess.run does, and `Stopped` when
    the build is stopping; an exception in this thread (Ctrl-C) kills the command's group too."""
    with _lock:
        if _stopped.is_set():
            raise Stopped(f"not started: {command[0]}")
        # as processes.start: SIGINT/SIGTERM wait while forking, and are delivered right after
        main = threading.current_thread() is threading.main_thread()
        old = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS) if main else None
        try:
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL if input is None else subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,  # its own group: killpg reaches go's and mmdebstrap's children
            )
            _running.add(process)
        finally:
            if old is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)
    try:
        out, err = process.communicate(input, timeout=timeout)
    except BaseException:
        _kill(process)
        raise
    finally:
        with _lock:
            _running.discard(process)
    if _stopped.is_set() and process.returncode < 0:
        raise Stopped(f"stopped: {command[0]}")
    return subprocess.CompletedProcess(
        command, process.returncode, out.decode(errors="replace"), err.decode(errors="replace")
    )


def _signal(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _kill(process: subprocess.Popen) -> None:
    """SIGTERM to the command's group, SIGKILL if it is still there after GRACE seconds; reaped."""
    if process.poll() is None:
        _signal(process, signal.SIGTERM)
        try:
            process.wait(GRACE)
        except subprocess.TimeoutExpired:
            pass
    _signal(process, signal.SIGKILL)  # whatever of the group outlived its leader
    try:
        process.communicate(timeout=GRACE)
    except (subprocess.TimeoutExpired, ValueError, OSError):
        process.kill()
        process.wait()


def stop_all() -> None:
    """Stop every running command and refuse new ones until `resume()`."""
    with _lock:
        _stopped.set()
        running = list(_running)
    for process in running:
        if process.poll() is None:
            _signal(process, signal.SIGTERM)


def stopping() -> bool:
    return _stopped.is_set()


def resume() -> None:
    _stopped.clear()
