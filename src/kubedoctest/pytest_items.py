"""The pytest items of the docs: a page (DocPage) holds one item per snippet, runbook step and
collect error (SnippetItem, named `page:line`); the per-process state runs the pipeline once for
the pages of the selected items."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from . import report as reports
from .config import Settings
from .model import InputError, Result, Status
from .pipeline import Pipeline
from .pytest_results import ENTRY

SETTINGS = pytest.StashKey[Settings]()
STATE = pytest.StashKey["_State"]()


def display_path(path: Path) -> str:
    """A page path as reports show it: relative to the working folder when inside it."""
    cwd = Path.cwd().resolve()
    resolved = path.resolve() if path.is_absolute() else (cwd / path).resolve()
    return os.path.relpath(resolved, cwd) if resolved.is_relative_to(cwd) else str(path)


class DocPage(pytest.File):
    """One Markdown page: its snippets, runbook steps and collect errors, in page order."""

    def collect(self) -> list[pytest.Item]:
        state = state_of(self.config)
        pipeline = state.pipeline()
        page = display_path(self.path)
        return [
            SnippetItem.from_parent(self, name=snippet_id, nodeid=snippet_id, page=page, line=line)
            for snippet_id, item_page, line in pipeline.ids()
            if item_page == page
        ]


class SnippetItem(pytest.Item):
    def __init__(self, *, page: str, line: int, **kwargs: Any):
        super().__init__(**kwargs)
        self.page = page
        self.line = line
        self.snippet_id = self.name

    def setup(self) -> None:
        self.result = state_of(self.config).result(self)

    def runtest(self) -> None:
        result = self.result
        self.user_properties.append((ENTRY, reports.entry(result)))
        if result.status in (Status.SKIPPED, Status.FRAGMENT):  # a fragment shows as s, with its reasons
            pytest.skip(f"{self.snippet_id}: {'; '.join(result.messages) or 'skipped'}")
        if result.status == Status.FAILED and result.known:
            pytest.xfail(f"{self.snippet_id}: known failure (baseline): {'; '.join(result.messages)}")
        if result.status == Status.FAILED:
            raise SnippetFailure(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str | Any:
        if isinstance(excinfo.value, SnippetFailure):
            r = excinfo.value.result
            return "\n".join(r.messages) + f"\n(stage: {r.stage})"
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.line - 1, self.snippet_id


class SnippetFailure(Exception):
    def __init__(self, result: Result):
        super().__init__(result.messages[0] if result.messages else result.snippet.id)
        self.result = result


class _State:
    """Per process: the pipeline (docs collected once, a cluster of its own) and the results."""

    def __init__(self, config: pytest.Config):
        self.config = config
        self.settings = config.stash[SETTINGS]
        self._pipeline: Pipeline | None = None
        self.results: dict[str, Result] = {}
        self.done_pages: set[str] = set()
        self.failure: str | None = None
        self.log: list[str] = []  # what the run said (cleanup problems, the cluster's notes), shown at the end
        self.ran = False  # this process ran the pipeline (an xdist controller never does)

    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            try:
                self._pipeline = Pipeline(self.settings, log=self.log.append)
            except InputError as e:
                raise pytest.UsageError(f"kubedoctest: {e}") from None
        return self._pipeline

    def result(self, item: SnippetItem) -> Result:
        if self.failure is not None:
            pytest.fail(self.failure, pytrace=False)
        if item.page not in self.done_pages:
            self.ran = True
            # Without xdist every selected page runs at once (pages in parallel, --jobs); under
            # xdist the pages this worker was given arrive one at a time.
            batch = [i for i in item.session.items if isinstance(i, SnippetItem)]
            pages = {item.page} if is_worker(self.config) else {i.page for i in batch}
            ids = {i.snippet_id for i in batch if i.page in pages}
            try:
                for r in self.pipeline().run(lambda i: i in ids):
                    self.results[r.snippet.id] = r
            except Exception as e:  # the pipeline itself (a cluster that cannot start): once, then stop
                reason = str(e) if isinstance(e, InputError) else f"internal error: {type(e).__name__}: {e}"
                self.failure = f"kubedoctest: the snippets could not be checked: {reason}"
                item.session.shouldfail = self.failure
                pytest.fail(self.failure, pytrace=False)
            self.done_pages |= pages
        return self.results[item.snippet_id]

    def close(self) -> None:
        if self._pipeline is not None:
            self._pipeline.close()

    def finish(self) -> dict[str, Any] | None:
        """The end of this process's run: its `run` block and header (taken while the cluster is
        still there), then the cluster closed, and the log with what closing it said."""
        if not self.ran or self._pipeline is None:
            self.close()
            return None
        out = {"run": self._pipeline.run_block(), "header": self._pipeline.header()}
        self.close()
        return {**out, "log": list(self.log)}


def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def state_of(config: pytest.Config) -> _State:
    if STATE not in config.stash:
        config.stash[STATE] = _State(config)
    return config.stash[STATE]
