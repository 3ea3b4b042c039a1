"""schema: the offline OpenAPI schemas of each Kubernetes version, compiled once per version."""

from __future__ import annotations

import pytest

from kubedoctest.static import schema

from .support import VERSIONS


def test_the_versions_available_offline_are_sorted_numerically_and_include_the_test_versions():
    versions = schema.available_versions()
    keys = [tuple(int(x) for x in v.split(".")) for v in versions]
    assert keys == sorted(keys)
    assert set(VERSIONS) <= set(versions)
    assert schema.default_versions() == versions[-3:]


def test_a_version_without_schemas_is_a_key_error_listing_the_available_ones():
    with pytest.raises(KeyError, match="no schemas for Kubernetes 1.2; available offline: "):
        schema.schemas("1.2")


def test_the_kinds_of_a_version_are_indexed_by_api_version_and_kind():
    vs = schema.schemas("1.35")
    assert vs.by_gvk[("apps/v1", "Deployment")] == "io.k8s.api.apps.v1.Deployment"
    assert vs.by_gvk[("v1", "Pod")] == "io.k8s.api.core.v1.Pod"
    assert "apps/v1" in vs.kinds["Deployment"]
    assert ("extensions/v1beta1", "Ingress") not in vs.by_gvk
    assert not any(name.startswith("io.k8s.apimachinery") for name in vs.by_gvk.values())


def test_one_validator_checks_every_kind_it_was_compiled_for_and_ignores_others():
    vs = schema.schemas("1.35")
    v = vs.validator(frozenset({("v1", "ConfigMap"), ("apps/v1", "Deployment"), ("x/v1", "Nope")}))
    assert v.errors({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}) == []
    (error,) = v.errors({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "dta": {}})
    assert error.path == ()
    assert error.unexpected == ("dta",)
    (error,) = v.errors(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {},
            "spec": {"replicas": "3", "selector": {}, "template": {}},
        }
    )
    assert error.path == ("spec", "replicas")
    assert v.errors({"apiVersion": "v1", "kind": "Secret", "bogus": 1}) == []


@pytest.mark.parametrize(
    ("path", "definition"),
    [
        ((), "io.k8s.api.apps.v1.Deployment"),
        (("spec",), "io.k8s.api.apps.v1.DeploymentSpec"),
        (("spec", "template", "spec"), "io.k8s.api.core.v1.PodSpec"),
        (("spec", "template", "spec", "containers", 0), "io.k8s.api.core.v1.Container"),
        (
            ("spec", "template", "spec", "containers", 0, "ports", 2),
            "io.k8s.api.core.v1.ContainerPort",
        ),
        (("metadata",), "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"),
        (("spec", "replicas"), None),
        (("spec", "nope", "deeper"), None),
    ],
)
def test_the_definition_at_a_field_path_is_found_through_refs(path, definition):
    assert schema.schemas("1.35").definition_at("apps/v1", "Deployment", path) == definition


def test_the_definition_of_an_unknown_kind_is_none():
    assert schema.schemas("1.35").definition_at("x/v1", "Nope", ("spec",)) is None
