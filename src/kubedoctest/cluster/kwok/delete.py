"""Stop a kwok cluster's processes and remove its folder and registry entry."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .. import processes, records
from ..provider import failure


def delete(name: str, procs: list[subprocess.Popen], folder: Path | None) -> None:
    processes.stop(procs)
    if folder is None:
        return
    shutil.rmtree(folder, ignore_errors=True)
    if folder.exists():
        raise failure("delete", "kwok", name, f"cannot remove its folder {folder}", ["rm", "-rf", str(folder)])
    records.unregister(name)
