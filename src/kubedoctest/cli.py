"""The command line: `kubedoctest check ...` and `kubedoctest cluster ...`."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path
from typing import NoReturn

from . import options, report
from .config import load_settings
from .live import signals
from .model import InputError
from .pipeline import check


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="kubedoctest", description="Check the Kubernetes YAML snippets of a MkDocs site.")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="collect, validate and (with a cluster) apply every YAML snippet")
    options.add_to_argparse(c)  # declared once, in options.py, with their pytest twins
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
    signals.owned_by_front_end()
    try:
        if args.command == "check":
            return _check(args)
        from .cluster import commands

        wanted = _docs_images if args.action == "up" else list
        return commands.run(args.action, args.name, args.provider, force=args.force, images=wanted)
    except InputError as e:
        print(f"kubedoctest: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        signals.ignore_from_now()
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


def _docs_images() -> list[str]:
    """The workload images the project's docs name ([tool.kubedoctest] paths, else docs/): `cluster
    up --provider kind` loads them while it creates the cluster, so the runs attached to it do not."""
    settings = load_settings(Path.cwd())
    paths = settings.paths or (["docs"] if Path("docs").is_dir() else [])
    if not paths:
        return []
    from .live.images import named
    from .runner import Options, collect_all

    snippets, _ = collect_all(Options(paths, mkdocs_yml=settings.mkdocs_config))
    return named(snippets)


def _check(args: argparse.Namespace) -> int:
    given = options.given(args)
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
