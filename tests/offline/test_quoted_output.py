"""A runbook step's quoted output (the ```text block after it) is compared like a doctest."""

from __future__ import annotations

import pytest

from kubedoctest.collect.collect import SHELL_LANGUAGES, YAML_LANGUAGES, collect_page
from kubedoctest.collect.includes import IncludeConfig
from kubedoctest.runbook.quoted_output import difference, matches, normalise

RUNBOOK = "docs/en/runbooks/page.md"


def collect(text: str, page: str = RUNBOOK):
    return collect_page(page, text.split("\n"), IncludeConfig(), YAML_LANGUAGES | SHELL_LANGUAGES)


@pytest.mark.parametrize(
    ("page", "cluster"),
    [
        ("data   Pending   fast-ssd   <unset>   2s", "data Pending fast-ssd <unset> 47s"),
        ("web-7c9f8d6b5-x2x9z   1/1   Running   0   12s", "web-5d4f8b7c69-q7wzt 1/1 Running 0 3m4s"),
        ("Warning  BackOff  3s (x2 over 5s)  kubelet  Back-off", "Warning BackOff 1s (x7 over 2m30s) kubelet Back-off"),
        ("IP:  10.244.1.5", "IP:  fd00:10:244::7"),
        ("web   NodePort   10.96.0.12   <none>   80:31234/TCP", "web NodePort 10.96.4.1 <none> 80:30080/TCP"),
        ("Start Time:  Mon, 07 Dec 2026 05:34:12 +0000", "Start Time:  Tue, 08 Dec 2026 11:00:00 +0000"),
        ("uid: 0d3c5a4e-1111-4222-8333-944445555666", "uid: e0db24d5-7214-42e3-a216-a1a952a3ad37"),
        ('resourceVersion: "12"', 'resourceVersion: "4711"'),
        ("Container ID:  containerd://" + "a" * 64, "Container ID:  containerd://" + "b" * 64),
        ("Pulled image in 1.2s (1.2s including waiting)", "Pulled image in 310ms (310ms including waiting)"),
        ("replicaset.apps/web-7c9f8d6b5", "replicaset.apps/web-66b6c48dd5"),
    ],
)
def test_what_varies_by_nature_is_ignored(page, cluster):
    assert normalise(page) == normalise(cluster)
    assert matches(page, cluster)


@pytest.mark.parametrize(
    ("page", "cluster"),
    [
        ("app   0/1   CrashLoopBackOff", "app 0/1 Running"),
        ("Last State:  Terminated\n  Exit Code:  1", "Last State:  Terminated\n  Exit Code:  137"),
        ("Reason:  OOMKilled", "Reason:  Error"),
        ("cpu:  100m", "cpu:  200m"),
        ("web   1/1", "web   1/1\nweb-2   1/1"),
        ("restarts: 2", "restarts: 3"),
    ],
)
def test_what_the_cluster_really_says_is_not_ignored(page, cluster):
    assert not matches(page, cluster)


def test_a_line_of_dots_stands_for_any_number_of_lines_and_dots_in_a_line_for_any_text():
    page = "Name:  app\n...\nEvents:\n...\n  Warning  BackOff  ...  Back-off restarting failed container ..."
    cluster = (
        "Name:  app\nNamespace:  t1\nPriority:  0\nEvents:\n  Type  Reason  Age  From  Message\n"
        "  Warning  BackOff  2s (x3 over 20s)  kubelet  Back-off restarting failed container app in pod app_t1(u)"
    )
    assert matches(page, cluster)
    assert matches("...\n  Warning  BackOff  ...", cluster)
    assert not matches("Events:\n...", cluster)  # without a leading ... the block starts where the output starts
    assert matches("Name:  app\n...", cluster)


def test_client_go_log_lines_on_kubectls_stderr_are_the_clients_not_the_commands_output():
    page = "pod/api created\npod/api condition met\ncurl: (6) Could not resolve host: kubernetes"
    klog = (
        'I1207 11:07:18.049721      41 reflector.go:664] "Warning: watch ended with error" '
        'reflector="k8s.io/client-go@v0.37.2/tools/cache/reflector.go:343" err="context canceled"'
    )
    cluster = page.replace("created\n", f"created\n{klog}\n")
    assert matches(page, cluster)
    assert not matches(page, cluster.replace("kubernetes", "kubernetes.default"))  # the rest still counts
    assert not matches(page, cluster.replace(klog, "Warning: watch ended with error"))  # only klog's own lines
    assert "reflector" not in difference(page + "\nmore", cluster)


def test_the_diff_shows_the_page_against_what_the_cluster_printed():
    diff = difference("configmap/old configured", "configmap/old created")
    assert "-configmap/old configured" in diff and "+configmap/old created" in diff


def test_the_text_block_right_after_a_runbook_step_becomes_its_quoted_output():
    snippets, errors = collect("```bash\nkubectl get pod app\n```\n\nOutput:\n\n```text\nNAME  READY\napp   1/1\n```\n")
    assert errors == []
    assert snippets[0].quoted is not None
    assert (snippets[0].quoted.line, snippets[0].quoted.text) == (7, "NAME  READY\napp   1/1")


def test_a_text_block_after_prose_and_another_fence_is_no_steps_output():
    page = "```bash\nkubectl get pod\n```\n\n```text\na\n```\n\n```text\nb\n```\n"
    snippets, errors = collect(page)
    assert errors == [] and snippets[0].quoted.text == "a"


def test_on_a_page_that_is_not_a_runbook_text_blocks_are_nobodys_output():
    snippets, _ = collect("```bash\nkubectl get pod\n```\n\n```text\na\n```\n", page="docs/en/concepts/pod.md")
    assert snippets[0].quoted is None


def test_a_block_marked_quoted_may_be_yaml_and_is_then_no_manifest():
    page = "```bash\nkubectl get cm x -o yaml\n```\n\n<!-- kubedoctest: quoted -->\n```yaml\napiVersion: v1\nkind: ConfigMap\n```\n"
    snippets, errors = collect(page)
    assert errors == [] and [s.language for s in snippets] == ["bash"]
    assert snippets[0].quoted.text == "apiVersion: v1\nkind: ConfigMap"


def test_a_block_marked_quoted_that_follows_no_step_is_an_error_at_its_line():
    _, errors = collect("Text.\n\n<!-- kubedoctest: quoted -->\n```text\na\n```\n")
    assert [(e.line, e.message.split(":")[0]) for e in errors] == [(4, "quoted output does not follow a runbook step")]


def test_a_skipped_block_is_an_illustration_and_a_kubelet_block_says_so():
    page = (
        '```bash\nkubectl get pod\n```\n\n<!-- kubedoctest: skip reason="shown elsewhere" -->\n```text\na\n```\n\n'
        '```bash\nkubectl logs app\n```\n\n<!-- kubedoctest: requires="kubelet" -->\n```text\nhello\n```\n'
    )
    snippets, errors = collect(page)
    assert errors == []
    assert snippets[0].quoted is None
    assert snippets[1].quoted.requires == frozenset({"kubelet"})


def test_a_step_directive_on_a_quoted_block_is_an_error_naming_the_step():
    page = '```bash\nkubectl get pod\n```\n\n<!-- kubedoctest: output="x" -->\n```text\nx\n```\n'
    _, errors = collect(page)
    assert len(errors) == 1 and "put the other keys on the step at line 1" in errors[0].message


def test_the_quoted_output_is_part_of_what_a_badge_says_was_checked():
    a, _ = collect("```bash\nkubectl get pod\n```\n\n```text\na\n```\n")
    b, _ = collect("```bash\nkubectl get pod\n```\n\n```text\nb\n```\n")
    assert a[0].hash != b[0].hash
