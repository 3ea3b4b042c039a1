"""Findings while writing: the pipeline's offline tier (offline_tier.Offline: parse, schemas, runbook
lint, with the settings of `[tool.kubedoctest]`) on the pages MkDocs builds.

Results are cached per snippet by content hash, directives and versions for the life of the
process, so `mkdocs serve` re-checks only the snippets that changed since the last build. A cached
result found at another place of the page (lines added above it) gets its page:line moved.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape

from .. import runner
from ..collect.collect import CollectError
from ..model import Finding, Result, Snippet, Status
from ..offline_tier import Offline
from .results import snippet_hash

_CACHE: dict[tuple, tuple[Snippet, Result]] = {}
_CACHE_LIMIT = 20_000


def _key(s: Snippet, tier: Offline) -> tuple:
    return (snippet_hash(s), s.language, repr(s.directives), tier.signature(), runner.is_step(s))


def check(snippets: list[Snippet], errors: list[CollectError], tier: Offline) -> tuple[list[Result], int]:
    """The offline result of each snippet of one page (collect errors as results of their own),
    and how many snippets were checked now rather than taken from the cache."""
    fresh = [s for s in snippets if _key(s, tier) not in _CACHE]
    if fresh:
        if len(_CACHE) > _CACHE_LIMIT:
            _CACHE.clear()
        for r in tier.results(fresh, []):
            _CACHE[_key(r.snippet, tier)] = (r.snippet, r)
    out = [tier.results([], [e])[0] for e in errors]
    for s in snippets:
        cached_snippet, result = _CACHE[_key(s, tier)]
        out.append(_moved(result, cached_snippet, s))
    return out, len(fresh)


def _moved(result: Result, old: Snippet, new: Snippet) -> Result:
    """The result of `old` told about `new`: same text, maybe another page or lines."""
    if old is new:
        return result
    places = {old.where(): new.where()}
    for i in range(min(len(old.origins), len(new.origins))):
        places[old.where(i)] = new.where(i)
    findings = [replace(f, where=places.get(f.where, f.where)) for f in result.findings]
    return replace(result, snippet=new, findings=findings)


def problems(result: Result) -> list[Finding]:
    """What a writer must see: errors of a failed snippet and warnings (deprecated APIs)."""
    if result.status == Status.FAILED:
        return [f for f in result.findings if f.severity in ("error", "warning")]
    return [f for f in result.findings if f.severity == "warning"]


TITLE = {
    "zh": {"error": "kubedoctest 发现此片段有错误", "warning": "kubedoctest 对此片段的警告"},
    "en": {"error": "kubedoctest found errors in this snippet", "warning": "kubedoctest warns about this snippet"},
}


def render(found: list[Finding], lang: str) -> str:
    """An admonition-like box listing each finding (page:line, what, fix)."""
    worst = "error" if any(f.severity == "error" for f in found) else "warning"
    title = TITLE.get(lang, TITLE["en"])[worst]
    kind = "failure" if worst == "error" else "warning"
    items = "".join(f"<li><code>{escape(f.render())}</code></li>" for f in found)
    return (
        f'<div class="admonition {kind} kdt-finding" role="alert">'
        f'<p class="admonition-title">{escape(title)}</p><ul>{items}</ul></div>'
    )
