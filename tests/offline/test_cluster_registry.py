"""The cluster registry is written atomically, read tolerantly, and gc never loses a live cluster;
signals stop the work but never the cleanup."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kubedoctest.cluster import records, registry
from kubedoctest.cluster.existing.provider import ExistingProvider
from kubedoctest.cluster.kwok.provider import KwokProvider
from kubedoctest.cluster.provider import ProviderError
from kubedoctest.live import signals


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KUBEDOCTEST_CACHE", str(tmp_path / "cache"))
    # kind's gc asks Docker first (slow, and not what these tests are about)
    monkeypatch.setattr(registry, "PROVIDERS", {"kwok": KwokProvider, "existing": ExistingProvider})
    return tmp_path


def dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_a_reader_never_sees_a_half_written_entry_while_it_is_rewritten():
    stop = threading.Event()
    pids = list(range(1, 400))

    def writer() -> None:
        n = 0
        while not stop.is_set():
            records.register("busy", Path("/tmp/x"), pids[: 1 + n % 300], os.getpid())
            n += 1

    t = threading.Thread(target=writer)
    t.start()
    try:
        reads = 0
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            for entry in records.entries():
                assert entry.data is not None, entry.problem
                reads += 1
    finally:
        stop.set()
        t.join()
    assert reads > 50


def test_gc_removes_a_dead_owners_cluster_and_folder_but_not_a_live_one(cache: Path):
    dead_folder, live_folder = cache / "dead", cache / "live"
    dead_folder.mkdir()
    live_folder.mkdir()
    records.register("dead", dead_folder, [], dead_pid(), "kwok")
    records.register("live", live_folder, [], os.getpid(), "kwok")
    logged: list[str] = []
    removed = registry.gc(logged.append)
    assert removed == ["dead"]
    assert not dead_folder.exists() and live_folder.exists()
    assert records.read("live") is not None and records.read("dead") is None
    assert any("'dead'" in m for m in logged)


def test_gc_keeps_an_unreadable_entry_while_its_writer_may_be_alive_and_removes_an_old_one():
    young = records.registry_dir() / "young.json"
    young.write_text('{"name": "young", "fol')
    old = records.registry_dir() / "old.json"
    old.write_text("")
    past = time.time() - records.UNREADABLE_GRACE - 5
    os.utime(old, (past, past))
    logged: list[str] = []
    registry.gc(logged.append)
    assert young.exists()
    assert not old.exists()
    assert any("unreadable registry entry" in m and "old.json" in m for m in logged)


def test_entries_of_other_provider_types_are_left_to_their_own_gc(cache: Path):
    folder = cache / "other"
    folder.mkdir()
    records.register("someone", folder, [], dead_pid(), "no-such-provider")
    assert registry.gc(lambda m: None) == []
    assert folder.exists()


def test_a_registry_write_leaves_no_temporary_file():
    records.register("a", None, [], os.getpid())
    assert [p.name for p in records.registry_dir().iterdir()] == ["a.json"]
    assert json.loads((records.registry_dir() / "a.json").read_text())["owner"] == os.getpid()


def test_a_signal_during_teardown_is_held_until_the_teardown_is_done():
    steps: list[str] = []
    with pytest.raises(signals.Terminated):
        with signals.armed():
            with signals.shielded():
                signal.raise_signal(signal.SIGTERM)  # its handler has run when this returns
                steps.append("teardown finished")
    assert steps == ["teardown finished"]


def test_an_interrupted_create_is_followed_by_delete_and_the_interruption_is_raised():
    calls: list[str] = []

    def create() -> None:
        calls.append("create")
        raise KeyboardInterrupt()

    def delete() -> None:
        signal.raise_signal(signal.SIGINT)  # a second Ctrl-C during the cleanup, handled on return
        calls.append("deleted")

    with pytest.raises(KeyboardInterrupt), signals.armed():
        signals.guarded(create, delete, calls.append)
    assert calls == ["create", "deleted"]


def test_sigterm_is_an_interruption_every_front_end_handles():
    assert issubclass(signals.Terminated, KeyboardInterrupt)
    assert str(signals.Terminated()) == "stopped by SIGTERM"


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the swallowed exception itself
def test_a_signal_whose_exception_a_finalizer_swallowed_still_stops_the_run():
    with signals.armed():

        class Finalized:
            def __del__(self) -> None:
                signal.raise_signal(signal.SIGINT)  # the handler runs here; Python drops what it raises

        Finalized()
        assert signals.stop_requested()
        with pytest.raises(KeyboardInterrupt):
            signals.check()
    with signals.armed():
        assert not signals.stop_requested()  # a new session starts clean


class _Recording(KwokProvider):
    """A kwok provider that starts nothing and records which provider types were gc'd."""

    name = "kwok"
    calls: list[str] = []

    def create(self) -> None:
        self.calls.append(f"create {self.name}")

    @classmethod
    def gc(cls, log) -> list[str]:
        cls.calls.append(f"gc {cls.name}")
        return []


class _RecordingOther(_Recording):
    name = "other"


def test_starting_a_provider_runs_the_gc_of_that_provider_only(monkeypatch: pytest.MonkeyPatch):
    _Recording.calls = []
    monkeypatch.setattr(registry, "PROVIDERS", {"kwok": _Recording, "other": _RecordingOther})
    registry.start(_Recording())
    assert _Recording.calls == ["gc kwok", "create kwok"]
    _Recording.calls = []
    registry.gc(lambda m: None)  # `kubedoctest cluster gc`: every provider's
    assert _Recording.calls == ["gc kwok", "gc other"]


def test_gc_never_removes_a_cluster_brought_up_with_cluster_up(cache: Path):
    folder = cache / "up"
    folder.mkdir()
    # kind's `cluster up`: no process of ours runs it, its owner is none, it stays until `cluster down`
    records.register("up", folder, [], None, "kind", extra={"detached": True})
    # kwok's `cluster up` whose processes are gone (a reboot): nothing left to keep
    gone = cache / "gone"
    gone.mkdir()
    records.register("gone", gone, [dead_pid()], None, "kwok", extra={"detached": True})
    assert [e.name for e in records.dead("kind")] == []
    assert registry.gc(lambda m: None) == ["gone"]
    assert folder.exists() and records.read("up") is not None


def test_check_on_kind_attaches_to_the_kind_cluster_that_is_up(cache: Path, monkeypatch: pytest.MonkeyPatch):
    from kubedoctest.cluster.kind.provider import KindProvider

    monkeypatch.setitem(registry.PROVIDERS, "kind", KindProvider)
    assert not registry.provider_for("kind").attach  # none up: a cluster of its own
    folder = cache / "kind-up"
    folder.mkdir()
    records.register("kubedoctest-kind", folder, [], None, "kind",
                       extra={"detached": True, "kubeconfig": str(folder / "kubeconfig"), "image": "kindest/node:v1.37.0",
                              "notes": ["cgroup v1 host: the kind config sets ..."]})  # fmt: skip
    monkeypatch.setattr(KindProvider, "running", classmethod(lambda cls, entry: True))
    assert not registry.provider_for("kind", attach=False).attach  # --new-cluster: one of its own all the same
    provider = registry.provider_for("kind")
    assert provider.attach and provider.cluster_name == "kubedoctest-kind"
    provider.create()
    assert provider.kubeconfig == folder / "kubeconfig"
    assert "attached" in provider.describe() and provider.version == "1.37.0"
    assert provider.notes[0] == "cgroup v1 host: the kind config sets ..."  # said as by the run that made it
    second = registry.provider_for("kind")  # another run meanwhile: the cluster is taken
    monkeypatch.setattr(KindProvider, "unavailable", lambda self: "no Docker here")
    with pytest.raises(ProviderError, match="failed to create kind cluster kubedoctest-.*: no Docker here"):
        second.create()  # it goes for a cluster of its own instead
    assert not second.attach and second.cluster_name != "kubedoctest-kind"
    provider.delete()  # not ours to delete
    assert folder.exists() and records.read("kubedoctest-kind") is not None
    third = registry.provider_for("kind")
    third.create()  # free again
    assert third.attach and third.kubeconfig == folder / "kubeconfig"
    third.delete()


def test_provider_errors_name_the_verb_the_provider_the_cluster_the_command_and_its_output():
    from kubedoctest.cluster.provider import failure

    message = str(failure("delete", "kind", "kubedoctest-1-ab", "exit code 1", ["kind", "delete"], "boom\n"))
    assert message == "failed to delete kind cluster kubedoctest-1-ab: exit code 1\ncommand: kind delete\nboom"
    assert str(KwokProvider(name="k").error("create", "no binaries")) == "failed to create kwok cluster k: no binaries"


def test_every_provider_takes_the_same_keyword_arguments():
    from kubedoctest.cluster.kind.provider import KindProvider

    options = {"name": "n", "log": print, "detach": False, "attach": False, "image": "i:v1", "kubeconfig": None,
               "context": None, "allow_existing": None}  # fmt: skip
    for cls in (KwokProvider, KindProvider, ExistingProvider):
        assert cls(**options).cluster_name == "n"
