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
