"""The Chinese home page at /, the English one at /en/, and Chinese text drawn with a real font."""

from __future__ import annotations

from browsing import HAN


def test_the_chinese_home_page_is_in_chinese(reader):
    page = reader.open("/")
    assert page.evaluate("document.documentElement.lang") == "zh"
    heading = page.locator("article h1").first.inner_text()
    assert HAN.search(heading), f"the heading of / is not Chinese: {heading!r}"


def test_the_english_home_page_is_in_english(reader):
    page = reader.open("/en/")
    assert page.evaluate("document.documentElement.lang") == "en"
    heading = page.locator("article h1").first.inner_text()
    assert heading.strip() and not HAN.search(heading), f"the heading of /en/ is not English: {heading!r}"


def test_chinese_characters_are_drawn_with_a_chinese_font(reader):
    # Without a CJK font Chromium draws every Chinese character as the same box ("tofu"):
    # two different characters drawn in the heading's font then give the same pixels.
    page = reader.open("/")
    same = page.locator("article h1").first.evaluate(
        """h1 => {
          const draw = ch => {
            const canvas = document.createElement("canvas");
            canvas.width = canvas.height = 64;
            const ctx = canvas.getContext("2d");
            ctx.font = "48px " + getComputedStyle(h1).fontFamily;
            ctx.fillText(ch, 4, 52);
            return canvas.toDataURL();
          };
          return draw("持") === draw("卷");
        }"""
    )
    assert not same, (
        "Chinese characters are drawn as identical boxes: no CJK font is installed; install "
        "Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk; scripts/test does this)"
    )
