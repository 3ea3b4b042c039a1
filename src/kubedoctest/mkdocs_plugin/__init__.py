"""kubedoctest's MkDocs plugin: verified-by badges, findings while writing, the generated
verification table and the stale-translation notice.

Registered as the MkDocs plugin `kubedoctest` (kubedoctest.mkdocs_plugin.plugin:KubedoctestPlugin).
Only plugin.py imports MkDocs; the other modules are plain Python (translations.py also runs as
`python -m kubedoctest.mkdocs_plugin.translations` for scripts/test).
"""
