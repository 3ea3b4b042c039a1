"""Only the run's own copy of the kubeconfig goes: the run removes only what it created (its
namespaces are cleaned up by the pages that made them)."""

from __future__ import annotations

import shutil
from pathlib import Path

from .. import records
from ..provider import failure


def delete(context: str, folder: Path | None) -> None:
    if folder is None:
        return
    shutil.rmtree(folder, ignore_errors=True)
    if folder.exists():
        raise failure(
            "delete", "existing", context, f"cannot remove the run's folder {folder}", ["rm", "-rf", str(folder)]
        )
    records.unregister(f"existing-{folder.name}")
