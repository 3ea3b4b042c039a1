"""Container images made without a registry or a builder: a tar of files, then `docker import`.

Each image is one layer: static binaries on an empty root (FROM scratch in spirit), or a Debian
root filesystem from rootfs.py with a binary or a few files added. `docker import --change` sets
the entrypoint, command and environment the upstream image has.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ... import docker

PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
RECIPE_LABEL = "io.kubedoctest.recipe"


@dataclass
class ImageSpec:
    """An image: files to add (target path -> host file, or bytes), an optional base rootfs tar,
    symlinks (target -> link text), and the Dockerfile-like changes."""

    name: str
    files: dict[str, Path | bytes] = field(default_factory=dict)
    base: Path | None = None
    symlinks: dict[str, str] = field(default_factory=dict)
    entrypoint: list[str] | None = None
    cmd: list[str] | None = None
    env: list[str] = field(default_factory=lambda: [PATH_ENV])
    workdir: str | None = None
    user: str | None = None

    def recipe(self) -> str:
        h = hashlib.sha256()
        h.update(json.dumps([self.entrypoint, self.cmd, self.env, self.workdir, self.user]).encode())
        h.update(json.dumps(sorted(self.symlinks.items())).encode())
        for target in sorted(self.files):
            source = self.files[target]
            h.update(target.encode())
            if isinstance(source, bytes):
                h.update(source)
            else:
                st = source.stat()
                h.update(f"{source}:{st.st_size}:{st.st_mtime_ns}".encode())
        if self.base is not None:
            h.update(self.base.name.encode())
        return h.hexdigest()[:16]

    def changes(self) -> list[str]:
        out = [f"ENV {e}" for e in self.env]
        if self.entrypoint is not None:
            out.append(f"ENTRYPOINT {json.dumps(self.entrypoint)}")
        if self.cmd is not None:
            out.append(f"CMD {json.dumps(self.cmd)}")
        if self.workdir:
            out.append(f"WORKDIR {self.workdir}")
        if self.user:
            out.append(f"USER {self.user}")
        out.append(f"LABEL {RECIPE_LABEL}={self.recipe()}")
        return out


def _add_dirs(tar: tarfile.TarFile, path: str, seen: set[str]) -> None:
    parts = path.strip("/").split("/")[:-1]
    for i in range(1, len(parts) + 1):
        d = "/".join(parts[:i])
        if d not in seen:
            seen.add(d)
            info = tarfile.TarInfo(d)
            info.type = tarfile.DIRTYPE
            info.mode = 0o755
            tar.addfile(info)


def _relative(name: str) -> str:
    while name.startswith("./"):
        name = name[2:]
    return name.lstrip("/")


def write_tar(spec: ImageSpec, out: Path) -> None:
    seen: set[str] = set()
    replaced = {_relative(t) for t in (*spec.files, *spec.symlinks)}
    with tarfile.open(out, "w") as tar:
        if spec.base is not None:
            with tarfile.open(spec.base) as base:
                for member in base:
                    name = _relative(member.name)
                    if member.islnk():
                        member.linkname = _relative(member.linkname)
                    if not name or name in replaced:
                        continue
                    member.name = name
                    if member.isdir():
                        seen.add(name.rstrip("/"))
                    tar.addfile(member, base.extractfile(member) if member.isreg() else None)
        for target, source in sorted(spec.files.items()):
            name = target.lstrip("/")
            _add_dirs(tar, name, seen)
            data = source if isinstance(source, bytes) else source.read_bytes()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            if isinstance(source, bytes):
                mode = 0o755 if source.startswith(b"#!") else 0o644  # a script given as text runs
            else:
                mode = source.stat().st_mode & 0o777
            info.mode = mode | (0o755 if not isinstance(source, bytes) and mode & 0o100 else 0)
            tar.addfile(info, io.BytesIO(data))
        for target, link in sorted(spec.symlinks.items()):
            name = target.lstrip("/")
            _add_dirs(tar, name, seen)
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = link
            tar.addfile(info)


def ensure(spec: ImageSpec, log) -> bool:
    """Import the image unless Docker already has it from the same recipe; True when (re)built."""
    labels = docker.image_labels(spec.name)
    if labels is not None and labels.get(RECIPE_LABEL) == spec.recipe():
        return False
    same = docker.run("images", "--filter", f"label={RECIPE_LABEL}={spec.recipe()}", "--format", "{{.ID}}", timeout=30)
    if same.split():
        log(f"tagging image {spec.name} (same content as {same.split()[0]})")
        docker.run("tag", same.split()[0], spec.name, timeout=30)
        return True
    with tempfile.TemporaryDirectory(prefix="kubedoctest-image-") as tmp:
        tar = Path(tmp) / "image.tar"
        write_tar(spec, tar)
        args = ["import"]
        for change in spec.changes():
            args += ["--change", change]
        log(f"importing image {spec.name}")
        docker.run(*args, str(tar), spec.name, timeout=600)
    return True
