"""The offline tier on 1x, 4x and 16x the docs' pages: `kubedoctest check docs --cluster none`.

The copies are those of site_build (docs/<lang>/copyN/, whole sections repeated, committed to a
fresh git repository) with the repository's mkdocs.yml (includes come from its snippets base
path) and pyproject.toml ([tool.kubedoctest] settings).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from bench.measurements.offline import check
from bench.measurements.site_build import full_config, scaled_copy
from bench.timing import ROOT, linear, repeat

NAME = "offline_scaling"
SUMMARY = "kubedoctest check --cluster none on 1x, 4x and 16x the docs' pages"
SCALES = (1, 4, 16)
QUICK_SCALES = (1, 2, 4)


def measure(runs: int, quick: bool) -> dict[str, Any]:
    points = []
    for scale in QUICK_SCALES if quick else SCALES:
        with tempfile.TemporaryDirectory(prefix=f"bench-offline-{scale}x-") as tmp:
            source = Path(tmp)
            scaled_copy(scale, source)
            (source / "mkdocs.yml").write_text(full_config((ROOT / "mkdocs.yml").read_text("utf-8")), "utf-8")
            shutil.copy2(ROOT / "pyproject.toml", source / "pyproject.toml")
            snippets = check(cwd=source)[2]["summary"]["total"]  # also the warm-up run
            wall = repeat(runs, lambda s=source: check(cwd=s)[0])
        point = {"snippets": snippets, "seconds": round(wall.median, 3), "spread": wall.as_dict()}
        print(f"bench: offline_scaling: {point}", flush=True)
        points.append(point)
    ok, how = linear([(p["snippets"], p["seconds"]) for p in points])
    return {"points": points, "linear_in_snippets": ok, "linearity": how, "runs": runs}
