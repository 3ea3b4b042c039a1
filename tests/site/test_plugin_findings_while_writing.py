"""kubedoctest's MkDocs plugin runs the offline checks on the pages it builds: a bad snippet is a
build warning at page:line (so --strict fails) and a box beside the snippet; a good one is quiet."""

from __future__ import annotations

import re
from pathlib import Path

from plugin_projects import build, write_project

GOOD = """# Pod

```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
```
"""

BAD = """# Pod

Some text.

!!! note

    ```yaml
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      contianers:
        - name: web
          image: nginx:1.27
    ```

After.
"""


def test_a_strict_build_fails_on_a_bad_snippet_and_names_its_page_and_line(tmp_path: Path):
    root = write_project(tmp_path / "p", {"pod.md": BAD}, i18n=False)
    done = build(root)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert re.search(r"WARNING\s+-\s+kubedoctest: docs/pod\.md:13: unknown field 'spec\.contianers'", output), output
    assert "did you mean 'containers'?" in output, output


def test_a_bad_snippet_shows_its_finding_in_the_page_beside_it(tmp_path: Path):
    root = write_project(tmp_path / "p", {"pod.md": BAD}, i18n=False)
    done = build(root, strict=False)
    assert done.returncode == 0, done.stdout + done.stderr
    html = (root / "site" / "pod" / "index.html").read_text(encoding="utf-8")
    box = re.search(r'<div class="admonition failure kdt-finding".*?</div>', html, re.S)
    assert box, "no findings box in the page"
    assert "docs/pod.md:13: unknown field &#x27;spec.contianers&#x27;" in box.group(0)
    # inside the note, right before the code block (after it would come between the code block and
    # its annotations)
    assert html.index("Some text.") < html.index('<div class="admonition note">') < box.start()
    assert box.start() < html.index("contianers</span>") < html.index("After.")
    assert "kdt-mark" not in html


def test_a_good_snippet_builds_strictly_without_a_finding(tmp_path: Path):
    root = write_project(tmp_path / "p", {"pod.md": GOOD}, i18n=False)
    done = build(root)
    assert done.returncode == 0, done.stdout + done.stderr
    html = (root / "site" / "pod" / "index.html").read_text(encoding="utf-8")
    assert "kdt-finding" not in html and "kdt-badge" not in html


def test_an_error_in_an_included_file_is_reported_at_the_page_and_the_file_line(tmp_path: Path):
    page = '# Pod\n\n```yaml\n--8<-- "pod.yaml"\n```\n'
    snippet = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      imag: nginx\n"
    )
    root = write_project(tmp_path / "p", {"pod.md": page}, {"pod.yaml": snippet}, i18n=False)
    done = build(root)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "kubedoctest: docs/pod.md:4 (snippets/pod.yaml:8): unknown field" in output, output
