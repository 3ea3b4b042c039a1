"""The include checks, fed a tiny bad tree: broken, one-language and unincluded snippets."""

from __future__ import annotations

import docpages
import snippet_includes
from trees import pair, write


def test_includes_are_read_in_both_forms():
    text = (
        '```yaml\n--8<-- "concepts/pod.yaml"\n```\n'
        "--8<--\nconcepts/a.yaml:3:9\n;concepts/escaped.yaml\nconcepts/b.yaml:section\n--8<--\n"
        ';--8<-- "concepts/escaped.yaml"\n'
    )
    found = [(x.line, x.path, x.file) for x in docpages.includes(text)]
    assert found == [
        (2, "concepts/pod.yaml", "concepts/pod.yaml"),
        (5, "concepts/a.yaml:3:9", "concepts/a.yaml"),
        (7, "concepts/b.yaml:section", "concepts/b.yaml"),
    ]


def test_a_broken_include_is_reported(tmp_path):
    write(tmp_path, "snippets/concepts/pod.yaml", "kind: Pod\n")
    text = '# Pod {#pod}\n\n```yaml\n--8<-- "concepts/pods.yaml"\n```\n'
    pair(tmp_path, "a.md", text, text)

    findings = snippet_includes.broken_includes(tmp_path)
    assert findings[0] == (
        'docs/zh/a.md:4: includes "concepts/pods.yaml", but snippets/concepts/pods.yaml does not '
        "exist; fix the path (it is relative to snippets/) or add the file"
    )
    assert findings[1].startswith("docs/en/a.md:4: ")


def test_an_include_in_one_language_only_is_reported(tmp_path):
    zh = '# Pod {#pod}\n\n```yaml\n--8<-- "concepts/pod.yaml"\n```\n'
    en = "# Pod {#pod}\n"
    pair(tmp_path, "a.md", zh, en)

    assert snippet_includes.include_mismatches(tmp_path) == [
        'docs/zh/a.md:4: includes "concepts/pod.yaml" but docs/en/a.md does not; include the '
        'same snippet there (--8<-- "concepts/pod.yaml") or drop it here'
    ]


def test_includes_in_another_order_are_reported(tmp_path):
    a = '--8<-- "a.yaml"\n'
    b = '--8<-- "b.yaml"\n'
    pair(tmp_path, "p.md", "# P {#p}\n\n" + a + b, "# P {#p}\n\n" + b + a)

    assert snippet_includes.include_mismatches(tmp_path) == [
        'docs/en/p.md:3: includes "b.yaml" where docs/zh/p.md:3 includes "a.yaml"; include the '
        "snippets in the same order in both languages"
    ]


def test_a_snippet_missing_from_one_language_is_reported(tmp_path):
    write(tmp_path, "snippets/concepts/pod.yaml", "kind: Pod\n")
    write(tmp_path, "snippets/concepts/unused.yaml", "kind: Pod\n")
    pair(tmp_path, "a.md", '# P {#p}\n--8<-- "concepts/pod.yaml:1:1"\n', "# P {#p}\n")

    assert snippet_includes.unincluded_snippets(tmp_path) == [
        "snippets/concepts/pod.yaml:1: not included by any English page; include it with "
        '--8<-- "concepts/pod.yaml" in the page of each language that explains it, or delete it',
        "snippets/concepts/unused.yaml:1: not included by any Chinese or English page; include "
        'it with --8<-- "concepts/unused.yaml" in the page of each language that explains it, '
        "or delete it",
    ]
