"""A module of the harness over about 250 lines says in its docstring why it is one module: a long
file doing several jobs is the sign to split it (DEVELOPERS.md, Code)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "kubedoctest"
LIMIT = 255  # "about 250"


def long_modules_without_a_reason(src: Path = SRC) -> list[str]:
    out = []
    for path in sorted(src.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        count = text.count("\n")
        if count <= LIMIT:
            continue
        doc = ast.get_docstring(ast.parse(text)) or ""
        if "lines" not in doc:
            out.append(f"{path.relative_to(src.parent)}: {count} lines, and its docstring does not say why")
    return out


def test_every_module_over_about_250_lines_says_why_in_its_docstring() -> None:
    assert long_modules_without_a_reason() == []


def test_a_long_module_without_a_reason_is_named(tmp_path: Path) -> None:
    (tmp_path / "short.py").write_text('"""Short."""\n')
    (tmp_path / "long.py").write_text('"""Does many things."""\n' + "x = 1\n" * 300)
    (tmp_path / "said.py").write_text('"""Over 300 lines: one table."""\n' + "x = 1\n" * 300)
    assert long_modules_without_a_reason(tmp_path) == [
        f"{tmp_path.name}/long.py: 301 lines, and its docstring does not say why"
    ]
