"""MkDocs hook: one search index per language, and no request for a sitemap that is not there.

mkdocs-static-i18n builds each language and then writes one search index holding both
(search/search_index.json), so a Chinese query on a Chinese page listed English pages first.
After the whole build this hook splits that index:

- search/search_index.json keeps the Chinese pages, with the configured search settings
  (jieba segments Chinese at build time, the separator splits on U+200B);
- en/search/search_index.json holds the English pages, with their locations relative to /en/,
  lang "en" (lunr's English stop words, no stemmer in lunr's pipeline) and each page also indexed
  under the other forms of its words (below);

and makes every English page read its own index: Material's search worker loads
`<config.base>/search/search_index.json`, so the `base` of the English pages' __config becomes
their language root (/en/). Search results are resolved against that base too.

It also drops the <link rel="alternate" hreflang> tags from the head: Material fetches
`<href>/sitemap.xml` for each of them, and mkdocs-static-i18n points them at the same page in
each language (/concepts/pod/sitemap.xml), which does not exist: a 404 on every page load. The
language selector (<a hreflang> links, set by mkdocs-static-i18n) is unchanged.

English word forms. lunr's stemmer cannot be used: Material's search box sends every query term
with a trailing wildcard ("scheduling*"), and lunr runs no wildcard term through the pipeline, so
stemmed index terms ("schedul") were never matched (tried in Chromium). Unstemmed, a word finds only
its longer forms by prefix (evict: eviction). So the stemming happens here, at build time: the
Snowball English stemmer groups the words of the English pages by stem (schedule, scheduled,
scheduler, scheduling), and each document gets the other words of the groups of its own words
in two more fields, title_forms and text_forms, which the index config lists with half the boost
of title and text (a page with the query's own form ranks above one with another form). The query
"scheduling*" then finds a page that only says "scheduler". Material's search worker indexes every
field of config.fields, but its results show only title, text and tags, highlighted from their
own match positions, so the added words are found and never shown; and as the matched form begins
with the query, the result does not list the query as "Missing". A form that begins another word
of the same field (schedule: scheduler) is left out: the prefix query finds the longer one. Only
forms used somewhere on the English pages are added: a form no page uses ("evictions") finds
nothing more than before. About 0.2 s per build (pure-Python Snowball; snowballstemmer uses
PyStemmer's C stemmer instead when that is installed).

Languages other than the default one are served under /<lang>/ (docs_structure: folder).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import snowballstemmer
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

CONFIG_RE = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)
ALTERNATE_RE = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')
# English: lunr's English stop words only, not its stemmer (see the docstring: the stemming is
# done at build time, WORD_FORMS). The settings of the configuration apply to the other languages
# as they are.
LANG_SEARCH = {"en": {"lang": ["en"], "pipeline": ["stopWordFilter"]}}
# Languages whose documents are also indexed under the other forms of their words: the Snowball
# stemmer that groups the forms.
WORD_FORMS = {"en": "english"}
# The field of the search index a word is in -> the field its other forms go into (half its boost).
FORMS_FIELDS = {"title": "title_forms", "text": "text_forms"}
FORMS_BOOST = 0.5
TAG_RE = re.compile(r"<[^>]*>")
_stems: dict[str, dict[str, str]] = defaultdict(dict)  # per stemmer: word -> stem (`mkdocs serve` rebuilds)


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


def _words(html: str, separator: re.Pattern[str]) -> set[str]:
    """The words of three or more ASCII letters Material's tokenizer makes of a field, lower-case
    (the text between the tags, split by the configured separator, camelCase included)."""
    tokens = set(separator.split(TAG_RE.sub(" ", html)))
    return {t.lower() for t in tokens if len(t) > 2 and t.isascii() and t.isalpha()}


def add_word_forms(docs: list[dict[str, Any]], conf: dict[str, Any], algorithm: str) -> None:
    """Index each document also under the other forms of its words' stems, in fields of their own
    (FORMS_FIELDS) that Material's search indexes and does not show; see the docstring."""
    try:
        separator = re.compile(conf.get("separator") or r"[\s\-]+")
    except re.error:  # a JavaScript-only construct: split on what is surely a separator
        separator = re.compile(r"[\W_]+")
    fields = [f for f in FORMS_FIELDS if f in conf["fields"]]
    words = [{f: _words(doc.get(f) or "", separator) for f in fields} for doc in docs]
    vocabulary = set().union(*(w for doc in words for w in doc.values()))
    stems = _stems[algorithm]
    new = sorted(vocabulary - stems.keys())
    stems.update(zip(new, snowballstemmer.stemmer(algorithm).stemWords(new), strict=True))
    groups: dict[str, set[str]] = defaultdict(set)
    for word in vocabulary:
        groups[stems[word]].add(word)
    for doc, doc_words in zip(docs, words, strict=True):
        for field, own in doc_words.items():
            other = {form for word in own for form in groups[stems[word]]} - own
            if not other:
                continue
            # A word is found by every prefix of it: leave out a form that begins a longer word
            # of the field (in sorted order, the words that begin with a word follow it).
            terms = sorted(own | other)
            kept = [
                t for t, after in zip(terms, [*terms[1:], ""], strict=True) if t in other and not after.startswith(t)
            ]
            if kept:
                doc[FORMS_FIELDS[field]] = " ".join(kept)
    conf["fields"] = dict(conf["fields"])
    for field in fields:
        boost = conf["fields"][field].get("boost", 1.0) * FORMS_BOOST
        conf["fields"][FORMS_FIELDS[field]] = {**conf["fields"][field], "boost": boost}


def _unique_by_location(entries: list[Any]) -> list[Any]:
    """One entry per location, the last one (on a reload, the newest)."""
    seen: dict[str, Any] = {}
    for entry in entries:
        location = str(entry.get("location")) if isinstance(entry, dict) else ""
        seen.pop(location, None)
        seen[location] = entry
    return list(seen.values())


def on_pre_build(config: MkDocsConfig) -> None:
    """`mkdocs serve --dirty`: Material's search plugin keeps the last index (search_index_prev)
    and merges each reload's changed page into it, and mkdocs-static-i18n gathers those entries
    once per language and writes the combined list back: the entries doubled at every reload
    (402, 1206, 2412, 4817, 9620 counted) and i18n's duplicate check, quadratic in them, made each
    reload seconds slower than the one before (1.3, 2.4, 5.4, 11.2 s). Before a top-level build the
    kept index is cut back to one entry per location."""
    i18n = config.plugins.get("i18n")
    if i18n is None or getattr(i18n, "building", False):
        return
    for name in ("material/search", "search"):
        prev = getattr(config.plugins.get(name), "search_index_prev", None)
        if prev is not None and isinstance(getattr(prev, "entries", None), list):
            prev.entries = _unique_by_location(prev.entries)


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
    for doc in _unique_by_location(data["docs"]):  # a `--dirty` reload lists a page twice
        loc = doc["location"]
        lang = next((o for o in others if loc.startswith(f"{o}/") or loc == o), default)
        if lang != default:
            doc = dict(doc, location=loc[len(lang) + 1 :] if loc.startswith(f"{lang}/") else "")
        per_lang[lang].append(doc)
    for lang, docs in per_lang.items():
        conf = dict(data["config"])
        if lang in LANG_SEARCH:
            conf.update(LANG_SEARCH[lang])
        if lang in WORD_FORMS and isinstance(conf.get("fields"), dict):
            add_word_forms(docs, conf, WORD_FORMS[lang])
        out = index if lang == default else site / lang / "search" / "search_index.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"config": conf, "docs": docs}, ensure_ascii=False), encoding="utf-8")
