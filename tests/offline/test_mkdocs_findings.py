"""The MkDocs plugin's findings while writing come from the pipeline's offline tier with the
settings the CLI reads: the same words for the same snippets."""

from __future__ import annotations

import subprocess
import sys

from kubedoctest import cli

from .support import chdir

PAGE = (
    "```yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: <secret-name>\nstringData:\n  a: b\n```\n\n"
    "```yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n```\n"
)


def test_the_mkdocs_plugin_reads_tool_kubedoctest_and_finds_what_the_cli_finds(tmp_path, capsys):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nplugins:\n  - kubedoctest:\n      results: []\n      translations: false\n"
        "      k8s_versions: ['1.35']\n",
        encoding="utf-8",
    )
    (tmp_path / "pyproject.toml").write_text('[tool.kubedoctest]\nfragments = "fail"\n', encoding="utf-8")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    with chdir(tmp_path):
        code = cli.main(["check", "docs", "--cluster", "none", "--k8s-version", "1.35"])
    out = capsys.readouterr().out
    assert code == 1
    cli_lines = [line.strip() for line in out.splitlines() if line.startswith("  docs/index.md:")]
    assert len(cli_lines) == 2 and 'fragments = "fail"' in cli_lines[0]
    for line in cli_lines:  # the fragment failure (from [tool.kubedoctest]) and the schema error
        assert f"kubedoctest: {line.split('; fix:')[0]}" in build.stderr, (line, build.stderr)
