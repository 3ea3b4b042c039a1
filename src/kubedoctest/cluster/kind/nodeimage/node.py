"""Assemble the node image the way `kind build node-image` does: a build container from the base
root filesystem, kind's files and our programs copied in, every image imported into the node's
containerd (content only, unpacked at first use), then `docker commit`. Nothing is pulled."""

from __future__ import annotations

import os
import subprocess
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

from ... import docker
from . import files as node_files
from .images import RECIPE_LABEL, ImageSpec, write_tar

# Build containers are named kubedoctest-build-<PID of the building process>-<random>, so `cluster gc`
# finds those of a killed build. Not labels: `docker commit` would copy them into the node image and
# onto every node container made from it.
BUILD_PREFIX = "kubedoctest-build-"
IMPORT = ["ctr", "--namespace=k8s.io", "images", "import", "--label=io.cri-containerd.pinned=pinned",
          "--all-platforms", "--no-unpack", "--digests", "-"]  # fmt: skip


def _import_images(container: str, images: list[str], log: Callable[[str], None]) -> None:
    log(f"importing {len(images)} images into the node's containerd")
    save = subprocess.Popen(["docker", "save", *images], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        load = subprocess.run(
            ["docker", "exec", "-i", container, *IMPORT],
            stdin=save.stdout,
            capture_output=True,
            timeout=900,
            check=False,
        )
        save.stdout.close()  # type: ignore[union-attr]
        save_err = save.communicate(timeout=60)[1]
    finally:
        if save.poll() is None:
            save.kill()
            save.wait()
    if save.returncode != 0:
        raise docker.DockerError(f"command 'docker save {' '.join(images)}' failed: {save_err.decode()[-800:]}")
    if load.returncode != 0:
        raise docker.DockerError(
            f"command {' '.join(IMPORT)!r} in the build container failed: {(load.stdout + load.stderr).decode()[-800:]}"
        )


def assemble(
    image: str,
    base_tar: Path,
    content: dict[str, Path | bytes],
    images: list[str],
    recipe: str,
    log: Callable[[str], None],
) -> None:
    base = ImageSpec(f"kubedoctest/node-base:{base_tar.stem.rsplit('-', 1)[-1]}", base=base_tar, env=[])
    labels = docker.image_labels(base.name)
    if labels is None or labels.get(RECIPE_LABEL) != base.recipe():
        log(f"importing the node's root filesystem as {base.name}")
        docker.run("import", "--change", f"LABEL {RECIPE_LABEL}={base.recipe()}", str(base_tar), base.name, timeout=900)
    name = f"{BUILD_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    docker.run(
        "run",
        "-d",
        "--name",
        name,
        "--entrypoint",
        "sleep",
        base.name,
        "infinity",
    )
    try:
        with tempfile.TemporaryDirectory(prefix="kubedoctest-node-") as tmp:
            tar = Path(tmp) / "files.tar"
            write_tar(ImageSpec("files", files=content, env=[]), tar)
            log(f"copying {len(content)} files into the build container")
            docker.run("cp", "-", f"{name}:/", input=tar.read_bytes(), timeout=600)
        docker.run("exec", name, "bash", "-c", node_files.PREPARE, timeout=300)
        _import_images(name, images, log)
        listed = docker.run("exec", name, "bash", "-c", node_files.FINISH, timeout=300)
        log("images in the node: " + ", ".join(sorted(listed.split())))
        docker.run(
            "commit",
            "--change", 'ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]',
            "--change", "ENV container=docker",
            "--change", f"LABEL {RECIPE_LABEL}={recipe}",
            name, image,
            timeout=900,
        )  # fmt: skip
    finally:
        docker.run("rm", "-f", "-v", name, timeout=120, check=False)


def remove_dead_builds(log: Callable[[str], None]) -> list[str]:
    """Build containers whose `cluster build` process is gone (killed mid-build)."""
    import os

    out = docker.run("ps", "-a", "--filter", f"name=^{BUILD_PREFIX}", "--format", "{{.Names}}", timeout=30, check=False)
    removed = []
    for name in out.split():
        owner = name.removeprefix(BUILD_PREFIX).split("-", 1)[0]
        try:
            os.kill(int(owner), 0)
            continue  # its build is still running
        except (ValueError, ProcessLookupError):
            pass
        except PermissionError:
            continue
        docker.run("rm", "-f", "-v", name, timeout=120, check=False)
        removed.append(name)
        log(f"removed node image build container {name!r} left behind")
    return removed
