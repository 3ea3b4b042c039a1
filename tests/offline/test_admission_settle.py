"""A refusal right after the page applied a LimitRange or ResourceQuota is retried: the API server's
admission learns of them through a cache, a moment later."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from kubedoctest.live import snippet
from kubedoctest.live.api import ApiError


class FlakyApi:
    def __init__(self, refusals: int):
        self.refusals, self.calls = refusals, 0

    def create(self, obj, namespace, dry_run=False):
        self.calls += 1
        if self.calls <= self.refusals:
            raise ApiError(403, "maximum memory usage per Container is 512Mi.  No limit is specified", [], "Forbidden")
        return obj


def state_with(kind: str) -> snippet.PageState:
    manifest = SimpleNamespace(kind=kind, api_version="v1", name="x")
    return snippet.PageState("ns", [snippet.Applied(manifest, {}, "ns", "uid")])


def run(api: FlakyApi, state: snippet.PageState) -> dict:
    return snippet.SnippetRun._write(SimpleNamespace(api=api), {"kind": "Pod"}, "ns", True, "", state)


def test_a_refusal_after_a_limitrange_is_retried_until_admission_sees_it(monkeypatch):
    monkeypatch.setattr(snippet.time, "sleep", lambda s: None)
    api = FlakyApi(refusals=2)
    assert run(api, state_with("LimitRange")) == {"kind": "Pod"} and api.calls == 3


def test_a_refusal_without_a_namespace_policy_on_the_page_fails_at_once():
    api = FlakyApi(refusals=1)
    with pytest.raises(ApiError):
        run(api, state_with("ConfigMap"))
    assert api.calls == 1


def test_a_refusal_that_lasts_fails_after_the_settle_time(monkeypatch):
    clock = iter(range(0, 1000, 3))
    monkeypatch.setattr(snippet.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(snippet.time, "sleep", lambda s: None)
    api = FlakyApi(refusals=10**6)
    with pytest.raises(ApiError, match="No limit is specified"):
        run(api, state_with("ResourceQuota"))
    assert 1 < api.calls <= snippet.ADMISSION_SETTLE / 3 + 2


class AllocatedApi(FlakyApi):
    def create(self, obj, namespace, dry_run=False):
        self.calls += 1
        if self.calls <= self.refusals:
            raise ApiError(
                422,
                'Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 30981: provided port is already allocated',
                [],
                "Invalid",
            )
        return obj


def test_a_node_port_still_allocated_by_the_previous_page_of_the_chain_is_retried(monkeypatch):
    monkeypatch.setattr(snippet.time, "sleep", lambda s: None)
    api = AllocatedApi(refusals=2)
    assert run(api, snippet.PageState("ns", [])) == {"kind": "Pod"} and api.calls == 3


def test_a_node_port_that_stays_allocated_fails_after_the_settle_time(monkeypatch):
    clock = iter(range(0, 1000, 5))
    monkeypatch.setattr(snippet.time, "sleep", lambda s: None)
    monkeypatch.setattr(snippet.time, "monotonic", lambda: next(clock))
    with pytest.raises(ApiError, match="already allocated"):
        run(AllocatedApi(refusals=100), snippet.PageState("ns", []))
