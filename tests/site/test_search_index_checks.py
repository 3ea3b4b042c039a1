"""The search index check, fed a tiny index."""

from __future__ import annotations

import json

import search_index
from trees import write


def test_a_chinese_word_split_in_the_search_index_is_reported(tmp_path):
    site = tmp_path / "site"
    index = {
        "config": {"separator": "[\\s\\u200b\\-]+"},
        "docs": [{"location": "", "title": "持久卷", "text": "持久\u200b卷\u200b申领"}],
    }
    write(site, "search/search_index.json", json.dumps(index))

    assert search_index.search_index_findings(site, ["持久卷", "申领", "名字空间"]) == [
        "search/search_index.json:1: '名字空间' is not a search token (split or missing); add it "
        "to overrides/jieba-userdict.txt and keep \\u200b in the search separator of mkdocs.yml"
    ]
