"""Cases found by running kubedoctest on real MkDocs projects nobody here wrote (Trivy Operator,
Postgres Operator, KubeVirt, Chainsaw): each is a fresh, minimal reproduction of one category."""

from __future__ import annotations

from pathlib import Path

from kubedoctest import cli

from .support import VERSIONS

VERSION_ARGS = [arg for v in VERSIONS for arg in ("--k8s-version", v)]


def crd(spec_fields: str) -> str:
    return (
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n"
        "spec:\n  group: example.com\n  scope: Namespaced\n  names: {kind: Widget, plural: widgets}\n  versions:\n"
        "  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n"
        "        properties:\n          spec:\n            type: object\n            properties:\n"
        f"{spec_fields}"
    )


WIDGET = "```yaml\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 3\n```\n"


def project(root: Path, pages: dict[str, str], mkdocs: str = "site_name: t\n", files: dict[str, str] | None = None):
    (root / "mkdocs.yml").write_text(mkdocs, encoding="utf-8")
    for name, text in {**pages, **(files or {})}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def run(capsys, monkeypatch, root: Path, *args: str) -> tuple[int, str]:
    monkeypatch.chdir(root)
    try:
        code = cli.main(["check", "docs", "--cluster", "none", *VERSION_ARGS, *args])
    except SystemExit as e:
        code = e.code
    out, err = capsys.readouterr()
    return code, out + err


def test_a_crd_given_with_crd_wins_over_a_stale_copy_of_it_in_a_design_page(capsys, monkeypatch, tmp_path):
    stale = "```yaml\n" + crd("              colour: {type: string}\n") + "```\n"
    project(
        tmp_path,
        {"docs/design.md": stale, "docs/use.md": WIDGET},
        files={"crds/widget.yaml": crd("              size: {type: integer}\n")},
    )
    code, out = run(capsys, monkeypatch, tmp_path)
    assert code == 1 and "unknown field 'spec.size'" in out
    assert (
        "(schema of the CustomResourceDefinition at docs/design.md:2; --crd gives the project's own)" in out
    )  # says which CRD it used
    code, out = run(capsys, monkeypatch, tmp_path, "--crd", "crds")
    assert code == 0, out


MACROS = "site_name: t\nplugins:\n- macros\nextra:\n  app:\n    cpu: 1.5.5\n    tag: '1.27'\n"
POD = (
    "```yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n"
    "    image: nginx:{{ app.tag }}\n    resources:\n      requests:\n        cpu: {{ app.cpu }}\n```\n"
)


def test_a_macros_variable_of_mkdocs_yml_is_checked_with_the_value_the_site_shows(capsys, monkeypatch, tmp_path):
    project(tmp_path, {"docs/p.md": POD}, mkdocs=MACROS)
    code, out = run(capsys, monkeypatch, tmp_path)
    assert code == 1 and "docs/p.md:12: spec.containers[0].resources.requests.cpu" in out and "1.5.5" in out
    project(tmp_path, {"docs/p.md": POD}, mkdocs=MACROS.replace("1.5.5", "500m"))
    assert run(capsys, monkeypatch, tmp_path)[0] == 0


def test_a_macros_expression_known_only_at_build_time_is_a_placeholder_not_a_syntax_error(
    capsys, monkeypatch, tmp_path
):
    page = POD.replace("{{ app.cpu }}", "{{ git.tag }}  # set by the build")
    project(tmp_path, {"docs/p.md": page}, mkdocs=MACROS)
    code, out = run(capsys, monkeypatch, tmp_path)
    assert "unquoted template" not in out and "syntax" not in out
    assert "1 fragment" in out, out


def test_without_macros_or_inside_raw_an_unquoted_expression_is_still_an_error(capsys, monkeypatch, tmp_path):
    project(tmp_path, {"docs/p.md": POD})
    assert "unquoted template expression" in run(capsys, monkeypatch, tmp_path)[1]
    project(tmp_path, {"docs/p.md": "{% raw %}\n" + POD + "{% endraw %}\n"}, mkdocs=MACROS)
    assert "unquoted template expression" in run(capsys, monkeypatch, tmp_path)[1]


ONE_OF = (
    "              steps:\n                type: array\n                items:\n                  type: object\n"
    "                  oneOf:\n                  - required: [apply]\n                  - required: [delete]\n"
    "                  properties:\n                    apply: {type: object}\n                    delete: {type: object}\n"
)
STEPS = "```yaml\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  steps:\n{step}```\n"


def test_a_oneof_of_required_fields_says_which_fields_and_never_suggests_a_quantity(capsys, monkeypatch, tmp_path):
    pages = {
        "docs/none.md": STEPS.format(step="  - {}\n"),
        "docs/both.md": STEPS.format(step="  - apply: {}\n    delete: {}\n"),
    }
    project(tmp_path, pages, files={"crds/w.yaml": crd(ONE_OF)})
    code, out = run(capsys, monkeypatch, tmp_path, "--crd", "crds")
    assert code == 1 and "quantity" not in out
    assert "docs/none.md:8: spec.steps[0]: sets none of apply, delete" in out
    assert "fix: give exactly one of apply, delete" in out
    assert "docs/both.md:8: spec.steps[0]: " in out and "fix: keep only one of the alternatives" in out


def test_a_value_elided_under_its_key_leaves_a_oneof_unsatisfied_without_failing(capsys, monkeypatch, tmp_path):
    page = STEPS.format(step="  - apply:\n      # ...\n")
    project(tmp_path, {"docs/e.md": page}, files={"crds/w.yaml": crd(ONE_OF)})
    code, out = run(capsys, monkeypatch, tmp_path, "--crd", "crds")
    assert code == 0 and "1 fragment" in out, out


def test_a_mkdocs_yaml_and_the_file_it_inherits_give_the_include_settings(capsys, monkeypatch, tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "base.yaml").write_text(
        "markdown_extensions:\n- pymdownx.snippets:\n    base_path: [manifests]\n", encoding="utf-8"
    )
    (tmp_path / "site" / "mkdocs.yaml").write_text("INHERIT: base.yaml\nsite_name: t\n", encoding="utf-8")
    (tmp_path / "site" / "manifests").mkdir()
    (tmp_path / "site" / "manifests" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n", encoding="utf-8"
    )
    (tmp_path / "site" / "docs").mkdir()
    (tmp_path / "site" / "docs" / "p.md").write_text('```yaml\n--8<-- "cm.yaml"\n```\n', encoding="utf-8")
    code, out = run(capsys, monkeypatch, tmp_path / "site")
    assert code == 1 and "docs/p.md:2 (manifests/cm.yaml:4): metadata.name: Invalid value" in out, out
    (tmp_path / "site" / "mkdocs.yaml").write_text("INHERIT: gone.yaml\n", encoding="utf-8")
    code, out = run(capsys, monkeypatch, tmp_path / "site")
    assert code == 2 and "INHERIT names 'gone.yaml', which is not a file next to it" in out, out


def test_a_sentence_swallowed_by_a_fence_closed_too_late_is_named_as_such(capsys, monkeypatch, tmp_path):
    page = (
        "```yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n\n"
        "The file then appears in the volume of the pod\n\n```\n"
    )
    project(tmp_path, {"docs/p.md": page})
    code, out = run(capsys, monkeypatch, tmp_path)
    assert code == 1 and "docs/p.md:7: YAML syntax error" in out
    assert "this line reads as a sentence of the page; fix: close the fence before the text" in out
    project(tmp_path, {"docs/p.md": page.replace("The file then appears", "  key: x\n bad")})
    assert "reads as a sentence" not in run(capsys, monkeypatch, tmp_path)[1]


def test_an_object_without_apiversion_is_told_the_apiversion_its_kind_is_served_at(capsys, monkeypatch, tmp_path):
    pages = {
        "docs/builtin.md": "```yaml\nkind: Deployment\nmetadata:\n  name: a\n```\n",
        "docs/two.md": "```yaml\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: a\n```\n",
        "docs/custom.md": "```yaml\nkind: Widget\nmetadata:\n  name: a\n```\n",
        "docs/unknown.md": "```yaml\nkind: Frobnicator\nmetadata:\n  name: a\n```\n",
        "docs/crd.md": "```yaml\n" + crd("              size: {type: integer}\n") + "```\n",
    }
    project(tmp_path, pages)
    code, out = run(capsys, monkeypatch, tmp_path)
    assert code == 1
    assert "docs/builtin.md:2: document 1 has kind but no apiVersion; fix: add apiVersion: apps/v1\n" in out
    assert (
        "docs/two.md:2: document 1 has kind but no apiVersion; fix: add apiVersion: autoscaling/v2 (also served: autoscaling/v1)\n"
        in out
    )
    assert "docs/custom.md:2: document 1 has kind but no apiVersion; fix: add apiVersion: example.com/v1\n" in out
    assert (
        "docs/unknown.md:2: document 1 has kind but no apiVersion; fix: add apiVersion: to the object (the group/version"
        in out
    )
