"""At run time, whatever the lint says: a runbook step reaches the test cluster's API server and the
local ports its own page opened, and nothing else on this machine or beyond, whatever tool it uses.
No cluster needed: a small HTTP server stands in for the API server, another for what a step must
not reach (a writer's `kubectl proxy`, another cluster's API server)."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest
import yaml

from kubedoctest.live.safety import network
from kubedoctest.live.safety.sandbox import Sandbox
from kubedoctest.model import Origin, Snippet, Stage, Status
from kubedoctest.parse.directives import Directives
from kubedoctest.runbook import runbook


def _server(answer: bytes) -> tuple[socket.socket, int]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def serve() -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            client.recv(4096)
            client.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(answer), answer))
            client.close()

    threading.Thread(target=serve, daemon=True).start()
    return listener, listener.getsockname()[1]


@pytest.fixture
def host():
    """(API server port, port of a host listener the page did not open)."""
    api, api_port = _server(b"the test cluster")
    other, other_port = _server(b"a kubectl proxy with the writer's credentials")
    yield api_port, other_port
    api.close()
    other.close()


def _sandbox(folder: Path, api_port: int) -> Sandbox:
    config = {
        "apiVersion": "v1", "kind": "Config", "current-context": "test",
        "contexts": [{"name": "test", "context": {"cluster": "test", "user": "admin"}}],
        "clusters": [{"name": "test", "cluster": {"server": f"http://127.0.0.1:{api_port}"}}],
        "users": [{"name": "admin", "user": {"token": "t"}}],
    }  # fmt: skip
    folder.mkdir(exist_ok=True)
    (folder / "kubeconfig").write_text(yaml.safe_dump(config))
    return Sandbox(folder, folder / "kubeconfig", "kdt-abc-1-page", None, None)


@pytest.fixture
def page(tmp_path, host):
    box = _sandbox(tmp_path / "page", host[0])
    yield box
    box.close()


def need_tool(box: Sandbox, text: str) -> None:
    """Fail (not skip: the steps' downloaders are a feature these tests prove) when the step's tool is missing."""
    tool = text.split()[0]
    if tool in ("curl", "wget") and not (box.bin / tool).exists():
        pytest.fail(f"{tool} is not on this machine's PATH, so the sandbox has none: install it (CI does, in .ci/run)")


# the page's root shows the system's program folders only: a python of the writer's (a venv, pyenv)
# is not there, the system's is
SYSTEM_PYTHON = next((p for p in ("/usr/bin/python3", "/bin/python3") if Path(p).is_file()), None)


def run(box: Sandbox, text: str, python: bool = False) -> runbook.StepOutcome:
    need_tool(box, text)
    env = dict(box.env)
    if python:  # an interpreter the lint was told to allow
        if SYSTEM_PYTHON is None:
            pytest.fail(
                "no python3 in the system's program folders (/usr/bin): install Debian's python3 (.ci/run's machines have it)"
            )
        env["PATH"] += ":" + str(Path(SYSTEM_PYTHON).parent)
    return runbook.run_step(text, box.work, env, 20, box.bash, box.launcher)


def step(text: str, **directives) -> Snippet:
    return Snippet("docs/en/runbooks/p.md", 3, "bash", text, [Origin(4)], Directives(**directives))


def test_a_step_reaches_the_test_clusters_api_server(page, host):
    out = run(page, f"curl -sS http://127.0.0.1:{host[0]}/")
    assert (out.exit_code, out.output) == (0, "the test cluster")


@pytest.mark.parametrize(
    "text",
    [
        "curl -sS -m 5 http://127.0.0.1:{port}/",
        "curl -sS -m 5 http://localhost:{port}/",
        "wget -q -T 5 -O- http://127.0.0.1:{port}/",
        "exec 3<>/dev/tcp/127.0.0.1/{port}; echo reached",
        "cat < /dev/tcp/127.0.0.1/{port}",
    ],
)
def test_a_step_cannot_reach_a_port_of_this_machine_its_page_did_not_open_even_when_the_lint_allows_it(
    page, host, text
):
    text = text.format(port=host[1])
    need_tool(page, text)
    allowed = step(text, allow=frozenset({"network", "indirect"}), reason="the test says so")
    assert runbook.offline(allowed).status == Status.PASSED  # the lint lets it through
    result = runbook.PageSteps(page.env, page.work, page.bash, False, "t", lambda s: None, launcher=page.launcher).run(
        allowed
    )
    assert result.status == Status.FAILED
    assert "wget" in text or "safety rule 'network'" in result.messages[0], result.messages[0]
    output = result.messages[0].partition("last lines of output:")[2]
    assert "writer's credentials" not in output and "reached" not in output


def test_an_interpreter_cannot_reach_a_port_of_this_machine_nor_enter_its_network_again(page, host):
    connect = f"import socket; socket.create_connection(('127.0.0.1', {host[1]}), timeout=5); print('reached')"
    out = run(page, f'python3 -c "{connect}"', python=True)
    assert out.exit_code != 0 and "Connection refused" in out.output
    # no process of the host is in sight to enter its namespaces through: the step's /proc is its
    # page's PID namespace, whose process 1 is the relay
    out = run(page, "cat /proc/1/cmdline | tr '\\0' ' '; echo; ls /proc | grep -c '^[0-9]'")
    relay, count = out.output.splitlines()
    assert "relay.py" in relay and int(count) < 10, out.output
    escape = f"import os; os.setns(os.open('/proc/{os.getpid()}/ns/net', os.O_RDONLY), 0); print('escaped')"
    out = run(page, f'python3 -c "{escape}"', python=True)
    assert out.exit_code != 0 and "escaped" not in out.output


def test_a_port_one_step_opens_is_there_for_the_next_step_of_its_page_and_no_other_page(page, tmp_path, host):
    port = 18080
    opened = run(page, f"python3 -m http.server {port} --bind 127.0.0.1 >/dev/null 2>&1 & sleep 1", python=True)
    assert opened.exit_code == 0, opened.output
    later = run(page, f"curl -sS -o /dev/null -w '%{{http_code}}' http://127.0.0.1:{port}/")
    assert (later.exit_code, later.output) == (0, "200")
    other = _sandbox(tmp_path / "other-page", host[0])
    try:
        elsewhere = run(other, f"curl -sS -m 5 http://127.0.0.1:{port}/")
        assert elsewhere.exit_code == 7, elsewhere.output  # couldn't connect
    finally:
        other.close()


def test_what_a_step_left_running_dies_with_its_page(tmp_path, host):
    box = _sandbox(tmp_path / "page", host[0])
    out = run(box, "sleep 300 >/dev/null 2>&1 & echo $!")
    assert out.exit_code == 0
    marker = str(box.folder).encode()
    box.close()
    deadline = (
        time.monotonic() + 10
    )  # the kernel kills the page's PID namespace at once, its dead leave /proc when reaped
    while (left := [p for p in Path("/proc").iterdir() if p.name.isdigit() and _has(p, marker)]) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.05)
    assert left == []


def _has(proc: Path, marker: bytes) -> bool:
    try:
        return marker in (proc / "environ").read_bytes()
    except OSError:
        return False


def test_the_hosts_daemon_sockets_are_hidden_from_a_step(page):
    out = run(page, "ls -A /run | wc -l")
    assert (out.exit_code, out.output.strip()) == (0, "0")


def test_where_the_namespaces_cannot_be_made_the_steps_do_not_run_and_say_why(tmp_path, host, monkeypatch):
    monkeypatch.setattr(network.shutil, "which", lambda name, *a, **k: None)
    with pytest.raises(network.IsolationError, match="unshare"):
        _sandbox(tmp_path / "page", host[0])


def test_a_step_that_stays_quiet_on_its_api_connection_keeps_it(page, host, monkeypatch):
    """A watch (`kubectl rollout status`) or a port-forward stream may be idle for long: the relay
    does not time it out (its connect timeout is not a read timeout)."""
    monkeypatch.setattr(network, "CONNECT_TIMEOUT", 1.0)
    request = "printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3; cat <&3"
    out = run(page, f"exec 3<>/dev/tcp/127.0.0.1/{host[0]}; sleep 2.5; {request}")
    assert out.exit_code == 0 and out.output.endswith("the test cluster"), out.output


def test_a_cluster_elsewhere_is_reached_at_the_relays_address_with_its_certificate_checked_for_its_name(tmp_path):
    config = {
        "apiVersion": "v1", "kind": "Config", "current-context": "lab",
        "contexts": [{"name": "lab", "context": {"cluster": "lab", "user": "me"}}],
        "clusters": [{"name": "lab", "cluster": {"server": "https://rancher.example:6443"}}],
        "users": [{"name": "me", "user": {"token": "t"}}],
    }  # fmt: skip
    (tmp_path / "kubeconfig").write_text(yaml.safe_dump(config))
    box = Sandbox(tmp_path, tmp_path / "kubeconfig", "kdt-x", None, None)
    try:
        cluster = yaml.safe_load(box.kubeconfig.read_text())["clusters"][0]["cluster"]
        assert cluster == {"server": "https://127.0.0.1:6443", "tls-server-name": "rancher.example"}
    finally:
        box.close()


class _FakeApi:
    """Enough of live.api.Api for a page whose namespace is made and deleted."""

    def __init__(self):
        self.deleted = []

    def create(self, body, namespace, dry_run=False):
        return body

    def wait(self, *args, **kwargs):
        return True, {}, None

    def delete(self, api_version, kind, name, namespace, uid=None):
        self.deleted.append((kind, name))
        return True


def test_a_page_whose_namespaces_cannot_be_made_fails_each_step_with_the_reason(tmp_path, host, monkeypatch):
    from kubedoctest.live import page as pages
    from kubedoctest.live.planning import PagePlan
    from kubedoctest.live.safety import Policy
    from kubedoctest.model import Prepared, Result

    monkeypatch.setattr(network.shutil, "which", lambda name, *a, **k: None)
    _sandbox_config = tmp_path / "kubeconfig"
    _sandbox_config.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "t",
        "contexts": [{"name": "t", "context": {"cluster": "t", "user": "u"}}],
        "clusters": [{"name": "t", "cluster": {"server": f"http://127.0.0.1:{host[0]}"}}],
        "users": [{"name": "u", "user": {"token": "x"}}],
    }))  # fmt: skip
    ctx = pages.Context(_FakeApi(), Policy(owned=True), "abc", True, 5, tmp_path, _sandbox_config, None, None, "v0")
    items = [Prepared(step(f"echo {i}"), [], Result(step(f"echo {i}"), Status.PASSED, Stage.LINT)) for i in range(2)]
    out = pages.run_page(ctx, PagePlan(0, "docs/en/runbooks/p.md", items, False, "kdt-abc-0-p"))
    assert [r.status for _, r in out] == [Status.FAILED, Status.FAILED]
    assert all("runbook steps cannot run here" in r.messages[0] and "unshare" in r.messages[0] for _, r in out)
    assert ("Namespace", "kdt-abc-0-p") in ctx.api.deleted  # the page still cleans up
