"""At run time, whatever the lint says: a runbook step sees the system's program folders (read-only)
and its page's own folder, tools and kubeconfig, nothing else of this machine's files: not the
writer's HOME nor the kubeconfigs their KUBECONFIG names, not a unix socket (a `kubectl proxy
--unix-socket`, docker's, containerd's), and it cannot unmount or remount its way back to them
(rule "filesystem"). No cluster needed."""

from __future__ import annotations

import base64
import os
import socket
import sys
import threading
import uuid
from pathlib import Path

import pytest
import yaml

from kubedoctest.live.safety import network
from kubedoctest.live.safety.relay import SYSTEM
from kubedoctest.live.safety.sandbox import Sandbox, inline
from kubedoctest.model import Origin, Snippet, Status
from kubedoctest.parse.directives import Directives
from kubedoctest.runbook import runbook

SECRET = "token-of-the-writers-production-cluster"
CONFIG = {
    "apiVersion": "v1", "kind": "Config", "current-context": "test",
    "contexts": [{"name": "test", "context": {"cluster": "test", "user": "admin"}}],
    "clusters": [{"name": "test", "cluster": {"server": "http://127.0.0.1:1"}}],
    "users": [{"name": "admin", "user": {"token": "t"}}],
}  # fmt: skip


@pytest.fixture
def writer(tmp_path, monkeypatch):
    """The invoking user's environment: a HOME with credentials, a KUBECONFIG naming files elsewhere."""
    home, elsewhere = tmp_path / "home" / "me", tmp_path / "elsewhere"
    for folder in (home / ".kube", home / ".docker", home / ".config" / "gcloud", elsewhere):
        folder.mkdir(parents=True)
    planted = [
        home / ".kube" / "config",
        home / ".docker" / "config.json",
        home / ".config" / "gcloud" / "credentials.db",
        elsewhere / "prod.yaml",
    ]
    for path in planted:
        path.write_text(SECRET)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("KUBECONFIG", f"{elsewhere / 'prod.yaml'}:{home / '.kube' / 'config'}")
    return planted


@pytest.fixture
def page(tmp_path, writer):
    (tmp_path / "runs").mkdir()
    (tmp_path / "kubeconfig").write_text(yaml.safe_dump(CONFIG))
    box = Sandbox(tmp_path / "runs", tmp_path / "kubeconfig", "kdt-abc-1-page", None, None)
    yield box
    box.close()


def run(box: Sandbox, text: str, system_tools: bool = False) -> runbook.StepOutcome:
    env = dict(box.env)
    if system_tools:  # tools the lint was told to allow (umount, mount, python3)
        env["PATH"] += ":/usr/sbin:/usr/bin:/sbin:/bin"
    return runbook.run_step(text, box.work, env, 20, box.bash, box.launcher)


def step(text: str, **directives) -> Snippet:
    return Snippet("docs/en/runbooks/p.md", 3, "bash", text, [Origin(4)], Directives(**directives))


def test_a_step_cannot_read_the_writers_home_nor_the_kubeconfigs_their_kubeconfig_names(page, writer):
    for path in writer:
        out = run(page, f"cat {path}")
        assert out.exit_code == 1 and "No such file or directory" in out.output, (path, out.output)
    out = run(page, 'ls -A "$(dirname "$(dirname "$KUBECONFIG")")"; cat ~/.kube/config', system_tools=True)
    assert SECRET not in out.output
    real_home = os.path.expanduser("~")  # the HOME of this process: the writer's
    out = run(page, f"ls -A {real_home} 2>&1 || true")
    assert SECRET not in out.output and ".kube" not in out.output


def test_the_lint_lets_a_step_name_a_file_of_the_writer_and_the_run_still_keeps_it_out(page, writer):
    text = f"cat {writer[0]}"
    assert runbook.offline(step(text)).status == Status.PASSED  # the lint sees nothing wrong
    result = runbook.PageSteps(page.env, page.work, page.bash, False, "t", lambda s: None, launcher=page.launcher).run(
        step(text)
    )
    assert result.status == Status.FAILED and SECRET not in result.messages[0]
    assert f"not {writer[0]} (safety rule 'filesystem')" in result.messages[0], result.messages[0]


def test_a_missing_file_outside_the_pages_folder_is_explained_by_the_rule():
    own = "/tmp/run/kubedoctest-runbook-1"
    assert "safety rule 'filesystem'" in network.explain("cat: /home/me/.kube/config: No such file or directory", own)
    assert "not /root/.docker/config.json" in network.explain(
        "error: stat /root/.docker/config.json: no such file or directory", own
    )
    assert network.explain(f"cat: {own}/work/typo.txt: No such file or directory", own) == ""  # the page's own
    assert network.explain("ls: cannot access '/usr/share/nothing': No such file or directory", own) == ""


def _unix_listener(path_or_name: str) -> tuple[socket.socket, list]:
    reached: list = []
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path_or_name)
    listener.listen()
    threading.Thread(target=lambda: reached.append(listener.accept()), daemon=True).start()
    return listener, reached


@pytest.mark.parametrize("where", ["test folder", "/tmp", "abstract"])
def test_a_step_cannot_connect_to_a_unix_socket_of_this_machine(page, tmp_path, where):
    """A `kubectl proxy --unix-socket` with the writer's credentials, docker's socket: whatever path.
    Abstract sockets belong to the network namespace, which is the page's own."""
    name = f"kdt-test-{uuid.uuid4().hex[:8]}"
    address = {"test folder": str(tmp_path / "proxy.sock"), "/tmp": f"/tmp/{name}.sock", "abstract": "\0" + name}
    listener, reached = _unix_listener(address[where])
    flag = "--abstract-unix-socket " + name if where == "abstract" else "--unix-socket " + address[where]
    try:
        out = run(page, f"curl -sS -m 5 {flag} http://x/api/v1/namespaces")
        assert out.exit_code == 7 and "reached" not in out.output, out.output
        assert reached == []
    finally:
        listener.close()
        if where != "abstract":
            Path(address[where]).unlink(missing_ok=True)


def test_the_daemon_socket_places_and_tmp_are_the_pages_own(page):
    places = "/run /var/run /var/lib/docker /var/lib/containerd /run/containerd /run/user /var/lib/kubelet"
    out = run(page, f"for p in {places}; do ls -A $p 2>/dev/null || true; done; echo end")
    assert out.output.split() == ["end"], out.output
    # /tmp holds only the way to the page's folder (where tempfile put it) and nothing of the host's
    mine = f"kdt-{uuid.uuid4().hex[:8]}"
    out = run(page, f"touch /tmp/{mine} /var/tmp/{mine} && ls -A /tmp /var/tmp")
    assert out.exit_code == 0, out.output
    seen = set(out.output.split()) - {"/tmp:", "/var/tmp:", mine}
    assert seen <= {page.folder.parts[2]}, seen  # the first folder of the way to the page's own
    assert not Path(f"/tmp/{mine}").exists() and not Path(f"/var/tmp/{mine}").exists()


def test_only_the_system_program_folders_are_there_read_only_and_no_mount_can_be_undone(page):
    out = run(page, "ls -A /")
    assert set(out.output.split()) <= {*(p.strip("/") for p in SYSTEM), "dev", "proc", "tmp", "var", "run"}
    out = run(page, "touch /usr/kdt-x /etc/kdt-x 2>&1 || true")
    assert out.output.count("Read-only file system") == 2, out.output
    undo = "umount /usr; umount -l /etc; umount /tmp; mount -o remount,rw /usr; mount -o remount,rw /etc"
    out = run(page, f"set +e; {undo}; touch /usr/kdt-x 2>&1; ls -A /", system_tools=True)
    assert "Read-only file system" in out.output and not Path("/usr/kdt-x").exists(), out.output
    # `..` from the working folder ends at the page's root, never in the host's
    out = run(page, "cd ../../../../../../../..; pwd; ls -A")
    assert out.output.split()[0] == "/" and "home" not in out.output.split()


def test_the_pages_proc_shows_only_its_own_processes(page):
    """The host's /proc would hand a step /proc/PID/root of any process of the writer: the host's
    whole filesystem."""
    out = run(page, f"set +e; ls -d /proc/{os.getpid()}/root/* 2>/dev/null; ls /proc | grep -c '^[0-9]'")
    assert int(out.output.split()[-1]) < 10, out.output
    out = run(page, "cat /proc/1/cmdline | tr '\\0' ' '")
    assert "relay.py" in out.output


def test_a_page_keeps_its_own_folder_kubeconfig_and_tools_across_steps(page):
    assert run(page, 'echo kept > note.txt; echo home > "$HOME/h"; mktemp').exit_code == 0
    out = run(page, 'cat note.txt "$HOME/h"; grep -c "namespace: kdt-abc-1-page" "$KUBECONFIG"; grep -c x <<< x')
    assert out.output.split() == ["kept", "home", "1", "1"], out.output


def test_a_tool_outside_the_system_folders_is_there_at_its_path_read_only(tmp_path, writer):
    """The pinned kubectl lives in the writer's cache (under their HOME): that file, not its folder."""
    pinned = Path(os.environ["HOME"]) / ".cache" / "kubedoctest" / "bin" / "kubectl"
    pinned.parent.mkdir(parents=True)
    pinned.write_text('#!/bin/sh\necho "pinned kubectl $*"\n')
    pinned.chmod(0o755)
    (pinned.parent / "other-cluster.kubeconfig").write_text(SECRET)
    (tmp_path / "kubeconfig").write_text(yaml.safe_dump(CONFIG))
    box = Sandbox(tmp_path, tmp_path / "kubeconfig", "kdt-x", pinned, None)
    try:
        out = run(box, f"kubectl get pods; ls -A {pinned.parent}; echo x > {pinned} 2>&1 || true")
        assert out.output.split("\n")[0] == "pinned kubectl get pods", out.output
        assert "other-cluster" not in out.output and "Read-only file system" in out.output, out.output
        assert pinned.read_text().startswith("#!/bin/sh")
    finally:
        box.close()


def test_the_files_a_kubeconfig_names_are_written_into_the_pages_own(tmp_path):
    (tmp_path / "ca.crt").write_bytes(b"CA")
    (tmp_path / "token").write_text("tok\n")
    config = {
        "clusters": [{"name": "c", "cluster": {"server": "https://x", "certificate-authority": str(tmp_path / "ca.crt")}}],
        "users": [
            {"name": "u", "user": {"client-certificate": str(tmp_path / "gone.crt"), "tokenFile": str(tmp_path / "token")}}
        ],
    }  # fmt: skip
    out = inline(config)
    assert out["clusters"][0]["cluster"] == {
        "server": "https://x",
        "certificate-authority-data": base64.b64encode(b"CA").decode(),
    }
    # a file that is not there stays named (the step's kubectl says so)
    assert out["users"][0]["user"] == {"client-certificate": str(tmp_path / "gone.crt"), "token": "tok"}


def test_where_the_pages_root_cannot_be_made_the_steps_do_not_run_and_say_why(tmp_path, monkeypatch):
    """A /proc of the page's own cannot be mounted where the host's is partly masked (a container's
    default): the relay says so and the page's steps fail with it, never run with the host's files."""
    stub = tmp_path / "relay.py"
    stub.write_text("print('error: cannot mount /x/root/proc: Operation not permitted', flush=True)\n")
    monkeypatch.setattr(network.relay, "__file__", str(stub))
    (tmp_path / "kubeconfig").write_text(yaml.safe_dump(CONFIG))
    with pytest.raises(network.IsolationError, match="partly masked") as caught:
        Sandbox(tmp_path, tmp_path / "kubeconfig", "kdt-x", None, None)
    assert "systempaths=unconfined" in str(caught.value)
    assert sys.platform.startswith("linux")
