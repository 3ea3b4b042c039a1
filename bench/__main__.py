"""python -m bench [NAME ...] [--runs N] [--quick] [--json bench/results.json] [--list]

Runs the named measurements (all by default; see bench/measurements/) and merges their figures
into the JSON file under each measurement's NAME, with the machine they ran on.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import platform
import sys
from pathlib import Path
from types import ModuleType

from bench import measurements
from bench.timing import ROOT


def available() -> dict[str, ModuleType]:
    found = {}
    for info in pkgutil.iter_modules(measurements.__path__):
        module = importlib.import_module(f"bench.measurements.{info.name}")
        if hasattr(module, "measure"):
            found[module.NAME] = module
    return found


def machine() -> dict[str, object]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()}


def main(argv: list[str] | None = None) -> int:
    modules = available()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"one of: {', '.join(sorted(modules))}")
    parser.add_argument("--runs", type=int, default=3, help="repeat each timing (median reported)")
    parser.add_argument("--quick", action="store_true", help="smallest sizes, one run: a smoke check")
    parser.add_argument("--json", type=Path, default=None, help="merge the figures into this file")
    parser.add_argument("--list", action="store_true", help="list the measurements and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name, module in sorted(modules.items()):
            print(f"{name}: {module.SUMMARY}")
        return 0
    unknown = [n for n in args.names if n not in modules]
    if unknown:
        parser.error(f"unknown measurement {unknown[0]!r}; choose from {', '.join(sorted(modules))}")
    runs = 1 if args.quick else args.runs
    results = {}
    for name in args.names or sorted(modules):
        print(f"bench: {name}: {modules[name].SUMMARY}", file=sys.stderr, flush=True)
        results[name] = modules[name].measure(runs, args.quick)
        print(json.dumps({name: results[name]}, indent=2, ensure_ascii=False), flush=True)
    if args.json:
        path = args.json if args.json.is_absolute() else ROOT / args.json
        data = json.loads(path.read_text()) if path.is_file() else {}
        data.update(results)
        data.setdefault("machines", {}).update({name: machine() for name in results})
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
