"""The MkDocs hooks of hooks/: git dates from one `git log`, and the search index split by language."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path
from types import ModuleType, SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "hooks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def git(cwd: Path, *args: str, date: str = "2026-11-30T12:00:00+00:00") -> None:
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "PATH": "/usr/bin:/bin", "HOME": str(cwd)}
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@localhost", *args], cwd=cwd, env=env, check=True)


def test_each_page_gets_the_date_of_its_last_commit_from_one_git_log(tmp_path):
    docs = tmp_path / "docs"
    (docs / "zh").mkdir(parents=True)
    (docs / "zh" / "a.md").write_text("# a\n")
    (docs / "zh" / "b.md").write_text("# b\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "one", date="2026-11-01T12:00:00+00:00")
    (docs / "zh" / "b.md").write_text("# b changed\n")
    git(tmp_path, "commit", "-q", "-am", "two", date="2026-11-30T12:00:00+00:00")
    (docs / "zh" / "new.md").write_text("# not committed\n")

    dates = load("git_dates").last_changes(str(docs))

    assert dates[str(docs / "zh" / "a.md")] == 1793534400  # 2026-11-01T12:00Z
    assert dates[str(docs / "zh" / "b.md")] == 1796040000  # 2026-11-30T12:00Z
    assert str(docs / "zh" / "new.md") not in dates  # the build date is used for it


def test_a_tree_without_git_history_has_no_dates_and_no_error(tmp_path):
    (tmp_path / "docs").mkdir()
    assert load("git_dates").last_changes(str(tmp_path / "docs")) == {}


def test_the_combined_index_is_split_into_one_index_per_language(tmp_path):
    hook = load("search_per_language")
    index = tmp_path / "search" / "search_index.json"
    index.parent.mkdir()
    docs = [
        {"location": "", "title": "首页", "text": ""},
        {"location": "concepts/pod/", "title": "Pod", "text": "调度"},
        {"location": "en/", "title": "Home", "text": ""},
        {"location": "en/concepts/pod/#scheduling", "title": "Scheduling", "text": "scheduled"},
    ]
    index.write_text(json.dumps({"config": {"lang": ["en", "zh"], "pipeline": ["stopWordFilter"]}, "docs": docs}))
    i18n = SimpleNamespace(building=False, default_language="zh", build_languages=["zh", "en"])
    config = SimpleNamespace(site_dir=str(tmp_path), plugins={"i18n": i18n})

    hook.on_post_build(config)

    zh = json.loads(index.read_text())
    en = json.loads((tmp_path / "en" / "search" / "search_index.json").read_text())
    assert [d["location"] for d in zh["docs"]] == ["", "concepts/pod/"]
    assert zh["config"] == {"lang": ["en", "zh"], "pipeline": ["stopWordFilter"]}
    assert [d["location"] for d in en["docs"]] == ["", "concepts/pod/#scheduling"]
    assert en["config"] == {"lang": ["en"], "pipeline": ["stopWordFilter"]}


def test_english_pages_read_the_english_index_and_no_page_asks_for_a_sitemap():
    hook = load("search_per_language")
    i18n = SimpleNamespace(building=False, default_language="zh", build_languages=["zh", "en"])
    config = SimpleNamespace(plugins={"i18n": i18n})
    html = (
        '<head>\n      <link rel="alternate" href="../../concepts/pod/" hreflang="zh">\n'
        '<script id="__config" type="application/json">{"base": "../../..", "search": "x.js"}</script>'
    )
    en = hook.on_post_page(html, SimpleNamespace(url="en/concepts/pod/"), config)
    zh = hook.on_post_page(html, SimpleNamespace(url="concepts/pod/"), config)

    assert '"base": "../../../en/"' in en and 'rel="alternate"' not in en
    assert '"base": "../../.."' in zh and 'rel="alternate"' not in zh


def test_a_dirty_reload_starts_from_one_kept_search_entry_per_page():
    """mkdocs serve --dirty: the search plugin's kept index doubled at each reload (i18n wrote the
    entries of both language builds back into it); the hook cuts it back before a top-level build."""
    hook = load("search_per_language")
    old, new = {"location": "a/", "text": "old"}, {"location": "a/", "text": "new"}
    prev = SimpleNamespace(entries=[old, {"location": "b/"}, new, {"location": "b/"}])
    i18n = SimpleNamespace(building=False)
    hook.on_pre_build(
        SimpleNamespace(plugins={"i18n": i18n, "material/search": SimpleNamespace(search_index_prev=prev)})
    )
    assert prev.entries == [new, {"location": "b/"}]
    inner = SimpleNamespace(entries=[old, old])  # a language's own build inside i18n's: left alone
    hook.on_pre_build(
        SimpleNamespace(
            plugins={"i18n": SimpleNamespace(building=True), "search": SimpleNamespace(search_index_prev=inner)}
        )
    )
    assert inner.entries == [old, old]
