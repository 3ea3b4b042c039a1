"""The command line: `kubedoctest check ...` and `kubedoctest cluster ...`."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from . import report, runner
from .config import load_settings
from .model import InputError, Status

CLUSTERS = ["none", "kwok", "kind", "existing", "auto"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kubedoctest", description="Check the Kubernetes YAML snippets of a MkDocs site.")
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
    c.add_argument("--cluster", choices=CLUSTERS, default=None, help="where to apply snippets (default: auto)")
    c.add_argument("--format", choices=["text", "json"], default="text")
    c.add_argument(
        "--mkdocs-config",
        type=Path,
        default=None,
        help="mkdocs.yml to read pymdownx.snippets settings from",
    )
    c.add_argument("--kubeconfig", default=None, help="with --cluster existing: the cluster to use")
    c.add_argument(
        "--allow-existing-cluster",
        action="store_true",
        help="allow --cluster existing to create namespaces",
    )
    c.add_argument(
        "--allow-cluster-scoped",
        action="store_true",
        help="allow --cluster existing to create cluster-scoped objects",
    )
    c.add_argument("--timeout", type=float, default=None, help="seconds to wait for each object (default 60)")
    c.add_argument("--jobs", type=int, default=None, help="pages checked at once on a live cluster")
    c.add_argument("-v", "--verbose", action="store_true", help="list every snippet, not only failures")
    cl = sub.add_parser("cluster", help="a local kwok cluster for trying runbooks by hand")
    cl.add_argument("action", choices=["build", "up", "down", "status", "gc"])
    cl.add_argument("--name", default="kubedoctest")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        from .cluster import commands

        return commands.run(args.action, args.name)
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


def _check(args: argparse.Namespace) -> int:
    settings = load_settings(Path(args.paths[0]) if args.paths else Path.cwd())
    paths = args.paths or settings.paths
    if not paths:
        raise InputError("no paths to check: give PATH... or set paths in [tool.kubedoctest] of pyproject.toml")
    cluster = args.cluster or settings.cluster or "auto"
    try:
        versions = runner.resolve_versions(args.k8s_version or settings.k8s_versions)
    except ValueError as e:
        raise InputError(str(e)) from None
    options = runner.Options(paths=paths, versions=versions, cluster=cluster, mkdocs_yml=args.mkdocs_config)
    header = f"kubedoctest: Kubernetes {', '.join(versions)}; cluster {cluster}"
    if cluster != "none":
        from .live import session

        live_session = session.open_session(
            cluster,
            kubeconfig=args.kubeconfig,
            allow_existing=args.allow_existing_cluster,
            allow_cluster_scoped=args.allow_cluster_scoped,
            timeout=args.timeout or settings.timeout or 60.0,
            jobs=args.jobs or settings.jobs,
            log=lambda m: print(m, file=sys.stderr),
        )
        with live_session:
            header += f" ({live_session.describe()})"
            results = runner.run(options, live_session.run)
    else:
        results = runner.run(options)
    if args.format == "json":
        print(report.to_json(results))
    else:
        print(report.to_text(results, verbose=args.verbose, header=header))
    return 1 if any(r.status == Status.FAILED for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
