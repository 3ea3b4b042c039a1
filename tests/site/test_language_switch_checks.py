"""The language selector check, fed a tiny bad site."""

from __future__ import annotations

import language_switch
from trees import write


def _selector(zh: str, en: str) -> str:
    return (
        "<html><body><ul>\n"
        f'<li><a href="{zh}" hreflang="zh" class="md-select__link">简体中文</a></li>\n'
        f'<li><a href="{en}" hreflang="en" class="md-select__link">English</a></li>\n'
        "</ul></body></html>\n"
    )


def test_a_language_selector_leading_elsewhere_is_reported(tmp_path):
    site = tmp_path / "site"
    write(site, "index.html", _selector("./", "en/"))
    write(site, "en/index.html", _selector("../", "./"))
    write(site, "concepts/pod/index.html", _selector("./", "../../en/concepts/pod/"))
    write(site, "en/concepts/pod/index.html", _selector("/", "./"))

    assert language_switch.language_switch_findings(site) == [
        'en/concepts/pod/index.html:2: the Chinese entry of the language selector leads to "/", '
        'not to the same page "concepts/pod/index.html"; keep the page at the same path in '
        "docs/zh/ (mkdocs-static-i18n links pages of the same path)"
    ]
