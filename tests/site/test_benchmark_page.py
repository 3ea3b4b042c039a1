"""The harness's docs page publishes the figures of the last full benchmark run, bench/results.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RESULTS = json.loads((ROOT / "bench" / "results.json").read_text())


def _figures(language: str) -> list[str]:
    offline, live = RESULTS["offline"], RESULTS["live_kwok"]
    return [
        f"{offline['seconds']:.3f}",
        f"{offline['speedup_vs_kubernetes_validate']}",
        f"{offline['kubernetes_validate_batch_seconds']:.2f}",
        f"{offline['kubeconform_seconds']:.2f}",
        f"{live['start_seconds']:.1f}",
        f"{live['snippet_median_seconds']:.3f}",
        f"{live['snippet_p90_seconds']:.3f}",
        f"{live['suite_seconds']:.1f}",
        f"{round(live['peak_rss_mb'])} MiB",
        f"{live['build_seconds']:.0f}",
        *(
            f
            for p in RESULTS["site_build"]["points"]
            for f in (
                f"{p['full_seconds']:.1f}",
                f"{p['plain_seconds']:.1f}",
                f"{p['full_cpu_seconds']:.1f}",
                f"{p['plain_cpu_seconds']:.1f}",
                f"{p['cpu_ratio']:.2f}",
            )
        ),
        *(f"{s['seconds']:.2f}" for s in RESULTS["offline_scaling"]["points"]),
        *(f"{RESULTS['pytest_xdist'][k]:.2f}" for k in ("n0_seconds", "n2_seconds", "speedup")),
        *(f"{c['seconds']:.3f}" for c in RESULTS["real_docs"]["corpora"].values()),
        f"{RESULTS['kind']['create_to_ready_seconds']['median']:.1f}",
        f"{RESULTS['kind']['docs_suite_seconds']:.0f}",
        f"{RESULTS['changed_kind']['with_cluster_up_seconds']:.1f}",
        f"{RESULTS['changed_kind']['with_create_seconds']:.1f}",
        f"{RESULTS['kind_shards']['checked_per_minute']:.1f}",
        f"{RESULTS['ci_cold']['wall_seconds']}",
        f"{RESULTS['ci_cold']['wall_seconds'] / 60:.1f}",
        f"{RESULTS['ci_cold']['other_seconds']:.1f}",
        f"{RESULTS['ci_warm']['wall_seconds']}",
        f"{RESULTS['ci_warm']['wall_seconds'] / 60:.1f}",
        f"{RESULTS['kind_shards']['shards_needed']} shards"
        if language == "en"
        else f"{RESULTS['kind_shards']['shards_needed']} 个分片",
    ]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_benchmarks_section_shows_the_figures_of_bench_results_json(language):
    page = (ROOT / "docs" / language / "reference" / "kubedoctest.md").read_text()
    section = page[page.index("{#benchmarks}") :]
    missing = [f for f in _figures(language) if f not in section]
    assert not missing, (
        f"docs/{language}/reference/kubedoctest.md: the Benchmarks section lacks {missing} from "
        "bench/results.json; copy the figures of the last full run of `python -m bench` into it"
    )


# "Where the cold minutes go" (bench/measurements/cold_minutes.py): its table is generated here from
# bench/results.json and must stand in each page line for line; print it with
# `.venv/bin/python tests/site/test_benchmark_page.py en|zh` after a run of `python -m bench cold_minutes`.
COLD_WORDS = {
    "en": {
        "head": "| what | sum of parts (s) | wall clock (s) | figures |",
        "control_plane": "control plane for kwok",
        "go": "node image, Go lane",
        "debian": "node image, Debian lane",
        "debian_before": "node image, Debian lane: built before, in scripts/test's background beside the control plane",
        "after": "node image, then images and assembly",
        "node": "node image, whole",
        "estimate": "node image with the two lanes at once: the longer lane, then images and assembly",
        "now": "node image now, two lanes at once: Go lane {go} s, Debian lane {debian} s ({parts})",
        "kwok": "kwok tier (harness tests, site, every docs snippet on kwok: `{command}`)",
        "kind": "kind tier (`tests/kind`, every docs snippet on kind: `{command}`)",
        "total": "cold CI: the control plane, the node image and the two tiers",
        "recorded": "recorded: cold build of {date}",
        "estimated": "estimate from the recorded parts",
        "measured": "measured now, {date}",
        "measured_exit": "measured now, {date} (exit code {code})",
        "mixed": "recorded builds, tiers measured now",
        "ci": "the cold CI run of {date}: {summary}",
        "ci_total": "the cold CI run's builds and tiers",
        "sep": ", ",
        "colon": ": ",
    },
    "zh": {
        "head": "| 项目 | 各部分之和（秒） | 实际耗时（秒） | 数据 |",
        "control_plane": "kwok 用的控制平面",
        "go": "节点镜像的 Go 通道",
        "debian": "节点镜像的 Debian 通道",
        "debian_before": "节点镜像的 Debian 通道：事先在 scripts/test 的后台与控制平面同时构建",
        "after": "节点镜像随后的镜像和组装",
        "node": "整个节点镜像",
        "estimate": "两条通道同时进行的节点镜像：较长的通道，然后是镜像和组装",
        "now": "现在的节点镜像，两条通道同时进行：Go 通道 {go} 秒，Debian 通道 {debian} 秒（{parts}）",
        "kwok": "kwok 测试层（本工具的测试、站点、在 kwok 上运行每个文档片段：`{command}`）",
        "kind": "kind 测试层（`tests/kind`、在 kind 上运行每个文档片段：`{command}`）",
        "total": "缓存全空时的 CI：控制平面、节点镜像和两个测试层",
        "recorded": "记录值：{date} 的冷构建",
        "estimated": "根据记录的各部分估算",
        "measured": "现在测得，{date}",
        "measured_exit": "现在测得，{date}（退出码 {code}）",
        "mixed": "构建为记录值，测试层为现在测得",
        "ci": "{date} 缓存全空的 CI 运行：{summary}",
        "ci_total": "缓存全空的那次 CI 运行的构建和测试层",
        "sep": "、",
        "colon": "：",
    },
}


def _parts(parts: dict[str, float], sep: str) -> str:
    return sep.join(f"`{k}` {v:.1f}" for k, v in sorted(parts.items(), key=lambda kv: -kv[1]))


def cold_rows(language: str) -> list[str]:
    """The lines of the cold-minutes table of the page in `language`, from bench/results.json."""
    from bench.measurements import cold_minutes

    w, c = COLD_WORDS[language], RESULTS["cold_minutes"]
    cp, node, now = c["control_plane"], c["node_image"], c["node_image_now"]
    groups = cold_minutes.lanes_of(node["parts"])
    rec_cp = w["recorded"].format(date=cp["built_at"][:10])
    rec_node = w["recorded"].format(date=node["built_at"][:10])
    rows = [
        w["head"],
        "|---|---|---|---|",
        f"| {w['control_plane']}{w['colon']}{_parts(cp['parts'], w['sep'])} | {cp['sum_of_parts_seconds']:.1f} | {cp['wall_seconds']:.1f} | {rec_cp} |",
    ]
    for lane in ("go", "debian", "after"):
        parts = {k: v for k, v in groups[lane].items() if v}
        if lane == "debian" and not parts:
            rows.append(f"| {w['debian_before']} | 0.0 | | {rec_node} |")
            continue
        rows.append(
            f"| {w[lane]}{w['colon']}{_parts(parts, w['sep'])} | {sum(groups[lane].values()):.1f} | | {rec_node} |"
        )
    rows += [
        f"| {w['node']} | {node['sum_of_parts_seconds']:.1f} | {node['wall_seconds']:.1f} | {rec_node} |",
        f"| {w['estimate']} | | {node['lanes_estimate_seconds']:.1f} | {w['estimated']} |",
    ]
    if now:
        debian = {k: v for k, v in cold_minutes.lanes_of(now["parts"])["debian"].items() if v}
        what = w["now"].format(go=now["lanes"]["go"], debian=now["lanes"]["debian"], parts=_parts(debian, w["sep"]))
        when = w["measured"].format(date=now["built_at"][:10])
        rows.append(f"| {what} | {now['sum_of_parts_seconds']:.1f} | {now['wall_seconds']:.1f} | {when} |")
    for name, tier in c["tiers"].items():
        command = " ".join(["pytest", *(a for a in cold_minutes.TIERS[name][2:] if a not in ("-q", "-rf"))])
        if tier.get("from") == "cold ci run":
            when = w["ci"].format(date=tier["date"], summary=tier["summary"])
        else:
            when = w["measured_exit"].format(date=c["date"], code=tier["exit_code"])
        rows.append(f"| {w[name].format(command=command)} | | {tier['wall_seconds']:.1f} | {when} |")
    from_ci = any(t.get("from") == "cold ci run" for t in c["tiers"].values())
    total_from = "ci_total" if from_ci else "mixed"
    rows.append(
        f"| **{w['total']}** | {c['cold_sum_of_parts_seconds']:.1f} | **{c['cold_wall_seconds']:.1f}** | {w[total_from]} |"
    )
    return rows


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_cold_minutes_table_is_the_one_of_bench_results_json(language):
    page = (ROOT / "docs" / language / "reference" / "kubedoctest.md").read_text()
    section = page[page.index("{#benchmarks-cold-minutes}") :]
    lines = set(section.splitlines())
    missing = [row for row in cold_rows(language) if row not in lines]
    assert not missing, (
        f"docs/{language}/reference/kubedoctest.md: the cold-minutes table differs from bench/results.json in "
        f"{missing}; print it with `.venv/bin/python tests/site/test_benchmark_page.py {language}`"
    )


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(ROOT))
    print("\n".join(cold_rows(sys.argv[1])))
