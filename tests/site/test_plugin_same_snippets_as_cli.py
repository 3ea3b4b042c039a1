"""The MkDocs plugin sees the snippets the CLI sees: the same ids (page:line) and count per page,
with an included manifest, a whole fence included from a file, an indented fence in an admonition,
a fence in an HTML comment (neither checks it) and a shell fence outside runbooks (neither counts
it). The CLI writes the results file of an offline run; the site built from it must list every one
of the CLI's snippets by id on the verification page and badge each in page order."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from plugin_projects import build, write_project

from kubedoctest import cli

PAGE = """# Page

```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: inline
```

```yaml
--8<-- "cm.yaml"
```

!!! note "in an admonition"

    Text of the note.

    ```yaml
    apiVersion: v1
    kind: Secret
    metadata:
      name: nested
    stringData:
      a: b
    ```

--8<-- "fence.md"

<!--
```yaml
kind: NotChecked
```
-->

```bash
echo "not a step outside runbooks"
```
"""
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: included\ndata:\n  a: b\n"
FENCE = "```yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: from-a-file\n```\n"
RUNBOOK = '# Runbook\n\n```bash\nkubectl get configmaps\n```\n\n```yaml\n--8<-- "cm.yaml"\n```\n'
VERIFICATION = "# V\n\n<!-- kdt-verification-results -->\n"
RE_ID = re.compile(r"docs/(?:zh|en)/[\w/.-]+\.md:\d+(?:#\d+)?")


def test_the_plugin_collects_the_ids_and_counts_the_cli_collects(tmp_path: Path, monkeypatch):
    root = write_project(
        tmp_path / "p",
        {
            "zh/page.md": PAGE,
            "en/page.md": "\n" + PAGE,
            "zh/v.md": VERIFICATION,
            "en/v.md": VERIFICATION,
            "zh/runbooks/r.md": RUNBOOK,
            "en/runbooks/r.md": RUNBOOK,
        },
        {"cm.yaml": CM, "fence.md": FENCE},
    )
    monkeypatch.chdir(root)
    assert cli.main(["check", "docs", "--cluster", "none", "--results", "results/offline.json"]) == 0
    cli_snippets = json.loads((root / "results" / "offline.json").read_text(encoding="utf-8"))["snippets"]
    done = build(root)
    assert done.returncode == 0, done.stdout + done.stderr
    for lang, prefix in (("zh", ""), ("en", "en/")):
        page = f"docs/{lang}/page.md"
        expected = [s for s in cli_snippets if s["path"] == page]
        # inline, included, in the admonition, the included fence; not the comment's, not the shell one
        assert len(expected) == 4, expected
        assert [s["line"] for s in expected] == [
            3 + (lang == "en"),
            10 + (lang == "en"),
            18 + (lang == "en"),
            27 + (lang == "en"),
        ]
        table = (root / "site" / prefix / "v" / "index.html").read_text(encoding="utf-8")
        assert Counter(RE_ID.findall(table)) == Counter(
            s["id"] for s in cli_snippets if s["id"].startswith(f"docs/{lang}/")
        )
        html = (root / "site" / prefix / "page" / "index.html").read_text(encoding="utf-8")
        badged = re.findall(r'<div class="kdt-badge [^"]*" data-kdt-hash="([0-9a-f]+)"', html)
        assert badged == [s["hash"] for s in expected]
        # each badge right before its own code block
        after = [re.search(r"<pre.*?</pre>", part, re.S).group(0) for part in html.split('class="kdt-badge ')[1:]]
        for name, block in zip(("inline", "included", "nested", "from-a-file"), after, strict=True):
            assert f"{name}</span>" in block or f"{name}\n" in block, (name, block)
    steps = [s["id"] for s in cli_snippets if "/runbooks/" in s["path"]]
    assert len(steps) == 4, steps  # per language the runbook step and its yaml: in the tables above too
