"""Small MkDocs projects for the tests of kubedoctest's MkDocs plugin: write one, build it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kubedoctest.collect import memo
from kubedoctest.config import include_config
from kubedoctest.mkdocs_plugin.results import snippet_hash

I18N = """  - i18n:
      docs_structure: folder
      fallback_to_default: false
      languages:
        - locale: zh
          default: true
          name: 简体中文
          build: true
        - locale: en
          name: English
          build: true
"""


def write_project(root: Path, pages: dict[str, str], snippets: dict[str, str] | None = None, i18n: bool = True) -> Path:
    """A project with Material, pymdownx (superfences, snippets), optionally mkdocs-static-i18n
    (zh at /, en at /en/), and the kubedoctest plugin reading results/*.json."""
    root.mkdir(parents=True, exist_ok=True)
    if i18n:  # mkdocs-static-i18n wants a home page per language
        pages = {"zh/index.md": "# 首页\n", "en/index.md": "# Home\n"} | pages
    for rel, text in pages.items():
        (root / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / rel).write_text(text, encoding="utf-8")
    for rel, text in (snippets or {}).items():
        (root / "snippets" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "snippets" / rel).write_text(text, encoding="utf-8")
    (root / "snippets").mkdir(exist_ok=True)
    (root / "mkdocs.yml").write_text(
        "site_name: t\n"
        "theme:\n  name: material\n  font: false\n"
        "plugins:\n" + (I18N if i18n else "") + "  - kubedoctest:\n      results: results/*.json\n"
        "markdown_extensions:\n  - admonition\n  - pymdownx.superfences\n"
        "  - pymdownx.snippets:\n      base_path: [snippets]\n      check_paths: true\n",
        encoding="utf-8",
    )
    return root


def build(root: Path, strict: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONIOENCODING="utf-8")
    env.pop("KUBEDOCTEST_RESULTS", None)
    args = [sys.executable, "-m", "mkdocs", "build", "-d", str(root / "site")] + (["--strict"] if strict else [])
    return subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, timeout=300)


def page_hashes(root: Path, page: str) -> list[str]:
    """The content hashes of a page's snippets, as the harness's collector sees them."""
    include = include_config(root / "mkdocs.yml", display_root=root)
    file = root / "docs" / page
    lines = file.read_text(encoding="utf-8").split("\n")
    return [snippet_hash(s) for s in memo.collect(f"docs/{page}", lines, include).snippets]


def write_results(root: Path, name: str, run: dict, entries: list[dict]) -> Path:
    """A results file as `scripts/test` writes it (see README.md: the JSON report)."""
    path = root / "results" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    full = [
        {"path": "", "line": 1, "id": "", "status": "passed", "stage": "live", "messages": [], "language": "yaml"} | e
        for e in entries
    ]
    path.write_text(json.dumps({"run": run, "snippets": full, "summary": {}}), encoding="utf-8")
    return path


KWOK = {"provider": "kwok", "kubernetes": "1.37.2", "simulated": True, "k8s_versions": ["1.35", "1.36", "1.37"]}
KIND = {"provider": "kind", "kubernetes": "1.37.2", "simulated": False, "k8s_versions": ["1.35", "1.36", "1.37"]}
