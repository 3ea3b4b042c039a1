"""Chinese style rules that depend on context, which the plain term table of zh_style cannot say.

Each rule reads one line of prose (inline code, URLs and quotations already blanked, see
zh_style.prose_of) and, where a rule needs it, the raw line with its inline code kept, and
returns (found, write) pairs. zh-style.md, "Context rules", explains each one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Finding = tuple[str, str]

# Words that make 命名空间 / 名字空间 mean a Linux kernel namespace.
_KERNEL_CONTEXT = ("Linux", "内核", "网络", "PID", "挂载", "IPC", "UTS", "cgroup", "用户")
_CLAUSE_END = re.compile(r"[。；！？：:;!?]")

_WATCH = re.compile(r"(?<![A-Za-z0-9_./-])[Ww]atch(?:es|ed|ing)?(?![A-Za-z0-9_./-])")
_WATCH_GLOSS = "监视（"
_MINGMING = re.compile(r"命名空间")
_KERNEL_MINGZI = re.compile(r"(?:Linux\s*|内核的?|网络|PID\s*|挂载|IPC\s*|UTS\s*|cgroup\s*)名字空间")
_TAG_GLOSS = re.compile(r"(?<!镜像)标签（[Tt]ags?）")
_TAG_PAIRS = re.compile(r"(?:名称|名字)或标签|(?<!镜像)标签或摘要")
_LATEST_TAG = re.compile(r"`[^`]*latest`\s*标签")
_CP_GLOSS = re.compile(r"控制平面（(?!Control Plane）)(?i:control\s*plane)）")
_STAGE_TEST = re.compile(r"测试阶段|测试版")
_STAGE_FEATURE = re.compile(r"(?:Alpha|Beta|GA|稳定)\s*(?:阶段)?的?功能")
_FEATURE_GATE = re.compile(r"功能门控")
# 功能 for a Kubernetes feature, in the forms that cannot be an ordinary "function": both words
# at once, a Kubernetes release's (new) feature, a feature switched through annotations, and a
# new feature of an API. Article titles such as "Kubernetes 1.2 新功能介绍" keep their wording.
_FEATURE_PAIR = re.compile(r"功能特性|特性功能")
_K8S_FEATURE = re.compile(r"Kubernetes\s*(?:v?\d+(?:\.\d+)*\s*)?(?:版本)?(?:中|里)?的?新?功能(?!介绍)")
_ANNOTATION_FEATURE = re.compile(r"注解(?:来)?(?:配置|开启|启用|打开|关闭|控制)的?功能")
_NEW_FEATURE = re.compile(r"新的?功能(?!介绍)")
_SENTENCE_END = re.compile(r"[。；！？;!?]")
_API = re.compile(r"(?<![A-Za-z])API(?![A-Za-z])")


def watch_in_prose(prose: str, raw: str) -> list[Finding]:
    """The English word watch in Chinese prose (the API verb belongs in code: `watch`)."""
    found = []
    for m in _WATCH.finditer(prose):
        if prose[: m.start()].endswith(_WATCH_GLOSS):
            continue  # the gloss 监视（watch） on first use
        found.append((m.group(0), "监视 (the API verb only as code: `watch`)"))
    return found


def kubernetes_namespace_as_mingming(prose: str, raw: str) -> list[Finding]:
    """命名空间 outside a Linux-kernel context: the Kubernetes object is 名字空间."""
    found = []
    for m in _MINGMING.finditer(prose):
        clause = _CLAUSE_END.split(prose[: m.start()])[-1]
        if not any(word in clause for word in _KERNEL_CONTEXT):
            found.append((m.group(0), "名字空间"))
    return found


def kernel_namespace_as_mingzi(prose: str, raw: str) -> list[Finding]:
    """名字空间 for a Linux kernel namespace (network, PID, mount, ...): that is 命名空间."""
    return [
        (m.group(0), m.group(0).replace("名字空间", "命名空间") + " (a Linux kernel namespace)")
        for m in _KERNEL_MINGZI.finditer(prose)
    ]


def image_tag_as_label(prose: str, raw: str) -> list[Finding]:
    """An image tag called 标签, which is a label: write 镜像标签."""
    found = [(m.group(0), "镜像标签（tag）") for m in _TAG_GLOSS.finditer(prose)]
    found += [(m.group(0), m.group(0).replace("标签", "镜像标签")) for m in _TAG_PAIRS.finditer(prose)]
    found += [(m.group(0), "镜像标签 (an image tag is not a label)") for m in _LATEST_TAG.finditer(raw)]
    return found


def control_plane_gloss(prose: str, raw: str) -> list[Finding]:
    """One gloss form: 控制平面（Control Plane）."""
    return [(m.group(0), "控制平面（Control Plane）") for m in _CP_GLOSS.finditer(prose)]


def feature_stage_terms(prose: str, raw: str) -> list[Finding]:
    """Feature stages as in the glossary: Alpha, Beta, GA stay English; feature is 特性."""
    found = [(m.group(0), "Beta 阶段 (stage names stay English)") for m in _STAGE_TEST.finditer(prose)]
    found += [(m.group(0), re.sub(r"的?功能$", "的特性", m.group(0))) for m in _STAGE_FEATURE.finditer(prose)]
    found += [(m.group(0), "特性门控") for m in _FEATURE_GATE.finditer(prose)]
    return found


def kubernetes_feature_as_gongneng(prose: str, raw: str) -> list[Finding]:
    """功能 for a Kubernetes feature: the glossary's word is 特性 (feature gate: 特性门控).

    Ordinary 功能 (what a tool or a product can do: 快照功能) is left alone; only forms that
    name a Kubernetes feature are reported.
    """
    matches = [m for r in (_FEATURE_PAIR, _K8S_FEATURE, _ANNOTATION_FEATURE) for m in r.finditer(prose)]
    for m in _NEW_FEATURE.finditer(prose):
        start = max((e.end() for e in _SENTENCE_END.finditer(prose, 0, m.start())), default=0)
        end = _SENTENCE_END.search(prose, m.end())
        if _API.search(prose[start : end.start() if end else len(prose)]):
            matches.append(m)  # a new feature of an API: 不再增加新功能 in a sentence on Ingress API
    found, taken = [], set()
    for m in sorted(matches, key=lambda m: (m.start(), -m.end())):
        span = set(range(m.start(), m.end()))
        if span & taken:
            continue
        taken |= span
        write = "特性" if _FEATURE_PAIR.fullmatch(m.group(0)) else m.group(0).replace("功能", "特性")
        found.append((m.group(0), write))
    return found


RULES: list[Callable[[str, str], list[Finding]]] = [
    watch_in_prose,
    kubernetes_namespace_as_mingming,
    kernel_namespace_as_mingzi,
    image_tag_as_label,
    control_plane_gloss,
    feature_stage_terms,
    kubernetes_feature_as_gongneng,
]


def context_findings(prose: str, raw: str) -> list[Finding]:
    """(found, write) of every context rule on one line."""
    return [f for rule in RULES for f in rule(prose, raw)]
