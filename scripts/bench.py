#!/usr/bin/env python3
"""Benchmarks of kubedoctest and the site, on this machine, with the repository's own inputs.

Run from a clone after the README's set-up (`scripts/test` creates .venv and builds the control
plane):

    .venv/bin/python scripts/bench.py --json bench/results.json
    .venv/bin/python scripts/bench.py --quick          # one run of each, a smoke check

What it measures (each timing repeated --runs times, 3 by default; the median is reported and the
spread min/max is kept under "spread" in the JSON):

- offline: `kubedoctest check docs --cluster none --format json` (one process, three Kubernetes
  versions), its wall time and peak RSS; beside it the same snippets checked with the
  kubernetes-validate CLI once per file (as a pre-commit hook runs it), with kubernetes-validate
  once per version on all files, and with kubeconform (built from its Go module) on all files
  against the same schemas, offline;
- site: `mkdocs build --strict` at 1x, 4x and 16x the pages (copies of the real pages in a
  temporary copy of the repository), and the offline tier on the same copies;
- live: the control plane's build time (from its build-info.json), the start of a kwok cluster
  with cached binaries, the time of each snippet that went live, the whole docs suite on kwok
  (CLI, with start and teardown) and the peak memory of the cluster's processes together.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
KUBECONFORM_MODULE = "github.com/yannh/kubeconform/cmd/kubeconform"
KUBECONFORM_VERSION = "v0.8.0"
SITE_SCALES = (1, 4, 16)
SAMPLE_EVERY = 0.2  # seconds between two RSS samples of the cluster's processes
SCHEMA_REF = re.compile(r'"(?:/api/_definitions\.json)?#/\$defs/([^"]+)"')
LIVE_STAGES = frozenset({"dry-run", "apply", "ready", "live"})  # where a YAML snippet ends live
STEP_STAGE = "run"  # where a runbook step ends live
MIB = 1024 * 1024


# -- measuring ----------------------------------------------------------------------------------


@dataclass
class Run:
    """One finished child process: wall seconds, peak RSS of its process tree, exit code, output."""

    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str

    def tail(self, lines: int = 15) -> str:
        return "\n".join((self.stderr or self.stdout).rstrip().splitlines()[-lines:])


@dataclass
class Spread:
    """Repeated measurements of one figure."""

    values: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def as_dict(self, digits: int = 3) -> dict[str, Any]:
        return {
            "median": round(self.median, digits),
            "min": round(min(self.values), digits),
            "max": round(max(self.values), digits),
            "runs": len(self.values),
        }


def run_child(command: Sequence[str | Path], cwd: Path = ROOT, env: dict[str, str] | None = None) -> Run:
    """Run a command and wait for it with os.wait4, whose rusage is that child's own: its peak RSS
    (the largest of it and its reaped children), not a max over every child this script ran, as
    getrusage(RUSAGE_CHILDREN) would give."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [str(c) for c in command], cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text, errors = (f.read().decode(errors="replace") for f in (out, err))
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, text, errors)


def repeat(runs: int, measure: Callable[[], float]) -> Spread:
    return Spread([measure() for _ in range(runs)])


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear between the closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def tool_env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DOCS_GIT_DATES": "false"}


# -- the snippets as other tools see them -------------------------------------------------------


def kubernetes_snippets() -> list[str]:
    """The YAML text of every snippet of docs/ that holds Kubernetes objects (no tool configs)."""
    from kubedoctest import apis, runner
    from kubedoctest.collect import YAML_LANGUAGES
    from kubedoctest.parse import parse

    snippets, _ = runner.collect_all(runner.Options(paths=["docs"]))
    texts: list[str] = []
    for snippet in snippets:
        if snippet.language not in YAML_LANGUAGES or "skip" in snippet.directives:
            continue
        parsed = parse(snippet)
        if any(f.severity == "error" for f in parsed.findings) or not parsed.manifests:
            continue
        objects = [m.obj for m in parsed.manifests if not apis.tool_config(m.obj)]
        if not objects:
            continue
        if len(objects) == len(parsed.manifests) and parsed.others == 0:
            texts.append(snippet.text)
        else:
            texts.append(yaml.safe_dump_all(objects, sort_keys=False))
    return texts


def snippet_counts() -> dict[str, int]:
    """What the offline tier reads in docs/: YAML snippets and runbook steps."""
    from kubedoctest import runner
    from kubedoctest.collect import YAML_LANGUAGES

    snippets, errors = runner.collect_all(runner.Options(paths=["docs"]))
    yaml_count = sum(1 for s in snippets if s.language in YAML_LANGUAGES)
    return {"yaml": yaml_count, "runbook_steps": len(snippets) - yaml_count, "collect_errors": len(errors)}


def write_snippets(texts: list[str], folder: Path) -> list[Path]:
    files = []
    for i, text in enumerate(texts):
        path = folder / f"snippet-{i:04d}.yaml"
        path.write_text(text + "\n", encoding="utf-8")
        files.append(path)
    return files


# -- kubeconform ---------------------------------------------------------------------------------


def cache_dir(name: str) -> Path:
    from kubedoctest.cluster.build import cache_root

    path = cache_root() / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def kubeconform_binary() -> Path:
    """kubeconform built from its Go module into the cache (reused when the version matches)."""
    target = cache_dir("bench-bin") / "kubeconform"
    if target.is_file():
        # `go install` stamps the module version into the binary (kubeconform -v says "development")
        shown = subprocess.run(["go", "version", "-m", target], capture_output=True, text=True)
        if f"\tgithub.com/yannh/kubeconform\t{KUBECONFORM_VERSION}" in shown.stdout:
            return target
    if shutil.which("go") is None:
        raise SystemExit("bench: the go command is needed to build kubeconform (Go 1.26+)")
    print(f"bench: building kubeconform {KUBECONFORM_VERSION} into {target.parent}", file=sys.stderr)
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(
            ["go", "install", f"{KUBECONFORM_MODULE}@{KUBECONFORM_VERSION}"],
            cwd=work,
            env={**os.environ, "GOBIN": str(target.parent)},
            check=True,
        )
    return target


def schema_source(version: str) -> Path:
    """kubernetes-validate's strict schemas of a minor version (the newest patch it ships)."""
    from importlib import resources

    root = Path(str(resources.files("kubernetes_validate").joinpath("kubernetes-json-schema")))
    found = sorted(
        root.glob(f"v{version}.*-local-strict"),
        key=lambda p: int(p.name.split(".")[2].split("-")[0]),
    )
    if not found:
        raise SystemExit(f"bench: kubernetes-validate ships no schemas for Kubernetes {version}")
    return found[-1]


def kubeconform_schemas(version: str) -> Path:
    """A copy of kubernetes-validate's schemas that kubeconform can load from disk, offline.

    kubernetes-validate's files carry `"$id": "https://kubernetes.io/api/..."` and refs to
    `/api/_definitions.json#/$defs/...`, which resolve to https://kubernetes.io: kubeconform
    would fetch them over the network and, offline, report "could not find schema". The copy is
    in kubeconform's own "standalone" form: each file without `$id`, with the definitions it
    needs (the closure of its refs) under its own `$defs` and the refs pointing there.
    """
    from importlib.metadata import version as package_version

    source = schema_source(version)
    target = cache_dir("bench-schemas") / package_version("kubernetes-validate") / source.name
    done = target / ".complete"
    if done.is_file():
        return target
    target.mkdir(parents=True, exist_ok=True)
    defs = json.loads((source / "_definitions.json").read_text(encoding="utf-8"))["$defs"]
    needs = {name: set(SCHEMA_REF.findall(json.dumps(d))) for name, d in defs.items()}
    for file in source.glob("*.json"):
        if file.name == "_definitions.json":
            continue
        text = file.read_text(encoding="utf-8")
        closure = ref_closure(set(SCHEMA_REF.findall(text)), needs)
        data = json.loads(text.replace('"/api/_definitions.json#', '"#'))
        if isinstance(data, dict):
            data.pop("$id", None)
            if closure:
                data["$defs"] = {name: defs[name] for name in sorted(closure)}
        (target / file.name).write_text(json.dumps(data), encoding="utf-8")
    done.write_text("")
    return target


def ref_closure(roots: set[str], needs: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name not in seen and name in needs:
            seen.add(name)
            stack.extend(needs[name])
    return seen


# -- offline tier --------------------------------------------------------------------------------


def ours(docs: str = "docs", cwd: Path = ROOT) -> tuple[Run, dict[str, Any]]:
    """`kubedoctest check docs --cluster none --format json`: one process, every version."""
    run = run_child(
        [BIN / "kubedoctest", "check", docs, "--cluster", "none", "--format", "json"],
        cwd=cwd,
        env=tool_env(),
    )
    if run.returncode not in (0, 1):
        raise SystemExit(f"bench: kubedoctest check exited with {run.returncode} in {cwd}:\n{run.tail()}")
    return run, json.loads(run.stdout)


def kv_flags(version: str) -> list[str]:
    return ["--strict", "--kubernetes-version", f"{version}.0"]


def kv_per_file(files: list[Path], versions: list[str]) -> float:
    """kubernetes-validate once per file and version, as a pre-commit hook runs it."""
    total = 0.0
    for version in versions:
        for f in files:
            total += run_child([BIN / "kubernetes-validate", *kv_flags(version), f]).seconds
    return total


def kv_batch(files: list[Path], versions: list[str], notes: dict[str, Any]) -> float:
    """kubernetes-validate once per version on all files (its fastest use)."""
    total = 0.0
    for version in versions:
        run = run_child([BIN / "kubernetes-validate", *kv_flags(version), *files])
        notes[version] = {"exit_code": run.returncode, "errors": run.stdout.count("ERROR")}
        total += run.seconds
    return total


KUBECONFORM_SUMMARY = re.compile(r"Valid: (\d+), Invalid: (\d+), Errors: (\d+), Skipped: (\d+)")


def kubeconform(binary: Path, files: list[Path], versions: list[str], notes: dict[str, Any]) -> float:
    """kubeconform once per version on all files, against the converted schemas, offline."""
    total = 0.0
    for version in versions:
        location = f"{kubeconform_schemas(version)}/{{{{.ResourceKind}}}}{{{{.KindSuffix}}}}.json"
        run = run_child([binary, "-strict", "-summary", "-schema-location", location, *files])
        m = KUBECONFORM_SUMMARY.search(run.stdout)
        if m is None or "could not find schema" in run.stdout:
            raise SystemExit(f"bench: kubeconform did not find its schemas:\n{run.stdout[-2000:]}")
        notes[version] = dict(zip(("valid", "invalid", "errors", "skipped"), map(int, m.groups()), strict=True))
        total += run.seconds
    return total


def ours_repeated(runs: int) -> tuple[Spread, Spread, dict[str, Any]]:
    """Wall seconds and peak RSS of the CLI, after one warm-up run (which gives the report)."""
    _, report = ours()
    seconds, rss = Spread(), Spread()
    for _ in range(runs):
        run, _ = ours()
        seconds.values.append(run.seconds)
        rss.values.append(run.peak_rss_mb)
    return seconds, rss, report


def offline_tier(runs: int) -> tuple[dict[str, Any], dict[str, Any]]:
    versions = default_versions()
    seconds, rss, report = ours_repeated(runs)
    binary = kubeconform_binary()
    for v in versions:
        kubeconform_schemas(v)
    kv_notes: dict[str, Any] = {}
    kc_notes: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="kubedoctest-bench-") as tmp:
        files = write_snippets(kubernetes_snippets(), Path(tmp))
        per_file = repeat(runs, lambda: kv_per_file(files, versions))
        batch = repeat(runs, lambda: kv_batch(files, versions, kv_notes))
        kc = repeat(runs, lambda: kubeconform(binary, files, versions, kc_notes))
    result = {
        "snippets": report["summary"]["total"],
        "versions": versions,
        "seconds": round(seconds.median, 3),
        "peak_rss_mb": round(rss.median, 1),
        "kubernetes_validate_cli_seconds": round(per_file.median, 3),
        "kubernetes_validate_batch_seconds": round(batch.median, 3),
        "kubeconform_seconds": round(kc.median, 3),
        "speedup_vs_kubernetes_validate": round(batch.median / seconds.median, 1),
    }
    spread = {
        "offline.seconds": seconds.as_dict(),
        "offline.peak_rss_mb": rss.as_dict(1),
        "offline.kubernetes_validate_cli_seconds": per_file.as_dict(),
        "offline.kubernetes_validate_batch_seconds": batch.as_dict(),
        "offline.kubeconform_seconds": kc.as_dict(),
        "offline.summary": report["summary"],
        "offline.inputs": snippet_counts(),
        "offline.compared_files": len(files),
        "offline.kubernetes_validate_batch_result": kv_notes,
        "offline.kubeconform_result": kc_notes,
    }
    return result, spread


def default_versions() -> list[str]:
    """The versions `kubedoctest check` uses here: [tool.kubedoctest] k8s-versions, else the
    three newest that kubernetes-validate ships."""
    from kubedoctest import runner
    from kubedoctest.config import load_settings

    return runner.resolve_versions(load_settings(ROOT).k8s_versions)


# -- site build and scaling ----------------------------------------------------------------------


def without_nav(config: str) -> str:
    """mkdocs.yml without its nav (every page is then included) and with omitted files at info."""
    out: list[str] = []
    skipping = False
    for line in config.splitlines():
        if re.match(r"^nav:\s*$", line):
            skipping = True
            continue
        if skipping and line and not line[0].isspace() and not line.startswith("#"):
            skipping = False
        if not skipping:
            out.append(line)
    text = "\n".join(out) + "\n"
    return text.replace("    omitted_files: warn", "    omitted_files: info")


def scaled_copy(scale: int, dest: Path) -> int:
    """A copy of the repository's site sources with each language's pages `scale` times over;
    copies go to docs/<lang>/copyN/ whole, so relative links inside them still resolve.
    Returns the number of pages."""
    for name in ("snippets", "overrides"):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copytree(ROOT / "docs", dest / "docs")
    (dest / "mkdocs.yml").write_text(without_nav((ROOT / "mkdocs.yml").read_text("utf-8")))
    for lang in ("zh", "en"):
        base = dest / "docs" / lang
        originals = [p for p in base.iterdir()]
        for n in range(2, scale + 1):
            copy = base / f"copy{n}"
            copy.mkdir()
            for p in originals:
                if p.is_dir():
                    shutil.copytree(p, copy / p.name)
                else:
                    shutil.copy2(p, copy / p.name)
    return sum(1 for lang in ("zh", "en") for _ in (dest / "docs" / lang).rglob("*.md"))


def site_build(source: Path) -> float:
    with tempfile.TemporaryDirectory(prefix="kubedoctest-site-") as out:
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", out]
        run = run_child(command, cwd=source, env=tool_env())
    if run.returncode != 0:
        raise SystemExit(f"bench: mkdocs build --strict failed in {source}:\n{run.tail(30)}")
    return run.seconds


def site_and_scaling(runs: int) -> tuple[list[dict], list[dict], dict[str, Any]]:
    site: list[dict] = []
    scaling: list[dict] = []
    spread: dict[str, Any] = {}
    for scale in SITE_SCALES:
        with tempfile.TemporaryDirectory(prefix=f"kubedoctest-bench-{scale}x-") as tmp:
            source = Path(tmp)
            pages = scaled_copy(scale, source)
            build = repeat(runs, lambda s=source: site_build(s))
            snippets = ours(cwd=source)[1]["summary"]["total"]  # also the warm-up run
            check = repeat(runs, lambda s=source: ours(cwd=s)[0].seconds)
        site.append({"pages": pages, "seconds": round(build.median, 3)})
        scaling.append({"snippets": snippets, "seconds": round(check.median, 3)})
        spread[f"site.{scale}x"] = build.as_dict()
        spread[f"offline_scaling.{scale}x"] = check.as_dict()
    return site, scaling, spread


# -- live tier on kwok ---------------------------------------------------------------------------


class RssSampler:
    """Samples the summed VmRSS of a list of pids every SAMPLE_EVERY seconds; keeps the peak."""

    def __init__(self, pids: Callable[[], list[int]]):
        self.pids = pids
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, sum(vm_rss_kib(p) for p in self.pids()))
            self._stop.wait(SAMPLE_EVERY)


def vm_rss_kib(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    m = re.search(r"^VmRSS:\s+(\d+)\s+kB", text, re.M)
    return int(m.group(1)) if m else 0


def kwok_start() -> float:
    from kubedoctest.cluster.kwok import KwokProvider

    provider = KwokProvider()
    started = time.perf_counter()
    try:
        provider.create()
        return time.perf_counter() - started
    finally:
        provider.delete()


@dataclass
class LiveRun:
    """One live run of docs/ on kwok in this process."""

    snippet_seconds: list[float]  # each YAML snippet that went live
    step_seconds: list[float]  # each runbook step that ran
    peak_rss_mb: float  # the cluster's processes together
    summary: dict[str, int]
    failed: list[str]


def live_in_process() -> LiveRun:
    from kubedoctest import report, runner
    from kubedoctest.cluster.kwok import KwokProvider
    from kubedoctest.live.session import LiveSession
    from kubedoctest.model import Status

    provider = KwokProvider()
    options = runner.Options(paths=["docs"], cluster="kwok")
    with LiveSession(provider) as session:
        with RssSampler(lambda: [p.pid for p in provider.procs]) as sampler:
            results = runner.run(options, session.run)
    return LiveRun(
        snippet_seconds=[r.seconds for r in results if r.stage in LIVE_STAGES and r.seconds > 0],
        step_seconds=[r.seconds for r in results if r.stage == STEP_STAGE and r.seconds > 0],
        peak_rss_mb=sampler.peak_kib / 1024,
        summary=report.summary(results),
        failed=[r.snippet.id for r in results if r.status == Status.FAILED],
    )


def live_suite() -> tuple[float, dict[str, int]]:
    run = run_child(
        [BIN / "kubedoctest", "check", "docs", "--cluster", "kwok", "--format", "json"],
        env=tool_env(),
    )
    if run.returncode not in (0, 1):
        raise SystemExit(f"bench: kubedoctest check --cluster kwok exited with {run.returncode}:\n{run.tail()}")
    return run.seconds, json.loads(run.stdout)["summary"]


def live_tier(runs: int, build_info: Path | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    from kubedoctest.cluster import build

    if not build.is_built():
        raise SystemExit(
            "bench: the kwok control plane is not built; run scripts/test or "
            "`.venv/bin/kubedoctest cluster build` first"
        )
    # The build time of the cached binaries, or of a build measured elsewhere (--build-info: a
    # fresh-machine build with empty Go caches writes the same file).
    info = json.loads(build_info.read_text()) if build_info else build.build_info()
    start = repeat(runs, kwok_start)
    medians, p90s, steps, rss = Spread(), Spread(), Spread(), Spread()
    last: LiveRun | None = None
    for _ in range(runs):
        last = live_in_process()
        medians.values.append(statistics.median(last.snippet_seconds))
        p90s.values.append(percentile(last.snippet_seconds, 90))
        if last.step_seconds:
            steps.values.append(statistics.median(last.step_seconds))
        rss.values.append(last.peak_rss_mb)
    assert last is not None
    suite = Spread()
    suite_summary: dict[str, int] = {}
    for _ in range(runs):
        seconds, suite_summary = live_suite()
        suite.values.append(seconds)
    result = {
        "provider": "kwok",
        "k8s_version": build.KUBERNETES,
        "build_seconds": info.get("seconds"),
        "start_seconds": round(start.median, 2),
        "snippet_median_seconds": round(medians.median, 3),
        "snippet_p90_seconds": round(p90s.median, 3),
        "suite_seconds": round(suite.median, 2),
        "peak_rss_mb": round(rss.median, 1),
    }
    spread = {
        "live.build": {k: info.get(k) for k in ("seconds", "parts", "go", "built_at", "cpus")},
        "live.start_seconds": start.as_dict(2),
        "live.snippet_median_seconds": medians.as_dict(),
        "live.snippet_p90_seconds": p90s.as_dict(),
        "live.suite_seconds": suite.as_dict(2),
        "live.peak_rss_mb": rss.as_dict(1),
        "live.step_median_seconds": steps.as_dict() if steps.values else None,
        "live.snippets_live": len(last.snippet_seconds),
        "live.steps_run": len(last.step_seconds),
        "live.summary_in_process": last.summary,
        "live.failed_in_process": last.failed,
        "live.summary_cli": suite_summary,
    }
    return result, spread


# -- machine -------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    from importlib.metadata import version

    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    meminfo = Path("/proc/meminfo").read_text()
    total = re.search(r"^MemTotal:\s+(\d+)", meminfo, re.M)
    go = shutil.which("go")
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model.group(1).strip() if model else platform.processor(),
        "memory_gib": round(int(total.group(1)) / MIB, 1) if total else None,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "go": subprocess.run([go, "version"], capture_output=True, text=True).stdout.strip() if go else None,
        "kubernetes_validate": version("kubernetes-validate"),
        "kubeconform": KUBECONFORM_VERSION,
        "mkdocs": version("mkdocs"),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
    }


# -- targets and the table -----------------------------------------------------------------------


def linear(points: list[dict], size: str) -> tuple[bool, str]:
    """Linear (not worse): each step up in size (4x the items) costs at most 1.5 times 4x the time.

    Ratios of whole times, not of increments: the increment from 1x to 4x of the offline tier is
    about a tenth of a second, the size of the noise, and made an increment rule flip from run to run.
    """
    ok = True
    parts = []
    for low, high in zip(points, points[1:], strict=False):
        growth = high[size] / max(1, low[size])
        ratio = high["seconds"] / max(low["seconds"], 1e-9)
        ok = ok and ratio <= 1.5 * growth
        parts.append(f"{growth:.0f}x the {size} took {ratio:.1f}x the time")
    return ok, "; ".join(parts)


def targets(results: dict[str, Any], runs: int = 3) -> list[tuple[str, bool, str]]:
    off, live = results["offline"], results["live"]
    out: list[tuple[str, bool, str]] = [
        ("offline tier on all docs, 3 versions, < 1 s", off["seconds"] < 1, f"{off['seconds']} s"),
        (
            "offline >= 3x faster than kubernetes-validate batch",
            off["speedup_vs_kubernetes_validate"] >= 3,
            f"{off['speedup_vs_kubernetes_validate']}x",
        ),
        (
            "offline within 2x of kubeconform",
            off["seconds"] <= 2 * off["kubeconform_seconds"],
            f"{off['seconds'] / off['kubeconform_seconds']:.2f}x kubeconform's time",
        ),
    ]
    if live:
        out += [
            ("kwok start < 15 s", live["start_seconds"] < 15, f"{live['start_seconds']} s"),
            (
                "median snippet < 1 s",
                live["snippet_median_seconds"] < 1,
                f"{live['snippet_median_seconds']} s",
            ),
            ("whole live docs suite < 120 s", live["suite_seconds"] < 120, f"{live['suite_seconds']} s"),
            (
                "cluster processes < 1.5 GiB",
                live["peak_rss_mb"] < 1536,
                f"{live['peak_rss_mb']} MiB",
            ),
        ]
    if results["site"]:
        noisy = " (one run each: too noisy to judge)" if runs == 1 else ""
        ok, text = linear(results["site"], "pages")
        out.append(("site build linear in pages", ok, text + noisy))
        ok, text = linear(results["offline_scaling"], "snippets")
        out.append(("offline tier linear in snippets", ok, text + noisy))
    return out


def with_spread(value: Any, unit: str, spread: dict[str, Any], key: str) -> str:
    """`0.55 s (0.53-0.61, 3 runs)`: the figure and the min/max of its runs."""
    s = spread.get(key)
    if not isinstance(s, dict) or "min" not in s:
        return f"{value} {unit}"
    return f"{value} {unit} ({s['min']}-{s['max']}, {s['runs']} runs)"


def table(results: dict[str, Any], spread: dict[str, Any], runs: int) -> str:
    off, live = results["offline"], results["live"]

    def fig(value: Any, unit: str, key: str) -> str:
        return with_spread(value, unit, spread, key)

    rows: list[tuple[str, str]] = [
        (
            f"offline: kubedoctest, {off['snippets']} snippets x {len(off['versions'])} versions",
            fig(off["seconds"], "s", "offline.seconds") + f", peak RSS {off['peak_rss_mb']} MiB",
        ),
        (
            f"offline: kubernetes-validate per file ({spread['offline.compared_files']} files)",
            fig(off["kubernetes_validate_cli_seconds"], "s", "offline.kubernetes_validate_cli_seconds"),
        ),
        (
            "offline: kubernetes-validate, one process per version",
            fig(off["kubernetes_validate_batch_seconds"], "s", "offline.kubernetes_validate_batch_seconds"),
        ),
        (
            "offline: kubeconform, one process per version",
            fig(off["kubeconform_seconds"], "s", "offline.kubeconform_seconds"),
        ),
        ("offline: speed-up vs kubernetes-validate batch", f"{off['speedup_vs_kubernetes_validate']}x"),
    ]
    for scale, s, o in zip(SITE_SCALES, results["site"], results["offline_scaling"], strict=False):
        rows.append((f"site build, {s['pages']} pages", fig(s["seconds"], "s", f"site.{scale}x")))
        rows.append((f"offline tier, {o['snippets']} snippets", fig(o["seconds"], "s", f"offline_scaling.{scale}x")))
    if live:
        rows += [
            (f"live: control plane build ({live['k8s_version']})", f"{live['build_seconds']} s (build-info.json)"),
            ("live: kwok cluster start", fig(live["start_seconds"], "s", "live.start_seconds")),
            ("live: snippet median", fig(live["snippet_median_seconds"], "s", "live.snippet_median_seconds")),
            ("live: snippet p90", fig(live["snippet_p90_seconds"], "s", "live.snippet_p90_seconds")),
            ("live: whole docs suite (CLI)", fig(live["suite_seconds"], "s", "live.suite_seconds")),
            ("live: cluster processes, peak RSS", fig(live["peak_rss_mb"], "MiB", "live.peak_rss_mb")),
        ]
    width = max(len(name) for name, _ in rows)
    lines = [f"{name:<{width}}  {value}" for name, value in rows]
    lines.append("")
    for name, ok, value in targets(results, runs):
        lines.append(f"[{'met' if ok else 'MISSED'}] {name}: {value}")
    return "\n".join(lines)


# -- main ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--quick", action="store_true", help="one run of each (a smoke check)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each timing (default 3)")
    parser.add_argument(
        "--skip-live", action="store_true", help="leave out the kwok live tier (its JSON figures stay empty)"
    )
    parser.add_argument(
        "--build-info",
        type=Path,
        help="build-info.json of a fresh-machine build (empty GOCACHE/GOMODCACHE) to report instead of the cache's",
    )
    parser.add_argument(
        "--skip-site", action="store_true", help="leave out the site scaling (its JSON figures stay empty)"
    )
    args = parser.parse_args(argv)
    runs = 1 if args.quick else max(1, args.runs)
    os.chdir(ROOT)
    info = machine()
    print(f"bench: {runs} run(s) of each; load average {info['load_average_start']}", file=sys.stderr)
    offline, spread = offline_tier(runs)
    site: list[dict] = []
    scaling: list[dict] = []
    if not args.skip_site:
        site, scaling, more = site_and_scaling(runs)
        spread.update(more)
    live: dict[str, Any] = {}
    if not args.skip_live:
        live, more = live_tier(runs, args.build_info)
        spread.update(more)
    info["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results = {"offline": offline, "site": site, "offline_scaling": scaling, "live": live}
    print(table(results, spread, runs))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        document = {**results, "spread": spread, "machine": info}
        args.json.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        print(f"bench: wrote {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
