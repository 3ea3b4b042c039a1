"""static: strict schemas on a matrix of versions, removed and deprecated APIs, custom resources;
every finding at the page line of the offending field."""

from __future__ import annotations

import pytest

from kubedoctest.model import Origin, Snippet, Stage, Status
from kubedoctest.parse.parse import parse
from kubedoctest.static.static import StaticChecker, dotted

from .support import BAD, GOOD, line_of, page_results, run_offline


@pytest.fixture(scope="module")
def bad():
    return run_offline(BAD)


@pytest.fixture(scope="module")
def good():
    return run_offline(GOOD)


def only(results, page):
    (result,) = page_results(results, page)
    return result


def messages(result):
    return [f.render() for f in result.findings if f.severity != "info"]


def bad_line(page, needle, occurrence=1):
    return f"docs/{page}:{line_of(BAD / 'docs' / page, needle, occurrence)}"


def test_an_unknown_field_is_reported_at_its_own_line_with_a_did_you_mean(bad):
    r = only(bad, "unknown-field.md")
    assert (r.status, r.stage) == (Status.FAILED, Stage.STATIC)
    assert messages(r) == [
        f"{bad_line('unknown-field.md', 'imagePullPolicey')}: unknown field "
        "'spec.containers[0].imagePullPolicey' (Kubernetes 1.31, 1.35); "
        "fix: did you mean 'imagePullPolicy'?"
    ]


def test_a_quoted_number_is_a_wrong_type_at_the_line_of_the_field(bad):
    (message,) = messages(only(bad, "wrong-type.md"))
    assert message.startswith(f'{bad_line("wrong-type.md", "replicas:")}: spec.replicas: "3" is not of type')
    assert message.endswith("fix: write the number without quotes")


def test_a_missing_required_field_is_reported_at_its_parent(bad):
    assert messages(only(bad, "missing-required.md")) == [
        f"{bad_line('missing-required.md', 'spec:')}: missing required field 'spec.selector' "
        "(Kubernetes 1.31, 1.35); fix: add selector"
    ]


def test_an_extensions_v1beta1_ingress_is_reported_as_removed_in_1_22(bad):
    (message,) = messages(only(bad, "removed-ingress.md"))
    assert message.startswith(f"{bad_line('removed-ingress.md', 'apiVersion:')}: ")
    assert "extensions/v1beta1 Ingress was removed in 1.22: use networking.k8s.io/v1" in message


def test_an_apps_v1beta1_deployment_is_reported_as_removed_in_1_16(bad):
    (message,) = messages(only(bad, "removed-deployment.md"))
    assert message.startswith(
        f"{bad_line('removed-deployment.md', 'apiVersion:')}: apps/v1beta1 Deployment was removed in 1.16: use apps/v1"
    )


def test_a_batch_v1beta1_cronjob_is_reported_as_removed_in_1_25(bad):
    (message,) = messages(only(bad, "removed-cronjob.md"))
    assert "batch/v1beta1 CronJob was removed in 1.25: use batch/v1" in message


def test_a_deprecated_api_is_a_warning_and_the_snippet_still_passes(good):
    r = page_results(good, "static.md")[0]
    assert r.status == Status.PASSED
    (warning,) = [f for f in r.findings if f.severity == "warning"]
    assert warning.render() == (
        f"docs/static.md:{line_of(GOOD / 'docs' / 'static.md', 'apiVersion: v1')}: warning: "
        "v1 Endpoints is deprecated since 1.33: use discovery.k8s.io/v1 EndpointSlice (Kubernetes 1.35)"
    )


def test_a_k8s_range_checks_only_the_versions_it_names(good):
    r = page_results(good, "static.md")[1]
    assert r.status == Status.PASSED
    # checked on 1.31 only: a deprecation warning there, no "removed in 1.32" error from 1.35
    assert [f.version for f in r.findings] == ["1.31"]
    assert "removed in 1.32" in r.findings[0].message


def test_without_the_k8s_range_the_removed_api_fails_on_the_newer_version():
    text = (GOOD / "docs" / "static.md").read_text(encoding="utf-8")
    body = text.split('k8s="<1.32" -->\n```yaml\n', 1)[1].split("```", 1)[0].rstrip("\n")
    s = Snippet("p.md", 1, "yaml", body, [Origin(2 + i) for i in range(body.count("\n") + 1)])
    manifests = parse(s).manifests
    out = StaticChecker(["1.31", "1.35"], manifests).check(s, manifests)
    errors = [f for f in out.findings if f.severity == "error"]
    assert [(f.where, f.version) for f in errors] == [("p.md:2", "1.35")]
    assert errors[0].message == (
        "flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration was removed in 1.32: "
        "use flowcontrol.apiserver.k8s.io/v1"
    )


def test_a_k8s_range_that_excludes_every_version_skips_the_snippet(good):
    r = page_results(good, "static.md")[2]
    assert (r.status, r.stage) == (Status.SKIPPED, Stage.STATIC)
    assert "k8s='>=1.99' excludes every checked version (1.31, 1.35)" in r.findings[0].message


def test_a_custom_resource_that_follows_its_crd_passes(good):
    crd, cr = page_results(good, "static.md")[3:5]
    assert crd.status == cr.status == Status.PASSED
    assert cr.findings == []


def test_a_custom_resource_that_breaks_its_crd_fails_at_the_lines_of_the_fields(bad):
    crd, cr = page_results(bad, "invalid-custom-resource.md")
    assert crd.status == Status.PASSED
    assert cr.status == Status.FAILED
    assert sorted(messages(cr)) == sorted(
        [
            f'{bad_line("invalid-custom-resource.md", "size: large")}: spec.size: "large" is not of '
            'type "integer" (Kubernetes 1.31, 1.35); fix: follow the CustomResourceDefinition\'s schema',
            f"{bad_line('invalid-custom-resource.md', 'shape: round')}: unknown field 'spec.shape' "
            "(Kubernetes 1.31, 1.35); fix: remove it, or move it to where it belongs",
        ]
    )


def test_a_custom_resource_without_its_crd_is_skipped_with_the_reason(good):
    r = only(good, "unknown-crd.md")
    assert (r.status, r.stage) == (Status.SKIPPED, Stage.STATIC)
    assert [f.message for f in r.findings] == [
        "not checked: Certificate/example: custom resource cert-manager.io/v1 Certificate: "
        "no CustomResourceDefinition for it (give one with --crd); only its metadata checked"
    ]


def test_a_field_error_in_an_included_file_names_the_marker_line_and_the_file_line(bad):
    (message,) = messages(only(bad, "error-in-included-file.md"))
    marker = bad_line("error-in-included-file.md", "--8<--")
    file_line = line_of(BAD / "snippets" / "deployment-unknown-field.yaml", "imagePullPolicey")
    assert message.startswith(
        f"{marker} (snippets/deployment-unknown-field.yaml:{file_line}): unknown field "
        "'spec.template.spec.containers[0].imagePullPolicey'"
    )
    assert message.endswith("fix: did you mean 'imagePullPolicy'?")


def test_tool_configs_are_not_failed_and_say_which_tool_reads_them(good):
    tools = page_results(good, "parse.md")[6:9]
    assert [r.status for r in tools] == [Status.SKIPPED] * 3
    assert [r.findings[0].message for r in tools] == [
        "not checked: Cluster: a kind cluster config, read by a tool, not served by an API server",
        "not checked: Config: a kubeconfig file, read by a tool, not served by an API server",
        "not checked: ClusterConfiguration: a kubeadm config, read by a tool, not served by an API server",
    ]


def test_yaml_that_is_not_kubernetes_is_skipped_as_not_a_manifest(good):
    not_manifests = page_results(good, "parse.md")[4:6]
    assert len(not_manifests) == 2
    for r in not_manifests:
        assert (r.status, r.stage) == (Status.SKIPPED, Stage.PARSE)
        assert r.findings[0].message == "not a Kubernetes manifest"


def test_every_snippet_of_the_good_samples_passes_or_is_skipped_with_a_reason(good):
    assert {r.status for r in good.values()} == {Status.PASSED, Status.SKIPPED}
    for r in good.values():
        if r.status == Status.SKIPPED:
            assert r.findings and all(f.message for f in r.findings)


def test_every_page_of_the_bad_samples_has_a_failure(bad):
    pages = {i.rsplit(":", 1)[0] for i in bad}
    assert len(pages) == len(list((BAD / "docs").glob("*.md"))) > 10
    for page in pages:
        assert any(r.status == Status.FAILED for i, r in bad.items() if i.startswith(page + ":")), page


def checked(text: str, versions=("1.35",)):
    s = Snippet("p.md", 1, "yaml", text, [Origin(2 + i) for i in range(text.count("\n") + 1)])
    manifests = parse(s).manifests
    return StaticChecker(list(versions), manifests).check(s, manifests)


def test_two_unknown_fields_are_two_findings_each_at_its_own_line():
    out = checked("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndta: {}\nbinarydata: {}")
    assert sorted((f.where, f.message, f.hint) for f in out.findings) == [
        ("p.md:6", "unknown field 'dta'", "did you mean 'data'?"),
        ("p.md:7", "unknown field 'binarydata'", "did you mean 'binaryData'?"),
    ]


def test_an_object_without_a_name_is_a_patch_fragment_checked_for_what_is_there():
    out = checked(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {}\nspec:\n  replicas: 3", versions=("1.35", "1.37")
    )
    assert out.findings == [] and out.fragment[0] == "patch: no metadata.name"
    assert "partial: no spec.selector" in out.fragment
    out = checked("apiVersion: apps/v1\nkind: Deployment\nmetadata: {}\nspec:\n  replicas: three")
    assert [f.message.split(" is not")[0] for f in out.findings] == ['spec.replicas: "three"']


def test_a_placeholder_value_is_no_format_error_but_makes_a_fragment():
    out = checked("apiVersion: v1\nkind: Secret\nmetadata:\n  name: <secret-name>\n  namespace: ${NS}\ntype: Opaque")
    assert out.findings == [] and out.fragment == ["placeholder <secret-name>", "placeholder ${NS}"]


def test_a_workload_without_a_spec_is_a_partial_object_on_every_version_alike():
    for kind, gv in (("Deployment", "apps/v1"), ("Pod", "v1")):
        out = checked(f"apiVersion: {gv}\nkind: {kind}\nmetadata:\n  name: a", versions=("1.35", "1.37"))
        assert out.findings == [] and out.fragment == ["partial: no spec"]


def test_a_custom_resource_without_its_crd_still_has_its_metadata_checked():
    out = checked("apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: a\n  namespace: appNs")
    assert [f.message.split(":")[0] for f in out.findings] == ["metadata.namespace"]


def test_a_named_whole_workload_missing_a_required_field_still_fails():
    text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: nginx"
    assert [f.message for f in checked(text).findings] == ["missing required field 'spec.selector'"]


def test_a_group_kube_apiserver_does_not_serve_is_a_custom_resource_even_under_k8s_io():
    for gv, kind in (("gateway.networking.k8s.io/v1", "HTTPRoute"), ("snapshot.storage.k8s.io/v1", "VolumeSnapshot")):
        out = checked(f"apiVersion: {gv}\nkind: {kind}\nmetadata:\n  name: a\nspec: {{}}")
        assert out.findings == [] and "no CustomResourceDefinition" in out.skipped_objects[0]


def test_metadata_fields_that_lost_their_indentation_are_named():
    out = checked("apiVersion: v1\nkind: ConfigMap\nmetadata:\nname: a\nannotations:\n  b: c")
    assert any("lost their indentation" in f.message for f in out.findings)


def test_an_unknown_kind_suggests_the_closest_known_one():
    (f,) = checked("apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: a}").findings
    assert (f.where, f.message) == ("p.md:3", "unknown kind 'Deploymnet' with apiVersion 'apps/v1'")
    assert f.hint == "did you mean kind 'Deployment' (apps/v1)?"


def test_a_kind_under_the_wrong_api_version_names_the_right_one():
    (f,) = checked("apiVersion: v1\nkind: Deployment\nmetadata: {name: a}").findings
    assert f.message == "apiVersion 'v1' does not serve Deployment"
    assert f.hint == "use apiVersion apps/v1"


def test_a_quoted_word_where_a_number_belongs_is_not_told_to_drop_the_quotes():
    (f,) = checked("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports:\n    - port: http").findings
    assert f.where == "p.md:7"
    assert f.hint != "write the number without quotes"


def test_field_paths_are_dotted_with_list_indexes():
    assert dotted(("spec", "containers", 0, "image")) == "spec.containers[0].image"
    assert dotted(()) == "(object)"


def crd_checked(schema: str, text: str):
    crd = (
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ws.example.com\n"
        "spec:\n  group: example.com\n  scope: Namespaced\n  names: {kind: W, plural: ws}\n  versions:\n"
        "  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n" + schema
    )
    crds = parse(Snippet("c.md", 1, "yaml", crd, [Origin(2 + i) for i in range(crd.count("\n") + 1)])).manifests
    s = Snippet("p.md", 1, "yaml", text, [Origin(2 + i) for i in range(text.count("\n") + 1)])
    manifests = parse(s).manifests
    return StaticChecker(["1.35"], [*crds, *manifests]).check(s, manifests)


SCHEMA = (
    "        type: object\n        required: [spec]\n        properties:\n          spec:\n            type: object\n"
    "            required: [instances, targets]\n            properties:\n"
    "              instances: {type: integer, default: 1}\n              targets: {type: array, items: {type: string}}\n"
)


def test_a_custom_resource_follows_the_api_servers_defaults_and_null_pruning():
    out = crd_checked(
        SCHEMA, "apiVersion: example.com/v1\nkind: W\nmetadata:\n  name: w\nspec:\n  targets: [a]\n  x: null"
    )
    assert out.findings == []  # instances has a default; a null is pruned before validation
    out = crd_checked(SCHEMA, "apiVersion: example.com/v1\nkind: W\nmetadata:\n  name: w\nspec:\n  instances: 2")
    assert [f.message for f in out.findings] == ["missing required field 'spec.targets'"]


def test_a_custom_resource_shown_by_its_metadata_only_is_a_partial_object():
    out = crd_checked(SCHEMA, "apiVersion: example.com/v1\nkind: W\nmetadata:\n  name: w\n  labels: {a: b}")
    assert out.findings == [] and out.fragment == ["partial: no spec"]


def test_an_openshift_template_is_not_a_misspelled_podtemplate():
    out = checked("apiVersion: v1\nkind: Template\nmetadata:\n  name: t\nobjects: []")
    assert out.findings == [] and "an OpenShift object" in out.skipped_objects[0]


def test_a_crd_that_lacks_the_version_names_the_versions_it_serves():
    out = crd_checked(SCHEMA, "apiVersion: example.com/v2\nkind: W\nmetadata:\n  name: w\nspec: {}")
    assert "its CustomResourceDefinition serves v1, not v2" in out.skipped_objects[0]


def test_several_required_fields_missing_make_an_excerpt_not_a_failure():
    out = checked("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\nspec:\n  replicas: 2")
    assert out.findings == [] and {"partial: no spec.selector", "partial: no spec.template"} <= set(out.fragment)


def test_a_value_that_names_the_one_to_fill_in_is_a_placeholder():
    out = checked("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: REPLACE_WITH_CONFIG_NAME")
    assert out.findings == [] and out.fragment == ["placeholder REPLACE_WITH_CONFIG_NAME"]


def test_a_groupless_apiversion_other_than_v1_of_no_kubernetes_kind_is_a_tools_file_not_a_mistake():
    out = checked("apiVersion: v1alpha1\nkind: ToolReport\nmetadata:\n  name: a\nresult: ok")
    assert out.findings == [] and "a tool's file format" in out.skipped_objects[0]
    (finding,) = checked("apiVersion: v1beta1\nkind: Pod\nmetadata:\n  name: a").findings
    assert "does not serve Pod" in finding.message


WIDGET_CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.samples.kubedoctest.io
spec:
  group: samples.kubedoctest.io
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              onMiss: {type: string, enum: [deny, allow, authenticate]}
---
apiVersion: samples.kubedoctest.io/v1
kind: Widget
metadata:
  name: a
spec:
"""


def test_a_value_that_lists_the_allowed_values_to_choose_from_is_alternatives_not_a_mistake():
    out = checked(WIDGET_CRD + "  onMiss: deny/allow")
    assert out.findings == [] and out.fragment == ["alternatives: 'deny/allow' lists the allowed values"]
    (finding,) = checked(WIDGET_CRD + "  onMiss: deny/maybe").findings
    assert "is not one of" in finding.message


def test_lines_that_lost_their_indentation_under_an_empty_key_are_one_finding_each_not_one_per_key():
    text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\nnamespace: b\nname: a\nspec:\nreplicas: 2\npaused: true"
    found = sorted((f.where, f.message, f.hint) for f in checked(text).findings)
    assert found == [
        (
            "p.md:5",
            "namespace, name at the top level and metadata empty: the lines lost their indentation",
            "indent namespace: under metadata:",
        ),
        (
            "p.md:8",
            "replicas, paused at the top level and spec empty: the lines lost their indentation",
            "indent replicas: under spec:",
        ),
    ]
