"""`--changed [REF]`: only the pages a change touched.

A page is selected when its file changed since REF (git: commits after REF, staged and unstaged
changes, new files), when it includes a file that changed, or when one of its snippets' text
(includes followed) has no entry in the last results file. The results file of such a run is merged
into the last one (report.merge), so the badges and the verification page stay complete.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from .model import InputError, Snippet


def changed_files(ref: str, cwd: Path) -> set[Path]:
    """Absolute paths of the files changed since REF, in the working tree too."""
    top = _git(["rev-parse", "--show-toplevel"], cwd, ref).strip()
    names = _git(["diff", "--name-only", ref, "--"], cwd, ref).splitlines()
    names += _git(["ls-files", "--others", "--exclude-standard", "--full-name"], cwd, ref).splitlines()
    return {(Path(top) / n).resolve() for n in names if n}


def _git(args: list[str], cwd: Path, ref: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise InputError(f"--changed needs git: {e}") from None
    if done.returncode != 0:
        raise InputError(
            f"--changed {ref}: git {' '.join(args)} failed: {done.stderr.strip() or done.stdout.strip()}; "
            "give a commit, branch or tag of this repository (default HEAD: uncommitted changes)"
        )
    return done.stdout


def known_hashes(results: Path | None) -> set[str] | None:
    """The snippet hashes the last results file has an entry for (None: no such file)."""
    if results is None or not results.is_file():
        return None
    try:
        doc: Any = json.loads(results.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return {str(e.get("hash")) for e in doc.get("snippets", []) if isinstance(e, dict)}


def select(
    snippets: list[Snippet], pages: dict[str, Path], files: set[Path], known: set[str] | None, ref: str
) -> dict[str, str]:
    """Page -> why it is selected, for the pages (display name -> file) a change touched."""
    why: dict[str, str] = {}
    for page, file in pages.items():
        if file.resolve() in files:
            why[page] = f"changed since {ref}"
    for s in snippets:
        if s.page in why or s.page not in pages:
            continue
        if any(o.source and Path(o.source).resolve() in files for o in s.origins):
            why[s.page] = "includes a changed file"
        elif known is not None and s.hash not in known:
            why[s.page] = "a snippet with no result in the last results file"
    return why
