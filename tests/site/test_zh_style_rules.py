"""The context rules of the Chinese style lint: each fails on a bad sample and passes the good one."""

from __future__ import annotations

import pytest
import zh_style
from trees import write


def terms(text: str) -> list[str]:
    return [term for _, term, _ in zh_style.forbidden_terms(text)]


@pytest.mark.parametrize(
    ("bad", "found"),
    [
        ("调度器 watch 未调度的 Pod。\n", "watch"),
        ("控制器 watch 到新的 ReplicaSet。\n", "watch"),
        ("每个命名空间里的 Pod。\n", "命名空间"),
        ("Pod 共享一个网络名字空间。\n", "网络名字空间"),
        ("这不是按 Linux 名字空间隔离的参数。\n", "Linux 名字空间"),
        ("镜像固定到具体的标签（Tag）。\n", "标签（Tag）"),
        ("镜像名称或标签写错了。\n", "名称或标签"),
        ("使用 `nginx:latest` 标签。\n", "`nginx:latest` 标签"),
        ("控制平面（control plane）做全局决策。\n", "控制平面（control plane）"),
        ("那时很多测试阶段的功能通过注解配置。\n", "测试阶段"),
        ("当时还是测试版。\n", "测试版"),
        ("这是 Beta 阶段的功能。\n", "Beta 阶段的功能"),
        ("打开功能门控。\n", "功能门控"),
        ("这是一个新的功能特性。\n", "功能特性"),
        ("Ingress：Kubernetes 1.2 的新功能。\n", "Kubernetes 1.2 的新功能"),
        ("Ingress API 已冻结，不再增加新功能。\n", "新功能"),
        ("当年通过注解配置的功能大多已经变成了正式字段。\n", "注解配置的功能"),
    ],
)
def test_a_bad_sample_is_reported(bad, found):
    assert found in terms(bad)


@pytest.mark.parametrize(
    "good",
    [
        "调度器监视未调度的 Pod。\n",
        "API 服务器为客户端提供监视（watch）。\n",
        "拥有 `watch` 权限的人能读到 Secret。\n",
        "每个名字空间里的 Pod。\n",
        "Pod 共享一个 Linux 网络命名空间。\n",
        "`vm.max_map_count` 不是按 Linux 命名空间（namespace）隔离的内核参数。\n",
        "笔记说：“Namespace 命名空间用来实现多租户隔离”。\n",
        "镜像固定到具体的镜像标签（tag）。\n",
        "节点必须带有这个标签。\n",
        "控制平面（Control Plane）做全局决策。\n",
        "构建控制平面（Kubernetes 1.37.2、etcd 3.7.3）。\n",
        "那时 Init 容器还是 Beta 阶段的特性。\n",
        "打开 `KubeProxyIPVS` 特性门控。\n",
        "RKE2 自带快照功能，默认每天做两次。\n",
        "它原生支持按请求头匹配、流量拆分等功能，这些在 Ingress 中只能靠注解实现。\n",
        "[Kubernetes 1.2 新功能介绍：Ingress 原理及实例](http://www.dockerinfo.net/1132.html)\n",
        "| Kubernetes 1.2 新功能介绍：Deployment | <http://www.dockerinfo.net/1128.html> |\n",
        "Ingress API 已冻结，不再增加新特性，新的特性都在 Gateway API 中开发。\n",
        "应用新增了导出功能。\n",
    ],
)
def test_a_good_sample_passes(good):
    assert terms(good) == []


def test_a_context_finding_names_the_page_line_and_what_to_write(tmp_path):
    write(tmp_path, "docs/zh/a.md", "# 组件 {#components}\n\n`kubelet` watch 分配给本节点的 Pod。\n")

    assert zh_style.style_findings(tmp_path) == [
        "docs/zh/a.md:3: found 'watch', write '监视 (the API verb only as code: `watch`)' (zh-style.md terms)"
    ]


def test_code_fences_are_not_prose():
    text = '```mermaid\nflowchart LR\n    watch["监视"] --> diff\n```\n'
    assert terms(text) == []
