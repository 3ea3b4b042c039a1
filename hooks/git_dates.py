"""MkDocs hook: the "last updated" date of every page from one `git log` for the whole tree.

It replaces mkdocs-git-revision-date-localized-plugin, which runs git once per page and again
for every language that mkdocs-static-i18n builds (a fifth of the build time here). One
`git log --name-only` lists, newest first, the files of every commit; the first time a file
appears is its last change. Material shows page.meta.git_revision_date_localized at the end of
the page, in the page's language.

A tree without git history (a tarball, a repository without commits) or a file that is not
committed yet builds quietly with the build date. DOCS_GIT_DATES=false switches the dates off.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from functools import cache
from pathlib import Path

from babel.dates import format_date
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

CLASS = "git-revision-date-localized-plugin git-revision-date-localized-plugin-date"


@cache
def last_changes(docs_dir: str) -> dict[str, int]:
    """{absolute path: Unix time of its last commit} for every file under docs_dir ({} without git)."""
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=docs_dir, capture_output=True, text=True, check=True
        ).stdout.strip()
        log = subprocess.run(
            ["git", "log", "--format=%x00%ct", "--name-only", "--no-renames", "--", "."],
            cwd=docs_dir,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    found: dict[str, int] = {}
    when = 0
    for line in log.splitlines():
        if line.startswith("\x00"):
            when = int(line[1:])
        elif line:
            found.setdefault(str(Path(top, line)), when)
    return found


def _locale(page: Page, config: MkDocsConfig) -> str:
    return getattr(page.file, "locale", None) or str(config.theme.get("language") or "en")


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: object) -> str:
    if os.environ.get("DOCS_GIT_DATES", "true").lower() in ("false", "0", "no"):
        return markdown
    when = last_changes(str(Path(config.docs_dir).resolve())).get(str(Path(page.file.abs_src_path).resolve()))
    day = dt.datetime.fromtimestamp(when, dt.UTC).date() if when else dt.date.today()
    text = format_date(day, format="long", locale=_locale(page, config))
    page.meta["git_revision_date_localized"] = f'<span class="{CLASS}">{text}</span>'
    return markdown
