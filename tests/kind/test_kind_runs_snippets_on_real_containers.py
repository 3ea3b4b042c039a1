"""Snippets on real containers: stand-in images, DNS, storage, crash loops, images not available."""

from __future__ import annotations

from .conftest import SAMPLES as SAMPLES_DIR


def _entry(kind_samples: dict, page: str, line: int) -> dict:
    return kind_samples["entries"][f"tests/samples/kind/{page}:{line}"]


def _line_of(page: str, text: str) -> int:
    from .conftest import SAMPLES

    lines = (SAMPLES / page).read_text().splitlines()
    return next(
        i for i, line in enumerate(lines, 1) if line.startswith("```yaml") and text in "\n".join(lines[i : i + 6])
    )


def test_a_deployment_on_the_nginx_stand_in_becomes_available_and_says_it_ran_on_a_stand_in(kind_samples):
    entry = _entry(kind_samples, "pods.md", _line_of("pods.md", "kind: Deployment"))
    assert entry["status"] == "passed", entry
    assert entry["fidelity"] == "full", entry
    assert entry["standin_images"] == ["nginx:1.30"], entry


def test_a_pod_reaches_a_service_by_its_short_dns_name_for_real(kind_samples):
    entry = _entry(kind_samples, "pods.md", _line_of("pods.md", "name: fetch"))
    assert entry["status"] == "passed", entry
    assert entry["fidelity"] == "full", entry  # requires="kubelet" is full on kind


def test_a_claim_binds_to_a_real_directory_and_a_pod_writes_to_it(kind_samples):
    entry = _entry(kind_samples, "pods.md", _line_of("pods.md", "kind: PersistentVolumeClaim"))
    assert entry["status"] == "passed", entry
    assert entry["fidelity"] == "full", entry


def test_an_image_without_a_stand_in_is_created_not_waited_for_and_named(kind_samples):
    entry = _entry(kind_samples, "pods.md", _line_of("pods.md", "name: nexus"))
    assert entry["status"] == "passed", entry
    assert entry["fidelity"] == "partial", entry
    assert entry["unavailable_images"] == ["sonatype/nexus3:3.96.0"], entry
    assert any("image not available here: sonatype/nexus3:3.96.0" in m for m in entry["messages"]), entry


def test_a_crash_loop_fails_with_the_containers_last_state_and_log_tail(kind_samples):
    entry = _entry(kind_samples, "crash.md", _line_of("crash.md", "name: crasher"))
    assert entry["status"] == "failed", entry
    text = "\n".join(entry["messages"])
    assert "CrashLoopBackOff" in text or "exit code 3" in text, text
    assert "exit code 3" in text, text
    assert "boom from the crasher" in text, text


def test_the_run_reports_its_provider_stand_ins_and_runtime_workaround(kind_samples):
    run = kind_samples["report"].get("run") or {}
    assert run.get("provider") == "kind", run
    assert run.get("simulated") is False, run
    from kubedoctest.cluster import docker

    if docker.host_lacks_sys_resource():
        assert any("CAP_SYS_RESOURCE" in n for n in run.get("notes", [])), run
    else:
        assert not any("CAP_SYS_RESOURCE" in n for n in run.get("notes", [])), run


def test_a_port_one_runbook_step_forwards_is_reached_by_the_next_steps_curl(kind_samples):
    lines = (SAMPLES_DIR / "runbooks" / "port-forward.md").read_text().splitlines()
    steps = [i for i, line in enumerate(lines, 1) if line.startswith("```bash")]
    entries = [_entry(kind_samples, "runbooks/port-forward.md", line) for line in steps]
    assert [e["status"] for e in entries] == ["passed"] * 3, entries
    assert entries[-1]["fidelity"] == "full", entries[-1]


def test_a_run_that_creates_its_cluster_loads_the_images_while_kind_creates_it(kind_samples):
    import re

    err = kind_samples["stderr"]
    found = re.search(r"kubedoctest: (\d+) workload images loaded into the node while the cluster was created", err)
    assert found and int(found.group(1)) >= 2, err  # nginx and busybox stand-ins at least
