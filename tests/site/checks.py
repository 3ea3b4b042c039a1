"""Checks of the bilingual MkDocs site: sources under docs/ and snippets/, and the built site.

Every check takes a directory and returns a list of findings, each a string
``path:line: what is wrong; what to do``, with the path relative to the directory the check was
given (the repository root, or the built site). An empty list means the check passed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from kubedoctest.includes import RE_ALL, RE_TARGET

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_NAMES = {"zh": "Chinese", "en": "English"}

# --------------------------------------------------------------------------------------------
# Markdown sources
# --------------------------------------------------------------------------------------------

FENCE_RE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})")
HEADING_RE = re.compile(r"^\s*(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*$")
ANCHOR_RE = re.compile(r"\{[^{}]*?#(?P<id>[^\s{}]+)[^{}]*\}\s*$")


def pages(root: Path, lang: str) -> list[str]:
    """The Markdown pages of one language, as paths relative to docs/<lang>/."""
    base = root / "docs" / lang
    if not base.is_dir():
        return []
    return sorted(p.relative_to(base).as_posix() for p in base.rglob("*.md"))


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _outside_fences(lines: list[str]) -> list[bool]:
    """For each line, True when it is Markdown prose, False inside (or on) a code fence."""
    prose = []
    fence: str | None = None
    for line in lines:
        m = FENCE_RE.match(line)
        if fence is None:
            if m:
                fence = m.group("fence")
                prose.append(False)
            else:
                prose.append(True)
        else:
            prose.append(False)
            if m and m.group("fence")[0] == fence[0] and len(m.group("fence")) >= len(fence):
                rest = line[m.end() :].strip()
                if not rest:
                    fence = None
    return prose


def _html_comment_lines(lines: list[str]) -> set[int]:
    """0-based indexes of lines that are (part of) an HTML comment standing on its own."""
    inside = set()
    open_ = False
    for i, line in enumerate(lines):
        s = line.strip()
        if open_:
            inside.add(i)
            if "-->" in s:
                open_ = False
        elif s.startswith("<!--"):
            inside.add(i)
            if "-->" not in s[4:]:
                open_ = True
    return inside


@dataclass
class Heading:
    line: int  # 1-based
    level: int
    text: str
    anchor: str | None

    @property
    def title(self) -> str:
        """The heading text without its attribute list."""
        return ANCHOR_RE.sub("", self.text).strip()


def headings(text: str) -> list[Heading]:
    """ATX headings outside code fences and HTML comments (also indented ones in admonitions)."""
    lines = text.splitlines()
    prose = _outside_fences(lines)
    comments = _html_comment_lines(lines)
    found = []
    for i, line in enumerate(lines):
        if not prose[i] or i in comments:
            continue
        m = HEADING_RE.match(line)
        if not m:
            continue
        a = ANCHOR_RE.search(m.group("text"))
        found.append(Heading(i + 1, len(m.group("hashes")), m.group("text"), a.group("id") if a else None))
    return found


@dataclass
class Include:
    line: int  # 1-based
    path: str  # as written, relative to snippets/
    file: str  # the file part (line ranges and section names removed)


def _include_file(spec: str) -> str:
    # "a.yaml:3:10", "a.yaml:section" and "a.yaml" all name the file "a.yaml" (the harness's rule)
    m = RE_TARGET.match(spec.strip())
    return m.group(1).strip() if m else spec.strip()


def includes(text: str) -> list[Include]:
    """pymdownx.snippets includes (--8<--), inline and block form, in page order.

    Lines starting with ';' (escaped includes) are not includes; fences do not hide includes,
    since that is where manifests are included.
    """
    found = []
    block = False
    for i, line in enumerate(text.splitlines()):
        m = RE_ALL.match(line) if "8<-" in line else None
        if m and not m.group("escape") and not m.group("inline_marker"):
            block = not block
            continue
        if block:
            spec = line.strip()
            if spec and not spec.startswith(";"):
                found.append(Include(i + 1, spec, _include_file(spec)))
            continue
        if m and not m.group("escape"):
            path = m.group("snippet")[1:-1].strip()
            found.append(Include(i + 1, path, _include_file(path)))
    return found


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


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
        for h in headings(_read(path)):
            if h.anchor is None:
                found.append(
                    f"{_rel(root, path)}:{h.line}: heading '{'#' * h.level} {h.text}' has no "
                    f"explicit anchor; end it with {{#an-english-slug}}, the same as on the "
                    f"other language's page (CONTRIBUTING.md)"
                )
    return found


def anchor_mismatches(root: Path) -> list[str]:
    """Pages of the same path have the same sequence of heading anchors in both languages."""
    found = []
    zh, en = LANGS
    for page in sorted(set(pages(root, zh)) & set(pages(root, en))):
        zpath, epath = root / "docs" / zh / page, root / "docs" / en / page
        zh_h, en_h = headings(_read(zpath)), headings(_read(epath))
        zrel, erel = _rel(root, zpath), _rel(root, epath)
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


def _show_anchor(anchor: str | None) -> str:
    return f"'#{anchor}'" if anchor else "no explicit anchor"


def include_mismatches(root: Path) -> list[str]:
    """Pages of the same path include the same snippets, in the same order, in both languages."""
    found = []
    zh, en = LANGS
    for page in sorted(set(pages(root, zh)) & set(pages(root, en))):
        zpath, epath = root / "docs" / zh / page, root / "docs" / en / page
        zi, ei = includes(_read(zpath)), includes(_read(epath))
        zrel, erel = _rel(root, zpath), _rel(root, epath)
        zc, ec = Counter(x.path for x in zi), Counter(x.path for x in ei)
        page_found = []
        for inc, rel, other_c, other_rel in ((zi, zrel, ec, erel), (ei, erel, zc, zrel)):
            seen: Counter[str] = Counter()
            for x in inc:
                seen[x.path] += 1
                if seen[x.path] > other_c[x.path]:
                    page_found.append(
                        f'{rel}:{x.line}: includes "{x.path}" but {other_rel} does not; '
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
            for x in includes(_read(path)):
                if not (snippets / x.file).is_file():
                    found.append(
                        f'{_rel(root, path)}:{x.line}: includes "{x.path}", but '
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
        lang: {x.file for page in pages(root, lang) for x in includes(_read(root / "docs" / lang / page))}
        for lang in LANGS
    }
    for f in sorted(p for p in snippets.rglob("*") if p.is_file()):
        rel = f.relative_to(snippets).as_posix()
        if rel.startswith(".") or "/." in rel:
            continue
        missing = [LANG_NAMES[lang] for lang in LANGS if rel not in used[lang]]
        if missing:
            found.append(
                f"snippets/{rel}:1: not included by any {' or '.join(missing)} page; include it "
                f'with --8<-- "{rel}" in the page of each language that explains it, or delete it'
            )
    return found


# --------------------------------------------------------------------------------------------
# Chinese style (zh-style.md)
# --------------------------------------------------------------------------------------------

# (pattern, what was found, what to write). Conservative: only forms that are wrong in every
# context of this site. Matched on prose with code, URLs, link targets, HTML and attribute
# lists blanked out.
TERMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"命名空间"), "名字空间"),
    (re.compile(r"标签选择器"), "标签选择算符"),
    (re.compile(r"(?<!标签)选择器"), "选择算符 (标签选择算符 for a label selector)"),
    (re.compile(r"卷声明"), "卷申领 (PersistentVolumeClaim: 持久卷申领)"),
    (re.compile(r"您"), "你"),
    (re.compile(r"控制面(?!板)"), "控制平面"),
    (re.compile(r"秘密"), "Secret"),
    (re.compile(r"(?<![A-Za-z0-9_./-])pods?(?![A-Za-z0-9_./-])"), "Pod"),
    (
        re.compile(
            r"(?<![A-Za-z0-9_./-])(Pod|Deployment|ReplicaSet|DaemonSet|StatefulSet|Job|Service|Secret"
            r"|ConfigMap|ReplicationController|PersistentVolume|PersistentVolumeClaim|Namespace)"
            r"s(?![A-Za-z0-9_./-])"
        ),
        "{singular}",
    ),
    (re.compile(r"(?<![A-Za-z0-9_./-])(StorageClass|Ingress)es(?![A-Za-z0-9_./-])"), "{singular}"),
]

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u2018\u2019\u201c\u201d\u2026"
CJK_END_RE = re.compile(rf"[{HAN}{CJK_PUNCT}]$")
CJK_START_RE = re.compile(rf"^[{HAN}{CJK_PUNCT}]")


def _front_matter_lines(lines: list[str]) -> set[int]:
    if not lines or lines[0].strip() != "---":
        return set()
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return set(range(i + 1))
    return set()


def _code_lines(lines: list[str]) -> set[int]:
    """Lines that are not prose: fences, front matter, HTML comments, snippet includes."""
    prose = _outside_fences(lines)
    skip = {i for i, p in enumerate(prose) if not p}
    skip |= _front_matter_lines(lines)
    skip |= _html_comment_lines(lines)
    skip |= {i for i, line in enumerate(lines) if "--8<--" in line}
    return skip


_BLANK_RES = [
    re.compile(r"<!--.*?-->"),  # inline HTML comments
    re.compile(r"(`+).+?\1"),  # inline code
    re.compile(r"\]\([^)]*\)"),  # link and image targets
    re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$"),  # reference definitions
    re.compile(r"<?(?:https?|ftp)://[^\s)>]+>?"),  # bare URLs
    re.compile(r"</?[A-Za-z][^>]*>"),  # HTML tags and their attributes
    re.compile(r"\{[:#.][^{}]*\}"),  # attribute lists: {#anchor}, {: .class}
]


def prose_of(line: str) -> str:
    """A line of Markdown with code, URLs, link targets, HTML and attribute lists blanked."""
    for r in _BLANK_RES:
        line = r.sub(lambda m: " " * len(m.group(0)), line)
    return line


QUOTE_RE = re.compile(r"“[^”]*”|「[^」]*」|‘[^’]*’")


def forbidden_terms(text: str) -> list[tuple[int, str, str]]:
    """(line, found, write) for every forbidden term of the zh-style.md table in prose.

    Text in Chinese quotation marks is skipped: it quotes other words (the 2017 notes, a
    term being discussed) and keeps them as they were.
    """
    lines = text.splitlines()
    skip = _code_lines(lines)
    found = []
    for i, line in enumerate(lines):
        if i in skip:
            continue
        prose = QUOTE_RE.sub(lambda m: " " * len(m.group(0)), prose_of(line))
        for pattern, write in TERMS:
            for m in pattern.finditer(prose):
                right = write.format(singular=m.group(1)) if "{singular}" in write else write
                found.append((i + 1, m.group(0), right))
    return found


def line_breaks_between_chinese(text: str) -> list[int]:
    """1-based lines that continue a paragraph broken between two Chinese characters."""
    lines = text.splitlines()
    skip = _code_lines(lines)
    found = []
    for i in range(1, len(lines)):
        prev, cur = lines[i - 1], lines[i]
        if i in skip or (i - 1) in skip:
            continue
        p, c = prev.strip(), cur.strip()
        if not p or not c or p.startswith(("#", "|", "!!!", "???", "===")) or c.startswith("|"):
            continue
        if p.endswith("  ") or prev.endswith("\\"):  # explicit line break
            continue
        if CJK_END_RE.search(p) and CJK_START_RE.match(c):
            found.append(i + 1)
    return found


def _autocorrect_text(lines: list[str]) -> str:
    """The page with fences, front matter and HTML comments blanked (line numbers kept)."""
    skip = _code_lines(lines)
    return "\n".join("" if i in skip else line for i, line in enumerate(lines)) + "\n"


def style_findings(root: Path, lang: str = "zh") -> list[str]:
    """zh-style.md over docs/<lang>: autocorrect (CJK spacing, punctuation), terms, line breaks."""
    import autocorrect_py

    found = []
    for page in pages(root, lang):
        path = root / "docs" / lang / page
        rel = _rel(root, path)
        text = _read(path)
        lines = text.splitlines()
        for r in autocorrect_py.lint_for(_autocorrect_text(lines), "md").lines:
            found.append(
                f"{rel}:{r.line}: write '{r.new}' instead of '{r.old}' (zh-style.md rules 3-4: "
                f"spaces between Chinese and Latin or digits, full-width punctuation; "
                f"autocorrect)"
            )
        for line, term, write in forbidden_terms(text):
            found.append(f"{rel}:{line}: found '{term}', write '{write}' (zh-style.md terms)")
        for line in line_breaks_between_chinese(text):
            found.append(
                f"{rel}:{line}: the line break before this line falls between two Chinese "
                f"characters and shows as a space; join the two lines (zh-style.md rule 9)"
            )
    return sorted(found, key=_finding_key)


def _finding_key(f: str) -> tuple[str, int]:
    path, line, _ = f.split(":", 2)
    return path, int(line) if line.isdigit() else 0


# --------------------------------------------------------------------------------------------
# The built site
# --------------------------------------------------------------------------------------------

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
        rel = _rel(site, path)
        parser = _ResourceParser()
        parser.feed(_read(path))
        parser.close()
        for line, tag, attr, url in parser.loads:
            if is_remote(url):
                host = urlsplit(url if "://" in url else "https:" + url).netloc
                found.append(
                    f'{rel}:{line}: <{tag} {attr}="{url}"> loads from another host ({host}); '
                    f"vendor the file under docs/assets/ and reference it locally"
                )
        for line, css in parser.styles:
            for ln, what, url in _css_remote(css, line):
                found.append(
                    f"{rel}:{ln}: inline CSS {what} loads {url} from another host; "
                    f"vendor it under docs/assets/ and use a local path"
                )
    for path in sorted(site.rglob("*.css")):
        for ln, what, url in _css_remote(_read(path)):
            found.append(
                f"{_rel(site, path)}:{ln}: CSS {what} loads {url} from another host; "
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
        rel = _rel(site, path)
        parser = _ResourceParser()
        parser.feed(_read(path))
        parser.close()
        if parser.mermaid_blocks and not any(s.endswith(MERMAID_JS) for s in parser.scripts):
            found.append(
                f"{rel}:{parser.mermaid_blocks[0]}: has a Mermaid diagram but does not load the "
                f"local {MERMAID_JS}; list it in extra_javascript in mkdocs.yml (otherwise "
                f"Material loads Mermaid from a CDN)"
            )
        for line, tag, id_ in parser.ids:
            if id_ == "mermaid":
                found.append(
                    f'{rel}:{line}: <{tag} id="mermaid"> shadows the global mermaid and makes '
                    f"Material load Mermaid from a CDN; choose another id or heading anchor"
                )
    return found


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
    rel = page.relative_to(site).as_posix()
    for lang in LANGS:
        if lang != DEFAULT_LANG and (rel == f"{lang}/index.html" or rel.startswith(f"{lang}/")):
            return lang, rel[len(lang) + 1 :]
    return DEFAULT_LANG, rel


def language_switch_findings(site: Path) -> list[str]:
    """The language selector of every page leads to the same page in the other language."""
    found = []
    for path in sorted(site.rglob("index.html")):
        rel = _rel(site, path)
        lang, inner = _page_key(site, path)
        parser = _SelectorParser()
        parser.feed(_read(path))
        parser.close()
        targets = {hl: (line, href) for line, hl, href in parser.links}
        for other in LANGS:
            want = inner if other == DEFAULT_LANG else f"{other}/{inner}"
            if other not in targets:
                found.append(
                    f"{rel}:1: the language selector has no {LANG_NAMES[other]} entry; configure "
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
                    f"{rel}:{line}: the {LANG_NAMES[other]} entry of the language selector leads "
                    f'to "{got}", not to the same page "{want}"; keep the page at the same path '
                    f"in docs/{other}/ (mkdocs-static-i18n links pages of the same path)"
                )
    return found


def search_index_findings(site: Path, words: list[str]) -> list[str]:
    """The search index holds each Chinese word as a token of its own (jieba + separator)."""
    import json

    index = site / "search" / "search_index.json"
    if not index.is_file():
        return ["search/search_index.json:1: no search index; enable the search plugin"]
    data = json.loads(_read(index))
    sep = re.compile(data["config"]["separator"].replace("\\u200b", "\u200b").replace("\\u3000", "\u3000"))
    tokens: set[str] = set()
    for doc in data["docs"]:
        for field in (doc.get("title", ""), doc.get("text", "")):
            tokens.update(t for t in sep.split(field) if t)
    return [
        f"search/search_index.json:1: '{w}' is not a search token (split or missing); add it to "
        f"overrides/jieba-userdict.txt and keep \\u200b in the search separator of mkdocs.yml"
        for w in words
        if w not in tokens
    ]
