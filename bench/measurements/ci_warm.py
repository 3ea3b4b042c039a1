"""A whole warm `bash .ci/run` (a fresh clone on a machine whose caches and node image are warm), read from its log
(BENCH_CI_LOG): wall clock, exit code, each tier's seconds, and the builds the run made. See bench/ci_log.py."""

from __future__ import annotations

from typing import Any

from bench import ci_log

NAME = "ci_warm"
SUMMARY = "a whole warm bash .ci/run, from its log (BENCH_CI_LOG): wall clock, tiers, builds"


def measure(runs: int, quick: bool) -> dict[str, Any]:
    return ci_log.read("warm")
