"""cluster/kubectl.py: which kubectl runbook steps run with."""

from __future__ import annotations

import os

import pytest

from kubedoctest.cluster import build, kubectl
from kubedoctest.cluster.provider import ProviderError


@pytest.mark.parametrize(("server", "oldest"), [("1.37.2", "1.36"), ("v1.30.0", "1.29"), ("1.37", "1.36")])
def test_the_oldest_kubectl_is_one_minor_below_the_api_server(server, oldest):
    assert kubectl.oldest_minor(server) == oldest


@pytest.mark.parametrize("server", ["", "unknown", "1.0.3"])
def test_a_server_version_with_no_older_minor_is_a_provider_error_naming_it(server):
    with pytest.raises(ProviderError, match=f"cannot tell the oldest kubectl for API server version {server!r}"):
        kubectl.oldest_minor(server)


def test_the_pinned_control_plane_has_its_oldest_kubectl_pinned_so_a_build_needs_no_version_list():
    assert kubectl.oldest_minor(build.KUBERNETES) in kubectl.PINNED


def test_a_setting_resolves_to_no_version_for_the_cluster_and_to_an_exact_one_otherwise():
    assert kubectl.resolve("cluster", "1.37.2") is None
    assert kubectl.resolve("oldest", "1.37.2") == kubectl.PINNED["1.36"]
    assert kubectl.resolve("v1.35.1", "1.37.2") == "1.35.1"
    with pytest.raises(ProviderError, match="must be cluster, oldest or a version X.Y.Z: got 'latest'"):
        kubectl.resolve("latest", "1.37.2")


def test_each_kubectl_version_has_its_own_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("KUBEDOCTEST_CACHE", str(tmp_path))
    assert kubectl.binary("1.36.6") == tmp_path / "bin" / "kubectl-v1.36.6" / "kubectl"
    assert kubectl.binary("1.36.6") != kubectl.binary("1.35.1")


def test_the_folder_of_a_killed_kubectl_build_is_removed_by_the_next_one_and_a_live_ones_is_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("KUBEDOCTEST_CACHE", str(tmp_path))
    monkeypatch.setattr(kubectl.shutil, "which", lambda name: None)  # stop before building anything
    dead = tmp_path / "bin" / "kubectl-v1.36.6.tmp-999999999"
    live = tmp_path / "bin" / f"kubectl-v1.36.6.tmp-{os.getpid()}"
    for folder in (dead, live):
        folder.mkdir(parents=True)
    with pytest.raises(ProviderError, match="the go command is not installed"):
        kubectl.ensure("1.36.6", log=lambda m: None)
    assert not dead.exists() and live.is_dir()
