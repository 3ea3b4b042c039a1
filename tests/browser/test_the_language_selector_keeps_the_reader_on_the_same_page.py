"""Switching language on a deep page leads to the same page in the other language, and back."""

from __future__ import annotations

from browsing import Reader
from playwright.sync_api import Page


def switch_language(reader: Reader, page: Page, lang: str, expected_path: str) -> None:
    """Open the language selector in the header and choose `lang`, as a reader would."""
    page.locator(".md-header .md-select > button").click()  # the list opens on focus
    page.locator(f'.md-header .md-select__link[hreflang="{lang}"]').click()
    page.wait_for_url(reader.base + expected_path)
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == lang


def test_switching_to_english_and_back_stays_on_the_pod_page(reader):
    page = reader.open("/concepts/pod/")
    assert page.evaluate("document.documentElement.lang") == "zh"

    switch_language(reader, page, "en", "/en/concepts/pod/")
    assert "Kubernetes practice knowledge base" in page.title()

    switch_language(reader, page, "zh", "/concepts/pod/")
    assert "Kubernetes 实践知识库" in page.title()
