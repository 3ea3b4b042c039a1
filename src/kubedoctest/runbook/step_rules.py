"""The rules of the runbook step lint (steplint.py), by name: what a directive's allow="RULE" may
name (directives.py checks it) and why each rule exists. A module of its own, importing nothing,
so the directives can know the names without the lint (which needs the model)."""

RULES = {
    "command": "the command is not on the step allow-list (kubectl, helm, read-only text tools, shell builtins, curl/wget to the cluster)",
    "credentials": "flags that name another API server or identity bypass the test cluster",
    "kubectl-config": "kubectl config may only read (view, current-context, get-contexts): the step must not change which cluster kubectl talks to",
    "context": "--context, --kubeconfig, --kube-context and KUBECONFIG= choose another cluster than the one the step is given",
    "namespace": "the step runs in the namespace it is given; -n/--namespace/-A/--all-namespaces reach other namespaces",
    "path": "a command run by path escapes the pinned kubectl and helm on PATH",
    "indirect": "a command name built from a variable, eval, source, exec, xargs or a nested shell cannot be checked",
    "remote-shell": "ssh, scp, rsync and the like reach other machines",
    "destructive": "the command changes the host outside the step's working folder",
    "download-exec": "a download piped into a shell runs code nobody reviewed",
    "network": "curl and wget may reach only cluster addresses (service names, *.svc) and the local ports the page's own kubectl port-forward opened",
    "prompt": "a $ prompt is copied by the copy button too",
    "repo-path": "the step reads a file of this repository, which a reader does not have",
}
