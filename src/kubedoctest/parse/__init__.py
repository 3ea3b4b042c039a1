"""parse: YAML with its errors at the culprit page line -> objects; each snippet classified (manifest,
fragment, template, tool config, not Kubernetes); the directives in HTML comments."""
