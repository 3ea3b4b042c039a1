"""Files out of one Debian package, without installing it: `apt-get download` and `dpkg-deb -x`."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from ... import stoppable
from ...build import BuildError


def extract(package: str, cache: Path, log: Callable[[str], None]) -> Path:
    """The folder holding PACKAGE's files (cached)."""
    target = cache / "debs" / package
    if (target / ".done").is_file():
        return target
    for tool in ("apt-get", "dpkg-deb"):
        if shutil.which(tool) is None:
            raise BuildError(f"failed to build the node image: {tool} is needed to unpack {package} (Debian)")
    with tempfile.TemporaryDirectory(prefix="kubedoctest-deb-") as tmp:
        for command in (["apt-get", "download", "-q", package],):
            log(f"$ {' '.join(command)}")
            done = stoppable.run(command, cwd=Path(tmp), timeout=600)
            if done.returncode != 0:
                raise BuildError(
                    f"failed to build the node image: command {' '.join(command)!r} failed: "
                    f"{(done.stdout + done.stderr).strip()[-600:]}; run `apt-get update` first"
                )
        deb = next(Path(tmp).glob("*.deb"))
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        unpacked = stoppable.run(["dpkg-deb", "-x", str(deb), str(target)], timeout=300)
        if unpacked.returncode != 0:
            raise BuildError(f"failed to build the node image: dpkg-deb -x {deb.name} failed: {unpacked.stderr[-600:]}")
    (target / ".done").write_text("")
    return target


def busybox(cache: Path, log: Callable[[str], None]) -> tuple[Path, list[str]]:
    """Debian's static busybox and the names of its applets."""
    binary = extract("busybox-static", cache, log) / "bin" / "busybox"
    listed = subprocess.run([str(binary), "--list"], capture_output=True, text=True, timeout=30, check=True)
    return binary, sorted(set(listed.stdout.split()))
