"""The built site stays offline: nothing makes the browser load from another host."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from docpages import read, rel

# <link rel=...> values that make the browser fetch the href
LOADING_RELS = {
    "stylesheet",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "apple-touch-icon-precomposed",
    "mask-icon",
    "preload",
    "modulepreload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "manifest",
}
# tag -> attributes whose URL the browser loads
LOADING_ATTRS = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}
CSS_URL_RE = re.compile(r"""url\(\s*(['"]?)(?P<url>[^'")]+)\1\s*\)""")
CSS_IMPORT_RE = re.compile(r"""@import\s+(?:url\(\s*)?(['"]?)(?P<url>[^'")\s;]+)""")


def is_remote(url: str) -> bool:
    """True for a URL that names a host: http(s)://host/... or //host/..."""
    url = url.strip()
    if url.startswith("//"):
        return True
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https", "ws", "wss", "ftp") and bool(parts.netloc)


def _srcset_urls(value: str) -> list[str]:
    return [c.strip().split()[0] for c in value.split(",") if c.strip()]


class _ResourceParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[tuple[int, str, str, str]] = []  # (line, tag, attr, url)
        self.ids: list[tuple[int, str, str]] = []  # (line, tag, id)
        self.scripts: list[str] = []
        self.mermaid_blocks: list[int] = []
        self.styles: list[tuple[int, str]] = []
        self._in_style: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "link":
            rels = set(a.get("rel", "").lower().split())
            if rels & LOADING_RELS and a.get("href"):
                self.loads.append((line, tag, "href", a["href"]))
        for attr in LOADING_ATTRS.get(tag, ()):
            if a.get(attr):
                urls = _srcset_urls(a[attr]) if attr == "srcset" else [a[attr]]
                self.loads += [(line, tag, attr, u) for u in urls]
        if a.get("style"):
            self.styles.append((line, a["style"]))
        if a.get("id"):
            self.ids.append((line, tag, a["id"]))
        if tag == "script" and a.get("src"):
            self.scripts.append(a["src"])
        if "mermaid" in a.get("class", "").split():
            self.mermaid_blocks.append(line)
        if tag == "style":
            self._in_style = line

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = None

    def handle_data(self, data: str) -> None:
        if self._in_style is not None:
            self.styles.append((self._in_style, data))


def _css_remote(css: str, first_line: int = 1) -> list[tuple[int, str, str]]:
    out = []
    for regex, what in ((CSS_URL_RE, "url()"), (CSS_IMPORT_RE, "@import")):
        for m in regex.finditer(css):
            if is_remote(m.group("url")):
                out.append((first_line + css.count("\n", 0, m.start()), what, m.group("url")))
    return out


def external_resources(site: Path) -> list[str]:
    """Nothing in the built site makes the browser load from another host.

    Looks at what a browser fetches on its own (scripts, stylesheets, icons, preloads, images,
    frames, media, CSS url() and @import), not at <a href> links, which only lead elsewhere.
    """
    found = []
    for path in sorted(site.rglob("*.html")):
        where = rel(site, path)
        parser = _ResourceParser()
        parser.feed(read(path))
        parser.close()
        for line, tag, attr, url in parser.loads:
            if is_remote(url):
                host = urlsplit(url if "://" in url else "https:" + url).netloc
                found.append(
                    f'{where}:{line}: <{tag} {attr}="{url}"> loads from another host ({host}); '
                    f"vendor the file under docs/assets/ and reference it locally"
                )
        for line, css in parser.styles:
            for ln, what, url in _css_remote(css, line):
                found.append(
                    f"{where}:{ln}: inline CSS {what} loads {url} from another host; "
                    f"vendor it under docs/assets/ and use a local path"
                )
    for path in sorted(site.rglob("*.css")):
        for ln, what, url in _css_remote(read(path)):
            found.append(
                f"{rel(site, path)}:{ln}: CSS {what} loads {url} from another host; "
                f"vendor it under docs/assets/ and use a local path (theme.font: false for fonts)"
            )
    return found


MERMAID_JS = "assets/javascripts/mermaid.min.js"


def mermaid_findings(site: Path) -> list[str]:
    """Pages with diagrams load the vendored Mermaid, and nothing shadows the global `mermaid`.

    Material fetches Mermaid from a CDN when `typeof mermaid == "undefined"` or when `mermaid`
    is a DOM element, which is what the browser makes of an element with id="mermaid".
    """
    found = []
    for path in sorted(site.rglob("*.html")):
        where = rel(site, path)
        parser = _ResourceParser()
        parser.feed(read(path))
        parser.close()
        if parser.mermaid_blocks and not any(s.endswith(MERMAID_JS) for s in parser.scripts):
            found.append(
                f"{where}:{parser.mermaid_blocks[0]}: has a Mermaid diagram but does not load the "
                f"local {MERMAID_JS}; list it in extra_javascript in mkdocs.yml (otherwise "
                f"Material loads Mermaid from a CDN)"
            )
        for line, tag, id_ in parser.ids:
            if id_ == "mermaid":
                found.append(
                    f'{where}:{line}: <{tag} id="mermaid"> shadows the global mermaid and makes '
                    f"Material load Mermaid from a CDN; choose another id or heading anchor"
                )
    return found
