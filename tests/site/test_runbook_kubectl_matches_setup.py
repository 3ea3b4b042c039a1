"""The kubectl the harness runs runbook steps with on kwok is the oldest the setup page allows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kubedoctest.cluster import build, kubectl

ROOT = Path(__file__).resolve().parents[2]
SENTENCES = {
    "en": re.compile(r"for a (\d+\.\d+) cluster use `kubectl` (\d+\.\d+), (\d+\.\d+) or (\d+\.\d+)"),
    "zh": re.compile(r"集群是 (\d+\.\d+) 时，用 (\d+\.\d+)、(\d+\.\d+) 或 (\d+\.\d+) 的 `kubectl`"),
}


@pytest.mark.parametrize("lang", SENTENCES)
def test_the_setup_page_allows_kubectl_one_minor_either_side_of_the_tested_cluster(lang):
    page = ROOT / "docs" / lang / "setup" / "index.md"
    found = SENTENCES[lang].search(page.read_text(encoding="utf-8"))
    assert found, f"{page.relative_to(ROOT)}: the sentence on kubectl versions was not found; update this test"
    cluster, oldest, same, newest = found.groups()
    tested = ".".join(build.KUBERNETES.split(".")[:2])
    assert cluster == same == tested, f"{page.relative_to(ROOT)} speaks of a {cluster} cluster; the tests run {tested}"
    assert oldest == kubectl.oldest_minor(build.KUBERNETES), f"{page.relative_to(ROOT)}: oldest kubectl {oldest}"
    assert kubectl.PINNED[oldest].startswith(oldest + "."), "the pinned oldest kubectl is of another minor"
    assert int(newest.split(".")[1]) == int(tested.split(".")[1]) + 1


def test_the_test_script_runs_the_kwok_tier_with_the_oldest_kubectl():
    script = (ROOT / "scripts" / "test").read_text(encoding="utf-8")
    assert re.search(r"--kubedoctest-cluster kwok --kubedoctest-runbook-kubectl oldest", script)
