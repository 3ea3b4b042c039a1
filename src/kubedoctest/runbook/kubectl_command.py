"""A kubectl (or helm) command line read as the cluster sees it: the one reader of kubectl's
arguments, asked by the runbook lint (steplint.py) and the safety policy (live/safety/objects.py).
The words come from shell.py, which splits a step into its simple commands."""

from __future__ import annotations

from dataclasses import dataclass

# kubectl's and helm's flags that take a value as the next word (so that word is not a resource)
VALUE_FLAGS = {
    "-f", "--filename", "-o", "--output", "-l", "--selector", "--field-selector", "-c", "--container", "--image",
    "--type", "--timeout", "--for", "-p", "--patch", "--from-literal", "--from-file", "-n", "--namespace",
    "--context", "--kubeconfig", "--kube-context", "-s", "--server", "--token", "--as", "--as-group", "--as-uid",
    "--cluster", "--user", "--certificate-authority", "--client-certificate", "--client-key", "--tls-server-name",
    "--username", "--password", "--kube-apiserver", "--kube-token", "--kube-as-user", "--kube-as-group",
    "--kube-ca-file", "--kube-tls-server-name",
}  # fmt: skip


@dataclass
class KubectlArgs:
    """A kubectl (or helm) command line as the cluster sees it, up to `--` (what follows runs in a
    container): its positional words (verb, resources, names), the flags it gives (`-nfoo` and
    `--namespace=foo` both as `-n`/`--namespace`), and the namespaces it names (`*` for all)."""

    positional: list[str]
    flags: list[str]
    namespaces: list[str]


def kubectl_args(words: list[str]) -> KubectlArgs:
    """The one reader of kubectl's arguments: the runbook lint and the safety policy both ask it."""
    args = words[1 : words.index("--")] if "--" in words else words[1:]
    out = KubectlArgs([], [], [])
    i = 0
    while i < len(args):
        w = args[i]
        flag, eq, value = w.partition("=")
        if w.startswith("-n") and not w.startswith("--") and len(w) > 2 and not eq:
            flag, value, eq = "-n", w[2:], "="  # -nkube-system
        if not w.startswith("-") or w == "-":
            out.positional.append(w)
        else:
            out.flags.append(flag)
            if flag in VALUE_FLAGS and not eq:
                value = args[i + 1] if i + 1 < len(args) else ""
                i += 1
            if flag in ("-n", "--namespace"):
                out.namespaces.append(value)
            elif flag in ("-A", "--all-namespaces") and value.lower() not in ("false", "0"):
                out.namespaces.append("*")
        i += 1
    return out
