"""Image versions live in images.yaml; Renovate (renovate.json) updates every place of an image."""

from __future__ import annotations

import json
from pathlib import Path

import images
import pytest
import renovate
from trees import write

CATALOG_TEXT = """\
images:
  nginx:
    image: nginx:1.30
    standin: nginx-light
  node:
    image: kindest/node:v1.37.0@sha256:{digest}
    standin: none
    renovate: false
""".format(digest="a" * 64)


def _report(findings: list[str], what: str) -> str:
    return f"{len(findings)} {what}:\n" + "\n".join(findings)


# The repository itself


def test_every_image_in_the_docs_and_snippets_is_an_entry_of_images_yaml(root: Path):
    findings = images.unknown_references(root)
    assert not findings, _report(findings, "image references not in images.yaml")


def test_every_entry_of_images_yaml_is_used(root: Path):
    findings = images.unused_entries(root)
    assert not findings, _report(findings, "unused catalog entries")


def test_the_catalog_names_a_standin_or_none_for_every_image(root: Path):
    entries = images.load_catalog(root)
    standins = {e.key: e.standin for e in entries}
    assert standins["nginx"] == "nginx-light"
    assert standins["busybox"] == "busybox"
    assert standins["curl"] == "curl"
    assert standins["nexus"] == standins["sonarqube"] == standins["fluent-bit"] == "none"


def test_the_catalog_and_the_kind_providers_stand_in_recipes_name_the_same_packages(root: Path):
    from kubedoctest.cluster.kind import images as standins

    catalog = {e.repository: e.standin for e in images.load_catalog(root)}
    recipes = {repo: recipe.package for repo, recipe in standins.RECIPES.items()}
    mismatches = [
        f"images.yaml: {repo}: standin {catalog[repo]} but the kind provider builds it from {recipes.get(repo, 'none')}"
        for repo in sorted(catalog)
        if catalog[repo] != recipes.get(repo, "none")
    ]
    assert not mismatches, "\n".join(mismatches)


def test_renovate_json_is_an_object_with_a_docker_regex_manager_over_the_catalog_snippets_and_pages(root: Path):
    data = renovate.load(root)
    assert data["$schema"] == "https://docs.renovatebot.com/renovate-schema.json"
    managers = renovate.image_managers(data)
    for path in (
        "images.yaml",
        "snippets/concepts/pod.yaml",
        "docs/zh/concepts/pod.md",
        "docs/en/runbooks/deploy-app.md",
    ):
        assert any(f.search(path) for files, _ in managers for f in files), path
    assert not any(f.search("docs/assets/javascripts/mermaid.min.js") for files, _ in managers for f in files)


def test_renovate_finds_every_image_reference_that_the_catalog_test_finds(root: Path):
    findings = renovate.uncovered(root)
    assert not findings, _report(findings, "references Renovate would not update")


def test_renovate_puts_every_place_of_one_image_in_one_pull_request(root: Path):
    rules = renovate.load(root)["packageRules"]
    grouping = [r for r in rules if r.get("matchManagers") == ["custom.regex"] and "branchTopic" in r]
    assert grouping, "no packageRule gives the custom.regex updates a branchTopic of their own"
    assert "depNameSanitized" in grouping[0]["branchTopic"]
    assert "{{newMajor}}" not in grouping[0]["branchTopic"]
    assert grouping[0]["separateMajorMinor"] is False


def test_renovate_leaves_alone_exactly_the_entries_marked_renovate_false(root: Path):
    findings = renovate.disabled_without_rule(root)
    assert not findings, _report(findings, "renovate: false entries out of step with renovate.json")


# The checks, on tiny trees


def test_an_outdated_tag_is_reported_with_its_line_and_the_catalog_entry_to_use(tmp_path: Path):
    write(tmp_path, "images.yaml", CATALOG_TEXT)
    write(
        tmp_path, "snippets/a/pod.yaml", "kind: Pod\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n"
    )
    write(tmp_path, "docs/en/a.md", "# A\n")

    assert images.unknown_references(tmp_path) == [
        'snippets/a/pod.yaml:5: image "nginx:1.27" is not in images.yaml; write "nginx:1.30" (images.yaml: nginx)'
    ]


def test_commands_output_and_directives_are_read_as_well_as_image_fields(tmp_path: Path):
    write(tmp_path, "images.yaml", CATALOG_TEXT)
    write(
        tmp_path,
        "docs/en/a.md",
        "# A\n\n"
        "```bash\n"
        "kubectl run t --image=nginx:1.29 -- true\n"
        "kubectl set image deployment/web web=nginx:1.31 side=busybox:1.36\n"
        "```\n\n"
        '<!-- kubedoctest: output="nginx:1.28" -->\n'
        "```bash\nkubectl get deploy\n```\n\n"
        "```text\n    Image:\tquay.io/x/y:2\n```\n\n"
        "Pin the tag, e.g. `nginx:1.30`, and never `kindest/node:v1.37.0`.\n",
    )

    assert images.unknown_references(tmp_path) == [
        'docs/en/a.md:4: image "nginx:1.29" is not in images.yaml; write "nginx:1.30" (images.yaml: nginx)',
        'docs/en/a.md:5: image "nginx:1.31" is not in images.yaml; write "nginx:1.30" (images.yaml: nginx)',
        'docs/en/a.md:5: image "busybox:1.36" is not in images.yaml; add it there '
        "(KEY: {image: busybox:1.36, standin: PACKAGE or none}) or use an image it lists",
        'docs/en/a.md:8: image "nginx:1.28" is not in images.yaml; write "nginx:1.30" (images.yaml: nginx)',
        'docs/en/a.md:14: image "quay.io/x/y:2" is not in images.yaml; add it there '
        "(KEY: {image: quay.io/x/y:2, standin: PACKAGE or none}) or use an image it lists",
    ]


def test_an_image_without_a_tag_is_reported(tmp_path: Path):
    write(tmp_path, "images.yaml", CATALOG_TEXT)
    write(tmp_path, "snippets/a/pod.yaml", "spec:\n  containers:\n    - {name: web, image: nginx}\n")

    assert images.unknown_references(tmp_path) == [
        'snippets/a/pod.yaml:3: image "nginx" is not in images.yaml; write "nginx:1.30" (images.yaml: nginx)'
    ]


def test_a_fence_skipped_as_history_is_not_read(tmp_path: Path):
    write(tmp_path, "images.yaml", CATALOG_TEXT)
    write(
        tmp_path,
        "docs/en/a.md",
        '# A\n\n<!-- kubedoctest: skip reason="history: the 2017 form" -->\n```yaml\nimage: busybox\n```\n\n'
        '<!-- kubedoctest: skip reason="fragment" -->\n```yaml\nimage: busybox\n```\n',
    )

    found = images.unknown_references(tmp_path)
    assert len(found) == 1 and found[0].startswith('docs/en/a.md:10: image "busybox" has no tag')


def test_an_unused_entry_is_reported(tmp_path: Path):
    write(tmp_path, "images.yaml", CATALOG_TEXT)
    write(tmp_path, "snippets/a/pod.yaml", "image: nginx:1.30\n")

    assert images.unused_entries(tmp_path) == [
        f"images.yaml:5: node (kindest/node:v1.37.0@sha256:{'a' * 64}) is used by no page or snippet; remove it"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("images:\n  Nginx:\n    image: nginx:1.30\n    standin: none\n", "images.yaml:2: key 'Nginx'"),
        (
            "images:\n  nginx:\n    image: nginx\n    standin: none\n",
            "images.yaml:2: nginx: image 'nginx' is not REPOSITORY:TAG",
        ),
        ("images:\n  nginx:\n    image: nginx:1.30\n", "images.yaml:2: nginx: standin None must be"),
        ("images:\n  nginx:\n    image: nginx:1.30\n    standin: none\n    tag: x\n", "unknown field(s) ['tag']"),
        ("nginx: nginx:1.30\n", "images.yaml:1: the file must be one mapping `images:`"),
    ],
)
def test_a_malformed_catalog_is_an_error_naming_the_line(tmp_path: Path, text: str, message: str):
    write(tmp_path, "images.yaml", text)

    with pytest.raises(images.CatalogError, match=None) as e:
        images.load_catalog(tmp_path)
    assert message in str(e.value)


def _renovate(tmp_path: Path, repos: str, files: list[str] | None = None) -> None:
    config = {
        "customManagers": [
            {
                "customType": "regex",
                "managerFilePatterns": files or ["/^images\\.yaml$/", "/^snippets/.+\\.ya?ml$/", "/^docs/.+\\.md$/"],
                "matchStrings": [
                    f"(?:^|[^A-Za-z0-9_./-])(?<depName>{repos}):(?<currentValue>[A-Za-z0-9_]+(?:[.-][A-Za-z0-9_]+)*)"
                    "(?:@(?<currentDigest>sha256:[a-f0-9]{64}))?"
                ],
                "datasourceTemplate": "docker",
            }
        ],
        "packageRules": [{"matchDepNames": ["kindest/node"], "enabled": False}],
    }
    write(tmp_path, "renovate.json", json.dumps(config))


def test_renovate_misses_an_image_whose_repository_is_not_in_its_pattern(tmp_path: Path):
    write(tmp_path, "images.yaml", CATALOG_TEXT + "  curl:\n    image: curlimages/curl:8.22.0\n    standin: curl\n")
    write(tmp_path, "docs/en/a.md", "Run `nginx:1.30`, then `kubectl run c --image=curlimages/curl:8.22.0`.\n")
    _renovate(tmp_path, "nginx")

    assert renovate.uncovered(tmp_path) == [
        'docs/en/a.md: Renovate would not find "curlimages/curl:8.22.0": add its repository to the depName '
        "list of the matchStrings in renovate.json",
        'images.yaml: Renovate would not find "curlimages/curl:8.22.0": add its repository to the depName '
        "list of the matchStrings in renovate.json",
    ]
    _renovate(tmp_path, "nginx|curlimages/curl")
    assert renovate.uncovered(tmp_path) == []


def test_renovate_misses_a_file_that_no_file_pattern_matches(tmp_path: Path):
    write(tmp_path, "images.yaml", CATALOG_TEXT)
    write(tmp_path, "snippets/a/pod.yaml", "image: nginx:1.30\n")
    _renovate(tmp_path, "nginx|kindest/node", files=["/^images\\.yaml$/"])

    assert renovate.uncovered(tmp_path) == [
        "snippets/a/pod.yaml: no managerFilePatterns of renovate.json matches this file; Renovate would not update it"
    ]


def test_renovate_json_with_a_lookbehind_or_without_groups_is_an_error(tmp_path: Path):
    write(tmp_path, "images.yaml", CATALOG_TEXT)
    _renovate(tmp_path, "(?<![a-z])nginx")
    with pytest.raises(renovate.RenovateError, match="no lookbehind"):
        renovate.uncovered(tmp_path)
    write(tmp_path, "renovate.json", '{\n  "customManagers": [\n')
    with pytest.raises(renovate.RenovateError, match="renovate.json:3: not valid JSON"):
        renovate.load(tmp_path)


def test_an_entry_marked_renovate_false_needs_a_rule_that_disables_it(tmp_path: Path):
    write(tmp_path, "images.yaml", CATALOG_TEXT)
    _renovate(tmp_path, "nginx|kindest/node")
    data = json.loads((tmp_path / "renovate.json").read_text())
    data["packageRules"] = []
    write(tmp_path, "renovate.json", json.dumps(data))

    assert renovate.disabled_without_rule(tmp_path) == [
        'images.yaml:5: node has renovate: false but no packageRule of renovate.json disables "kindest/node"'
    ]


def test_an_entry_marked_renovate_false_that_renovate_cannot_see_needs_neither_rule_nor_pattern(tmp_path: Path):
    write(tmp_path, "images.yaml", CATALOG_TEXT)
    write(tmp_path, "docs/en/a.md", "kind create cluster --image kindest/node:v1.37.0 and `nginx:1.30`\n")
    _renovate(tmp_path, "nginx")
    data = json.loads((tmp_path / "renovate.json").read_text())
    data["packageRules"] = []
    write(tmp_path, "renovate.json", json.dumps(data))

    assert renovate.uncovered(tmp_path) == []
    assert renovate.disabled_without_rule(tmp_path) == []
