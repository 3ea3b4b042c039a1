"""Translations kept in step: which translated pages are behind their source page, from git history.

The source language (zh) is the original. A translated page (docs/en/X.md) is stale when the
source page (docs/zh/X.md) now differs, in content and not only in white space, from what it was
at the translated page's last commit. Git is asked twice for the whole docs tree: one
`git log --name-only`, one `git cat-file --batch` for the old versions. Pages without history
(a tarball, no git, a file never committed) are never reported. A translated page with
uncommitted changes counts as being brought up to date. A change of the source that needs no
change of the translation (a Chinese style fix) says so with the commit trailer
`Translation: unchanged`: the translations of the pages it touches count as in step with it.
A translator who reviews source changes already committed records it with the trailer
`Translation-reviewed: docs/zh/X.md, docs/zh/Y.md` on a commit of its own (it may change
nothing: `git commit --allow-empty`): the translations of the named source pages count as in
step with them as they were at that commit.

`python -m kubedoctest.mkdocs_plugin.translations [DOCS]` lists the stale pairs (scripts/test);
with --strict or KUBEDOCTEST_STRICT_TRANSLATIONS=1 it exits 1 when there is one.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class Stale:
    source: Path  # the source page (docs/zh/X.md)
    translation: Path  # the page that is behind (docs/en/X.md)
    changed: str  # YYYY-MM-DD (UTC) of the source's latest content change
    commit: str | None  # that change's commit, None for an uncommitted change

    def describe(self, root: Path) -> str:
        rel = os.path.relpath(self.translation, root)
        src = os.path.relpath(self.source, root)
        when = f"{self.changed} ({self.commit[:12]})" if self.commit else f"{self.changed} (not committed yet)"
        return f"{rel}: behind its source {src}, changed on {when}; update the translation and commit both"


def normalized(text: str) -> str:
    """The content that counts: white space collapsed."""
    return " ".join(text.split())


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], input=stdin, capture_output=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


IN_STEP = "unchanged"  # the value of the `Translation:` trailer of a source change that needs none


def _history(top: Path, docs: Path) -> tuple[dict[str, list[tuple[int, str, int, bool]]], int] | None:
    """{path relative to the top: [(order, commit, time, in step), ...] newest first}, one git call."""
    # every commit (a review commit may change nothing), its docs files, and the two trailers
    fmt = (
        "--format=%x00%H %ct %(trailers:key=Translation,valueonly,separator=%x2C)"
        "%x01%(trailers:key=Translation-reviewed,valueonly,separator=%x2C)"
    )
    out = _git(top, "log", "--no-renames", "--name-only", fmt)
    if out is None:
        return None
    prefix = docs.relative_to(top).as_posix().rstrip("/") + "/" if docs != top else ""
    history: dict[str, list[tuple[int, str, int, bool]]] = {}
    order = 0
    for record in out.decode("utf-8", "replace").split("\x00")[1:]:
        head, _, names = record.partition("\n")
        head, _, reviewed = head.partition("\x01")
        commit, when, trailer = (head.split(" ", 2) + [""])[:3]
        in_step = IN_STEP in trailer.strip().lower()
        order += 1
        touched = {n.strip() for n in names.split("\n") if n.strip().startswith(prefix)}
        for name in sorted(touched):
            history.setdefault(name, []).append((order, commit, int(when), in_step))
        for name in {n.strip() for n in reviewed.replace(",", " ").split()} - touched:
            history.setdefault(name, []).append((order, commit, int(when), True))
    return history, order


def _blobs(top: Path, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], str | None]:
    """{(commit, path): text or None when missing}, one `git cat-file --batch` call."""
    if not wanted:
        return {}
    request = "".join(f"{c}:{p}\n" for c, p in wanted).encode()
    out = _git(top, "cat-file", "--batch", stdin=request) or b""
    found: dict[tuple[str, str], str | None] = {}
    pos = 0
    for key in wanted:
        end = out.find(b"\n", pos)
        if end < 0:
            break
        header = out[pos:end].decode("utf-8", "replace").split()
        pos = end + 1
        if len(header) == 3 and header[1] == "blob":
            size = int(header[2])
            found[key] = out[pos : pos + size].decode("utf-8", "replace")
            pos += size + 1
        else:
            found[key] = None
    return found


def _day(when: float) -> str:
    return datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%d")


_MEMO: dict[tuple, list[Stale]] = {}


def _state(docs: Path) -> tuple | None:
    """What the answer depends on, read without git: the pages' stats and the repository's index
    and HEAD log (both change with every commit, checkout or staging). None: do not memoize."""
    for folder in [docs, *docs.parents]:
        git_dir = folder / ".git"
        if git_dir.is_dir():
            marks = [git_dir / "index", git_dir / "logs" / "HEAD", git_dir / "HEAD"]
            try:
                pages = [(str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(docs.rglob("*.md"))]
                return (str(docs), tuple(pages), tuple(m.stat().st_mtime_ns if m.exists() else 0 for m in marks))
            except OSError:
                return None
    return None


def stale_pairs(docs: Path, source: str = "zh", others: tuple[str, ...] = ("en",)) -> list[Stale]:
    """Every translated page under docs/<other>/ that is behind docs/<source>/, sorted; memoized
    for the life of the process while nothing it depends on changes (`mkdocs serve` rebuilds)."""
    docs = docs.resolve()
    state = _state(docs)
    key = (state, source, others)
    if state is not None and key in _MEMO:
        return _MEMO[key]
    found = _stale_pairs(docs, source, others)
    if state is not None:
        _MEMO.clear()
        _MEMO[key] = found
    return found


def _stale_pairs(docs: Path, source: str, others: tuple[str, ...]) -> list[Stale]:
    top_raw = _git(docs, "rev-parse", "--show-toplevel")
    if top_raw is None:
        return []
    top = Path(top_raw.decode().strip()).resolve()
    found = _history(top, docs)
    if found is None:
        return []
    history, _ = found
    rel = lambda p: p.relative_to(top).as_posix()  # noqa: E731
    candidates: list[tuple[Path, Path, tuple, tuple, list[tuple]]] = []
    for lang in others:
        for page in sorted((docs / lang).rglob("*.md")):
            src = docs / source / page.relative_to(docs / lang)
            tr_commits, src_commits = history.get(rel(page)), history.get(rel(src))
            if not tr_commits or not src_commits or not src.is_file():
                continue
            last = tr_commits[0]
            marked = [c for c in src_commits if c[3] and c[0] < last[0]]
            ref = marked[0] if marked else last  # the source as the translation last matched it
            later = [c for c in src_commits if c[0] < ref[0]]
            candidates.append((page, src, last, ref, later))
    wanted: list[tuple[str, str]] = []
    for page, src, last, ref, later in candidates:
        wanted += [(last[1], rel(page)), (ref[1], rel(src))] + [(c[1], rel(src)) for c in later]
    blobs = _blobs(top, list(dict.fromkeys(wanted)))
    stale: list[Stale] = []
    for page, src, last, ref, later in candidates:
        current = page.read_text(encoding="utf-8", errors="replace")
        if blobs.get((last[1], rel(page))) != current:
            continue  # the translation is being edited now: it counts as brought up to date
        base = blobs.get((ref[1], rel(src)))
        now = normalized(src.read_text(encoding="utf-8", errors="replace"))
        if base is not None and normalized(base) == now:
            continue
        # the latest change of content: the newest version that differs from the one before it
        versions = [(c[1], c[2], blobs.get((c[1], rel(src)))) for c in later]  # newest first
        previous = [v[2] for v in versions[1:]] + [base]
        committed = normalized(versions[0][2] or "") if versions else normalized(base or "")
        if now != committed:
            stale.append(Stale(src, page, _day(src.stat().st_mtime), None))
            continue
        for (commit, when, text), before in zip(versions, previous, strict=True):
            if before is None or normalized(text or "") != normalized(before):
                stale.append(Stale(src, page, _day(when), commit))
                break
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="List translated pages that are behind their zh source page.")
    parser.add_argument("docs", nargs="?", default="docs")
    parser.add_argument("--source", default="zh")
    parser.add_argument("--translation", action="append", default=[], help="translated language (repeatable)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a pair is stale (CI)")
    args = parser.parse_args(argv)
    strict = args.strict or os.environ.get("KUBEDOCTEST_STRICT_TRANSLATIONS", "") not in ("", "0", "false")
    docs = Path(args.docs)
    if not docs.is_dir():
        print(f"translations: no such folder: {args.docs!r}", file=sys.stderr)
        return 2
    stale = stale_pairs(docs, args.source, tuple(args.translation or ["en"]))
    root = Path.cwd()
    word = "error" if strict else "warning"
    for s in stale:
        print(f"translations: {word}: {s.describe(root)}", file=sys.stderr)
    if stale and strict:
        print(
            f"translations: {len(stale)} stale translations (KUBEDOCTEST_STRICT_TRANSLATIONS is set)", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
