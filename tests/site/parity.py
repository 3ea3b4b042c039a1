"""Both languages have the same pages, with the same heading anchors in the same order."""

from __future__ import annotations

from pathlib import Path

from docpages import DEFAULT_LANG, LANG_NAMES, LANGS, headings, pages, read, rel


def missing_translations(root: Path) -> list[str]:
    """Every page exists in both languages, at the same path."""
    found = []
    per_lang = {lang: set(pages(root, lang)) for lang in LANGS}
    for lang in LANGS:
        for other in LANGS:
            if other == lang:
                continue
            for page in sorted(per_lang[lang] - per_lang[other]):
                found.append(
                    f"docs/{lang}/{page}:1: no {LANG_NAMES[other]} page; add docs/{other}/{page} "
                    f"with the same heading anchors (or remove this one)"
                )
    return found


def headings_without_anchor(root: Path, lang: str = DEFAULT_LANG) -> list[str]:
    """Every heading of the (Chinese) pages carries an explicit {#anchor}."""
    found = []
    for page in pages(root, lang):
        path = root / "docs" / lang / page
        for h in headings(read(path)):
            if h.anchor is None:
                found.append(
                    f"{rel(root, path)}:{h.line}: heading '{'#' * h.level} {h.text}' has no "
                    f"explicit anchor; end it with {{#an-english-slug}}, the same as on the "
                    f"other language's page (CONTRIBUTING.md)"
                )
    return found


def _show_anchor(anchor: str | None) -> str:
    return f"'#{anchor}'" if anchor else "no explicit anchor"


def anchor_mismatches(root: Path) -> list[str]:
    """Pages of the same path have the same sequence of heading anchors in both languages."""
    found = []
    zh, en = LANGS
    for page in sorted(set(pages(root, zh)) & set(pages(root, en))):
        zpath, epath = root / "docs" / zh / page, root / "docs" / en / page
        zh_h, en_h = headings(read(zpath)), headings(read(epath))
        zrel, erel = rel(root, zpath), rel(root, epath)
        for i in range(max(len(zh_h), len(en_h))):
            zi = zh_h[i] if i < len(zh_h) else None
            ei = en_h[i] if i < len(en_h) else None
            if zi and ei:
                if zi.anchor != ei.anchor:
                    found.append(
                        f"{erel}:{ei.line}: heading {i + 1} '{ei.title}' has anchor "
                        f"{_show_anchor(ei.anchor)} but {zrel}:{zi.line} has "
                        f"{_show_anchor(zi.anchor)}; give both headings the same {{#anchor}}"
                    )
                    break  # the rest is shifted: one finding per page is enough
            elif zi:
                found.append(
                    f"{zrel}:{zi.line}: heading '{zi.title}' ({_show_anchor(zi.anchor)}) has no "
                    f"counterpart in {erel}; add the heading there with the same anchor"
                )
                break
            elif ei:
                found.append(
                    f"{erel}:{ei.line}: heading '{ei.title}' ({_show_anchor(ei.anchor)}) has no "
                    f"counterpart in {zrel}; add the heading there with the same anchor"
                )
                break
    return found
