"""The MkDocs plugin `kubedoctest`: badges, findings while writing, the verification table and the
stale-translation notice. The work is done by the modules beside this one; this is the glue.

    plugins:
      - kubedoctest:
          results: .kubedoctest/results/*.json   # paths or globs, one or a list
          findings: true        # run the offline tier on every page (warnings fail --strict)
          badges: true          # a verified-by badge above each snippet a run passed
          translations: true    # the notice on translated pages behind their source
          source_language: zh
          k8s_versions: ["1.36"]  # optional: wins over [tool.kubedoctest] k8s-versions

The pages' snippets are the core's collection (collect.checked_page), the CLI's and pytest's; the
options are checked with the settings' checks (config.check_plugin_options), and a bad one fails
the build with one line in the CLI's words. A little over 250 lines, and one job: MkDocs' hooks,
each a few lines that hand the page to the modules beside this one.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ..collect import memo
from ..collect.collect import page_lines, project_root
from ..config import PLUGIN_CHECKS, check_plugin_options, include_config, load_settings
from ..model import InputError, Stage
from ..offline_tier import Offline
from . import badges, findings, markers, results, translations, verification

log = logging.getLogger("mkdocs.plugins.kubedoctest")


class Unchecked(c.BaseConfigOption):
    """Any value: the plugin checks it in on_config with the harness's own checks and words
    (config.check_plugin_options), not with MkDocs's type errors."""

    def __init__(self, default: Any = None) -> None:
        super().__init__()
        self.default = default


class KubedoctestConfig(Config):
    results = Unchecked(".kubedoctest/results/*.json")
    findings = Unchecked(True)
    badges = Unchecked(True)
    translations = Unchecked(True)
    source_language = Unchecked("zh")
    k8s_versions = Unchecked(None)  # None: [tool.kubedoctest] k8s-versions, else the default versions


class KubedoctestPlugin(BasePlugin[KubedoctestConfig]):
    def __init__(self) -> None:
        super().__init__()
        self._stale: dict[str, dict[str, translations.Stale]] = {}
        self._pages: dict[str, tuple[list[str], memo.PageSnippets]] = {}
        self.timings: dict[str, float] = {"pages": 0.0, "findings": 0.0, "badges": 0.0, "translations": 0.0}
        self.checked_now = 0

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path or ".").resolve().parent
        self.docs_dir = Path(config.docs_dir).resolve()
        try:
            options = check_plugin_options({name: self.config[name] for name in PLUGIN_CHECKS})
        except InputError as e:  # a bad option fails the build: never a build that checks nothing
            raise PluginError(f"kubedoctest: {e}") from None
        for name, value in options.items():
            self.config[name] = value
        try:
            self.include = include_config(Path(config.config_file_path), display_root=self.root)
        except InputError as e:
            log.warning(f"kubedoctest: {e}")
            self.include = include_config(None, display_root=self.root)
        try:  # the settings as the CLI and pytest read them; k8s_versions here wins over [tool.kubedoctest]
            settings = load_settings(self.root, {"k8s_versions": options["k8s_versions"]})
            self.tier: Offline | None = Offline.from_settings(settings) if self.config.findings else None
        except InputError as e:
            raise PluginError(f"kubedoctest: {e}") from None
        for problem in self.tier.problems if self.tier is not None else []:
            log.warning(f"kubedoctest: warning: {problem}")
        patterns = [p for p in options["results"] if p]
        self.results = results.load(results.expand(patterns, self.root))
        for problem in self.results.problems:
            log.warning(f"kubedoctest: {problem}")
        self._stale = {}
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Collects every page of this build at once and checks the snippets not in the cache in
        one go: one schema validator per version for the whole site (and custom resources
        checked against the CustomResourceDefinitions of every page, as in a test run)."""
        self.timings = dict.fromkeys(self.timings, 0.0)
        self.checked_now = 0
        self._pages: dict[str, tuple[list[str], memo.PageSnippets]] = {}
        started = time.perf_counter()
        everything = []
        signature = memo.include_signature(self.include)
        for file in files.documentation_pages():
            src = file.abs_src_path
            if not src:
                continue
            display = os.path.relpath(src, self.root)
            try:  # read and collected as the CLI and pytest read and collect a page
                source, problems = page_lines(display, Path(src), project_root(Path(src)))
            except InputError as e:  # the CLI stops on it; the build warns (--strict fails)
                log.warning(f"kubedoctest: {e}")
                continue
            if source is None:
                found = memo.PageSnippets(display, [], problems)
                source = []
            else:
                found = memo.collect(display, source, self.include, signature)
            self._pages[src] = (source, found)
            everything.extend(found.snippets)
        if self.config.findings and self.tier is not None:
            self.checked_now += findings.check(everything, [], self.tier)[1]
        self.timings["pages"] += time.perf_counter() - started
        return files

    # -- per page --------------------------------------------------------------------------

    def _lang(self, page: Page) -> str:
        return self._lang_of(page.file.abs_src_path or "")

    def _lang_of(self, src: str) -> str:
        rel = Path(src).resolve()
        try:
            first = rel.relative_to(self.docs_dir).parts[0]
        except (ValueError, IndexError):
            return "en"
        return first if first in badges.TEXT else "en"

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        started = time.perf_counter()
        try:
            return self._page_markdown(markdown, page)
        finally:
            self.timings["pages"] += time.perf_counter() - started

    def _page_markdown(self, markdown: str, page: Page) -> str:
        src = page.file.abs_src_path
        if not src or not src.endswith((".md", ".markdown")):
            return markdown
        lang = self._lang(page)
        display = os.path.relpath(src, self.root)
        lines = markdown.split("\n")
        if src not in self._pages:
            return markdown
        source, page_snippets = self._pages[src]
        body, tail = _trimmed(source), _trimmed(lines)
        offset = len(body) - len(tail)
        placeable = offset >= 0 and body[offset:] == tail
        if not placeable:  # findings are still logged; nothing is put in the page
            log.debug(f"kubedoctest: {display}: the page was changed before this plugin; no badges")
        html: dict[int, str] = {}
        places: dict[int, tuple[str, list[int]]] = {}

        def attach(snippet, block: str) -> None:
            where = markers.before_fence(snippet, source) if placeable else None
            if where is None or where[0] < offset:
                return
            n = len(html)
            html[n] = block
            places.setdefault(where[0] - offset, (where[1], []))[1].append(n)

        if self.config.findings and self.tier is not None:
            started = time.perf_counter()
            checked, fresh = findings.check(page_snippets.snippets, page_snippets.errors, self.tier)
            self.checked_now += fresh
            for result in checked:
                found = findings.problems(result)
                for f in found:
                    (log.warning if f.severity == "error" else log.info)(f"kubedoctest: {f.render()}")
                if found and result.stage != Stage.COLLECT:
                    attach(result.snippet, findings.render(found, lang))
            self.timings["findings"] += time.perf_counter() - started
        if self.config.badges:
            started = time.perf_counter()
            for s in page_snippets.snippets:
                entry = self.results.verdict(results.snippet_hash(s))
                if entry is not None:
                    attach(s, badges.render(entry, lang))
            self.timings["badges"] += time.perf_counter() - started
        lines = markers.insert_markers(lines, places)
        page.meta.setdefault("kdt_blocks", {}).update(html)
        text = "\n".join(lines)
        if verification.MARKER in text:
            shown = [
                verification.Shown(sn.id, found.display, results.snippet_hash(sn))
                for path, (_, found) in sorted(self._pages.items())
                if self._lang_of(path) == lang
                for sn in found.snippets
            ]
            text = text.replace(verification.MARKER, verification.render(self.results, lang, shown))
        if self.config.translations and lang != self.config.source_language:
            text = self._notice(text, page, lang)
        return text

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        blocks = page.meta.get("kdt_blocks") or {}
        if not blocks:
            return html
        return markers.RE_MARKER_HTML.sub(lambda m: blocks.get(int(m.group(1)), ""), html)

    # -- translations ----------------------------------------------------------------------

    def _notice(self, text: str, page: Page, lang: str) -> str:
        started = time.perf_counter()
        if lang not in self._stale:
            found = translations.stale_pairs(self.docs_dir, self.config.source_language, (lang,))
            self._stale[lang] = {str(s.translation.resolve()): s for s in found}
        stale = self._stale[lang].get(str(Path(page.file.abs_src_path or "").resolve()))
        self.timings["translations"] += time.perf_counter() - started
        if stale is None:
            return text
        source_url = page.url[len(lang) + 1 :] if page.url.startswith(f"{lang}/") else page.url
        href = get_relative_url(source_url or ".", page.url or ".")
        notice = [
            '!!! warning "This translation may be out of date"',
            "",
            f"    The Chinese original of this page changed on {stale.changed}, after this page was last",
            f'    updated. <a href="{href}" hreflang="zh">Read the Chinese page</a> for the current text.',
            "",
        ]
        lines = text.split("\n")
        at = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
        return "\n".join(lines[:at] + ([""] if at else []) + notice + lines[at:])

    def on_post_build(self, config: MkDocsConfig) -> None:
        t = self.timings
        log.info(
            f"kubedoctest: {t['pages']:.2f} s in all (findings {t['findings']:.2f} s, {self.checked_now} snippets "
            f"checked, the rest cached; badges {t['badges']:.2f} s; translations {t['translations']:.2f} s)"
        )


def _trimmed(lines: list[str]) -> list[str]:
    """The lines without the empty ones at the end (the i18n plugin drops the last newline)."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return lines[:end]
