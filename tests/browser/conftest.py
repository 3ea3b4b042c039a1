"""Browser tests: build the site once, serve it on 127.0.0.1, read it in headless Chromium.

One `mkdocs build --strict` per session, one threaded http.server on a free port of
127.0.0.1, one Chromium per session (Debian's /usr/bin/chromium through Playwright's sync API;
the tests fail, never skip, when it is missing). Each test gets a Reader whose browser contexts
record every request, failed request and console error; after each test no request may have
left 127.0.0.1 or failed (4xx/5xx, no answer) and no console error may remain unreported.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from browsing import CHROMIUM, CHROMIUM_ARGS, LOCAL_HOST, ROOT, Reader
from playwright.sync_api import Browser, sync_playwright

MISSING_CHROMIUM = (
    f"{CHROMIUM} is missing: the browser tests run Debian's Chromium (Playwright's own browsers "
    f"are not downloaded). Install it with `apt-get install chromium fonts-noto-cjk` (as root); "
    f"scripts/test does this on a fresh machine."
)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`mkdocs build --strict` of the repository into a temporary directory, once."""
    out = tmp_path_factory.mktemp("browser-site")
    # DOCS_GIT_DATES=false: no "last updated" dates from git (two thirds of the build time);
    # nothing here looks at them, tests/site builds with them.
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONIOENCODING="utf-8", DOCS_GIT_DATES="false")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        cwd=ROOT,  # mkdocs.yml names overrides/jieba-userdict.txt relative to the root
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0 or not (out / "index.html").is_file():
        pytest.fail(
            "mkdocs build --strict failed:\n" + _problems(proc.stdout + proc.stderr),
            pytrace=False,
        )
    return out


def _problems(output: str) -> str:
    """The WARNING and ERROR lines of a build with their indented continuation lines."""
    lines = output.splitlines()
    bad, keep = [], False
    for line in lines:
        if line.startswith(("WARNING", "ERROR", "Aborted")):
            keep = True
        elif not line.startswith((" ", "\t")):
            keep = False
        if keep:
            bad.append(line)
    return "\n".join(bad or lines[-40:])


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:
    """The built site served by a threaded http.server on a free port: its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium, once per session."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(MISSING_CHROMIUM, pytrace=False)
    with sync_playwright() as pw:
        try:
            chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except Exception as e:  # a broken install: say which browser and why
            pytest.fail(f"{CHROMIUM} did not start: {e}\n{MISSING_CHROMIUM}", pytrace=False)
        yield chromium
        chromium.close()


@pytest.fixture
def reader(browser: Browser, server: str, site: Path) -> Iterator[Reader]:
    """Opens pages for one test (checked after the test by pytest_runtest_call below)."""
    r = Reader(browser, server, site)
    yield r
    r.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After a test that passed, fail it if its pages requested anything from another host, got
    a 4xx/5xx answer or none, or logged a console error the test did not take
    (Reader.take_errors) and check itself."""
    result = yield
    r = getattr(item, "funcargs", {}).get("reader")
    if isinstance(r, Reader):
        problems = []
        off_host = r.off_host_requests()
        if off_host:
            problems.append(
                f"{len(off_host)} requests left {LOCAL_HOST} (vendor the file under "
                f"docs/assets/):\n" + "\n".join(sorted(set(off_host)))
            )
        failed = r.failed_requests()
        if failed:
            problems.append(f"{len(failed)} requests failed (4xx/5xx or no answer):\n" + "\n".join(failed))
        errors = r.take_errors()
        if errors:
            problems.append(f"{len(errors)} console errors:\n" + "\n".join(errors))
        if problems:
            pytest.fail("\n".join(problems), pytrace=False)
    return result
