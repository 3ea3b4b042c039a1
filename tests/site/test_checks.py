"""Each site check, fed a tiny bad tree: the finding names path:line and says what to do."""

from __future__ import annotations

import json
from pathlib import Path

import checks


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def pair(root: Path, page: str, zh: str, en: str) -> None:
    write(root, f"docs/zh/{page}", zh)
    write(root, f"docs/en/{page}", en)


# --- both languages ---------------------------------------------------------------------------


def test_a_page_in_one_language_only_is_reported(tmp_path):
    pair(tmp_path, "index.md", "# 首页 {#home}\n", "# Home {#home}\n")
    write(tmp_path, "docs/zh/concepts/pod.md", "# Pod {#pod}\n")
    write(tmp_path, "docs/en/extra.md", "# Extra {#extra}\n")

    assert checks.missing_translations(tmp_path) == [
        "docs/zh/concepts/pod.md:1: no English page; add docs/en/concepts/pod.md with the same "
        "heading anchors (or remove this one)",
        "docs/en/extra.md:1: no Chinese page; add docs/zh/extra.md with the same heading anchors (or remove this one)",
    ]


def test_a_chinese_heading_without_anchor_is_reported(tmp_path):
    pair(tmp_path, "a.md", "# 标题 {#title}\n\n## 创建 Pod\n", "# Title {#title}\n")

    (finding,) = checks.headings_without_anchor(tmp_path)
    assert finding.startswith("docs/zh/a.md:3: heading '## 创建 Pod' has no explicit anchor;")
    assert "end it with {#an-english-slug}" in finding


def test_headings_in_code_fences_and_comments_are_not_headings(tmp_path):
    text = "# 标题 {#t}\n\n```bash\n# 注释\n```\n\n<!--\n# 不是标题\n-->\n\n    ```yaml\n    # x\n    ```\n"
    pair(tmp_path, "a.md", text, "# Title {#t}\n")

    assert checks.headings_without_anchor(tmp_path) == []
    assert checks.anchor_mismatches(tmp_path) == []


def test_a_different_anchor_is_reported(tmp_path):
    pair(
        tmp_path,
        "a.md",
        "# 标题 {#title}\n\n## 创建 Pod {#create-a-pod}\n",
        "# Title {#title}\n\n## Create a Pod {#creating-a-pod}\n",
    )

    assert checks.anchor_mismatches(tmp_path) == [
        "docs/en/a.md:3: heading 2 'Create a Pod' has anchor '#creating-a-pod' "
        "but docs/zh/a.md:3 has '#create-a-pod'; give both headings the same {#anchor}"
    ]


def test_an_english_heading_without_anchor_is_reported(tmp_path):
    pair(tmp_path, "a.md", "# 标题 {#title}\n\n## 步骤 {#steps}\n", "# Title {#title}\n\n## Steps\n")

    (finding,) = checks.anchor_mismatches(tmp_path)
    assert finding.startswith("docs/en/a.md:3: heading 2 'Steps' has anchor no explicit anchor")
    assert "give both headings the same {#anchor}" in finding


def test_a_heading_missing_in_one_language_is_reported(tmp_path):
    pair(tmp_path, "a.md", "# 标题 {#title}\n\n## 步骤 {#steps}\n", "# Title {#title}\n")

    assert checks.anchor_mismatches(tmp_path) == [
        "docs/zh/a.md:3: heading '步骤' ('#steps') has no counterpart in docs/en/a.md; "
        "add the heading there with the same anchor"
    ]


def test_includes_are_read_in_both_forms():
    text = (
        '```yaml\n--8<-- "concepts/pod.yaml"\n```\n'
        "--8<--\nconcepts/a.yaml:3:9\n;concepts/escaped.yaml\nconcepts/b.yaml:section\n--8<--\n"
        ';--8<-- "concepts/escaped.yaml"\n'
    )
    found = [(x.line, x.path, x.file) for x in checks.includes(text)]
    assert found == [
        (2, "concepts/pod.yaml", "concepts/pod.yaml"),
        (5, "concepts/a.yaml:3:9", "concepts/a.yaml"),
        (7, "concepts/b.yaml:section", "concepts/b.yaml"),
    ]


def test_a_broken_include_is_reported(tmp_path):
    write(tmp_path, "snippets/concepts/pod.yaml", "kind: Pod\n")
    text = '# Pod {#pod}\n\n```yaml\n--8<-- "concepts/pods.yaml"\n```\n'
    pair(tmp_path, "a.md", text, text)

    findings = checks.broken_includes(tmp_path)
    assert findings[0] == (
        'docs/zh/a.md:4: includes "concepts/pods.yaml", but snippets/concepts/pods.yaml does not '
        "exist; fix the path (it is relative to snippets/) or add the file"
    )
    assert findings[1].startswith("docs/en/a.md:4: ")


def test_an_include_in_one_language_only_is_reported(tmp_path):
    zh = '# Pod {#pod}\n\n```yaml\n--8<-- "concepts/pod.yaml"\n```\n'
    en = "# Pod {#pod}\n"
    pair(tmp_path, "a.md", zh, en)

    assert checks.include_mismatches(tmp_path) == [
        'docs/zh/a.md:4: includes "concepts/pod.yaml" but docs/en/a.md does not; include the '
        'same snippet there (--8<-- "concepts/pod.yaml") or drop it here'
    ]


def test_includes_in_another_order_are_reported(tmp_path):
    a = '--8<-- "a.yaml"\n'
    b = '--8<-- "b.yaml"\n'
    pair(tmp_path, "p.md", "# P {#p}\n\n" + a + b, "# P {#p}\n\n" + b + a)

    assert checks.include_mismatches(tmp_path) == [
        'docs/en/p.md:3: includes "b.yaml" where docs/zh/p.md:3 includes "a.yaml"; include the '
        "snippets in the same order in both languages"
    ]


def test_a_snippet_missing_from_one_language_is_reported(tmp_path):
    write(tmp_path, "snippets/concepts/pod.yaml", "kind: Pod\n")
    write(tmp_path, "snippets/concepts/unused.yaml", "kind: Pod\n")
    pair(tmp_path, "a.md", '# P {#p}\n--8<-- "concepts/pod.yaml:1:1"\n', "# P {#p}\n")

    assert checks.unincluded_snippets(tmp_path) == [
        "snippets/concepts/pod.yaml:1: not included by any English page; include it with "
        '--8<-- "concepts/pod.yaml" in the page of each language that explains it, or delete it',
        "snippets/concepts/unused.yaml:1: not included by any Chinese or English page; include "
        'it with --8<-- "concepts/unused.yaml" in the page of each language that explains it, '
        "or delete it",
    ]


# --- Chinese style ----------------------------------------------------------------------------


def test_a_forbidden_term_is_reported(tmp_path):
    write(tmp_path, "docs/zh/a.md", "# 名字空间 {#namespaces}\n\n每个命名空间里的对象。\n")

    assert checks.style_findings(tmp_path) == ["docs/zh/a.md:3: found '命名空间', write '名字空间' (zh-style.md terms)"]


def test_each_term_of_the_table_is_reported():
    text = (
        "你好，您好。\n"
        "控制面组件，但控制面板不算。\n"
        "用标签选择器选出所有 pods。\n"
        "节点选择器。\n"
        "持久卷声明。\n"
        "把秘密放进 Secret。\n"
        "三个 Deployments 和两个 Pods。\n"
        "两个 StorageClasses。\n"
    )
    found = [(line, term, write) for line, term, write in checks.forbidden_terms(text)]
    assert found == [
        (1, "您", "你"),
        (2, "控制面", "控制平面"),
        (3, "标签选择器", "标签选择算符"),
        (3, "pods", "Pod"),
        (4, "选择器", "选择算符 (标签选择算符 for a label selector)"),
        (5, "卷声明", "卷申领 (PersistentVolumeClaim: 持久卷申领)"),
        (6, "秘密", "Secret"),
        (7, "Deployments", "Deployment"),
        (7, "Pods", "Pod"),
        (8, "StorageClasses", "StorageClass"),
    ]


def test_terms_in_code_urls_links_and_comments_are_not_reported():
    text = (
        "---\ntitle: 命名空间\n---\n"
        "运行 `kubectl get pods -n 命名空间`。\n"
        "见 [名字空间](https://example.com/命名空间/pods) 和 <https://example.com/pods>。\n"
        '<!-- kubedoctest: skip reason="您 pods" -->\n'
        "```bash\nkubectl get pods  # 命名空间\n```\n"
        "## 名字空间 {#pods}\n"
        '<img src="pods.png" alt="x">\n'
        "[ref]: https://example.com/pods\n"
        "笔记原话是：“再定义选择器来筛选 pods”。\n"
        "文件 concepts/pods.md 和 pod.yaml。\n"
    )
    assert checks.forbidden_terms(text) == []


def test_missing_space_and_half_width_punctuation_are_reported(tmp_path):
    write(tmp_path, "docs/zh/a.md", "# 标题 {#t}\n\n这是一个Pod的例子,你可以创建它.\n")

    (finding,) = checks.style_findings(tmp_path)
    assert finding.startswith(
        "docs/zh/a.md:3: write '这是一个 Pod 的例子，你可以创建它。' instead of '这是一个Pod的例子,你可以创建它.'"
    )
    assert "zh-style.md rules 3-4" in finding


def test_code_is_not_corrected(tmp_path):
    text = "# 标题 {#t}\n\n```yaml\nname: 中文abc  # 注释abc\n```\n\n<!-- 注释abc -->\n"
    write(tmp_path, "docs/zh/a.md", text)

    assert checks.style_findings(tmp_path) == []


def test_a_line_broken_between_chinese_characters_is_reported(tmp_path):
    text = "# 标题 {#t}\n\n第一句话没有写完\n就换行了。\n\n- 列表项，\n  继续。\n\n第一行 `code`\n第二行。\n"
    write(tmp_path, "docs/zh/a.md", text)

    findings = checks.style_findings(tmp_path)
    assert findings == [
        "docs/zh/a.md:4: the line break before this line falls between two Chinese characters "
        "and shows as a space; join the two lines (zh-style.md rule 9)",
        "docs/zh/a.md:7: the line break before this line falls between two Chinese characters "
        "and shows as a space; join the two lines (zh-style.md rule 9)",
    ]


# --- the built site ---------------------------------------------------------------------------


def test_an_external_script_and_stylesheet_are_reported(tmp_path):
    write(
        tmp_path,
        "site/en/a/index.html",
        "<html><head>\n"
        '<script src="https://cdn.example.com/mermaid.min.js"></script>\n'
        '<link rel="stylesheet" href="//fonts.example.net/css?family=Roboto">\n'
        '<link rel="alternate" href="https://example.org/" hreflang="zh">\n'
        '<script src="../../assets/javascripts/bundle.js"></script>\n'
        "</head><body>\n"
        '<a href="https://kubernetes.io/docs/">docs</a>\n'
        '<img srcset="../x.png 1x, https://img.example.com/x.png 2x">\n'
        '<iframe src="https://video.example.com/embed"></iframe>\n'
        '<div style="background: url(https://img.example.com/bg.png)"></div>\n'
        "</body></html>\n",
    )

    findings = checks.external_resources(tmp_path / "site")
    assert findings == [
        'en/a/index.html:2: <script src="https://cdn.example.com/mermaid.min.js"> loads from '
        "another host (cdn.example.com); vendor the file under docs/assets/ and reference it "
        "locally",
        'en/a/index.html:3: <link href="//fonts.example.net/css?family=Roboto"> loads from another '
        "host (fonts.example.net); vendor the file under docs/assets/ and reference it locally",
        'en/a/index.html:8: <img srcset="https://img.example.com/x.png"> loads from another host '
        "(img.example.com); vendor the file under docs/assets/ and reference it locally",
        'en/a/index.html:9: <iframe src="https://video.example.com/embed"> loads from another '
        "host (video.example.com); vendor the file under docs/assets/ and reference it locally",
        "en/a/index.html:10: inline CSS url() loads https://img.example.com/bg.png from another "
        "host; vendor it under docs/assets/ and use a local path",
    ]


def test_css_from_another_host_is_reported(tmp_path):
    write(
        tmp_path,
        "site/assets/extra.css",
        '@import "https://fonts.example.net/a.css";\n'
        "body { background: url(data:image/png;base64,AAAA); }\n"
        ".x { src: url('https://fonts.example.net/f.woff2'); }\n"
        ".y { background: url(../images/local.png); }\n",
    )

    assert checks.external_resources(tmp_path / "site") == [
        "assets/extra.css:3: CSS url() loads https://fonts.example.net/f.woff2 from another host; "
        "vendor it under docs/assets/ and use a local path (theme.font: false for fonts)",
        "assets/extra.css:1: CSS @import loads https://fonts.example.net/a.css from another host; "
        "vendor it under docs/assets/ and use a local path (theme.font: false for fonts)",
    ]


def test_a_diagram_without_the_local_mermaid_is_reported(tmp_path):
    site = tmp_path / "site"
    write(site, "a/index.html", '<html><body>\n<pre class="mermaid">graph LR</pre>\n</body></html>')
    write(
        site,
        "b/index.html",
        '<h2 id="mermaid">Mermaid</h2>\n<pre class="mermaid">graph LR</pre>\n'
        '<script src="../assets/javascripts/mermaid.min.js"></script>\n',
    )

    assert checks.mermaid_findings(site) == [
        "a/index.html:2: has a Mermaid diagram but does not load the local "
        "assets/javascripts/mermaid.min.js; list it in extra_javascript in mkdocs.yml (otherwise "
        "Material loads Mermaid from a CDN)",
        'b/index.html:1: <h2 id="mermaid"> shadows the global mermaid and makes Material load '
        "Mermaid from a CDN; choose another id or heading anchor",
    ]


def _selector(zh: str, en: str) -> str:
    return (
        "<html><body><ul>\n"
        f'<li><a href="{zh}" hreflang="zh" class="md-select__link">简体中文</a></li>\n'
        f'<li><a href="{en}" hreflang="en" class="md-select__link">English</a></li>\n'
        "</ul></body></html>\n"
    )


def test_a_language_selector_leading_elsewhere_is_reported(tmp_path):
    site = tmp_path / "site"
    write(site, "index.html", _selector("./", "en/"))
    write(site, "en/index.html", _selector("../", "./"))
    write(site, "concepts/pod/index.html", _selector("./", "../../en/concepts/pod/"))
    write(site, "en/concepts/pod/index.html", _selector("/", "./"))

    assert checks.language_switch_findings(site) == [
        'en/concepts/pod/index.html:2: the Chinese entry of the language selector leads to "/", '
        'not to the same page "concepts/pod/index.html"; keep the page at the same path in '
        "docs/zh/ (mkdocs-static-i18n links pages of the same path)"
    ]


def test_a_chinese_word_split_in_the_search_index_is_reported(tmp_path):
    site = tmp_path / "site"
    index = {
        "config": {"separator": "[\\s\\u200b\\-]+"},
        "docs": [{"location": "", "title": "持久卷", "text": "持久\u200b卷\u200b申领"}],
    }
    write(site, "search/search_index.json", json.dumps(index))

    assert checks.search_index_findings(site, ["持久卷", "申领", "名字空间"]) == [
        "search/search_index.json:1: '名字空间' is not a search token (split or missing); add it "
        "to overrides/jieba-userdict.txt and keep \\u200b in the search separator of mkdocs.yml"
    ]
