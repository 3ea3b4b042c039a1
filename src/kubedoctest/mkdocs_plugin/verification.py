"""The generated part of reference/verification.md: what the latest runs did with each snippet.

The page's prose is written by hand; the plugin replaces the line MARKER with the Markdown made
here from the same results files as the badges. Only the pages of the page's own language are
counted, each snippet by the strongest result of its content hash, exactly as its badge. With no
results file it says that no test run is recorded, and claims nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from .results import OFFLINE, REAL, SIMULATED, Entry, Results, version_range

MARKER = "<!-- kdt-verification-results -->"

TEXT = {
    "zh": {
        "none": "**尚无测试运行记录。**这次构建没有读到 kubedoctest 的结果文件（`scripts/test` 写入 "
        "`.kubedoctest/results/`），所以本站不显示任何验证标记。",
        "runs": "本次构建读到的测试运行：",
        "run": "- {cluster}：{date}，Kubernetes {kubernetes}，模式 {versions}",
        "run_kubectl": "，运维手册步骤使用 kubectl {kubectl}",
        "offline_run": "- 仅离线检查：{date}，模式 {versions}",
        SIMULATED: "模拟节点上的控制平面（kwok）",
        REAL: "真实容器（kind）",
        "counts": "| 结果 | 片段数 |\n|---|---:|",
        "row": "| {what} | {n} |",
        "c_real": "在真实容器上应用并检查",
        "c_standin": "其中使用替身镜像",
        "c_sim": "在模拟节点上的控制平面上应用并检查",
        "c_partial": "其中部分验证",
        "c_offline": "仅离线检查（解析和模式校验）",
        "c_skipped": "未检查（见下文原因）",
        "c_unknown": "没有运行结果（运行之后改动过，或不在运行中）",
        "c_failed": "失败",
        "unknown": "没有这段文本的运行结果：运行之后改动过，或不在这次运行中",
        "pages": "| 页面 | 真实容器 | 模拟节点 | 仅离线 | 其他 |\n|---|---:|---:|---:|---:|",
        "why": "没有在集群上完整验证的片段和原因：",
        "why_row": "- {reason}（{n} 个）：{ids}",
        "standins": "在替身镜像上运行的片段：",
        "unavailable": "镜像无法获取：{image}",
        "no_cluster": "这次运行没有使用集群（--cluster none）",
    },
    "en": {
        "none": "**No test run is recorded.** This build read no kubedoctest results file (`scripts/test` "
        "writes them to `.kubedoctest/results/`), so the site shows no verification badges.",
        "runs": "Test runs this build read:",
        "run": "- {cluster}: {date}, Kubernetes {kubernetes}, schemas {versions}",
        "run_kubectl": ", runbook steps with kubectl {kubectl}",
        "offline_run": "- offline checks only: {date}, schemas {versions}",
        SIMULATED: "control plane with simulated nodes (kwok)",
        REAL: "real containers (kind)",
        "counts": "| outcome | snippets |\n|---|---:|",
        "row": "| {what} | {n} |",
        "c_real": "applied and checked on real containers",
        "c_standin": "of which on stand-in images",
        "c_sim": "applied and checked on a control plane with simulated nodes",
        "c_partial": "of which partial",
        "c_offline": "offline checks only (parse and schemas)",
        "c_skipped": "not checked (reasons below)",
        "c_unknown": "no result (changed since the run, or not in it)",
        "c_failed": "failed",
        "unknown": "no run result for this text: changed since the run, or not in it",
        "pages": "| page | real containers | simulated nodes | offline only | other |\n|---|---:|---:|---:|---:|",
        "why": "Snippets not fully verified on a cluster, and why:",
        "why_row": "- {reason} ({n}): {ids}",
        "standins": "Snippets that ran on stand-in images:",
        "unavailable": "image not available: {image}",
        "no_cluster": "the run had no cluster (--cluster none)",
    },
}


@dataclass(frozen=True)
class Shown:
    """One snippet of a built page: what the table counts (the same snippets that get badges)."""

    id: str  # page:line as the harness names it
    page: str
    hash: str


def _reason(entries: list[Entry], t: dict) -> str:
    for e in sorted(entries, key=lambda e: -e.strength):
        reasons = e.partial_reasons + [t["unavailable"].format(image=i) for i in e.unavailable_images]
        if reasons:
            return "; ".join(reasons)
    if all(e.run.provider == "none" for e in entries) and any(e.strength == OFFLINE for e in entries):
        return t["no_cluster"]
    for e in entries:
        for m in e.messages:
            text = m.split(": ", 1)[1] if ": " in m else m  # without its page:line
            for word in ("info: ", "warning: "):
                text = text.removeprefix(word)
            return text
    return entries[0].status


def render(results: Results, lang: str, snippets: list[Shown]) -> str:
    """The generated Markdown for the pages of one language: `snippets` are their snippets, in
    page order, each counted by the strongest result of its content hash (as its badge)."""
    t = TEXT.get(lang, TEXT["en"])
    if not results.runs:
        return t["none"]
    out = [t["runs"], ""]
    for run in sorted(results.runs, key=lambda r: r.date):
        versions = version_range(run.k8s_versions) or "-"
        if run.provider == "none":
            out.append(t["offline_run"].format(date=run.day, versions=versions))
        else:
            cluster = t[SIMULATED if run.simulated else REAL]
            line = t["run"].format(cluster=cluster, date=run.day, kubernetes=run.kubernetes, versions=versions)
            out.append(line + (t["run_kubectl"].format(kubectl=run.kubectl) if run.kubectl else ""))
    by_hash: dict[str, list[Entry]] = defaultdict(list)
    for e in results.entries:
        if e.hash:
            by_hash[e.hash].append(e)
    counts: Counter[str] = Counter()
    by_page: dict[str, Counter[str]] = defaultdict(Counter)
    why: list[tuple[str, str]] = []
    standins: list[str] = []
    for snippet in snippets:
        sid, entries, best = snippet.id, by_hash.get(snippet.hash, []), results.verdict(snippet.hash)
        if best is None:
            if not entries:
                category, reason = "c_unknown", t["unknown"]
            elif any(e.status == "failed" for e in entries):
                category, reason = "c_failed", _reason([e for e in entries if e.status == "failed"], t)
            else:
                category, reason = "c_skipped", _reason(entries, t)
            counts[category] += 1
            by_page[snippet.page][category] += 1
            why.append((sid, reason))
            continue
        category = {REAL: "c_real", SIMULATED: "c_sim", OFFLINE: "c_offline"}[best.strength]
        counts[category] += 1
        by_page[snippet.page][category] += 1
        if best.strength == REAL and best.standin_images:
            counts["c_standin"] += 1
            standins.append(f"- `{sid}`: {', '.join(best.standin_images)}")
        if best.strength in (REAL, SIMULATED) and best.partial:
            counts["c_partial"] += 1
        if best.strength < REAL and (best.partial or best.strength <= OFFLINE):
            why.append((sid, _reason([best], t)))
    out += ["", t["counts"]]
    for key in ("c_real", "c_standin", "c_sim", "c_partial", "c_offline", "c_skipped", "c_unknown", "c_failed"):
        if counts[key] or key in ("c_real", "c_sim", "c_offline"):
            out.append(t["row"].format(what=t[key], n=counts[key]))
    out += ["", t["pages"]]
    for page, c in sorted(by_page.items()):
        rest = c["c_skipped"] + c["c_unknown"] + c["c_failed"]
        out.append(f"| `{page}` | {c['c_real']} | {c['c_sim']} | {c['c_offline']} | {rest} |")
    if standins:
        out += ["", t["standins"], "", *standins]
    if why:
        grouped: dict[str, list[str]] = defaultdict(list)
        for sid, reason in why:
            grouped[reason].append(sid)
        out += ["", t["why"], ""]
        for reason, ids in sorted(grouped.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            listed = ", ".join(f"`{i}`" for i in ids)
            out.append(t["why_row"].format(reason=reason, n=len(ids), ids=listed))
    return "\n".join(out)
