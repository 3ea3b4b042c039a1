"""The command line: `kubedoctest check ...` and `kubedoctest cluster ...`."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path
from typing import NoReturn

from . import report
from .check import check
from .config import CLUSTERS, DEFAULT_CLUSTER, load_settings
from .model import InputError


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="kubedoctest", description="Check the Kubernetes YAML snippets of a MkDocs site.")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="collect, validate and (with a cluster) apply every YAML snippet")
    c.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="Markdown pages or folders (default: [tool.kubedoctest] paths)",
    )
    c.add_argument(
        "--k8s-version",
        action="append",
        default=[],
        metavar="V",
        help="a Kubernetes minor version to validate against (repeatable)",
    )
    c.add_argument(
        "--cluster", choices=CLUSTERS, default=None, help=f"where to apply snippets (default: {DEFAULT_CLUSTER})"
    )
    c.add_argument(
        "--format",
        choices=["text", "json", "github"],
        default="text",
        help="text, json, or github (workflow commands: each finding on its pull request line)",
    )
    c.add_argument(
        "--crd",
        action="append",
        default=[],
        metavar="PATH",
        help="a CustomResourceDefinition file or a folder of them, to check custom resources (repeatable)",
    )
    c.add_argument(
        "--fragments",
        default=None,
        metavar="MODE",
        help="check (what is there, the default), skip, or fail: what becomes of a snippet that is part of an object",
    )
    c.add_argument(
        "--changed",
        nargs="?",
        const="HEAD",
        default=None,
        metavar="REF",
        help="only pages changed since the git REF (default HEAD: uncommitted changes), pages including a "
        "changed file, and pages with no result in --results; the results file is merged",
    )
    c.add_argument("--baseline", default=None, metavar="PATH", help="known failures: listed, not failing the run")
    c.add_argument(
        "--write-baseline", default=None, metavar="PATH", help="record this run's failures as the baseline at PATH"
    )
    c.add_argument(
        "--mkdocs-config",
        type=Path,
        default=None,
        help="mkdocs.yml to read pymdownx.snippets settings from",
    )
    c.add_argument("--kubeconfig", default=None, help="with --cluster existing: the kubeconfig to read")
    c.add_argument("--context", default=None, help="with --cluster existing: the kubeconfig context to use")
    c.add_argument(
        "--allow-existing-cluster",
        nargs="?",
        const=True,
        default=None,
        metavar="CONTEXT",
        help="allow --cluster existing to create namespaces there; name the context (=CONTEXT) or give --context",
    )
    c.add_argument(
        "--allow-cluster-scoped",
        action="store_true",
        help="allow --cluster existing to create cluster-scoped objects",
    )
    c.add_argument("--timeout", default=None, metavar="S", help="seconds to wait for each object (default 60)")
    c.add_argument("--jobs", default=None, metavar="N", help="pages checked at once on a live cluster (default 4)")
    c.add_argument(
        "--runbook-kubectl",
        default=None,
        metavar="WHICH",
        help="kubectl for runbook steps: cluster (its own version, the default), oldest (one minor below), or X.Y.Z",
    )
    c.add_argument("--shard", default=None, metavar="K/N", help="check only the K-th of N shares of the pages")
    c.add_argument("--results", default=None, metavar="PATH", help="also write the JSON report to PATH")
    c.add_argument("-v", "--verbose", action="store_true", help="list every snippet, not only failures")
    cl = sub.add_parser("cluster", help="a local kwok or kind cluster for trying runbooks by hand")
    cl.add_argument("action", choices=["build", "up", "down", "status", "gc"])
    cl.add_argument(
        "--name", default=None, help="up, down: the cluster's name (default: kubedoctest, or kubedoctest-kind for kind)"
    )
    cl.add_argument(
        "--provider",
        choices=["kwok", "kind"],
        default="kwok",
        help="build: kwok (the control plane binaries) or kind (a node image built here); up, down: which cluster",
    )
    cl.add_argument("--force", action="store_true", help="build: rebuild even when the cache is current")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        from .cluster import commands

        return commands.run(args.action, args.name, args.provider, force=args.force)
    except InputError as e:
        print(f"kubedoctest: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kubedoctest: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # a bug: say so in one line, with the traceback on request
        if os.environ.get("KUBEDOCTEST_DEBUG"):
            traceback.print_exc()
        print(
            f"kubedoctest: internal error: {type(e).__name__}: {e} (set KUBEDOCTEST_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # usage errors exit 2 with one line, as input errors do
        self.exit(2, f"kubedoctest: {message} (see {self.prog} --help)\n")


def _check(args: argparse.Namespace) -> int:
    given = {
        "paths": args.paths,
        "k8s_versions": args.k8s_version,
        "cluster": args.cluster,
        "timeout": args.timeout,
        "jobs": args.jobs,
        "shard": args.shard,
        "runbook_kubectl": args.runbook_kubectl,
        "results": args.results,
        "fragments": args.fragments,
        "crds": args.crd,
        "baseline": args.baseline,
        "write_baseline": args.write_baseline,
        "changed": args.changed,
        "mkdocs_config": args.mkdocs_config,
        "kubeconfig": args.kubeconfig,
        "context": args.context,
        "allow_existing_cluster": args.allow_existing_cluster or None,
        "allow_cluster_scoped": args.allow_cluster_scoped or None,
    }
    settings = load_settings(Path(args.paths[0]) if args.paths else Path.cwd(), given)
    result = check(settings, log=lambda m: print(m, file=sys.stderr))
    if args.format == "json":
        print(report.to_json(result.results, run=result.run))
    elif args.format == "github":
        print(report.to_github(result.results))
    else:
        print(report.to_text(result.results, verbose=args.verbose, header=result.header))
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main())
