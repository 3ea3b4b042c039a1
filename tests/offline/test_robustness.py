"""Hypothesis over whole projects: pages, included files, [tool.kubedoctest] and directives.

Whatever they hold, `check` ends within a time bound in a report whose every failure is located at
a line of a page, or in an InputError with a message: never another exception, never a hang.
"""

from __future__ import annotations

import os
import signal
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kubedoctest.config import load_settings
from kubedoctest.model import InputError, Status
from kubedoctest.parse import directives
from kubedoctest.pipeline import check

SETTINGS = settings(
    max_examples=int(os.environ.get("KDT_EXAMPLES", "60")), deadline=None, suppress_health_check=list(HealthCheck)
)
BOUND = 20.0  # seconds for one whole project; a hang fails the example instead of the suite


@contextmanager
def time_bound(seconds: float):
    def expired(signum, frame):
        raise TimeoutError(f"did not finish within {seconds} s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@contextmanager
def chdir(path: Path):
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


FILES = ["a.yaml", "b.yaml", "c.md", "empty.yaml", "loop.yaml"]
include_marker = st.builds(
    lambda name, spec: f'--8<-- "{name}{spec}"',
    st.sampled_from([*FILES, "missing.yaml", "../x.yaml", "pipe.yaml", "dir"]),
    st.sampled_from(["", ":1:3", ":2:99", ":-1:", ":0:0", ":s", ":nope"]),
)
directive = st.builds(
    lambda body: f"<!-- kubedoctest: {body} -->",
    st.sampled_from(
        [
            'skip reason="x"',
            "skp",
            'expct="pod/a Ready"',
            'timeout="9999999999"',
            'timeout="5"',
            'requires="kubelet"',
            'k8s=">=1.99"',
            'exit="1"',
            "",
        ]
    ),
)
YAML_LINES = [
    "apiVersion: v1",
    "kind: ConfigMap",
    "kind: Deploymnet",
    "metadata:",
    "  name: a",
    "  name: Bad_Name",
    "  labels: {app: 'x y'}",
    "spec: null",
    "data: {k: v}",
    "- apiVersion: v1",
    "  kind: Pod",
    "cpu: 1.5.5",
    "---",
    "a: [",
]
page_line = st.one_of(
    st.sampled_from(["```yaml", "```", "~~~yaml", "~~~", "```bash", "", "# Title", "text"]),
    st.sampled_from(YAML_LINES),
    include_marker,
    directive,
    st.text(max_size=20).map(lambda t: t.replace("\n", " ")),
)
file_text = st.lists(st.one_of(st.sampled_from(YAML_LINES), include_marker), max_size=8).map("\n".join)
pyproject = st.dictionaries(
    st.sampled_from(["paths", "cluster", "timeout", "jobs", "k8s-versions", "results", "colour"]),
    st.sampled_from(
        ['"docs"', '["docs"]', "[]", "3", "-5", "nan", "inf", '"none"', '"kwk"', "1.5", '["1.35"]', "true"]
    ),
    max_size=4,
)


def write_project(root: Path, pages: list[list[str]], files: dict[str, str], toml: dict[str, str]) -> None:
    (root / "docs").mkdir()
    (root / "snippets").mkdir()
    (root / "snippets" / "dir").mkdir()
    (root / "mkdocs.yml").write_text(
        "markdown_extensions:\n  - pymdownx.snippets:\n      base_path: [snippets]\n", encoding="utf-8"
    )
    body = "".join(f"{k} = {v}\n" for k, v in toml.items())
    (root / "pyproject.toml").write_text(f"[tool.kubedoctest]\n{body}", encoding="utf-8")
    for name, text in files.items():
        (root / "snippets" / name).write_text(text, encoding="utf-8")
    os.mkfifo(root / "snippets" / "pipe.yaml")
    for i, lines in enumerate(pages):
        (root / "docs" / f"p{i}.md").write_text("\n".join(lines), encoding="utf-8")


@SETTINGS
@given(
    pages=st.lists(st.lists(page_line, max_size=14), min_size=1, max_size=3),
    files=st.fixed_dictionaries({name: file_text for name in FILES}),
    toml=st.sampled_from([{}, {"jobs": "2"}, {"timeout": "5"}, {"paths": '"docs"'}, {"jobs": "0"}]),
)
def test_a_whole_project_ends_in_located_results_or_an_input_error_within_a_time_bound(pages, files, toml):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_project(root, pages, files, toml)
        started = time.monotonic()
        with chdir(root), time_bound(BOUND):
            try:
                s = load_settings(root, {"paths": ["docs"], "cluster": "none", "k8s_versions": ["1.35"]})
                report = check(s)
            except InputError as e:
                assert str(e) and "Traceback" not in str(e)
                event(f"input error: {str(e).replace(folder, '')[:50]}")
                return
        event("report")
        assert time.monotonic() - started < BOUND
        assert report.results
        for r in report.results:
            assert r.snippet.page.startswith("docs/p") and r.snippet.line >= 1
            if r.status == Status.FAILED:
                assert r.findings
                for f in r.findings:
                    if f.severity == "error":
                        assert f.where.startswith(r.snippet.page + ":"), f.where


@SETTINGS
@given(st.text(max_size=80))
def test_any_directive_text_is_read_or_is_a_directive_error(body):
    try:
        parsed = directives.parse(body)
    except directives.DirectiveError as e:
        assert str(e)
    else:
        assert isinstance(parsed, directives.Directives)
        assert parsed.timeout is None or 1 <= parsed.timeout <= directives.MAX_TIMEOUT


@SETTINGS
@given(pyproject, st.dictionaries(st.sampled_from(["timeout", "jobs", "shard"]), st.text(max_size=8), max_size=3))
def test_any_settings_are_read_or_are_an_input_error_naming_the_key(toml, given_):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        body = "".join(f"{k} = {v}\n" for k, v in toml.items())
        (root / "pyproject.toml").write_text(f"[tool.kubedoctest]\n{body}", encoding="utf-8")
        with chdir(root):
            try:
                s = load_settings(root, dict(given_))
            except InputError as e:
                names = [*toml, *(f"--{k}" for k in given_)]
                assert any(n in str(e) for n in names), str(e)
            else:
                assert 0 < s.timeout <= 3600 and (s.jobs is None or 1 <= s.jobs <= 64)


def test_the_time_bound_catches_a_hang():
    with pytest.raises(TimeoutError), time_bound(0.2):
        time.sleep(2)
