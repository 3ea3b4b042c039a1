"""The copy button of a runbook step puts exactly the step's code on the clipboard.

The step is the first ```bash fence of runbooks/deploy-app.md (or of the first runbook page
that has one), found with kubedoctest's own collector: the text the harness runs.
"""

from __future__ import annotations

import pytest
from browsing import LANGS, first_runbook_step

FIND_BLOCK = """text => {
  const codes = [...document.querySelectorAll(".md-typeset pre > code")];
  const i = codes.findIndex(c => c.textContent.replace(/\\n$/, "") === text);
  return i < 0 ? null : codes[i].closest("pre").id;
}"""


@pytest.mark.parametrize("lang", LANGS)
def test_the_copy_button_copies_the_first_runbook_step_exactly(reader, lang):
    step = first_runbook_step(lang)
    if step is None:
        pytest.fail(
            f"no page under docs/{lang}/runbooks/ has a ```bash step; this test needs one "
            f"(runbooks/deploy-app.md is the page it looks at first)",
            pytrace=False,
        )
    page = reader.open(step.path)
    pre_id = page.evaluate(FIND_BLOCK, step.text)
    assert pre_id, f"{step.path}: no code block shows the first ```bash step of {step.source} as written:\n{step.text}"
    block = page.locator(f"pre#{pre_id}")
    expected = block.locator("> code").evaluate("code => code.textContent").removesuffix("\n")

    block.hover()
    # Material 9.8: a <button class="md-code__button" data-md-type="copy"> in the block's
    # <nav class="md-code__nav"> (9.7 and older had button.md-clipboard)
    block.locator('.md-code__button[data-md-type="copy"]').click()
    page.locator(".md-dialog.md-dialog--active").wait_for()  # "已复制" / "Copied to clipboard"

    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == expected, (
        f"{step.path}: the copy button copied\n{copied!r}\ninstead of the block's code\n{expected!r}"
    )
    assert copied == step.text
