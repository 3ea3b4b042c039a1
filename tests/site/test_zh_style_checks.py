"""The Chinese style lint (zh-style.md), fed tiny pages: the finding names path:line and what to write."""

from __future__ import annotations

import zh_style
from trees import write


def test_a_forbidden_term_is_reported(tmp_path):
    write(tmp_path, "docs/zh/a.md", "# 名字空间 {#namespaces}\n\n每个命名空间里的对象。\n")

    assert zh_style.style_findings(tmp_path) == [
        "docs/zh/a.md:3: found '命名空间', write '名字空间' (zh-style.md terms)"
    ]


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
    found = [(line, term, write) for line, term, write in zh_style.forbidden_terms(text)]
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
    assert zh_style.forbidden_terms(text) == []


def test_missing_space_and_half_width_punctuation_are_reported(tmp_path):
    write(tmp_path, "docs/zh/a.md", "# 标题 {#t}\n\n这是一个Pod的例子,你可以创建它.\n")

    (finding,) = zh_style.style_findings(tmp_path)
    assert finding.startswith(
        "docs/zh/a.md:3: write '这是一个 Pod 的例子，你可以创建它。' instead of '这是一个Pod的例子,你可以创建它.'"
    )
    assert "zh-style.md rules 3-4" in finding


def test_code_is_not_corrected(tmp_path):
    text = "# 标题 {#t}\n\n```yaml\nname: 中文abc  # 注释abc\n```\n\n<!-- 注释abc -->\n"
    write(tmp_path, "docs/zh/a.md", text)

    assert zh_style.style_findings(tmp_path) == []


def test_a_line_broken_between_chinese_characters_is_reported(tmp_path):
    text = "# 标题 {#t}\n\n第一句话没有写完\n就换行了。\n\n- 列表项，\n  继续。\n\n第一行 `code`\n第二行。\n"
    write(tmp_path, "docs/zh/a.md", text)

    findings = zh_style.style_findings(tmp_path)
    assert findings == [
        "docs/zh/a.md:4: the line break before this line falls between two Chinese characters "
        "and shows as a space; join the two lines (zh-style.md rule 9)",
        "docs/zh/a.md:7: the line break before this line falls between two Chinese characters "
        "and shows as a space; join the two lines (zh-style.md rule 9)",
    ]
