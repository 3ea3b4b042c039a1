"""The runbook step lint: an allow-list of what a step may run.

A step may run kubectl and helm (against the cluster it is given, so no flags that name another
server, identity, context or kubeconfig, and no namespace of its own choosing), read-only text tools,
shell builtins and control flow, and curl/wget to addresses inside the cluster. Anything else is an
error naming the command and the rule; a reviewed exception is allowed per step with
`<!-- kubedoctest: allow="RULE" reason="..." -->`. The lint is an allow-list on top of the safety
module (live/safety/), which holds at run time even where this lint is wrong or lifted: the
sandbox, the page's own network namespace, the policy's refusals; the lint says so early and plainly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Finding, Snippet
from . import kubectl_command, shell
from .step_rules import RULES

TEXT_TOOLS = {
    "grep", "egrep", "fgrep", "sed", "awk", "head", "tail", "jq", "yq", "sort", "uniq", "wc", "cut", "tr",
    "cat", "tee", "seq", "sleep", "date", "base64", "column", "paste", "nl", "rev", "fold", "comm", "join",
    "diff", "basename", "dirname", "mktemp", "mkdir", "touch", "ls", "envsubst", "sha256sum", "md5sum",
    "printenv", "xxd", "od", "expr", "timeout", "rm",
}  # fmt: skip
BUILTINS = {
    "echo", "printf", "test", "[", "true", "false", ":", "export", "set", "unset", "local", "read", "shift",
    "return", "exit", "cd", "pwd", "wait", "trap", "declare", "readonly", "let", "break", "continue", "type",
}  # fmt: skip
INDIRECT = {"eval", "source", ".", "exec", "xargs", "env", "command", "builtin", "sh", "bash", "zsh", "dash",
            "ksh", "python", "python3", "perl", "ruby", "node", "nohup", "setsid", "watch", "parallel"}  # fmt: skip
REMOTE = {"ssh", "scp", "sftp", "rsync", "telnet", "nc", "ncat", "netcat", "socat", "mosh"}
DESTRUCTIVE = {"sudo", "su", "doas", "dd", "mkfs", "shutdown", "reboot", "halt", "poweroff", "systemctl", "chown",
               "chmod", "mount", "umount", "iptables", "kill", "killall", "pkill", "docker", "crictl", "nerdctl",
               "kind", "kubeadm", "kubelet", "mv", "cp", "ln", "install", "truncate", "shred"}  # fmt: skip
DOWNLOADERS = {"curl", "wget"}
KUBECTL_CONFIG_READS = {"view", "current-context", "get-contexts", "get-clusters"}
CREDENTIAL_FLAGS = {
    "--server", "-s", "--token", "--as", "--as-group", "--as-uid", "--certificate-authority", "--client-certificate",
    "--client-key", "--insecure-skip-tls-verify", "--username", "--password", "--tls-server-name", "--cluster",
    "--user", "--kube-apiserver", "--kube-token", "--kube-as-user", "--kube-as-group", "--kube-ca-file",
    "--kube-insecure-skip-tls-verify", "--kube-tls-server-name",
}  # fmt: skip
CONTEXT_FLAGS = {"--context", "--kubeconfig", "--kube-context"}
NAMESPACE_FLAGS = {"-n", "--namespace", "-A", "--all-namespaces"}
_PROMPT = re.compile(r"^\s*\$\s")
_REPO_PATH = re.compile(r"(?<![\w/.~-])(snippets|docs)/[\w./-]+\.(ya?ml|md|sh|json)\b")
_URL_HOST = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/\s]*@)?(\[[^\]]*\]|[^:/?#\s]*)", re.I)
CLUSTER_HOST = re.compile(r"^(localhost|127(\.\d+){3}|\[::1\]|[a-z0-9-]+|[a-z0-9.-]+\.svc(\.cluster\.local)?)$", re.I)


@dataclass(frozen=True)
class Problem:
    line: int  # 0-based line of the step
    rule: str
    message: str


def allowed(step: Snippet) -> set[str]:
    """The rules a reviewed exception lifts for this step (`allow="remote-shell,path"`)."""
    value = getattr(step.directives, "allow", ())
    if isinstance(value, str):
        return {v.strip() for v in value.split(",") if v.strip()}
    return set(value)


def lint(step: Snippet, opened: frozenset[int] = frozenset()) -> list[Finding]:
    """Every problem of a step at its page line, naming the command and the rule; allowed rules
    excepted. `opened`: the local ports earlier steps of the page opened with kubectl port-forward,
    the only ones on this machine a step may reach."""
    lifted = allowed(step)
    return [
        Finding(
            step.where(p.line),
            f"refused by rule {p.rule!r}: {p.message}; {RULES[p.rule]}",
            hint=f'change the step, or allow a reviewed exception with <!-- kubedoctest: allow="{p.rule}" reason="..." -->',
        )
        for p in problems(step.text, opened)
        if p.rule not in lifted
    ]


def problems(text: str, opened: frozenset[int] = frozenset()) -> list[Problem]:
    out: list[Problem] = []
    for i, line in enumerate(text.split("\n")):
        if _PROMPT.match(line):
            out.append(Problem(i, "prompt", "the step starts with a $ prompt"))
        m = _REPO_PATH.search(line)
        if m:
            out.append(Problem(i, "repo-path", f"the step reads {m.group(0)!r} from this repository"))
    try:
        commands = shell.parse(text)
    except shell.ShellSyntaxError as e:
        return [*out, Problem(e.line, "command", str(e))]
    for c in commands:
        out += _command(c, opened)
        for word in [*c.words, *(target for _, target in c.redirects)]:
            if "/dev/tcp/" in word or "/dev/udp/" in word:
                out.append(Problem(c.line, "network", f"{word!r} opens a connection the lint cannot check"))
    return out


def forwarded_ports(text: str) -> set[int]:
    """The local ports a step opens with `kubectl port-forward TARGET [LOCAL:]REMOTE...`."""
    try:
        commands = shell.parse(text)
    except shell.ShellSyntaxError:
        return set()
    ports: set[int] = set()
    for c in commands:
        words = kubectl_command.kubectl_args(c.words).positional if c.name == "kubectl" else []
        if words[:1] == ["port-forward"]:
            for w in words[2:]:
                m = re.match(r"^(\d+)(?::\d+)?$", w)
                if m:
                    ports.add(int(m.group(1)))
    return ports


def _command(c: shell.Command, opened: frozenset[int] = frozenset()) -> list[Problem]:
    declared = c.words[1:] if c.name in ("export", "declare", "readonly", "local", "typeset") else []
    out = [
        Problem(c.line, "context", f"{a.split('=')[0]}= sets another kubeconfig")
        for a in [*c.assignments, *declared]
        if a.startswith("KUBECONFIG=")
    ]
    for op, target in c.redirects:
        if op in (">", ">>", "&>", ">&") and target.startswith(("/", "~")) and not target.startswith("/dev/"):
            out.append(Problem(c.line, "destructive", f"{op} {target} writes outside the step's working folder"))
    if not c.words:
        return out
    name = c.name
    shown = " ".join(c.words[:4]) + (" ..." if len(c.words) > 4 else "")
    if "$" in name or "`" in name or "__SUBST__" in name:
        return [*out, Problem(c.line, "indirect", f"command {shown!r} is named through a variable")]
    if "/" in name or name.startswith("~"):
        return [*out, Problem(c.line, "path", f"command {shown!r} is run by its path")]
    if name in INDIRECT:
        return [
            *out,
            Problem(c.line, "download-exec" if _downloaded(c) else "indirect", f"{shown!r} runs other commands"),
        ]
    if name in REMOTE:
        return [*out, Problem(c.line, "remote-shell", f"{shown!r} reaches another machine")]
    if name in DESTRUCTIVE:
        return [*out, Problem(c.line, "destructive", f"{shown!r} changes the host")]
    if name in ("kubectl", "helm"):
        return out + _cluster_tool(c, shown)
    if name in DOWNLOADERS:
        return out + _download(c, shown, opened)
    if name == "rm" and any(w.startswith(("/", "~")) or ".." in w or w in ("*", ".") for w in c.words[1:]):
        return [*out, Problem(c.line, "destructive", f"{shown!r} removes files outside the step's working folder")]
    if name == "timeout":
        rest = [w for w in c.words[1:] if not w.startswith("-")][1:]
        return out + (_command(shell.Command(rest, c.line), opened) if rest else [])
    if name in TEXT_TOOLS or name in BUILTINS:
        return out
    return [*out, Problem(c.line, "command", f"command {name!r} is not on the allow-list")]


def _downloaded(c: shell.Command) -> bool:
    source = c.piped_from
    while source is not None:
        if source.name in DOWNLOADERS:
            return True
        source = source.piped_from
    return False


def _cluster_tool(c: shell.Command, shown: str) -> list[Problem]:
    out = []
    args = kubectl_command.kubectl_args(c.words)  # the one reader the safety policy uses too
    for flag in args.flags:
        if flag in CONTEXT_FLAGS:
            out.append(Problem(c.line, "context", f"{shown!r} uses {flag}"))
        elif flag in CREDENTIAL_FLAGS:
            out.append(Problem(c.line, "credentials", f"{shown!r} uses {flag}"))
        elif flag in NAMESPACE_FLAGS:
            out.append(Problem(c.line, "namespace", f"{shown!r} uses {flag}"))
    words = args.positional
    if c.name == "kubectl" and words[:1] == ["config"] and (words[1:2] or [""])[0] not in KUBECTL_CONFIG_READS:
        out.append(Problem(c.line, "kubectl-config", f"{shown!r} changes the kubeconfig"))
    if c.name == "kubectl" and words[:1] == ["plugin"]:
        out.append(Problem(c.line, "indirect", f"{shown!r} runs kubectl plugins"))
    return out


LOOPBACK = re.compile(r"^(localhost|127(\.\d+){3}|\[::1\]|0\.0\.0\.0|\[::\])$", re.I)
_PORT = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/\s]*@)?(?:\[[^\]]*\]|[^:/?#\s]*)(?::(\d+))?", re.I)


def _download(c: shell.Command, shown: str, opened: frozenset[int] = frozenset()) -> list[Problem]:
    out = []
    for w in c.words[1:]:
        if w.startswith("-") or not ("://" in w or re.match(r"^[\w.-]+:\d+(/|$)", w)):
            continue  # options and their values (-o FILE, -H HEADER) are not addresses
        host = (_URL_HOST.match(w) or [None, ""])[1] or ""
        if "$" in host or "__SUBST__" in host:
            continue  # a service name from a variable: the sandbox has no other network rule to offer
        if LOOPBACK.match(host):
            # this machine: where a `kubectl proxy` with the writer's credentials, a local cluster's
            # API server or a port-forward to production may listen; only the page's own forwards
            port_text = (_PORT.match(w) or [None, None])[1]
            port = int(port_text) if port_text else (443 if w.lower().startswith("https") else 80)
            if port not in opened:
                out.append(
                    Problem(
                        c.line,
                        "network",
                        f"{shown!r} reaches port {port} of this machine, which no earlier step of the page "
                        "opened with kubectl port-forward",
                    )
                )
        elif not CLUSTER_HOST.match(host):
            out.append(Problem(c.line, "network", f"{shown!r} reaches {host!r}, not a cluster address"))
    return out
