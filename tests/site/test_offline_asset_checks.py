"""The offline checks of the built site, fed tiny bad pages: a load from another host is reported."""

from __future__ import annotations

import offline_assets
from trees import write


def test_an_external_script_and_stylesheet_are_reported(tmp_path):
    write(
        tmp_path,
        "site/en/a/index.html",
        "<html><head>\n"
        '<script src="https://cdn.example.com/mermaid.min.js"></script>\n'
        '<link rel="stylesheet" href="//fonts.example.net/css?family=Roboto">\n'
        '<link rel="alternate" href="https://example.org/" hreflang="zh">\n'
        '<script src="../../assets/javascripts/bundle.js"></script>\n'
        "</head><body>\n"
        '<a href="https://kubernetes.io/docs/">docs</a>\n'
        '<img srcset="../x.png 1x, https://img.example.com/x.png 2x">\n'
        '<iframe src="https://video.example.com/embed"></iframe>\n'
        '<div style="background: url(https://img.example.com/bg.png)"></div>\n'
        "</body></html>\n",
    )

    findings = offline_assets.external_resources(tmp_path / "site")
    assert findings == [
        'en/a/index.html:2: <script src="https://cdn.example.com/mermaid.min.js"> loads from '
        "another host (cdn.example.com); vendor the file under docs/assets/ and reference it "
        "locally",
        'en/a/index.html:3: <link href="//fonts.example.net/css?family=Roboto"> loads from another '
        "host (fonts.example.net); vendor the file under docs/assets/ and reference it locally",
        'en/a/index.html:8: <img srcset="https://img.example.com/x.png"> loads from another host '
        "(img.example.com); vendor the file under docs/assets/ and reference it locally",
        'en/a/index.html:9: <iframe src="https://video.example.com/embed"> loads from another '
        "host (video.example.com); vendor the file under docs/assets/ and reference it locally",
        "en/a/index.html:10: inline CSS url() loads https://img.example.com/bg.png from another "
        "host; vendor it under docs/assets/ and use a local path",
    ]


def test_css_from_another_host_is_reported(tmp_path):
    write(
        tmp_path,
        "site/assets/extra.css",
        '@import "https://fonts.example.net/a.css";\n'
        "body { background: url(data:image/png;base64,AAAA); }\n"
        ".x { src: url('https://fonts.example.net/f.woff2'); }\n"
        ".y { background: url(../images/local.png); }\n",
    )

    assert offline_assets.external_resources(tmp_path / "site") == [
        "assets/extra.css:3: CSS url() loads https://fonts.example.net/f.woff2 from another host; "
        "vendor it under docs/assets/ and use a local path (theme.font: false for fonts)",
        "assets/extra.css:1: CSS @import loads https://fonts.example.net/a.css from another host; "
        "vendor it under docs/assets/ and use a local path (theme.font: false for fonts)",
    ]


def test_a_diagram_without_the_local_mermaid_is_reported(tmp_path):
    site = tmp_path / "site"
    write(site, "a/index.html", '<html><body>\n<pre class="mermaid">graph LR</pre>\n</body></html>')
    write(
        site,
        "b/index.html",
        '<h2 id="mermaid">Mermaid</h2>\n<pre class="mermaid">graph LR</pre>\n'
        '<script src="../assets/javascripts/mermaid.min.js"></script>\n',
    )

    assert offline_assets.mermaid_findings(site) == [
        "a/index.html:2: has a Mermaid diagram but does not load the local "
        "assets/javascripts/mermaid.min.js; list it in extra_javascript in mkdocs.yml (otherwise "
        "Material loads Mermaid from a CDN)",
        'b/index.html:1: <h2 id="mermaid"> shadows the global mermaid and makes Material load '
        "Mermaid from a CDN; choose another id or heading anchor",
    ]
