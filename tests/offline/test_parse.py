"""parse: YAML to objects, each field remembering its page line; every problem located."""

from __future__ import annotations

import time

import pytest

from kubedoctest.model import Origin, Snippet
from kubedoctest.parse.parse import parse

from .support import GOOD, collect_sample, line_of

PARSE_PAGE = GOOD / "docs" / "parse.md"


def snippet(text: str, fence_line: int = 10) -> Snippet:
    """A snippet whose first line is page line fence_line + 1."""
    n = len(text.split("\n"))
    return Snippet("p.md", fence_line, "yaml", text, [Origin(fence_line + 1 + i) for i in range(n)])


def rendered(text: str) -> list[str]:
    return [f.render() for f in parse(snippet(text)).findings]


@pytest.fixture(scope="module")
def parse_page():
    snippets, errors = collect_sample("parse.md")
    assert errors == []
    return snippets


def test_every_document_of_a_multi_document_snippet_is_an_object(parse_page):
    p = parse(parse_page[0])
    assert p.findings == []
    assert [m.name for m in p.manifests] == ["doc-one", "doc-two", "doc-three"]
    assert [m.document for m in p.manifests] == [0, 1, 2]
    starts = [parse_page[0].where(m.line) for m in p.manifests]
    assert starts[1] == f"docs/parse.md:{line_of(PARSE_PAGE, 'name: doc-two') - 3}"


def test_the_items_of_a_kind_list_are_objects_with_their_own_lines(parse_page):
    s = parse_page[1]
    p = parse(s)
    assert p.findings == []
    assert [m.describe() for m in p.manifests] == [
        "ConfigMap/list-item-one",
        "ConfigMap/list-item-two",
    ]
    second = p.manifests[1]
    assert s.where(second.line_of(("metadata", "name"))) == (
        f"docs/parse.md:{line_of(PARSE_PAGE, 'name: list-item-two')}"
    )


def test_anchors_aliases_and_merge_keys_are_resolved(parse_page):
    p = parse(parse_page[2])
    assert p.findings == []
    (deployment,) = p.manifests
    spec = deployment.obj["spec"]
    assert spec["selector"]["matchLabels"] == {"app": "anchors"}
    web, sidecar = spec["template"]["spec"]["containers"]
    assert sidecar["image"] == web["image"] == "nginx:1.27"
    assert sidecar["name"] == "sidecar"
    assert sidecar["resources"] == {"requests": {"cpu": "50m"}, "limits": {"memory": "64Mi"}}


def test_a_key_written_before_a_merge_key_keeps_its_own_line():
    # Regression: the merged mapping's lines overwrote the lines of keys written before `<<`.
    text = "\n".join(
        [
            "apiVersion: v1",
            "kind: ConfigMap",
            "metadata:",
            "  name: m",
            "  labels: &l",
            "    app: a",
            "    tier: web",
            "  annotations:",
            "    app: own",
            "    <<: *l",
        ]
    )
    (m,) = parse(snippet(text)).manifests
    assert m.obj["metadata"]["annotations"] == {"app": "own", "tier": "web"}
    assert m.line_of(("metadata", "annotations", "app")) == 8
    assert m.line_of(("metadata", "annotations", "tier")) == 6


def test_chinese_comments_and_values_are_read(parse_page):
    p = parse(parse_page[3])
    assert p.findings == []
    assert p.manifests[0].obj["data"] == {"问候": "你好"}


@pytest.mark.parametrize("index", [4, 5])
def test_yaml_that_is_not_a_kubernetes_object_is_counted_apart(parse_page, index):
    p = parse(parse_page[index])
    assert (p.manifests, p.others, p.findings) == ([], 1, [])


def test_tool_configs_with_apiversion_and_kind_are_objects(parse_page):
    kinds = [parse(s).manifests[0].kind for s in parse_page[6:9]]
    assert kinds == ["Cluster", "Config", "ClusterConfiguration"]


def test_a_syntax_error_is_reported_at_its_page_line():
    text = "apiVersion: v1\nkind: ConfigMap\ndata:\n  key: [unclosed\n  other: value"
    (finding,) = rendered(text)
    assert finding.startswith("p.md:15: YAML syntax error: ")


def test_a_tab_used_for_indentation_is_reported_at_its_page_line():
    assert rendered("apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: tabs") == [
        "p.md:14: tab used for indentation; YAML allows only spaces; fix: replace the tab with spaces"
    ]


def test_a_duplicate_key_is_reported_at_its_page_line_with_the_first_one():
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  mode: one\n  mode: two"
    assert rendered(text) == [
        "p.md:17: duplicate key 'mode' (first at p.md:16); kubectl would silently keep only the "
        "last one; fix: remove one of the two 'mode' keys"
    ]
    assert parse(snippet(text)).findings[0].path == "data.mode"


def test_a_duplicate_key_in_a_list_item_is_reported_at_its_page_line():
    text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  kind: Secret"
    assert rendered(text)[0].startswith("p.md:16: duplicate key 'kind' (first at p.md:15)")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("apiVersion: v1\nmetadata:\n  name: a", "p.md:11: document 1 has apiVersion but no kind"),
        ("kind: Pod\nmetadata:\n  name: a", "p.md:11: document 1 has kind but no apiVersion"),
        ("a: 1\n---\nkind: Pod\nmetadata:\n  name: a", "p.md:13: document 2 has kind but no apiVersion"),
        (
            "apiVersion: v1\nKind: Secret\nmetadata:\n  name: a",
            "p.md:12: document 1 has apiVersion but no kind ('Kind'",
        ),
    ],
)
def test_a_named_object_with_only_one_of_apiversion_and_kind_is_an_error(text, message):
    (finding,) = rendered(text)
    assert finding.startswith(message)


@pytest.mark.parametrize("text", ["kind: Secret\ndata:\n  a: b", "apiVersion: v1\ndata:\n  a: b"])
def test_an_unnamed_excerpt_with_only_one_of_apiversion_and_kind_is_a_partial_fragment(text):
    p = parse(snippet(text))
    assert (p.manifests, p.findings) == ([], [])
    assert p.partial and "leaves things out" in p.partial[0]


def test_the_same_key_twice_in_a_block_that_is_not_an_object_is_alternatives_not_an_error():
    text = "# one way\nspec:\n  a: 1\n# another way\nspec:\n  a: 2"
    p = parse(snippet(text))
    assert (p.findings, p.others) == ([], 1)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        # an unclosed quote: where it opened, not the end of the snippet
        ('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "a\ndata:\n  b: c\n  d: e', 14),
        # a key that lost its indentation: that line, not the next one the parser trips on
        ("apiVersion: v1\nkind: ConfigMap\ndata:\n  a: |\n    x\n\nb: |\n    y\n\n  c: |\n    z", 17),
    ],
)
def test_a_yaml_syntax_error_points_to_the_culprit_line(text, line):
    (finding,) = rendered(text)
    assert finding.startswith(f"p.md:{line}: YAML syntax error"), finding


@pytest.mark.parametrize("elision", ["...", "# ...", "# (...)", "[...]", "…", "<snip>", "- ... etc."])
def test_an_elision_is_taken_out_and_marks_the_snippet_elided(elision):
    text = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  {elision}\ndata:\n  b: c"
    p = parse(snippet(text))
    assert p.findings == [] and p.elided and p.manifests[0].obj["data"] == {"b": "c"}


def test_an_unquoted_wildcard_is_a_syntax_error_with_the_quoting_fix():
    (finding,) = rendered("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  host: *.example.com")
    assert "p.md:16:" in finding and "'*.example.com'" in finding


def test_stars_as_a_masked_value_are_a_placeholder_not_an_alias():
    p = parse(snippet("apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\nstringData:\n  password: ****"))
    assert p.findings == [] and p.manifests[0].obj["stringData"]["password"] == "****"


@pytest.mark.parametrize("text", ["", "---\n---", "# only a comment", "null"])
def test_empty_documents_are_neither_objects_nor_errors(text):
    p = parse(snippet(text))
    assert (p.manifests, p.others, p.findings) == ([], 0, [])


@pytest.mark.parametrize("text", ["- a\n- b", "just a string", "42", "a: 1"])
def test_documents_without_apiversion_or_kind_are_not_kubernetes_objects(text):
    assert parse(snippet(text)).others == 1


def test_a_recursive_alias_is_an_error_not_a_crash():
    assert rendered("&a [*a]") == ["p.md:11: recursive alias: an anchor refers to itself"]


def test_an_alias_bomb_is_an_error_without_being_expanded():
    # Regression: nine levels of nine aliases took forever and all the memory.
    lines = [
        "apiVersion: v1",
        "kind: ConfigMap",
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ]
    for level in range(1, 10):
        prev, name = chr(96 + level), chr(97 + level)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    start = time.perf_counter()
    findings = rendered("\n".join(lines))
    assert time.perf_counter() - start < 15  # a bound against the blow-up (minutes), not a timing
    assert findings == [
        "p.md:11: YAML aliases expand to more than 100000 values (an alias bomb?); "
        "fix: write the values out, or use fewer aliases"
    ]


def test_a_few_aliases_are_fine():
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: &d {a: '1'}\nbinaryData: *d"
    assert parse(snippet(text)).findings == []


def test_a_tag_without_a_constructor_is_an_error_not_a_crash():
    (finding,) = rendered("apiVersion: v1\nkind: ConfigMap\ndata: !vault |\n  secret")
    assert finding.startswith("p.md:11: YAML value error: could not determine a constructor")


def test_a_mapping_used_as_a_key_is_an_error():
    assert rendered("? [a, b]\n: 1") == ["p.md:11: a mapping key must be a scalar"]


def test_keys_that_are_not_strings_become_the_strings_kubectl_would_send():
    # Regression: a key like `1:` or `true:` reached the schema validator as an int or bool,
    # and it raised ValueError ("Dict key must be str") out of the whole run.
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: k\ndata:\n  1: one\n  true: yes\n  ~: none\n  1.5: x"
    p = parse(snippet(text))
    assert p.findings == []
    assert p.manifests[0].obj["data"] == {"1": "one", "true": True, "null": "none", "1.5": "x"}
    assert p.manifests[0].line_of(("data", "1")) == 5


def test_a_binary_value_becomes_text_not_bytes():
    p = parse(snippet("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata:\n  a: !!binary aGVsbG8="))
    assert p.manifests[0].obj["data"]["a"] == "hello"


def test_timestamps_stay_strings_as_kubernetes_reads_them():
    p = parse(snippet("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: t}\ndata:\n  when: 2017-06-01"))
    assert p.manifests[0].obj["data"]["when"] == "2017-06-01"


def test_a_unicode_line_separator_in_a_comment_does_not_shift_lines():
    # Regression: YAML breaks lines at U+2028 (and U+0085, U+2029, a lone CR), Markdown does not,
    # so every finding after such a character pointed one line too far.
    text = "# 说明\u2028# 续\napiVersion: v1\nkind: ConfigMap\ndata:\n  a: 1\n  a: 2"
    assert rendered(text)[0].startswith("p.md:16: duplicate key 'a' (first at p.md:15)")
    text = "# x\x85y\rz\na: [unclosed\nb: 1"
    assert rendered(text)[0].startswith("p.md:12: YAML syntax error")


def test_a_control_character_is_reported_at_its_own_line():
    # Regression: it was reported at the first line of the snippet.
    text = "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: \x07bell"
    (finding,) = rendered(text)
    assert finding.startswith("p.md:14: YAML syntax error: unacceptable character '\\x07'")


def test_line_of_falls_back_to_the_deepest_known_parent():
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n    - name: c\n      image: x"
    (m,) = parse(snippet(text)).manifests
    assert m.line_of(("spec", "containers", 0, "image")) == 7
    assert m.line_of(("spec", "containers", 0, "ports", 3, "containerPort")) == 6
    assert m.line_of(("spec", "nope")) == 4
    assert m.line_of(()) == 0


def test_a_field_of_an_included_file_is_located_in_the_page_and_the_file():
    snippets, errors = collect_sample("includes.md")
    pod = snippets[0]
    (m,) = parse(pod).manifests
    marker = line_of(GOOD / "docs" / "includes.md", '--8<-- "pod.yaml"')
    assert pod.where(m.line_of(("spec", "containers", 0, "image"))) == (
        f"docs/includes.md:{marker} (snippets/pod.yaml:10)"
    )


def test_a_manifest_written_as_a_shell_here_document_is_read_without_the_shell_lines():
    text = "cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\nEOF"
    p = parse(snippet(text))
    assert p.findings == [] and p.manifests[0].obj["metadata"]["name"] == "a"


@pytest.mark.parametrize(
    "text",
    [
        "docs/\n├── index.md\n└── guide/\n    └── a.md",
        "Name:         web\nNamespace:    default\nLabels:       <none>\nEvents:\n  Type    Reason  Age  From  Message\n  ----    ------  ---  ----  -------",
    ],
)
def test_printed_output_in_a_yaml_fence_is_not_a_manifest(text):
    p = parse(snippet(text))
    assert (p.findings, p.others, p.manifests) == ([], 1, [])


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("authors: @alice, @bob", "@alice, @bob"),
        ("name: {{ YOUR_SECRET_NAME }}", "{{ YOUR_SECRET_NAME }}"),
        ("sa: [...].iam.gserviceaccount.com", "[...].iam.gserviceaccount.com"),
        ("seconds: *int32", "*int32"),
    ],
)
def test_placeholders_and_type_names_that_would_break_yaml_are_read_as_text(line, value):
    p = parse(snippet(f"spec:\n  {line}"))
    assert p.findings == []
    assert next(iter(parse(snippet(line)).findings), None) is None


def test_a_misspelled_apiversion_key_is_named():
    (finding,) = rendered("piVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a")
    assert "('piVersion' is not 'apiVersion')" in finding and "write apiVersion: in place of piVersion:" in finding


@pytest.mark.parametrize(
    "text",
    [
        'kubectl patch vm testvm --type=json -p=\'[{"op": "add", "path": "/spec"}]\'',
        "$ kubectl get pods\nNAME   READY   STATUS\nweb    1/1     Running",
        '[entryPoints]\n  [entryPoints.web]\n    address = ":80"',
    ],
)
def test_shell_sessions_and_toml_in_a_yaml_fence_are_not_manifests(text):
    p = parse(snippet(text))
    assert (p.findings, p.manifests) == ([], [])


def test_an_excerpt_cut_off_after_a_key_is_elided():
    p = parse(snippet("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: a\nspec:"))
    assert p.findings == [] and p.elided


def test_a_named_excerpt_with_an_elision_and_no_apiversion_is_partial():
    p = parse(snippet("kind: Deployment\nmetadata:\n  name: a\nspec:\n  [..]\n  replicas: 2"))
    assert p.findings == [] and p.partial


def test_an_elision_does_not_hide_a_bad_escape_near_it():
    (finding,) = rendered('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  ...\ndata:\n  rule: "a\\.b"')
    assert "YAML syntax error" in finding


def test_an_excerpt_cut_from_deep_inside_an_object_is_no_syntax_error():
    text = "    volumeMounts:\n      - name: tpl\n        mountPath: /etc/tpl\n  volumes:\n    - name: tpl\n      configMap:\n        name: tpl"
    p = parse(snippet(text))
    assert (p.findings, p.others, p.manifests) == ([], 1, [])


def test_a_mistake_inside_one_level_of_a_cut_excerpt_is_reported_at_its_line():
    text = "    volumeMounts:\n      - name: tpl\n  volumes:\n    - name: tpl\n      configMap: a: b"
    (finding,) = rendered(text)
    assert finding.startswith("p.md:15: YAML syntax error")


def test_a_first_line_indented_by_mistake_is_still_a_syntax_error():
    assert rendered("  apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a")


def test_plain_words_in_a_yaml_fence_are_not_a_manifest():
    p = parse(snippet("# the operation name\nsome-option-name\n\n# the port\nother-option-port"))
    assert (p.findings, p.others, p.manifests) == ([], 1, [])


def test_a_list_item_that_starts_with_a_reserved_character_is_read_as_text():
    p = parse(snippet("contact:\n- @team/maintainers\n- name: @bob"))
    assert p.findings == []
