"""Each class of mistake that only a real API server and its controllers catch, at its page:line;
and the formats the API server enforces (names, label values, quantities), which the offline tier
now catches first, with the server's own wording, before anything is applied."""

from __future__ import annotations

import pytest

CASES = [
    # (snippet id, page:line of the offending field, stage, words the message must contain)
    (
        "bad/selector-mismatch.md:3",
        "bad/selector-mismatch.md:15",
        "dry-run",
        "`selector` does not match template `labels`",
    ),
    (
        "bad/nodeport-range.md:3",
        "bad/nodeport-range.md:14",
        "apply",
        "provided port is not in the valid range",
    ),
    (
        "bad/invalid-name.md:3",
        "bad/invalid-name.md:7",
        "static",
        'metadata.name: Invalid value: "Web_Config"',
    ),
    (
        "bad/invalid-label.md:3",
        "bad/invalid-label.md:9",
        "static",
        'metadata.labels.team: Invalid value: "platform team!"',
    ),
    (
        "bad/malformed-quantity.md:3",
        "bad/malformed-quantity.md:14",
        "static",
        "quantities must match the regular expression",
    ),
    (
        "bad/requests-above-limits.md:3",
        "bad/requests-above-limits.md:13",
        "dry-run",
        "must be less than or equal to cpu limit",
    ),
    (
        "bad/undeclared-volume.md:3",
        "bad/undeclared-volume.md:13",
        "dry-run",
        'volumeMounts[0].name: Not found: "data"',
    ),
    (
        "bad/job-restart-always.md:3",
        "bad/job-restart-always.md:11",
        "dry-run",
        "spec.template.spec.restartPolicy: Required value",
    ),
    (
        "bad/pvc-never-binds.md:4",
        "bad/pvc-never-binds.md:5",
        "ready",
        "PersistentVolumeClaim/data did not become Bound within 3 s",
    ),
]
PREFIX = "tests/samples/live/"


@pytest.mark.parametrize(("snippet", "where", "stage", "words"), CASES, ids=[c[0] for c in CASES])
def test_a_live_only_mistake_fails_at_the_page_line_of_its_field(sample_run, snippet, where, stage, words):
    entry = sample_run[PREFIX + snippet]
    assert entry["status"] == "failed"
    assert entry["stage"] == stage
    first = entry["messages"][0]
    assert first.startswith(PREFIX + where + ": "), first
    assert words in first


def test_a_failed_wait_names_the_object_the_time_waited_its_last_status_and_events(sample_run):
    message = sample_run[PREFIX + "bad/pvc-never-binds.md:4"]["messages"][0]
    assert "last status: phase Pending" in message
    assert "events:" in message and "no-such-class" in message


def test_good_samples_pass_live_with_full_fidelity_unless_they_need_a_kubelet(sample_run):
    good = {k: v for k, v in sample_run.items() if k.startswith(PREFIX + "good/")}
    assert len(good) == 6
    assert all(v["status"] == "passed" and v["stage"] == "live" for v in good.values()), good
    client = good[PREFIX + "good/web.md:36"]
    assert client["fidelity"] == "partial"
    assert any("requires a kubelet" in m for m in client["messages"])
    assert any("Pod Succeeded was not checked" in m for m in client["messages"])
    others = [v for k, v in good.items() if k != PREFIX + "good/web.md:36"]
    assert all(v["fidelity"] == "full" for v in others)


def test_the_summary_counts_what_was_checked_only_partially(binaries, cli):
    done = cli("check", "tests/samples/live/good", "--cluster", "kwok", "--k8s-version", "1.37")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1] == "6 passed, 0 failed, 0 skipped (1 checked only partially)"
