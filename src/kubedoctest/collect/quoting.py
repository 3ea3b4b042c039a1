"""A runbook step's quoted output: the fence right after it (runbook/quoted_output.py compares them)."""

from __future__ import annotations

from ..model import QuotedOutput, Snippet
from ..parse import directives
from .errors import CollectError

# on a runbook page, a fence of these right after a step is the step's quoted output
OUTPUT_LANGUAGES = frozenset({"text", "plaintext", "output"})
QUOTED_DIRECTIVES = "skip, requires and quoted"


def quote(
    display: str, step: Snippet | None, block: Snippet, found: directives.Directives, quoting: bool
) -> CollectError | None:
    """Make the block the quoted output of the step before it (quoted_output.py compares them)."""
    if step is None:
        where = "a runbook page" if quoting else "a page under a runbooks/ folder"
        return CollectError(
            display,
            block.line,
            f"quoted output does not follow a runbook step: put the block right after the ```bash step "
            f"whose output it shows, on {where}, or remove the quoted directive",
        )
    if found.skip:
        return None  # shown as an illustration, not compared (the reason is the writer's)
    other = [k for k in ("expect", "k8s", "timeout", "output", "no_requests") if getattr(found, k)]
    if other or found.exit or found.allow:
        return CollectError(
            display,
            block.line,
            f"directive on quoted output can only be {QUOTED_DIRECTIVES}: put the other keys on the step at line {step.line}",
        )
    step.quoted = QuotedOutput(block.line, block.text, found.requires)
    return None
