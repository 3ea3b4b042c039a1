"""Screenshots of the home page, a concept page and a runbook, desktop and phone, both
languages, under artifacts/screenshots/ (git-ignored) for a person to look at."""

from __future__ import annotations

import pytest
from browsing import (
    DEVICES,
    LANGS,
    ROOT,
    first_runbook_step,
    mermaid_count,
    png_size,
    url_of,
    wait_for_diagrams,
    wait_for_fonts,
)

SHOTS = ROOT / "artifacts" / "screenshots"


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("lang", LANGS)
def test_screenshots_are_saved_as_png(reader, site, lang, device):
    step = first_runbook_step(lang)
    if step is None:
        pytest.fail(f"no page under docs/{lang}/runbooks/ has a ```bash step", pytrace=False)
    pages = {
        "home": url_of(lang, ""),
        "concepts-pod": url_of(lang, "concepts/pod/"),
        step.path.removeprefix("/en").strip("/").replace("/", "-"): step.path,
    }
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = DEVICES[device]["viewport"]["width"]
    for name, path in pages.items():
        file = SHOTS / f"{lang}-{name}-{device}.png"
        file.unlink(missing_ok=True)
        page = reader.open(path, device)
        wait_for_diagrams(page, mermaid_count(site, path))
        wait_for_fonts(page)
        # animations="disabled": finished transitions (Material fades the tabs in and out)
        page.screenshot(path=file, full_page=True, animations="disabled")
        page.close()
        assert file.stat().st_size > 0, f"{file} is empty"
        w, h = png_size(file)
        assert (w, h >= DEVICES[device]["viewport"]["height"]) == (width, True), (
            f"{file} is {w}x{h}, not a full page {width} pixels wide"
        )
