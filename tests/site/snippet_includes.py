"""Snippet includes (--8<--): they resolve, and both languages include the same snippets."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from docpages import LANG_NAMES, LANGS, includes, pages, read, rel


def include_mismatches(root: Path) -> list[str]:
    """Pages of the same path include the same snippets, in the same order, in both languages."""
    found = []
    zh, en = LANGS
    for page in sorted(set(pages(root, zh)) & set(pages(root, en))):
        zpath, epath = root / "docs" / zh / page, root / "docs" / en / page
        zi, ei = includes(read(zpath)), includes(read(epath))
        zrel, erel = rel(root, zpath), rel(root, epath)
        zc, ec = Counter(x.path for x in zi), Counter(x.path for x in ei)
        page_found = []
        for inc, where, other_c, other_rel in ((zi, zrel, ec, erel), (ei, erel, zc, zrel)):
            seen: Counter[str] = Counter()
            for x in inc:
                seen[x.path] += 1
                if seen[x.path] > other_c[x.path]:
                    page_found.append(
                        f'{where}:{x.line}: includes "{x.path}" but {other_rel} does not; '
                        f'include the same snippet there (--8<-- "{x.path}") or drop it here'
                    )
        if not page_found:
            for a, b in zip(zi, ei, strict=False):
                if a.path != b.path:
                    page_found.append(
                        f'{erel}:{b.line}: includes "{b.path}" where {zrel}:{a.line} includes '
                        f'"{a.path}"; include the snippets in the same order in both languages'
                    )
                    break
        found += page_found
    return found


def broken_includes(root: Path) -> list[str]:
    """Every --8<-- include names a file that exists under snippets/."""
    found = []
    snippets = root / "snippets"
    for lang in LANGS:
        for page in pages(root, lang):
            path = root / "docs" / lang / page
            for x in includes(read(path)):
                if not (snippets / x.file).is_file():
                    found.append(
                        f'{rel(root, path)}:{x.line}: includes "{x.path}", but '
                        f"snippets/{x.file} does not exist; fix the path (it is relative to "
                        f"snippets/) or add the file"
                    )
    return found


def unincluded_snippets(root: Path) -> list[str]:
    """Every file under snippets/ is included by at least one page of each language."""
    found = []
    snippets = root / "snippets"
    if not snippets.is_dir():
        return found
    used = {
        lang: {x.file for page in pages(root, lang) for x in includes(read(root / "docs" / lang / page))}
        for lang in LANGS
    }
    for f in sorted(p for p in snippets.rglob("*") if p.is_file()):
        name = f.relative_to(snippets).as_posix()
        if name.startswith(".") or "/." in name:
            continue
        missing = [LANG_NAMES[lang] for lang in LANGS if name not in used[lang]]
        if missing:
            found.append(
                f"snippets/{name}:1: not included by any {' or '.join(missing)} page; include it "
                f'with --8<-- "{name}" in the page of each language that explains it, or delete it'
            )
    return found
