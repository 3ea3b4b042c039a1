"""`python -m kubedoctest.live.safety README.md`: write the README's safety section from RULES."""

from __future__ import annotations

import sys
from pathlib import Path

from .readme import README_BEGIN, README_END, readme_section


def rewrite(text: str) -> str:
    start, end = text.index(README_BEGIN) + len(README_BEGIN), text.index(README_END)
    return text[:start] + readme_section() + text[end:]


if __name__ == "__main__":
    for name in sys.argv[1:] or ["README.md"]:
        path = Path(name)
        path.write_text(rewrite(path.read_text(encoding="utf-8")), encoding="utf-8")
