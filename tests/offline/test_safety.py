"""The safety module's specification: one test per rule of `kubedoctest.live.safety.RULES`, named
after the rule's sentence, offline. On a cluster the run created (kwok, kind) everything is its own;
the rules bite on someone else's (`--cluster existing`), except the network rule, which holds
everywhere. The README's safety section is generated from the same rules."""

from __future__ import annotations

import re
import socket
import threading
from pathlib import Path

import pytest
import yaml

from kubedoctest.config import Settings
from kubedoctest.live import safety
from kubedoctest.live.safety import Consent, Policy, Refused, Target, step_effects
from kubedoctest.live.safety.__main__ import rewrite
from kubedoctest.live.safety.sandbox import Sandbox
from kubedoctest.model import Manifest
from kubedoctest.runbook import runbook

ROOT = Path(__file__).resolve().parents[2]
OWN = Policy(owned=True)
THEIRS = Policy(owned=False)
THEIRS_ALLOWED = Policy(owned=False, consent=Consent(existing_cluster="lab", cluster_scoped=True))
KUBECONFIG = {
    "apiVersion": "v1",
    "kind": "Config",
    "current-context": "prod",
    "contexts": [
        {"name": "prod", "context": {"cluster": "prod", "user": "admin"}},
        {"name": "lab", "context": {"cluster": "lab", "user": "me", "namespace": "team"}},
    ],
    "clusters": [
        {"name": "prod", "cluster": {"server": "https://prod:6443"}},
        {"name": "lab", "cluster": {"server": "https://lab:6443", "certificate-authority": "certs/ca.crt"}},
    ],
    "users": [{"name": "admin", "user": {"token": "p"}}, {"name": "me", "user": {"client-key": "k.pem"}}],
}
PV_STEP = "kubectl apply -f - <<'EOF'\napiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv-a\nEOF"


def scope(api_version: str, kind: str) -> bool | None:
    return kind not in {"PersistentVolume", "StorageClass", "Namespace", "Node"}


def test_someone_else_s_cluster_is_used_only_once_its_context_is_named(tmp_path):
    source = tmp_path / "config"
    with pytest.raises(Refused, match=r"\(context 'prod'\).*--allow-existing-cluster=prod"):
        safety.confirmed_context(KUBECONFIG, source, None, False)
    with pytest.raises(Refused, match="current context 'prod' .* without naming it"):
        safety.confirmed_context(KUBECONFIG, source, None, True)  # a bare consent
    with pytest.raises(Refused, match="must name the same context"):
        safety.confirmed_context(KUBECONFIG, source, "lab", "prod")
    with pytest.raises(Refused, match=r"does not have \(its contexts: prod, lab\)$"):
        safety.confirmed_context(KUBECONFIG, source, None, "staging")
    assert safety.confirmed_context(KUBECONFIG, source, None, "prod") == "prod"
    assert safety.confirmed_context(KUBECONFIG, source, "lab", True) == "lab"
    assert Settings(allow_existing_cluster="lab", allow_cluster_scoped=True).consent == Consent("lab", True)


def test_the_run_and_its_steps_see_only_the_confirmed_context(tmp_path):
    only = safety.minify(KUBECONFIG, "lab", tmp_path, "/usr/bin")
    assert [c["name"] for c in only["contexts"]] == ["lab"] and only["current-context"] == "lab"
    assert [c["name"] for c in only["clusters"]] == ["lab"] and [u["name"] for u in only["users"]] == ["me"]
    assert only["clusters"][0]["cluster"]["certificate-authority"] == str(tmp_path / "certs/ca.crt")
    assert "namespace" not in only["contexts"][0]["context"]
    with pytest.raises(Refused, match="no context 'nope'"):
        safety.minify(KUBECONFIG, "nope", tmp_path, "/usr/bin")


def test_every_namespace_the_run_creates_is_marked_as_the_run_s():
    body = safety.namespace_body("kdt-abc-1-page", "abc")
    meta = body["metadata"]
    assert meta["labels"] == {safety.RUN_LABEL: "abc"}
    assert meta["annotations"] == {safety.OWNER_ANNOTATION: safety.owner_id()}
    obj = {"kind": "ConfigMap", "metadata": {"name": "a"}}
    safety.mark(obj, "abc")
    assert obj["metadata"]["labels"] == {safety.RUN_LABEL: "abc"}


def test_only_namespaces_of_runs_of_this_machine_whose_process_is_gone_are_removed_as_leftovers():
    def ns(owner: str, labelled: bool = True, deleting: bool = False) -> dict:
        meta = {"name": "kdt-x", "annotations": {safety.OWNER_ANNOTATION: owner}}
        meta["labels"] = {safety.RUN_LABEL: "x"} if labelled else {}
        if deleting:
            meta["deletionTimestamp"] = "2026-12-07T00:00:00Z"
        return meta

    dead, alive = (lambda pid: False), (lambda pid: True)
    assert safety.left_by_dead_run(ns("here/123"), dead, host="here")
    assert not safety.left_by_dead_run(ns("here/123"), alive, host="here")  # its run is still going
    assert not safety.left_by_dead_run(ns("elsewhere/123"), dead, host="here")  # another machine's run
    assert not safety.left_by_dead_run(ns("here/123", labelled=False), dead, host="here")  # not a run's
    assert not safety.left_by_dead_run(ns("here/123", deleting=True), dead, host="here")
    assert not safety.left_by_dead_run(ns("here/"), dead, host="here")
    assert THEIRS.removes_leftovers and not OWN.removes_leftovers  # the run's own cluster is new


def test_an_object_that_exists_and_is_not_the_run_s_is_never_taken_over():
    assert THEIRS_ALLOWED.may_take_over("kdt-x", "kdt-x")  # in the page's own namespace
    assert not THEIRS_ALLOWED.may_take_over("default", "kdt-x")
    assert not THEIRS_ALLOWED.may_take_over(None, "kdt-x")  # cluster-scoped
    assert OWN.may_take_over(None, "kdt-x")
    assert "refusing to take it over" in THEIRS.take_over_refusal("ConfigMap/a", "default")


def test_cleanup_deletes_only_what_the_run_created():
    made = [
        Target("v1", "ConfigMap", "in-page", "kdt-x", "u1"),
        Target("v1", "PersistentVolume", "pv-a", None, "u2"),
        Target("v1", "ConfigMap", "not-ours", "default", ""),  # no UID: the run did not create it
        Target("storage.k8s.io/v1", "StorageClass", "fast", None, "u3"),
    ]
    targets = THEIRS.deletions(made, "kdt-x")
    assert [(t.name, t.uid) for t in targets] == [("fast", "u3"), ("pv-a", "u2"), ("kdt-x", "")]
    assert not THEIRS.deletion_problem(targets[0], 409)  # a UID conflict: no longer the run's object
    assert THEIRS.deletion_problem(targets[0], 403)
    assert THEIRS.sweeps_on_stop and not OWN.sweeps_on_stop  # a cluster the run created goes as a whole


def test_a_snippet_that_reaches_outside_its_namespace_needs_the_cluster_scoped_consent():
    sc = Manifest({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "fast"}})
    cm = Manifest({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "default"}})
    assert (
        THEIRS.refuse_snippet([sc], scope)
        == "StorageClass/fast is cluster-scoped; allow it with --allow-cluster-scoped"
    )
    assert "names its own namespace" in THEIRS.refuse_snippet([cm], scope)
    assert THEIRS_ALLOWED.refuse_snippet([sc, cm], scope) is None
    assert OWN.refuse_snippet([sc, cm], scope) is None


def test_a_step_may_not_name_another_namespace():
    for text, named in [
        ("kubectl -n kube-system delete pod x", "namespace 'kube-system'"),
        ("kubectl get pods -nkube-system", "namespace 'kube-system'"),
        ("kubectl get pods --all-namespaces", "all namespaces"),
        ("kubectl apply -f - <<'EOF'\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\nEOF", "'default'"),
    ]:
        reason = THEIRS_ALLOWED.refuse_step(step_effects(text, scope), "kdt-x")
        assert reason is not None and named in reason, text
    assert THEIRS.refuse_step(step_effects("kubectl get pods -n kdt-x", scope), "kdt-x") is None
    assert OWN.refuse_step(step_effects("kubectl get pods -A", scope), "kdt-x") is None


def test_a_step_that_changes_a_cluster_scoped_object_needs_the_cluster_scoped_consent():
    effects = step_effects(PV_STEP, scope)
    assert THEIRS.refuse_step(effects, "kdt-x") == (
        "the step changes cluster-scoped PersistentVolume/pv-a (apply); allow it with --allow-cluster-scoped"
    )
    assert THEIRS_ALLOWED.refuse_step(effects, "kdt-x") is None
    assert OWN.refuse_step(effects, "kdt-x") is None


def test_a_step_may_change_a_cluster_scoped_object_only_when_the_run_created_it():
    (touch,) = step_effects(PV_STEP, scope).cluster_scoped
    theirs = {"metadata": {"name": "pv-a", "uid": "someone-elses"}}
    assert "already exists and is not this run's" in THEIRS_ALLOWED.refuse_change(touch, lambda: theirs, {"u1"})
    assert THEIRS_ALLOWED.refuse_change(touch, lambda: None, set()) is None  # not there yet: it may create it
    ours = {"metadata": {"name": "pv-a", "uid": "u1"}}
    assert THEIRS_ALLOWED.refuse_change(touch, lambda: ours, {"u1"}) is None
    assert OWN.refuse_change(touch, lambda: theirs, set()) is None  # the run's own cluster
    (unnamed,) = step_effects("kubectl delete csidriver x", scope).cluster_scoped  # a kind the run cannot look up
    assert "cannot tell whether it is its own" in THEIRS_ALLOWED.refuse_change(unnamed, lambda: None, set())
    assert THEIRS_ALLOWED.claims(touch, {"metadata": {"uid": "new"}}, {"u1"}) == "new"  # deleted with its page
    assert THEIRS_ALLOWED.claims(touch, ours, {"u1"}) == ""


def test_a_step_reaches_only_the_test_cluster_and_the_ports_its_page_opened(tmp_path):
    """The whole behaviour is in test_step_network.py; here the rule in one page."""
    listeners = []
    for answer in (b"api", b"proxy"):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen()
        listeners.append(s)

        def serve(s=s, answer=answer) -> None:
            while True:
                try:
                    c, _ = s.accept()
                except OSError:
                    return
                c.recv(4096)
                c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(answer), answer))
                c.close()

        threading.Thread(target=serve, daemon=True).start()
    api, proxy = (s.getsockname()[1] for s in listeners)
    config = {
        **KUBECONFIG,
        "current-context": "lab",
        "clusters": [{"name": "lab", "cluster": {"server": f"http://127.0.0.1:{api}"}}],
    }
    (tmp_path / "config").write_text(yaml.safe_dump(config))
    box = Sandbox(tmp_path, tmp_path / "config", "kdt-x", None, None)
    try:
        run = lambda text: runbook.run_step(text, box.work, box.env, 20, box.bash, box.launcher)  # noqa: E731
        assert run(f"curl -sS http://127.0.0.1:{api}/").output == "api"
        assert run(f"curl -sS -m 5 http://127.0.0.1:{proxy}/").exit_code == 7
        assert run(f"cat < /dev/tcp/127.0.0.1/{proxy}").exit_code != 0
    finally:
        box.close()
        for s in listeners:
            s.close()


def test_a_step_sees_only_the_system_s_program_folders_and_its_page_s_own(tmp_path, monkeypatch):
    """The whole behaviour is in test_step_filesystem.py; here the rule in one page: the writer's
    HOME, the kubeconfig their KUBECONFIG names and a unix socket of theirs are not there, the
    page's own kubeconfig is, with the files it named written into it."""
    home, elsewhere = tmp_path / "me", tmp_path / "elsewhere"
    (home / ".kube").mkdir(parents=True)
    (home / ".kube" / "config").write_text("prod-admin-token")
    elsewhere.mkdir()
    (elsewhere / "prod.yaml").write_text("prod-admin-token")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("KUBECONFIG", f"{elsewhere / 'prod.yaml'}:{home / '.kube' / 'config'}")
    proxy = socket.socket(socket.AF_UNIX)
    proxy.bind(str(tmp_path / "proxy.sock"))  # a `kubectl proxy --unix-socket` of the writer's
    proxy.listen()
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "ca.crt").write_text("the lab's CA")
    (tmp_path / "config").write_text(yaml.safe_dump({**KUBECONFIG, "current-context": "lab"}))
    (tmp_path / "runs").mkdir()
    box = Sandbox(tmp_path / "runs", tmp_path / "config", "kdt-x", None, None)
    try:
        run = lambda text: runbook.run_step(text, box.work, box.env, 20, box.bash, box.launcher)  # noqa: E731
        for path in (home / ".kube" / "config", elsewhere / "prod.yaml"):
            out = run(f"cat {path}")
            assert out.exit_code == 1 and "No such file" in out.output, out.output
        out = run(f"curl -sS -m 5 --unix-socket {tmp_path / 'proxy.sock'} http://x/api")
        assert out.exit_code == 7, out.output
        out = run('grep -c certificate-authority-data "$KUBECONFIG"; echo x > kept; cat kept')
        assert out.output.split() == ["1", "x"], out.output
    finally:
        box.close()
        proxy.close()


def _slug(sentence: str) -> str:
    return "test_" + re.sub(r"[^a-z0-9]+", "_", sentence.lower()).strip("_")


def test_each_rule_of_the_safety_module_has_exactly_one_test_named_after_it():
    tests = {name for name in globals() if name.startswith("test_")}
    assert [r.name for r in safety.RULES if _slug(r.sentence) not in tests] == []


def test_the_readme_safety_section_is_generated_from_the_rules():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert rewrite(readme) == readme, "run: .venv/bin/python -m kubedoctest.live.safety README.md"
