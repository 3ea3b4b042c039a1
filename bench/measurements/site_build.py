"""The full site build against a plain mkdocs-material build of the same pages, 96 to 3072 pages.

Both build a copy of the repository whose pages are repeated (docs/<lang>/copyN/), committed
to a fresh git repository so the "last updated" dates come from git as in a clone:

- full: the repository's mkdocs.yml as it is (i18n, our plugin and hooks, jieba search), minus
  its nav (the copies are not in it);
- plain: the same theme, Markdown extensions and pages with only Material's search plugin
  (jieba segments the Chinese pages there too), no i18n, no hooks, no plugin of ours.

The ratio full/plain is reported on wall and on CPU seconds (CPU varies less on a shared
machine); growth is linear when the time per page does not rise with the page count.
Not --strict: a warning from a page being edited while the benchmark runs does not stop it
(tests/site builds strictly).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bench.timing import ROOT, linear, repeat, run_child, tool_env

NAME = "site_build"
SUMMARY = "mkdocs build of the site (full) and of a plain mkdocs-material config, 96-3072 pages"
SCALES = (1, 4, 16, 32)  # x the repository's pages (48 per language today: 96, 384, 1536, 3072)
QUICK_SCALES = (1, 2, 4)


def drop_sections(config: str, keys: set[str]) -> str:
    """mkdocs.yml text without the top-level sections named in `keys`."""
    out: list[str] = []
    skipping = False
    for line in config.splitlines():
        top = re.match(r"^([A-Za-z_]+):", line)
        if top:
            skipping = top.group(1) in keys
        if not skipping:
            out.append(line)
    return "\n".join(out) + "\n"


def full_config(config: str) -> str:
    return drop_sections(config, {"nav"}).replace("omitted_files: warn", "omitted_files: info")


def plain_config(config: str) -> str:
    text = drop_sections(config, {"nav", "plugins", "hooks"}).replace("omitted_files: warn", "omitted_files: info")
    return text + "plugins:\n  - search\n"


def scaled_copy(scale: int, dest: Path) -> int:
    """The site sources with each language's pages `scale` times over, committed; returns the pages."""
    for name in ("snippets", "overrides", "hooks", "docs"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name)
    for lang in ("zh", "en"):
        base = dest / "docs" / lang
        originals = list(base.iterdir())
        for n in range(2, scale + 1):
            copy = base / f"copy{n}"
            copy.mkdir()
            for p in originals:
                (shutil.copytree if p.is_dir() else shutil.copy2)(p, copy / p.name)
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    subprocess.run(["git", "add", "-A"], cwd=dest, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "pages"], cwd=dest, check=True)
    return sum(1 for lang in ("zh", "en") for _ in (dest / "docs" / lang).rglob("*.md"))


def build(source: Path, config: str) -> tuple[float, float]:
    (source / "mkdocs.yml").write_text(config, encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="bench-site-out-") as out:
        run = run_child(["mkdocs", "build", "-q", "-d", out], cwd=source, env=tool_env())
    if run.returncode != 0:
        raise SystemExit(f"bench: mkdocs build failed in {source}:\n{run.tail(30)}")
    return run.seconds, run.cpu_seconds


def measure(runs: int, quick: bool) -> dict[str, Any]:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    points = []
    for scale in QUICK_SCALES if quick else SCALES:
        with tempfile.TemporaryDirectory(prefix=f"bench-site-{scale}x-") as tmp:
            source = Path(tmp)
            pages = scaled_copy(scale, source)
            point: dict[str, Any] = {"pages": pages}
            for kind, text in (("full", full_config(config)), ("plain", plain_config(config))):
                cpu: list[float] = []
                wall = repeat(runs, lambda s=source, t=text, c=cpu: _timed(s, t, c))
                point[f"{kind}_seconds"] = round(wall.median, 2)
                point[f"{kind}_cpu_seconds"] = round(sorted(cpu)[len(cpu) // 2], 2)
                point[f"{kind}_spread"] = wall.as_dict()
            point["ratio"] = round(point["full_seconds"] / point["plain_seconds"], 2)
            point["cpu_ratio"] = round(point["full_cpu_seconds"] / point["plain_cpu_seconds"], 2)
            print(f"bench: site_build: {point}", flush=True)
            points.append(point)
    ok, how = linear([(p["pages"], p["full_cpu_seconds"]) for p in points])
    return {"points": points, "full_linear_in_pages": ok, "linearity": how, "runs": runs}


def _timed(source: Path, config: str, cpu: list[float]) -> float:
    wall, used = build(source, config)
    cpu.append(used)
    return wall
