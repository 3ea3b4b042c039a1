"""The language selector of every built page leads to the same page in the other language."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from docpages import DEFAULT_LANG, LANG_NAMES, LANGS, read, rel
from offline_assets import is_remote


class _SelectorParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[int, str, str]] = []  # (line, hreflang, href)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "a" and a.get("hreflang") and "md-select__link" in a.get("class", "").split():
            self.links.append((self.getpos()[0], a["hreflang"], a.get("href", "")))


def _page_key(site: Path, page: Path) -> tuple[str, str]:
    """(language, path of the page inside its language) of a built page."""
    inner = page.relative_to(site).as_posix()
    for lang in LANGS:
        if lang != DEFAULT_LANG and (inner == f"{lang}/index.html" or inner.startswith(f"{lang}/")):
            return lang, inner[len(lang) + 1 :]
    return DEFAULT_LANG, inner


def language_switch_findings(site: Path) -> list[str]:
    """The language selector of every page leads to the same page in the other language."""
    found = []
    for path in sorted(site.rglob("index.html")):
        where = rel(site, path)
        lang, inner = _page_key(site, path)
        parser = _SelectorParser()
        parser.feed(read(path))
        parser.close()
        targets = {hl: (line, href) for line, hl, href in parser.links}
        for other in LANGS:
            want = inner if other == DEFAULT_LANG else f"{other}/{inner}"
            if other not in targets:
                found.append(
                    f"{where}:1: the language selector has no {LANG_NAMES[other]} entry; configure "
                    f"the language in the i18n plugin of mkdocs.yml"
                )
                continue
            line, href = targets[other]
            if is_remote(href) or href.startswith("/"):
                got = href
            else:
                target = (path.parent / href.split("#")[0]).resolve()
                if target.is_dir():
                    target = target / "index.html"
                try:
                    got = target.relative_to(site.resolve()).as_posix()
                except ValueError:
                    got = href
            if got != want:
                found.append(
                    f"{where}:{line}: the {LANG_NAMES[other]} entry of the language selector leads "
                    f'to "{got}", not to the same page "{want}"; keep the page at the same path '
                    f"in docs/{other}/ (mkdocs-static-i18n links pages of the same path)"
                )
    return found
