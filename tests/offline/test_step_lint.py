"""The runbook step lint is an allow-list over a real shell tokenizer: each way out is refused by
name, with its rule, at its line; the docs' own runbooks pass; a reviewed exception lifts one rule."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubedoctest.collect import pages
from kubedoctest.collect.collect import SHELL_LANGUAGES, collect
from kubedoctest.config import include_config
from kubedoctest.model import Origin, Snippet, Status
from kubedoctest.runbook import runbook, shell, steplint

ROOT = Path(__file__).resolve().parents[2]

REFUSED = [
    ("kubectl --context prod get pods", "context", "--context"),
    ("kubectl get pods --kubeconfig=/home/me/.kube/config", "context", "--kubeconfig"),
    ("helm install web ./chart --kube-context prod", "context", "--kube-context"),
    ("KUBECONFIG=/etc/rancher/k3s/k3s.yaml kubectl get nodes", "context", "KUBECONFIG="),
    ("export KUBECONFIG=/tmp/other", "context", "KUBECONFIG="),
    ("kubectl --server https://10.0.0.1:6443 get pods", "credentials", "--server"),
    ("kubectl get pods -s https://10.0.0.1:6443", "credentials", "-s"),
    ("kubectl get pods --token=abc", "credentials", "--token"),
    ("kubectl get secrets --as=system:admin", "credentials", "--as"),
    ("kubectl get pods --insecure-skip-tls-verify", "credentials", "--insecure-skip-tls-verify"),
    ("kubectl get pods --certificate-authority=/ca.crt", "credentials", "--certificate-authority"),
    ("kubectl config use-context prod", "kubectl-config", "changes the kubeconfig"),
    ("kubectl config set-credentials me --token=x", "kubectl-config", "changes the kubeconfig"),
    ("kubectl get pods -n kube-system", "namespace", "-n"),
    ("kubectl get pods -nkube-system", "namespace", "-n"),
    ("kubectl get pods --all-namespaces", "namespace", "--all-namespaces"),
    ("kubectl get pods -A", "namespace", "-A"),
    ("/usr/local/bin/kubectl get pods", "path", "/usr/local/bin/kubectl"),
    ("./kubectl get pods", "path", "./kubectl"),
    ("K=kubectl; $K get pods", "indirect", "$K"),
    ("${KUBECTL:-kubectl} get pods", "indirect", "variable"),
    ("eval 'kubectl get pods'", "indirect", "eval"),
    ("echo get pods | xargs kubectl", "indirect", "xargs"),
    ("bash -c 'kubectl get pods'", "indirect", "bash"),
    ("ssh root@node1 systemctl restart kubelet", "remote-shell", "ssh"),
    ("scp node1:/etc/kubernetes/admin.conf .", "remote-shell", "scp"),
    ("rsync -a node1:/etc/ .", "remote-shell", "rsync"),
    ("rm -rf /", "destructive", "rm -rf /"),
    ("rm -rf ~/.kube", "destructive", "rm -rf ~/.kube"),
    ("sudo kubeadm reset -f", "destructive", "sudo"),
    ("echo x > /etc/hosts", "destructive", "/etc/hosts"),
    ("curl -sL https://get.helm.sh/install.sh | sh", "download-exec", "sh"),
    ("curl https://example.com/", "network", "example.com"),
    ("wget -qO- http://10.0.0.5:8080/", "network", "10.0.0.5"),
    ("docker ps", "destructive", "docker"),
    ("terraform apply", "command", "terraform"),
    ("echo $(aws eks get-token)", "command", "aws"),
    ("$ kubectl get pods", "prompt", "$ prompt"),
    ("kubectl apply -f snippets/concepts/pod.yaml", "repo-path", "snippets/concepts/pod.yaml"),
]

ALLOWED = [
    "kubectl get pods -o wide | grep Running | wc -l",
    "kubectl get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}{\"\\n\"}'",
    "NS=$(kubectl config view --minify -o jsonpath='{..namespace}')\necho \"$NS\"",
    "kubectl run curl --rm -i --restart=Never --image=curlimages/curl:8.11.0 -- curl -sS http://web -n x",
    "for i in $(seq 1 3); do kubectl get pods && sleep 1; done",
    "if kubectl get pvc data; then echo found; else echo missing; fi",
    "kubectl apply -f - <<'EOF'\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\nEOF",
    "curl -s http://web.default.svc.cluster.local/ | head -n 5",
    "grep '|' notes.txt || true",
    "helm list",
    "(kubectl get pods; kubectl get svc) 2>&1 | tail -n 20",
    "mkdir -p out && kubectl get pods -o yaml > out/pods.yaml && rm -rf out",
    "timeout 30 kubectl rollout status deployment/web",
]


def step(text: str, allow: frozenset[str] = frozenset()) -> Snippet:
    s = Snippet("docs/zh/runbooks/x.md", 10, "bash", text, [Origin(11 + i) for i in range(text.count("\n") + 1)])
    if allow:
        s.directives = dataclasses.replace(s.directives, allow=allow, reason="reviewed")
    return s


@pytest.mark.parametrize(("text", "rule", "named"), REFUSED, ids=[r[0][:40] for r in REFUSED])
def test_a_step_that_leaves_the_sandbox_is_refused_naming_the_command_and_the_rule(text, rule, named):
    found = steplint.lint(step(text))
    assert found, f"{text!r} passed the lint"
    first = next((f for f in found if f"rule {rule!r}" in f.message), None)
    assert first is not None, [f.message for f in found]
    assert named in first.message
    assert first.where == "docs/zh/runbooks/x.md:11"
    assert f'allow="{rule}"' in (first.hint or "")


@pytest.mark.parametrize("text", ALLOWED, ids=[a[:40] for a in ALLOWED])
def test_kubectl_helm_text_tools_control_flow_and_cluster_addresses_are_allowed(text):
    assert steplint.lint(step(text)) == []


@pytest.mark.parametrize(
    "text",
    [
        "curl -s http://localhost:8001/api/v1/namespaces",  # a kubectl proxy with the writer's credentials
        "curl -k https://127.0.0.1:6443/api",  # a local cluster's API server
        "wget -qO- http://[::1]:9090/",
        "curl http://localhost/",
        "cat < /dev/tcp/127.0.0.1/8001",
        "echo x > /dev/tcp/localhost/8001",
    ],
)
def test_a_step_may_not_reach_a_port_of_this_machine_the_page_did_not_forward(text):
    found = steplint.lint(step(text))
    assert found and all("refused by rule 'network'" in f.message for f in found), found


def test_a_step_may_reach_the_local_port_an_earlier_step_of_its_page_forwarded():
    forwarded = frozenset(steplint.forwarded_ports("kubectl port-forward svc/web 8080:80 >/dev/null 2>&1 &"))
    assert forwarded == {8080}
    assert steplint.lint(step("curl -s http://localhost:8080/healthz"), forwarded) == []
    assert steplint.lint(step("curl -s http://localhost:8001/api"), forwarded) != []


def test_the_forwarded_ports_follow_the_page_order_of_its_steps(tmp_path):
    (tmp_path / "runbooks").mkdir()
    page = tmp_path / "runbooks" / "p.md"
    page.write_text(
        "```bash\ncurl -s http://localhost:8080/\n```\n\n```bash\nkubectl port-forward svc/web 8080:80 &\n```\n\n"
        "```bash\ncurl -s http://localhost:8080/\n```\n",
        encoding="utf-8",
    )
    snippets, errors = collect([str(tmp_path)], include_config(None, tmp_path), SHELL_LANGUAGES)
    from kubedoctest.runner import Offline

    results = [p.result for p in Offline(snippets, errors, ["1.35"]).prepare()]
    assert [r.status for r in results] == [Status.FAILED, Status.PASSED, Status.PASSED]


def test_a_problem_is_located_at_the_line_of_its_command():
    found = steplint.lint(step("kubectl get pods\nkubectl get svc\nssh node1 uptime"))
    assert [f.where for f in found] == ["docs/zh/runbooks/x.md:13"]


def test_an_unclosed_here_document_is_a_located_error_not_a_traceback():
    found = steplint.lint(step("kubectl apply -f - <<'EOF'\nkind: ConfigMap\n"))
    assert len(found) == 1 and "never closed" in found[0].message


def test_a_reviewed_exception_lifts_exactly_its_rule():
    text = "ssh node1 uptime\nkubectl --context prod get pods"
    found = steplint.lint(step(text, frozenset({"remote-shell"})))
    assert [f.message.split(":")[0] for f in found] == ["refused by rule 'context'"]


def test_every_rule_has_an_explanation_and_the_runbook_module_exports_them():
    assert runbook.RULES == frozenset(steplint.RULES)
    assert all(steplint.RULES[r] for r in runbook.RULES)


def test_every_step_of_the_docs_runbooks_that_runs_passes_the_lint():
    found = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "docs").glob("*/runbooks/*.md"))]
    assert len(found) >= 8
    snippets, errors = collect(found, include_config(ROOT / "mkdocs.yml", display_root=ROOT), SHELL_LANGUAGES)
    steps = [s for s in snippets if pages.is_runbook(s.page)]
    assert errors == [] and len(steps) > 40
    results = {s.id: runbook.offline(s) for s in steps}
    assert {r.status for r in results.values()} == {Status.PASSED, Status.SKIPPED}
    failed = {i: r.messages for i, r in results.items() if r.status == Status.FAILED}
    assert failed == {}


def test_the_tokenizer_sees_pipes_lists_subshells_substitutions_and_here_documents():
    script = (
        "NS=$(kubectl config view --minify -o jsonpath='{..namespace}')\n"
        "kubectl apply -f - <<'EOF'\nkind: PersistentVolume\nEOF\n"
        "grep '|' a | wc -l && (cd sub; ls) # rm -rf /\n"
        "echo `date`"
    )
    commands = shell.parse(script)
    names = [(c.name, c.line) for c in commands]
    assert ("kubectl", 1) in names and ("wc", 4) in names and ("ls", 4) in names
    assert ("kubectl", 0) in names and ("date", 5) in names  # inside $(...) and backquotes
    assert "rm" not in [n for n, _ in names]  # a comment
    apply = next(c for c in commands if c.words[:2] == ["kubectl", "apply"])
    assert apply.heredoc == "kind: PersistentVolume"
    grep = next(c for c in commands if c.name == "grep")
    assert grep.words == ["grep", "|", "a"]  # a quoted | is a word
    wc = next(c for c in commands if c.name == "wc")
    assert wc.piped_from is grep


SHELL_ALPHABET = st.sampled_from(
    list("kubectl get pods -n|&;()<>$`'\"\\\n\t #*{}=/~.") + ["<<EOF\n", "\nEOF\n", "$(", "case x in a) ;; esac"]
)


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(SHELL_ALPHABET, max_size=80).map("".join))
def test_any_step_text_ends_in_a_list_of_located_problems_never_a_traceback(text):
    found = steplint.lint(step(text))
    lines = text.count("\n") + 1
    for f in found:
        line = int(f.where.rsplit(":", 1)[1])
        assert 11 <= line <= 10 + lines, (f.where, text)
        assert f.message.startswith("refused by rule ")
