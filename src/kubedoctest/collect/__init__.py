"""collect: Markdown pages -> Snippets: fences (also indented ones), includes as the site builds them
(pymdownx.snippets, mkdocs-macros, markdown-include), fences in HTML comments ignored."""
