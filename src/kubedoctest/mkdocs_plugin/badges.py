"""The verified-by badge of one snippet, from the strongest passed result of its content hash.

A badge says what ran: the offline schema versions, the cluster it was applied on (a control
plane with simulated nodes, or real containers), the Kubernetes version and the date of the run,
and "partial" with the reason when an expectation could not be checked. A snippet whose hash no
run knows gets no badge at all.
"""

from __future__ import annotations

from html import escape

from .results import OFFLINE, REAL, SIMULATED, Entry, version_range

TEXT = {
    "zh": {
        "label": "已验证",
        "label_step": "已运行",
        "schemas": "模式 {versions}",
        SIMULATED: "模拟节点上的控制平面",
        REAL: "真实容器",
        OFFLINE: "仅离线检查",
        "kubernetes": "Kubernetes {version}",
        "partial": "部分验证",
        "standin": "替身镜像：{images}",
        "title": "kubedoctest 最近一次测试运行的结果（{source}）。片段改动后，此标记会消失，直到下一次运行。",
        "sep": "；",
    },
    "en": {
        "label": "Verified",
        "label_step": "Ran",
        "schemas": "schemas {versions}",
        SIMULATED: "control plane with simulated nodes",
        REAL: "real containers",
        OFFLINE: "offline checks only",
        "kubernetes": "Kubernetes {version}",
        "partial": "partial",
        "standin": "stand-in images: {images}",
        "title": "The result of kubedoctest's latest test run ({source}). When the snippet changes, "
        "this badge disappears until the next run.",
        "sep": "; ",
    },
}


def text_for(lang: str) -> dict:
    return TEXT.get(lang, TEXT["en"])


def parts(entry: Entry, lang: str) -> list[str]:
    """The badge's pieces of text, in order (also what the tests read)."""
    t = text_for(lang)
    out = []
    versions = version_range(entry.k8s_versions)
    if versions:
        out.append(t["schemas"].format(versions=versions))
    out.append(t[entry.strength])
    if entry.strength in (SIMULATED, REAL) and entry.run.kubernetes:
        out.append(t["kubernetes"].format(version=entry.run.kubernetes))
    if entry.run.day:
        out.append(entry.run.day)
    return out


def render(entry: Entry, lang: str) -> str:
    """The badge HTML: a <div> that follows the code block."""
    t = text_for(lang)
    label = t["label_step"] if entry.language in ("bash", "sh", "shell") else t["label"]
    kind = {OFFLINE: "offline", SIMULATED: "simulated", REAL: "real"}[entry.strength]
    items = "".join(f'<span class="kdt-badge__item">{escape(p)}</span>' for p in parts(entry, lang))
    extra = ""
    if entry.partial:
        reasons = t["sep"].join(entry.partial_reasons)
        extra += (
            f'<span class="kdt-badge__partial">{escape(t["partial"])}'
            + (f'<span class="kdt-badge__reason">{escape(reasons)}</span>' if reasons else "")
            + "</span>"
        )
    if entry.standin_images:
        extra += f'<span class="kdt-badge__item">{escape(t["standin"].format(images=", ".join(entry.standin_images)))}</span>'
    title = escape(t["title"].format(source=entry.run.provider), quote=True)
    state = "partial" if entry.partial else "full"
    return (
        f'<div class="kdt-badge kdt-badge--{kind} kdt-badge--{state}" data-kdt-hash="{entry.hash}" title="{title}">'
        f'<span class="kdt-badge__label">{escape(label)}</span>{items}{extra}</div>'
    )
