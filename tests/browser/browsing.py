"""A reader of the built site in headless Chromium: pages, what they request, what they log.

Shared by conftest.py (the fixtures) and the tests. Everything here drives Debian's Chromium
(/usr/bin/chromium) through Playwright's sync API; Playwright's own browsers are never used.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request, Response

from kubedoctest.collect.collect import collect_page, read_page
from kubedoctest.config import include_config

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOST = "127.0.0.1"
LANGS = ("zh", "en")
PREFIX = {"zh": "/", "en": "/en/"}  # where each language's pages are served
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
TIMEOUT_MS = 15_000
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def url_of(lang: str, page: str) -> str:
    """The path a page is served at: url_of("en", "concepts/pod/") == "/en/concepts/pod/"."""
    return PREFIX[lang] + page.lstrip("/")


def mermaid_count(site: Path, path: str) -> int:
    """The Mermaid blocks of the built page served at `path`, as MkDocs wrote them."""
    html = (site / path.lstrip("/") / "index.html").read_text(encoding="utf-8")
    return len(re.findall(r"<pre\b[^>]*\bclass=\"mermaid\"", html))


def pages_with_mermaid(site: Path, lang: str) -> dict[str, int]:
    """{path: number of diagrams} of every page of one language that has a Mermaid block."""
    found = {}
    for html in sorted(site.rglob("index.html")):
        rel = html.parent.relative_to(site).as_posix()
        path = "/" if rel == "." else f"/{rel}/"
        in_en = path == "/en/" or path.startswith("/en/")
        if (lang == "en") != in_en:
            continue
        if 'class="mermaid"' in html.read_text(encoding="utf-8"):
            found[path] = mermaid_count(site, path)
    return found


@dataclass
class RunbookStep:
    """The first ```bash step of a runbook page, as kubedoctest runs it (includes resolved)."""

    source: str  # docs/<lang>/runbooks/<page>.md
    path: str  # where the page is served
    text: str


def first_runbook_step(lang: str) -> RunbookStep | None:
    """runbooks/deploy-app.md if it has a ```bash step, else the first runbook page that has one."""
    folder = ROOT / "docs" / lang / "runbooks"
    pages = sorted(folder.glob("*.md"), key=lambda p: (p.name != "deploy-app.md", p.name))
    include = include_config(ROOT / "mkdocs.yml", ROOT)
    for file in pages:
        display = file.relative_to(ROOT).as_posix()
        steps, _ = collect_page(display, read_page(display, file), include, frozenset({"bash"}))
        if steps:
            page = "runbooks/" if file.stem == "index" else f"runbooks/{file.stem}/"
            return RunbookStep(display, url_of(lang, page), steps[0].text)
    return None


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) of a PNG file; ValueError when it is not a PNG."""
    data = path.read_bytes()[:24]
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError(f"{path} is not a PNG file")
    return struct.unpack(">II", data[16:24])


# Facts about a rendered diagram, evaluated on its <svg> element.
SVG_FACTS = """function () {
  const box = this.getBoundingClientRect();
  const labels = [...this.querySelectorAll("text, foreignObject")].map(e => e.textContent).join("");
  return {
    width: box.width,
    height: box.height,
    kind: this.getAttribute("aria-roledescription") || "",
    labels: labels.trim().slice(0, 80),
    error: /syntax error/i.test(this.textContent),
  };
}"""


def diagrams(page: Page) -> list[dict]:
    """Every `.mermaid` element of the page: its tag, shadow root and rendered <svg>.

    Material 9.8 renders each <pre class="mermaid"> with mermaid.render() into a new
    <div class="mermaid"> whose shadow root, in mode "closed", holds the <svg>, and replaces the
    <pre> with it. Neither page scripts nor Playwright's selectors enter a closed shadow root,
    so the DevTools protocol (DOM.describeNode with pierce) looks inside.
    """
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        ids = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": ".mermaid"})
        found = []
        for node_id in ids["nodeIds"]:
            node = cdp.send("DOM.describeNode", {"nodeId": node_id, "depth": 2, "pierce": True})
            node = node["node"]
            shadow = (node.get("shadowRoots") or [None])[0]
            children = (shadow or node).get("children", [])
            svg = next((c for c in children if c.get("localName") == "svg"), None)
            facts = None
            if svg is not None:
                obj = cdp.send("DOM.resolveNode", {"backendNodeId": svg["backendNodeId"]})
                facts = cdp.send(
                    "Runtime.callFunctionOn",
                    {
                        "objectId": obj["object"]["objectId"],
                        "functionDeclaration": SVG_FACTS,
                        "returnByValue": True,
                    },
                )["result"]["value"]
            found.append(
                {
                    "tag": node.get("localName"),
                    "shadow": shadow["shadowRootType"] if shadow else None,
                    "svg": facts,
                }
            )
        return found
    finally:
        cdp.detach()


def wait_for_diagrams(page: Page, expected: int, timeout: float = TIMEOUT_MS) -> None:
    """Until Material has replaced all `expected` <pre class="mermaid"> by rendered <div>s."""
    if expected:
        page.wait_for_function(
            """n => document.querySelectorAll("div.mermaid").length === n
                   && !document.querySelector("pre.mermaid")""",
            arg=expected,
            timeout=timeout,
        )


def wait_for_fonts(page: Page) -> None:
    page.evaluate("document.fonts.ready.then(() => true)")


@dataclass
class Reader:
    """Opens pages of the served site and records every request and error of every page.

    One browser context per device (desktop, phone), created on first use and shared by the
    pages of a test; each context records the requests of its pages and of their workers.
    """

    browser: Browser
    base: str  # http://127.0.0.1:<port>
    site: Path
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # "STATUS URL (from PAGE)" or "failed URL: why"
    contexts: dict[str, BrowserContext] = field(default_factory=dict)

    def context(self, device: str = "desktop") -> BrowserContext:
        if device not in self.contexts:
            ctx = self.browser.new_context(**DEVICES[device])
            ctx.set_default_timeout(TIMEOUT_MS)
            ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=self.base)
            ctx.on("request", self._on_request)
            ctx.on("response", self._on_response)
            ctx.on("requestfailed", self._on_request_failed)
            self.contexts[device] = ctx
        return self.contexts[device]

    def open(self, path: str, device: str = "desktop", wait_until: str = "load") -> Page:
        """A new page showing `path` (e.g. "/en/concepts/pod/"), loaded (or only requested,
        with wait_until="commit", to load several pages at once)."""
        page = self.context(device).new_page()
        page.on("console", lambda msg: self._on_console(page, msg))
        page.on("pageerror", lambda err: self.errors.append(f"{page.url}: uncaught {err}"))
        page.goto(self.base + path, wait_until=wait_until)
        return page

    def path_of(self, page: Page) -> str:
        return page.url.removeprefix(self.base)

    def failed_requests(self) -> list[str]:
        """Every request answered with a status of 400 or more, or not answered at all."""
        return list(self.failed)

    def take_errors(self) -> list[str]:
        """The console errors and uncaught exceptions recorded so far (and forget them)."""
        taken, self.errors = self.errors, []
        return taken

    def off_host_requests(self) -> list[str]:
        """Every request URL that names a host other than 127.0.0.1."""
        return [url for url in self.requests if not _is_local(url)]

    def close(self) -> None:
        for ctx in self.contexts.values():
            ctx.close()
        self.contexts.clear()

    def _on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def _on_response(self, response: Response) -> None:
        if response.status >= 400:
            referer = response.request.headers.get("referer")
            where = f" (from {referer})" if referer else ""
            self.failed.append(f"{response.status} {response.url}{where}")

    def _on_request_failed(self, request: Request) -> None:
        # a page closed by the test while a request was under way is not a failure of the site
        if request.failure and "ERR_ABORTED" not in request.failure:
            self.failed.append(f"failed {request.url}: {request.failure}")

    def _on_console(self, page: Page, msg: ConsoleMessage) -> None:
        if msg.type != "error":
            return
        url = msg.location.get("url", "") if msg.location else ""
        where = f" ({url})" if url else ""
        self.errors.append(f"{page.url}: console error: {msg.text}{where}")


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True  # made by the page itself: nothing is fetched from a host
    return parts.hostname == LOCAL_HOST
