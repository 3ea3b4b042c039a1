"""Sites built for the badge and stale-translation browser tests, served on 127.0.0.1."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from browsing import LOCAL_HOST


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def build(project: Path, out: Path, **env: str) -> None:
    """`mkdocs build --strict` of a project into `out`; fails with the build's output."""
    full = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONIOENCODING="utf-8", DOCS_GIT_DATES="false") | env
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        cwd=project,
        env=full,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise AssertionError("mkdocs build --strict failed:\n" + (done.stdout + done.stderr)[-4000:])


@contextmanager
def served(site: Path) -> Iterator[str]:
    """The site served by a threaded http.server on a free port of 127.0.0.1: its base URL."""
    httpd = ThreadingHTTPServer((LOCAL_HOST, 0), functools.partial(_QuietHandler, directory=str(site)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)
