"""Every workload container of the docs declares resource requests, unless its fence says why not."""

from __future__ import annotations

from pathlib import Path

import pytest
import workload_requests
from trees import pair, write

from kubedoctest.parse import directives

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  initContainers:
    - name: init
      image: busybox:1.38
      resources:
        requests: {cpu: 10m, memory: 16Mi}
  containers:
    - name: web
      image: nginx:1.30
      resources:
        requests:
          memory: 32Mi
"""

CRONJOB = """\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: tick
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: tick
              image: busybox:1.38
"""


def test_every_workload_container_in_the_docs_declares_cpu_and_memory_requests(root: Path):
    findings = workload_requests.missing_requests(root)
    assert not findings, f"{len(findings)} containers without requests:\n" + "\n".join(findings)


def test_a_container_without_a_cpu_request_is_reported_at_its_snippet_line_once_for_both_languages(
    tmp_path: Path,
):
    write(tmp_path, "snippets/a/pod.yaml", POD)
    page = '# A {#a}\n\n```yaml\n--8<-- "a/pod.yaml"\n```\n'
    pair(tmp_path, "a.md", page, page)

    assert workload_requests.missing_requests(tmp_path) == [
        "docs/zh/a.md:4 (snippets/a/pod.yaml:12): container 'web' of Pod web (containers) has no "
        "resources.requests.cpu; add e.g. resources: {requests: {cpu: 10m, memory: 32Mi}, limits: "
        '{memory: 64Mi}}, or put <!-- kubedoctest: no-requests="why" --> before the fence'
    ]


def test_cronjob_containers_and_runbook_here_documents_are_read(tmp_path: Path):
    pair(
        tmp_path,
        "runbooks/r.md",
        "# R {#r}\n\n```bash\nkubectl apply -f - <<'EOF'\n" + CRONJOB + "EOF\n```\n",
        "# R {#r}\n\n```yaml\n" + CRONJOB + "```\n",
    )

    found = workload_requests.missing_requests(tmp_path)
    assert [f.split(": container")[0] for f in found] == ["docs/zh/runbooks/r.md:17", "docs/en/runbooks/r.md:16"]
    assert all(
        "container 'tick' of CronJob tick (containers) has no resources.requests.cpu or memory" in f for f in found
    )


def test_skipped_fences_and_objects_without_pods_are_not_read(tmp_path: Path):
    page = (
        '# A {#a}\n\n<!-- kubedoctest: skip reason="fragment" -->\n```yaml\n' + CRONJOB + "```\n\n"
        "```yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports: [{port: 80}]\n```\n"
    )
    pair(tmp_path, "a.md", page, page)

    assert workload_requests.missing_requests(tmp_path) == []


def test_a_fence_whose_directive_says_no_requests_is_exempt(tmp_path: Path):
    page = '# A {#a}\n\n<!-- kubedoctest: no-requests="BestEffort on purpose" -->\n```yaml\n' + CRONJOB + "```\n"
    pair(tmp_path, "a.md", page, page)

    assert workload_requests.missing_requests(tmp_path) == []


def test_the_no_requests_directive_needs_its_reason():
    assert directives.parse('no-requests="from the LimitRange"').no_requests == "from the LimitRange"
    assert directives.parse('expect="pod/x Ready"').no_requests is None
    with pytest.raises(directives.DirectiveError, match="no-requests needs the reason"):
        directives.parse('no-requests=""')
    with pytest.raises(directives.DirectiveError, match="'no-requests' needs a value"):
        directives.parse("no-requests")
