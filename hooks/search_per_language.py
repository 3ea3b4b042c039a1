"""MkDocs hook: one search index per language, and no request for a sitemap that is not there.

mkdocs-static-i18n builds each language and then writes one search index holding both
(search/search_index.json), so a Chinese query on a Chinese page listed English pages first.
After the whole build this hook splits that index:

- search/search_index.json keeps the Chinese pages, with the configured search settings
  (jieba segments Chinese at build time, the separator splits on U+200B);
- en/search/search_index.json holds the English pages, with their locations relative to /en/,
  lang "en" (lunr's English stop words; see LANG_SEARCH for why no stemmer);

and makes every English page read its own index: Material's search worker loads
`<config.base>/search/search_index.json`, so the `base` of the English pages' __config becomes
their language root (/en/). Search results are resolved against that base too.

It also drops the <link rel="alternate" hreflang> tags from the head: Material fetches
`<href>/sitemap.xml` for each of them, and mkdocs-static-i18n points them at the same page in
each language (/concepts/pod/sitemap.xml), which does not exist: a 404 on every page load. The
language selector (<a hreflang> links, set by mkdocs-static-i18n) is unchanged.

Languages other than the default one are served under /<lang>/ (docs_structure: folder).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

CONFIG_RE = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)
ALTERNATE_RE = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')
# English: lunr's English stop words only. Not the stemmer: Material's search box sends every
# query term with a trailing wildcard ("volumes*"), and lunr does not run wildcard terms through
# the pipeline, so with stemmed index terms ("volum") "volumes" or "scheduling" found nothing
# (tried in Chromium). Unstemmed, a word finds its longer forms by prefix (evict: eviction,
# evicted). The settings of the configuration apply to the other languages as they are.
LANG_SEARCH = {"en": {"lang": ["en"], "pipeline": ["stopWordFilter"]}}


def _languages(config: MkDocsConfig) -> tuple[str, list[str]]:
    """(default language, other built languages) from the i18n plugin."""
    i18n = config.plugins.get("i18n")
    if i18n is None:
        return "", []
    default = i18n.default_language
    return default, [lang for lang in i18n.build_languages if lang != default]


def _page_language(page: Page, config: MkDocsConfig) -> str | None:
    default, others = _languages(config)
    for lang in others:
        if page.url == f"{lang}/" or page.url.startswith(f"{lang}/"):
            return lang
    return default or None


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    output = ALTERNATE_RE.sub("", output)
    default, _ = _languages(config)
    lang = _page_language(page, config)
    if not lang or lang == default:
        return output

    def rebase(m: re.Match[str]) -> str:
        data = json.loads(m.group(2))
        data["base"] = f"{data['base'].rstrip('/')}/{lang}/" if data["base"] not in ("", ".") else f"{lang}/"
        return m.group(1) + json.dumps(data, ensure_ascii=False) + m.group(3)

    return CONFIG_RE.sub(rebase, output, count=1)


@event_priority(-200)  # after mkdocs-static-i18n (-100), which writes the combined index
def on_post_build(config: MkDocsConfig) -> None:
    i18n = config.plugins.get("i18n")
    if i18n is None or getattr(i18n, "building", False):
        return  # the inner build of another language: the combined index is not written yet
    site = Path(config.site_dir)
    index = site / "search" / "search_index.json"
    if not index.is_file():
        return
    data: dict[str, Any] = json.loads(index.read_text(encoding="utf-8"))
    default, others = _languages(config)
    per_lang: dict[str, list[dict[str, Any]]] = {lang: [] for lang in [default, *others]}
    for doc in data["docs"]:
        loc = doc["location"]
        lang = next((o for o in others if loc.startswith(f"{o}/") or loc == o), default)
        if lang != default:
            doc = dict(doc, location=loc[len(lang) + 1 :] if loc.startswith(f"{lang}/") else "")
        per_lang[lang].append(doc)
    for lang, docs in per_lang.items():
        conf = dict(data["config"])
        if lang in LANG_SEARCH:
            conf.update(LANG_SEARCH[lang])
        out = index if lang == default else site / lang / "search" / "search_index.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"config": conf, "docs": docs}, ensure_ascii=False), encoding="utf-8")
