"""The pipeline's offline tier on snippets collected elsewhere: the MkDocs plugin's pages, with the
settings read as the CLI and pytest read them (pipeline.py runs the same tier on the pages it
collects itself)."""

from __future__ import annotations

from typing import Any

from . import runner
from .collect.errors import CollectError
from .config import Settings
from .model import InputError, Manifest, Result, Snippet
from .static import crd_files


class Offline:
    """The offline tier of the pipeline (parse, schemas, formats, the runbook lint, fragments as the
    settings say, CRDs of the settings and of the snippets themselves) on snippets collected
    elsewhere: the MkDocs plugin's pages. The results are those of the offline tier, before a
    cluster (a runbook step that passed the lint is `passed`, with its warnings)."""

    def __init__(self, versions: list[str], fragments: str = "check", crds: list[Manifest] | None = None):
        self.versions, self.fragments, self.crds = versions, fragments, list(crds or [])
        self.problems: list[str] = []

    @classmethod
    def from_settings(cls, settings: Settings) -> Offline:
        """The versions, fragments and CRDs of settings read as the CLI and pytest read them
        (config.load_settings); an InputError for a bad one."""
        try:
            versions = runner.resolve_versions(settings.k8s_versions)
        except ValueError as e:
            raise InputError(str(e)) from None
        crds, problems = crd_files.load(settings.crds)
        offline = cls(versions, settings.fragments, crds)
        offline.problems = [f"CRD file {p}" for p in problems]
        return offline

    def signature(self) -> tuple[Any, ...]:
        """What the results depend on besides a snippet: for a cache."""
        return (tuple(self.versions), self.fragments, tuple(repr(m.obj) for m in self.crds))

    def results(self, snippets: list[Snippet], errors: list[CollectError]) -> list[Result]:
        """Collect errors first (all errors of one page line make one failed result), then the snippets."""
        tier = runner.Offline(snippets, errors, self.versions, self.fragments, self.crds)
        return [p.result for p in tier.prepare()]
