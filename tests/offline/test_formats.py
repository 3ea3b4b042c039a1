"""formats: what the API server enforces beyond the schema, found offline in the server's words."""

from __future__ import annotations

import pytest

from kubedoctest.model import Manifest, Status
from kubedoctest.parse import formats, object_formats

from .support import run_offline

SUBDOMAIN = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
LABEL_VALUE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
    "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
QUANTITY = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"


@pytest.mark.parametrize("value", ["1.5.5", "abc", "1Gb", "--1", "", "1 Gi", "5e", "0.5Kii"])
def test_a_malformed_quantity_is_reported_with_the_servers_message(value):
    assert formats.quantity(value) == [QUANTITY]


@pytest.mark.parametrize("value", ["500m", "1.5", "128Mi", "1Gi", "2", "1e3", "1E-3", ".5", "+1k", 3, 0.25, "100n"])
def test_a_well_formed_quantity_passes(value):
    assert formats.quantity(value) == []


@pytest.mark.parametrize(
    ("check", "value", "errors"),
    [
        (formats.dns1123_subdomain, "My_App", [SUBDOMAIN]),
        (formats.dns1123_subdomain, "a" * 254, ["must be no more than 253 characters"]),
        (formats.dns1123_subdomain, "web.example-1", []),
        (formats.dns1123_label, "a.b", ["must not contain dots"]),
        (formats.dns1123_label, "kube-system", []),
        (formats.dns1035_label, "1web", [formats.dns1035_label("1web")[0]]),
        (formats.label_value, "x y", [LABEL_VALUE]),
        (formats.label_value, "", []),
        (formats.label_value, "a" * 64, ["must be no more than 63 characters"]),
        (formats.qualified_name, "app.kubernetes.io/name", []),
        (formats.qualified_name, "/name", ["prefix part must be non-empty"]),
        (formats.qualified_name, "example.com/", ["name part must be non-empty"]),
        (formats.port_name, "http", []),
        (formats.port_name, "a--b", ["must not contain consecutive hyphens"]),
        (formats.port_name, "8080", ["must contain at least one letter (a-z)"]),
        (formats.port_number, 0, ["must be between 1 and 65535, inclusive"]),
        (formats.path_segment, "system:aggregate-to-edit", []),
        (formats.path_segment, "a/b", ["may not contain '/'"]),
    ],
)
def test_each_format_check_gives_apimachinerys_wording(check, value, errors):
    assert check(value) == errors


def test_the_dns1035_message_is_the_servers():
    assert formats.dns1035_label("1web")[0].startswith(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
        "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
    )


def problems(obj: dict) -> list[str]:
    return [message for _, message, _ in object_formats.problems(Manifest(obj))]


def test_names_follow_their_kind_namespace_and_service_are_labels_rbac_names_are_path_segments():
    assert problems({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a.b"}}) == [
        'metadata.name: Invalid value: "a.b": must not contain dots'
    ]
    assert problems({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "1web"}})
    assert problems({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a.b"}}) == []
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "system:x"}}
    assert problems(role) == []
    assert problems({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "Team_A"}})


def test_pod_template_labels_selectors_annotations_ports_and_quantities_are_checked():
    deploy = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "annotations": {"bad key": "x"}},
        "spec": {
            "selector": {"matchLabels": {"app": "web!"}},
            "template": {
                "metadata": {"labels": {"app": "web!"}},
                "spec": {
                    "containers": [
                        {
                            "name": "c",
                            "image": "nginx",
                            "ports": [{"containerPort": 0, "name": "HTTP"}],
                            "resources": {"limits": {"memory": "1 Gi"}},
                        }
                    ],
                    "volumes": [{"name": "v", "emptyDir": {"sizeLimit": "lots"}}],
                },
            },
        },
    }
    found = problems(deploy)
    fields = sorted(message.split(":")[0] for message in found)
    assert fields == [
        "metadata.annotations[bad key]",
        "spec.selector.matchLabels.app",
        "spec.template.metadata.labels.app",
        "spec.template.spec.containers[0].ports[0].containerPort",
        "spec.template.spec.containers[0].ports[0].name",
        "spec.template.spec.containers[0].ports[0].name",
        "spec.template.spec.containers[0].resources.limits.memory",
        "spec.template.spec.volumes[0].emptyDir.sizeLimit",
    ]


def test_service_ports_names_and_target_ports():
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 70000, "targetPort": "http-port-name-too-long"}]},
    }
    assert [m.split(":")[0] for m in problems(svc)] == ["spec.ports[0].port", "spec.ports[0].targetPort"]


def test_a_null_spec_is_an_error():
    assert problems({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "w"}, "spec": None}) == [
        "spec: Invalid value: null: spec: has no value (nothing after it)"
    ]


PAGE = """# Formats

```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: c
      image: nginx
      resources:
        requests:
          cpu: 1.5.5
```

```yaml
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a
```

```yaml
apiVersion: networking.k8s.oi/v1
kind: Ingress
metadata:
  name: web
```

```yaml
apiVersion: networking.k8s.oi/v1
kind: Ingres
metadata:
  name: web
```

```yaml
apiVersion: kind.x-k8s.oi/v1alpha4
kind: Cluster
```

```yaml
apiVersion: kind.x-k8s.io/v1alpha4
kind: Cluster
```

```yaml
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
```
"""


def test_format_errors_list_documents_and_misspelled_groups_fail_at_their_page_line(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    (tmp_path / "docs" / "f.md").write_text(PAGE, encoding="utf-8")
    results = run_offline(tmp_path, "f.md", versions=["1.35"])
    by_line = {r.snippet.line: r for r in results.values()}
    quantity, as_list, ingress, both, tool_typo, tool, custom = (by_line[n] for n in sorted(by_line))
    assert quantity.status == Status.FAILED
    assert quantity.messages == [
        f'docs/f.md:14: spec.containers[0].resources.requests.cpu: Invalid value: "1.5.5": {QUANTITY}; '
        "fix: write a quantity like 500m, 1.5 or 128Mi"
    ]
    assert as_list.status == Status.FAILED and "is a YAML list of Kubernetes objects" in as_list.messages[0]
    assert "separate the objects with --- lines" in as_list.messages[0]
    assert ingress.status == Status.FAILED
    assert "unknown apiVersion 'networking.k8s.oi/v1' with kind 'Ingress'" in ingress.messages[0]
    assert "did you mean apiVersion 'networking.k8s.io/v1' with kind 'Ingress'?" in ingress.messages[0]
    assert both.status == Status.FAILED
    assert "did you mean apiVersion 'networking.k8s.io/v1' with kind 'Ingress'?" in both.messages[0]
    assert tool_typo.status == Status.FAILED
    assert any("did you mean group 'kind.x-k8s.io' (a kind cluster config)?" in m for m in tool_typo.messages)
    assert tool.status == custom.status == Status.SKIPPED
