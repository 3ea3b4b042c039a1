"""Site tests: build the site once per session and share it."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Build:
    returncode: int
    output: str
    site: Path

    def problems(self) -> str:
        """The warnings and errors of the build first, then the end of its output."""
        lines = self.output.splitlines()
        bad = [line for line in lines if line.startswith(("WARNING", "ERROR", "Aborted")) or "Error" in line]
        return "\n".join(bad or ["(no warning or error line; end of the output:)"] + lines[-40:])


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """`mkdocs build --strict` of the repository into a temporary directory, once per session."""
    site = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONIOENCODING="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-d", str(site)],
        cwd=ROOT,  # mkdocs.yml names overrides/jieba-userdict.txt relative to the root
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return Build(proc.returncode, proc.stdout + proc.stderr, site)


@pytest.fixture(scope="session")
def site(built_site: Build) -> Path:
    """The built site; fails the test when the build failed (see test_the_site_builds_strictly)."""
    if built_site.returncode != 0 or not (built_site.site / "index.html").is_file():
        pytest.fail(
            "the site did not build (see test_the_site_builds_strictly):\n" + built_site.problems(),
            pytrace=False,
        )
    return built_site.site
