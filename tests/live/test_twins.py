"""A page and its translation with the same snippets run once on the cluster; the translation gets
the results at its own lines, says where they ran, and a page that differs in one value runs itself."""

from __future__ import annotations

PREFIX = "tests/samples/live/twins/"


def test_a_translation_with_the_same_snippets_fails_at_its_own_line_and_says_where_it_ran(sample_run):
    en, zh = sample_run[PREFIX + "en/settings.md:16"], sample_run[PREFIX + "zh/settings.md:19"]
    assert en["status"] == zh["status"] == "failed" and en["stage"] == zh["stage"] == "dry-run", (en, zh)
    assert en["messages"][0].startswith(PREFIX + "en/settings.md:28: "), en["messages"]
    assert zh["messages"][0].startswith(PREFIX + "zh/settings.md:31: "), zh["messages"]
    assert zh["messages"][0].split(": ", 1)[1] == en["messages"][0].split(": ", 1)[1]
    assert zh["messages"][-1] == (
        f"{PREFIX}zh/settings.md:19: info: checked once with {PREFIX}en/settings.md: its snippets and steps are "
        "the same, and ran there on this cluster"
    )


def test_a_translations_passing_snippet_takes_the_result_without_running_again(sample_run):
    en, zh = sample_run[PREFIX + "en/settings.md:5"], sample_run[PREFIX + "zh/settings.md:8"]
    assert en["status"] == zh["status"] == "passed" and zh["fidelity"] == en["fidelity"] == "full", (en, zh)
    assert en["seconds"] > 0 and zh["seconds"] == 0, (en, zh)
    assert not any("checked once" in m for m in en["messages"]), en


def test_a_page_that_differs_in_one_value_runs_on_its_own(sample_run):
    other = sample_run[PREFIX + "zh/other.md:5"]
    assert other["status"] == "passed" and other["seconds"] > 0, other
    assert not any("checked once" in m for m in other["messages"]), other
