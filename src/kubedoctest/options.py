"""The options of a check, declared once: the CLI's `kubedoctest check` arguments, the pytest
plugin's `--kubedoctest-*` options and the `[tool.kubedoctest]` keys are all made from `OPTIONS`.

Each option has a Settings field (`name`), the CLI flag (`--timeout`; the pytest twin is the same
with `--kubedoctest-` in front: `--kubedoctest-timeout`), the argparse shape (action, nargs,
const, metavar), the default the front-end parser gives when it is not on the command line
(None or []: "not given", so `[tool.kubedoctest]` and then the Settings default apply), the help
(the same words in both front-ends, with each flag named as that front-end spells it), and the
`[tool.kubedoctest]` key if there is one.

pytest-only conventions stay in pytest_plugin.py: `--kubedoctest` switches the plugin on. The
CLI's output options (`--format`, `-v`) and `--write-baseline` have no pytest twin (`cli_only`):
pytest has its own output (`-v`, `-r`, `--junitxml`), and a baseline is written by the CLI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

PYTEST_PREFIX = "--kubedoctest-"
CLUSTERS = ("none", "kwok", "kind", "existing", "auto")
DEFAULT_CLUSTER = "auto"  # the CLI and the pytest plugin alike; README "Settings"


@dataclass(frozen=True)
class Option:
    name: str  # the Settings field (or, for cli_only output options, the argparse dest)
    flag: str  # the CLI flag: --timeout (pytest: --kubedoctest-timeout)
    help: str  # may name other options as {--flag}: each front-end writes its own spelling
    metavar: str | None = None
    action: str | None = None  # None (store), "append" or "store_true"
    nargs: str | None = None
    const: Any = None
    default: Any = None  # the parser's default: "not given"
    key: str | None = None  # the [tool.kubedoctest] key
    positional: bool = False  # the CLI takes it as positional arguments (PATH...)
    cli_only: bool = False
    choices: tuple[str, ...] | None = None  # argparse checks these (both front-ends); the rest config.py

    @property
    def pytest_flag(self) -> str:
        return PYTEST_PREFIX + self.flag.removeprefix("--")

    def cli_name(self) -> str:
        """How a message names it on the command line of the CLI."""
        return self.metavar or "PATH" if self.positional else self.flag

    def help_for(self, pytest: bool) -> str:
        return help_text(self.help, pytest)

    def parser_kwargs(self, pytest: bool) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"help": self.help_for(pytest)}
        if self.action is not None:
            kwargs["action"] = self.action
        if self.action == "store_true":
            kwargs["default"] = False
        else:
            kwargs["default"] = list(self.default) if isinstance(self.default, list) else self.default
            kwargs["metavar"] = self.metavar
        if self.nargs is not None and not (self.positional and pytest):
            kwargs["nargs"] = self.nargs
        if self.const is not None:
            kwargs["const"] = self.const
        if self.choices is not None:
            kwargs["choices"] = self.choices
        if self.positional and pytest:  # PATH... on the command line, --kubedoctest-path (repeatable) under pytest
            kwargs["action"] = "append"
        return kwargs


def help_text(text: str, pytest: bool) -> str:
    """`{--cluster}` in a help text as the front-end spells it: --cluster or --kubedoctest-cluster."""
    return re.sub(r"\{--([a-z0-9-]+)\}", lambda m: (PYTEST_PREFIX if pytest else "--") + m.group(1), text)


OPTIONS: tuple[Option, ...] = (
    Option(
        "paths",
        "--path",
        "Markdown pages or folders (default: [tool.kubedoctest] paths)",
        metavar="PATH",
        nargs="*",
        default=[],
        key="paths",
        positional=True,
    ),
    Option(
        "k8s_versions",
        "--k8s-version",
        "a Kubernetes minor version to validate against (repeatable)",
        metavar="V",
        action="append",
        default=[],
        key="k8s-versions",
    ),
    Option(
        "cluster",
        "--cluster",
        f"where to apply snippets (default: {DEFAULT_CLUSTER})",
        choices=CLUSTERS,
        key="cluster",
    ),
    Option(
        "crds",
        "--crd",
        "a CustomResourceDefinition file or a folder of them, to check custom resources (repeatable)",
        metavar="PATH",
        action="append",
        default=[],
        key="crds",
    ),
    Option(
        "fragments",
        "--fragments",
        "check (what is there, the default), skip, or fail: what becomes of a snippet that is part of an object",
        metavar="MODE",
        key="fragments",
    ),
    Option(
        "changed",
        "--changed",
        "only pages changed since the git REF (default HEAD: uncommitted changes), pages including a "
        "changed file, and pages with no result in {--results}; the results file is merged",
        metavar="REF",
        nargs="?",
        const="HEAD",
    ),
    Option(
        "baseline",
        "--baseline",
        "known failures: listed (pytest: xfail), not failing the run",
        metavar="PATH",
        key="baseline",
    ),
    Option(
        "mkdocs_config",
        "--mkdocs-config",
        "mkdocs.yml to read pymdownx.snippets settings from",
        metavar="MKDOCS_CONFIG",
    ),
    Option("kubeconfig", "--kubeconfig", "with {--cluster} existing: the kubeconfig to read", metavar="KUBECONFIG"),
    Option("context", "--context", "with {--cluster} existing: the kubeconfig context to use", metavar="CONTEXT"),
    Option(
        "allow_existing_cluster",
        "--allow-existing-cluster",
        "allow {--cluster} existing to create namespaces there; name the context (=CONTEXT) or give {--context}",
        metavar="CONTEXT",
        nargs="?",
        const=True,
    ),
    Option(
        "allow_cluster_scoped",
        "--allow-cluster-scoped",
        "allow {--cluster} existing to create cluster-scoped objects",
        action="store_true",
    ),
    Option(
        "new_cluster",
        "--new-cluster",
        "with {--cluster} kind: create a cluster for this run even when one of `kubedoctest cluster up` is running",
        action="store_true",
    ),
    Option("timeout", "--timeout", "seconds to wait for each object (default 60)", metavar="S", key="timeout"),
    Option(
        "jobs",
        "--jobs",
        "pages checked at once on a live cluster, per process (default 12 on kwok, whose pages mostly wait; 4 elsewhere)",
        metavar="N",
        key="jobs",
    ),
    Option(
        "runbook_kubectl",
        "--runbook-kubectl",
        "kubectl for runbook steps: cluster (its own version, the default), oldest (one minor below), or X.Y.Z",
        metavar="WHICH",
        key="runbook-kubectl",
    ),
    Option("shard", "--shard", "check only the K-th of N shares of the pages", metavar="K/N"),
    Option("results", "--results", "also write the JSON report to PATH", metavar="PATH", key="results"),
    Option(
        "write_baseline",
        "--write-baseline",
        "record this run's failures as the baseline at PATH",
        metavar="PATH",
        cli_only=True,
    ),
    Option(
        "format",
        "--format",
        "text, json, or github (workflow commands: each finding on its pull request line)",
        default="text",
        choices=("text", "json", "github"),
        cli_only=True,
    ),
    Option("verbose", "--verbose", "list every snippet, not only failures", action="store_true", cli_only=True),
)

BY_NAME = {o.name: o for o in OPTIONS}
FILE_KEYS = tuple(o.key for o in OPTIONS if o.key is not None)
OUTPUT = ("format", "verbose")  # the CLI's output options: not settings of a check


def add_to_argparse(parser: Any) -> None:
    """The options of `kubedoctest check` on an argparse parser."""
    for o in OPTIONS:
        kwargs = o.parser_kwargs(pytest=False)
        if o.positional:
            parser.add_argument(o.name, **kwargs)
        elif o.name == "verbose":
            parser.add_argument("-v", o.flag, **kwargs)
        else:
            parser.add_argument(o.flag, dest=o.name, **kwargs)


def add_to_pytest(group: Any) -> None:
    """The `--kubedoctest-*` twins on pytest's option group (dest: kubedoctest_<name>)."""
    for o in OPTIONS:
        if not o.cli_only:
            group.addoption(o.pytest_flag, dest=f"kubedoctest_{o.name}", **o.parser_kwargs(pytest=True))


def given(values: Any, prefix: str = "") -> dict[str, Any]:
    """The settings given on a command line: Settings field -> value (None or [] when not given)."""
    out = {}
    for o in OPTIONS:
        if o.name in OUTPUT or (prefix and o.cli_only):
            continue
        value = getattr(values, prefix + o.name)
        out[o.name] = None if o.action == "store_true" and not value else value
    return out
