"""crd: a CustomResourceDefinition in the docs makes its custom resources checkable."""

from __future__ import annotations

import pytest

from kubedoctest.parse.parse import Manifest
from kubedoctest.static.crd import CustomResources, _strict


def crd(versions, group="samples.kubedoctest.io", kind="Widget", names=None, **spec):
    return Manifest(
        {
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": {"name": f"widgets.{group}"},
            "spec": {
                "group": group,
                "names": names if names is not None else {"kind": kind, "plural": "widgets"},
                "versions": versions,
                **spec,
            },
        }
    )


SCHEMA = {
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "required": ["size"],
            "properties": {
                "size": {"type": "integer"},
                "port": {"x-kubernetes-int-or-string": True},
                "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                "note": {"type": "string", "nullable": True},
                "parts": {
                    "type": "array",
                    "items": {"type": "object", "properties": {"name": {"type": "string"}}},
                },
            },
        }
    },
}


def widget(spec, api_version="samples.kubedoctest.io/v1"):
    return Manifest({"apiVersion": api_version, "kind": "Widget", "metadata": {"name": "w"}, "spec": spec})


@pytest.fixture
def crs():
    found = CustomResources()
    found.add(crd([{"name": "v1", "schema": {"openAPIV3Schema": SCHEMA}}, {"name": "v2"}], scope="Cluster"))
    return found


def test_each_version_of_a_crd_defines_a_kind_and_its_scope(crs):
    assert crs.knows("samples.kubedoctest.io/v1", "Widget")
    assert crs.knows("samples.kubedoctest.io/v2", "Widget")
    assert not crs.knows("samples.kubedoctest.io/v3", "Widget")
    assert crs.scopes[("samples.kubedoctest.io/v1", "Widget")] == "Cluster"


def test_a_custom_resource_that_follows_the_schema_has_no_errors(crs):
    spec = {
        "size": 3,
        "port": "http",
        "extra": {"anything": [1]},
        "note": None,
        "parts": [{"name": "a"}],
    }
    assert crs.errors(widget(spec)) == []
    assert crs.errors(widget({"size": 1, "port": 8080})) == []


def test_unknown_fields_wrong_types_and_missing_fields_are_errors_at_their_paths(crs):
    errors = crs.errors(widget({"size": "big", "shape": "round", "parts": [{"nam": "x"}]}))
    found = {(e.path, e.unexpected) for e in errors}
    assert (("spec", "size"), ()) in found
    assert (("spec",), ("shape",)) in found
    assert (("spec", "parts", 0), ("nam",)) in found
    (missing,) = crs.errors(widget({}))
    assert missing.path == ("spec",) and "size" in missing.message


def test_a_version_without_a_schema_accepts_any_fields(crs):
    # Regression: it rejected every field but apiVersion, kind and metadata.
    assert crs.errors(widget({"whatever": True}, api_version="samples.kubedoctest.io/v2")) == []


def test_the_fields_a_crd_allows_at_a_path_are_listed_for_did_you_mean(crs):
    assert crs.fields_at("samples.kubedoctest.io/v1", "Widget", ("spec",)) == [
        "extra",
        "note",
        "parts",
        "port",
        "size",
    ]
    assert crs.fields_at("samples.kubedoctest.io/v1", "Widget", ("spec", "parts", 0)) == ["name"]
    assert crs.fields_at("samples.kubedoctest.io/v1", "Widget", ("spec", "size")) == []
    assert crs.fields_at("x/v1", "Nope", ()) == []


@pytest.mark.parametrize(
    "manifest",
    [
        crd([{"name": "v1"}], names=["Widget"]),
        crd([{"name": "v1"}], names="Widget"),
        crd([{"name": "v1"}], kind=["Widget"]),
        crd([{"name": "v1"}], group=["samples"]),
        crd({"name": "v1"}),
        crd(7),
        crd(["v1", None, {"name": ["v1"]}]),
        Manifest(
            {
                "apiVersion": "apiextensions.k8s.io/v1",
                "kind": "CustomResourceDefinition",
                "spec": "x",
            }
        ),
    ],
)
def test_a_crd_without_a_usable_group_kind_or_versions_defines_nothing_and_does_not_crash(manifest):
    # Regression: `names` as a list and the like raised AttributeError or TypeError out of the
    # whole run (the CRD's own schema check reports what is wrong with it).
    found = CustomResources()
    found.add(manifest)
    assert not found.knows("samples.kubedoctest.io/v1", "Widget")


@pytest.mark.parametrize(
    "version",
    [
        {"name": "v1"},
        {"name": "v1", "schema": "none"},
        {"name": "v1", "schema": {"openAPIV3Schema": ["a list"]}},
    ],
)
def test_a_crd_version_without_a_usable_schema_accepts_any_fields(version):
    # Regression: the fallback schema forbade every field but apiVersion, kind and metadata, and
    # a `schema` that is not a mapping crashed.
    found = CustomResources()
    found.add(crd([version]))
    assert found.errors(widget({"whatever": True})) == []


def test_a_crd_schema_whose_properties_are_not_a_mapping_defines_nothing():
    found = CustomResources()
    found.add(crd([{"name": "v1", "schema": {"openAPIV3Schema": {"properties": ["a", "list"]}}}]))
    assert not found.knows("samples.kubedoctest.io/v1", "Widget")


def test_a_crd_whose_schema_cannot_be_compiled_is_one_located_error():
    found = CustomResources()
    found.add(crd([{"name": "v1", "schema": {"openAPIV3Schema": {"type": "nonsense"}}}]))
    (error,) = found.errors(widget({}))
    assert error.path == ()
    assert "schema cannot be compiled" in error.message


def test_strict_forbids_unknown_fields_unless_the_schema_preserves_them():
    assert _strict({"type": "object", "properties": {"a": {"type": "string"}}})["additionalProperties"] is False
    kept = _strict({"type": "object", "properties": {}, "x-kubernetes-preserve-unknown-fields": True})
    assert "additionalProperties" not in kept
    assert _strict({"x-kubernetes-int-or-string": True, "type": "string"}) == {
        "anyOf": [{"type": "integer"}, {"type": "string"}]
    }
    assert _strict({"type": "string", "nullable": True}) == {"type": ["string", "null"]}


def test_defaults_of_a_crd_are_filled_before_its_one_of_is_checked_as_the_api_server_does():
    address = {
        "type": "object",
        "oneOf": [
            {"properties": {"type": {"enum": ["IP"]}, "value": {"pattern": "^[0-9.]+$"}}},
            {"properties": {"type": {"not": {"enum": ["IP"]}}}},
        ],
        "properties": {"type": {"type": "string", "default": "IP"}, "value": {"type": "string"}},
    }
    schema = {
        "type": "object",
        "properties": {"spec": {"type": "object", "properties": {"addresses": {"type": "array", "items": address}}}},
    }
    found = CustomResources()
    found.add(crd([{"name": "v1", "schema": {"openAPIV3Schema": schema}}]))
    assert found.errors(widget({"addresses": [{"value": "10.0.0.8"}, {"type": "Hostname", "value": "a.b"}]})) == []
    (error,) = found.errors(widget({"addresses": [{"value": "not-an-ip"}]}))
    assert error.path == ("spec", "addresses", 0)


def test_a_crd_alternative_error_gets_a_fix_about_the_crds_alternatives_not_quantities():
    from kubedoctest.static.explain import explain
    from kubedoctest.static.schema import SchemaError

    both = SchemaError(
        ("spec", "a"), "{\"v\":1} is valid under more than one of the schemas listed in the 'oneOf' keyword"
    )
    ((_, custom_hint, _),) = explain(both, [], custom=True)
    assert custom_hint == "keep only one of the alternatives the field allows"
    types = ['{"v":1} is not of type "integer"', '{"v":1} is not of type "string"']
    none = SchemaError(
        ("spec", "a"),
        "{\"v\":1} is not valid under any of the schemas listed in the 'oneOf' keyword",
        branches=((types[0],), (types[1],)),
    )
    ((_, custom_hint, _),) = explain(none, [], custom=True)
    ((_, builtin_hint, _),) = explain(none, [])
    assert "CustomResourceDefinition" in custom_hint and "quantity" not in custom_hint
    assert "quantity" in builtin_hint
