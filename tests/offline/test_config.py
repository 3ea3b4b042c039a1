"""config: the pymdownx.snippets settings of mkdocs.yml and `[tool.kubedoctest]` of pyproject.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubedoctest.config import Settings, find_upwards, include_config, load_settings
from kubedoctest.model import InputError

ROOT = Path(__file__).resolve().parents[2]


def test_the_snippets_settings_are_read_from_a_mkdocs_yml_with_python_and_env_tags(tmp_path):
    mkdocs = tmp_path / "mkdocs.yml"
    mkdocs.write_text(
        "site_name: x\n"
        "plugins:\n  - git:\n      enabled: !ENV [DOCS_GIT, true]\n"
        "markdown_extensions:\n"
        "  - admonition\n"
        "  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "  - pymdownx.snippets:\n      base_path: [snippets, more]\n      check_paths: true\n"
        "      dedent_subsections: true\n",
        encoding="utf-8",
    )
    cfg = include_config(mkdocs, display_root=tmp_path)
    assert cfg.base_paths[:2] == [tmp_path / "snippets", tmp_path / "more"]
    assert (cfg.restrict_base_path, cfg.dedent_subsections) == (True, True)


def test_the_real_site_mkdocs_yml_is_read():
    cfg = include_config(ROOT / "mkdocs.yml", display_root=ROOT)
    assert cfg.base_paths[:1] == [ROOT / "snippets"]


def test_a_base_path_given_as_one_string_is_one_base_path(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(
        "markdown_extensions:\n  - pymdownx.snippets:\n      base_path: includes\n",
        encoding="utf-8",
    )
    assert include_config(tmp_path / "mkdocs.yml", tmp_path).base_paths[:1] == [tmp_path / "includes"]


def test_markdown_extensions_written_as_a_mapping_are_read_too(tmp_path):
    # Regression: MkDocs accepts `markdown_extensions: {name: options}`; it was ignored, so every
    # include was looked up in the wrong folder.
    (tmp_path / "mkdocs.yml").write_text(
        "markdown_extensions:\n  admonition: {}\n  pymdownx.snippets:\n    base_path: [snippets]\n"
        "    check_paths: true\n",
        encoding="utf-8",
    )
    cfg = include_config(tmp_path / "mkdocs.yml", tmp_path)
    assert cfg.base_paths[:1] == [tmp_path / "snippets"]


@pytest.mark.parametrize(
    "text",
    [
        "markdown_extensions:\n  - pymdownx.snippets:\n      base_path: 3\n",
        "markdown_extensions:\n  - pymdownx.snippets:\n      base_path: [{a: b}]\n",
        "markdown_extensions:\n  - pymdownx.snippets: [a, b]\n",
    ],
)
def test_malformed_snippets_options_are_an_input_error_not_a_crash(tmp_path, text):
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="pymdownx.snippets"):
        include_config(tmp_path / "mkdocs.yml", tmp_path)


@pytest.mark.parametrize("text", ["", "- a list\n", "markdown_extensions: toc\n"])
def test_a_mkdocs_yml_without_usable_extensions_gives_the_defaults(tmp_path, text):
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    assert include_config(tmp_path / "mkdocs.yml", tmp_path).base_paths[:1] == [tmp_path / "."]


def test_without_the_snippets_extension_the_base_path_is_the_mkdocs_folder(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    cfg = include_config(tmp_path / "mkdocs.yml", tmp_path)
    assert cfg.base_paths[:1] == [tmp_path / "."]


def test_without_a_mkdocs_yml_includes_are_relative_to_the_working_directory(tmp_path):
    assert include_config(None, tmp_path).base_paths[:1] == [Path.cwd()]


def test_an_unreadable_mkdocs_yml_is_an_input_error(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("a: [\n", encoding="utf-8")
    with pytest.raises(InputError, match="failed to read"):
        include_config(tmp_path / "mkdocs.yml", tmp_path)


def test_settings_are_read_from_the_nearest_pyproject_toml(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.kubedoctest]\npaths = ["docs"]\nk8s-versions = ["1.33", "1.34"]\ncluster = "kwok"\n'
        "timeout = 30\njobs = 2\n",
        encoding="utf-8",
    )
    (tmp_path / "docs" / "deep").mkdir(parents=True)
    assert load_settings(tmp_path / "docs" / "deep") == Settings(
        paths=["docs"], k8s_versions=["1.33", "1.34"], cluster="kwok", timeout=30, jobs=2
    )


def test_an_unknown_setting_is_an_input_error_that_lists_the_known_ones(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.kubedoctest]\npath = ["docs"]\n', encoding="utf-8")
    with pytest.raises(InputError, match="unknown key\\(s\\) path in \\[tool.kubedoctest\\]; known keys are"):
        load_settings(tmp_path)


def test_a_k8s_version_written_as_a_number_is_an_input_error(tmp_path):
    # Regression: 1.30 was read as the float 1.3 and became "1.3".
    (tmp_path / "pyproject.toml").write_text("[tool.kubedoctest]\nk8s-versions = [1.30]\n", encoding="utf-8")
    with pytest.raises(InputError, match="k8s-versions must be a list of strings"):
        load_settings(tmp_path)


def test_a_broken_pyproject_toml_is_an_input_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool\n", encoding="utf-8")
    with pytest.raises(InputError):
        load_settings(tmp_path)


def test_find_upwards_starts_at_a_folder_or_at_the_folder_of_a_file(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text("", encoding="utf-8")
    assert find_upwards(tmp_path / "docs", "mkdocs.yml") == (tmp_path / "mkdocs.yml").resolve()
    assert find_upwards(tmp_path / "docs" / "page.md", "mkdocs.yml") == (tmp_path / "mkdocs.yml").resolve()
    assert find_upwards(tmp_path / "docs", "no-such-file.yml") is None


@pytest.mark.parametrize(("value", "expected"), [("cluster", "cluster"), ("oldest", "oldest"), ("v1.36.6", "1.36.6")])
def test_the_runbook_kubectl_is_the_clusters_the_oldest_allowed_or_an_exact_version(tmp_path, value, expected):
    (tmp_path / "pyproject.toml").write_text(f'[tool.kubedoctest]\nrunbook-kubectl = "{value}"\n', encoding="utf-8")
    assert load_settings(tmp_path).runbook_kubectl == expected
    assert load_settings(tmp_path, {"runbook_kubectl": "cluster"}).runbook_kubectl == "cluster"  # command line wins


@pytest.mark.parametrize("value", ["newest", "1.36", "1.36.x", "", 1.36])
def test_a_runbook_kubectl_that_is_no_choice_and_no_version_is_an_input_error(tmp_path, value):
    with pytest.raises(InputError, match="--runbook-kubectl must be cluster .*, oldest .* or a version X.Y.Z"):
        load_settings(tmp_path, {"runbook_kubectl": value or " "})
