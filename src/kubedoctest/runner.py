"""The stages under the pipeline (pipeline.py): collect every page, then the offline tier
(parse -> static, the runbook lint) on the snippets. No pytest here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .collect.collect import SHELL_LANGUAGES, YAML_LANGUAGES, CollectError, collect_checked
from .collect.mkdocs_config import MKDOCS_CONFIGS
from .config import find_upwards, include_config
from .model import Finding, Manifest, Prepared, Result, Snippet, Stage, Status
from .parse.parse import Parsed, parse
from .runbook import runbook, steplint
from .static import schema
from .static.kinds import missing_api_version_hint
from .static.static import StaticChecker

NOT_A_MANIFEST = "not a Kubernetes manifest"


@dataclass
class Options:
    paths: list[str]
    versions: list[str] = field(default_factory=list)
    mkdocs_yml: Path | None = None


def resolve_versions(requested: Iterable[str]) -> list[str]:
    wanted = [".".join(v.lstrip("v").split(".")[:2]) for v in requested]
    if not wanted:
        return schema.default_versions()
    available = schema.available_versions()
    missing = [v for v in wanted if v not in available]
    if missing:
        raise ValueError(
            f"no offline schemas for Kubernetes {', '.join(missing)}; "
            f"available: {', '.join(available)} (upgrade kubernetes-validate for newer ones)"
        )
    return sorted(set(wanted), key=lambda v: tuple(int(x) for x in v.split(".")))


def collect_all(options: Options) -> tuple[list[Snippet], list[CollectError]]:
    mkdocs = options.mkdocs_yml
    if mkdocs is None and options.paths:
        mkdocs = find_upwards(Path(options.paths[0]), *MKDOCS_CONFIGS)
    include = include_config(mkdocs, display_root=Path.cwd())
    return collect_checked(options.paths, include)


class Offline:
    """The offline tier over every snippet of the docs: all are parsed once (custom resources need
    the CRDs of the whole docs, and of `crds`); `prepare` checks the selected ones. `fragments`
    says what becomes of a fragment: check (what is there), skip, or fail."""

    def __init__(
        self,
        snippets: list[Snippet],
        errors: list[CollectError],
        versions: list[str],
        fragments: str = "check",
        crds: list[Manifest] | None = None,
    ):
        self.snippets = snippets
        self.errors = errors
        self.fragments = fragments
        self.parsed: dict[int, Parsed] = {
            id(s): parse(s) for s in snippets if not s.directives.skip and s.language in YAML_LANGUAGES
        }
        by_id = {id(s): s for s in snippets}
        found = [m for p in self.parsed.values() for m in p.manifests]
        sources = {id(m): (by_id[k].page, by_id[k].where(m.line)) for k, p in self.parsed.items() for m in p.manifests}
        self.opened: dict[int, frozenset[int]] = {}  # per step: the local ports earlier steps forward
        ports: dict[str, set[int]] = {}
        for s in snippets:
            if s.language in SHELL_LANGUAGES:
                self.opened[id(s)] = frozenset(ports.get(s.page, set()))
                ports.setdefault(s.page, set()).update(steplint.forwarded_ports(s.text))
        self.checker = StaticChecker(versions, [*(crds or []), *found], sources)

    def prepare(self, select: Callable[[str], bool] | None = None) -> list[Prepared]:
        """Collect errors first (all errors of one page line make one failed result), then the
        selected snippets in page order."""
        prepared: list[Prepared] = []
        grouped: dict[str, list[CollectError]] = {}
        for error in self.errors:
            if select is None or select(error.id):
                grouped.setdefault(error.id, []).append(error)
        for group in grouped.values():
            stub = Snippet(page=group[0].page, line=group[0].line, language="", text="", origins=[])
            findings = [Finding(e.id, e.message) for e in group]
            prepared.append(Prepared(stub, [], Result(stub, Status.FAILED, Stage.COLLECT, findings)))
        for s in self.snippets:
            if select is not None and not select(s.id):
                continue
            if s.language in SHELL_LANGUAGES:
                prepared.append(Prepared(s, [], runbook.offline(s, self.opened.get(id(s), frozenset()))))
            else:
                prepared.append(_check(s, self.parsed.get(id(s)), self.checker, self.fragments))
        return prepared


NOT_RUN = "runbook step: runs only against a cluster (--cluster kwok, kind or existing)"


def is_step(p: Prepared | Snippet) -> bool:
    """A runbook step (a shell fence), given the snippet or what was prepared of it."""
    return (p if isinstance(p, Snippet) else p.snippet).language in SHELL_LANGUAGES


def _check(s: Snippet, p: Parsed | None, checker: StaticChecker, fragments: str = "check") -> Prepared:
    if p is None:
        reason = s.directives.reason
        return Prepared(
            s,
            [],
            Result(s, Status.SKIPPED, Stage.COLLECT, [Finding(s.where(), f"skipped: {reason}", "info")]),
        )
    for finding, kind in p.unversioned:  # the fix names the value
        finding.hint = missing_api_version_hint(checker.api_versions_of(kind))
    errors = [f for f in p.findings if f.severity == "error"]
    if errors and p.template:
        note = f"skipped: template: not YAML until a tool renders it ({p.template[:60]})"
        return Prepared(s, [], Result(s, Status.SKIPPED, Stage.PARSE, [Finding(s.where(), note, "info")]))
    if errors:
        return Prepared(s, [], Result(s, Status.FAILED, Stage.PARSE, p.findings))
    if not p.manifests:
        if p.partial:
            return _fragment(s, Stage.PARSE, p.partial, [], [], fragments)
        return Prepared(s, [], Result(s, Status.SKIPPED, Stage.PARSE, [Finding(s.where(), NOT_A_MANIFEST, "info")]))
    outcome = checker.check(s, p.manifests, elided=p.elided)
    findings = list(outcome.findings)
    if not outcome.versions:
        note = f"skipped: k8s={s.directives.k8s!r} excludes every checked version ({', '.join(checker.versions)})"
        return Prepared(s, [], Result(s, Status.SKIPPED, Stage.STATIC, [Finding(s.where(), note, "info")]))
    for tool in outcome.tool_configs:
        findings.append(
            Finding(
                s.where(),
                f"not checked: {tool}, read by a tool, not served by an API server",
                "info",
            )
        )
    for skipped in outcome.skipped_objects:
        findings.append(Finding(s.where(), f"not checked: {skipped}", "info"))
    if any(f.severity == "error" for f in findings):
        return Prepared(s, [], Result(s, Status.FAILED, Stage.STATIC, findings, k8s_versions=outcome.versions))
    if not outcome.checked:
        return Prepared(s, [], Result(s, Status.SKIPPED, Stage.STATIC, findings))
    if outcome.fragment or p.partial:
        return _fragment(s, Stage.STATIC, [*outcome.fragment, *p.partial], findings, outcome.versions, fragments)
    return Prepared(s, outcome.checked, Result(s, Status.PASSED, Stage.STATIC, findings, k8s_versions=outcome.versions))


FRAGMENT_NOTE = "fragment ({reasons}): checked what is there (field names, types, formats), not applied"


def _fragment(
    s: Snippet, stage: Stage, reasons: list[str], findings: list[Finding], versions: list[str], mode: str
) -> Prepared:
    """A fragment as the `fragments` setting says: check (a result of its own, with the findings
    of what is there), skip, or fail."""
    shown = "; ".join(reasons)
    if mode == "skip":
        message = f'skipped: fragment ({shown}); fragments = "skip"'
        return Prepared(s, [], Result(s, Status.SKIPPED, stage, [Finding(s.where(), message, "info")]))
    if mode == "fail":
        message = f'fragment ({shown}): a part of an object, and fragments = "fail" makes fragments failures'
        hint = 'show the whole object, or mark the fence <!-- kubedoctest: skip reason="..." -->'
        failed = Result(s, Status.FAILED, stage, [Finding(s.where(), message, hint=hint)], k8s_versions=versions)
        return Prepared(s, [], failed)
    note = Finding(s.where(), FRAGMENT_NOTE.format(reasons=shown), "info")
    return Prepared(s, [], Result(s, Status.FRAGMENT, stage, [*findings, note], k8s_versions=versions))


def without_cluster(prepared: list[Prepared]) -> list[Result]:
    """The final results of an offline run: runbook steps that passed the lint were not run."""
    return [
        Result(p.snippet, Status.SKIPPED, Stage.LINT, [Finding(p.snippet.where(), NOT_RUN, "info")])
        if is_step(p) and p.result.status == Status.PASSED
        else p.result
        for p in prepared
    ]
