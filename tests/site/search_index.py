"""The search index of the built site keeps Chinese words whole."""

from __future__ import annotations

import json
import re
from pathlib import Path

from docpages import read


def search_index_findings(site: Path, words: list[str]) -> list[str]:
    """The search index holds each Chinese word as a token of its own (jieba + separator)."""
    index = site / "search" / "search_index.json"
    if not index.is_file():
        return ["search/search_index.json:1: no search index; enable the search plugin"]
    data = json.loads(read(index))
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
