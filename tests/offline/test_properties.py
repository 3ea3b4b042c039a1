"""Properties: whatever Markdown or YAML is thrown at collect_page, parse and the static checks,
they return snippets and findings located inside the page, and never raise."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubedoctest.collect.collect import YAML_LANGUAGES, collect_page
from kubedoctest.model import Origin, Snippet
from kubedoctest.parse.parse import Manifest, parse
from kubedoctest.static.static import StaticChecker

from .support import include_config

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ANY_LINE = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), max_size=40)
INDENT = st.sampled_from(["", " ", "  ", "    ", "\t", "        ", "   \t"])

fence_open = st.builds(
    lambda indent, char, n, gap, info: indent + char * n + gap + info,
    INDENT,
    st.sampled_from(["`", "~"]),
    st.integers(3, 5),
    st.sampled_from(["", " "]),
    st.sampled_from(
        [
            "yaml",
            "yml",
            "YAML",
            "{.yaml}",
            'yaml title="x.yaml" linenums="1"',
            "bash",
            "",
            "yaml`",
            "markdown",
            "{#x}",
        ]
    ),
)
fence_close = st.builds(
    lambda indent, char, n, tail: indent + char * n + tail,
    INDENT,
    st.sampled_from(["`", "~"]),
    st.integers(3, 5),
    st.sampled_from(["", " ", "  x"]),
)
DIRECTIVES = [
    '<!-- kubedoctest: skip reason="fragment" -->',
    "<!-- kubedoctest: skip -->",
    '<!-- kubedoctest: expect="pvc/data Bound" requires="kubelet" -->',
    '<!-- kubedoctest: k8s=">=1.30,<1.99" -->',
    '<!-- kubedoctest: k8s="nonsense" -->',
    '<!-- kubedoctest: colour="blue" -->',
    '<!-- kubedoctest: timeout="60"',
    '   reason="over lines" skip -->',
    "<!--",
    'kubedoctest: requires="kubelet"',
    "-->",
    "<!-- an ordinary comment -->",
    '<!-- kubedoctest: skip reason="x" --> trailing',
    '<!-- kubedoctest: output="a \\"quoted\\" word" exit="0" -->',
]
TARGETS = [
    "pod.yaml",
    "pod.yaml:1:4,7:12",
    "pod.yaml:-3:",
    "pod.yaml:0",
    "sections.yaml:secret",
    "sections.yaml:nope",
    "outer.yaml",
    "two-objects.yaml",
    "missing.yaml",
    "../outside.yaml",
    "/etc/hostname",
    ":3:4",
    "",
    " ",
    "https://example.com/x.yaml",
    ".",
    "a\x00b",
    "x" * 300,
]
include = st.builds(
    lambda indent, escape, dashes, quote, target: f"{indent}{escape}{dashes}8<{dashes} {quote}{target}{quote}",
    INDENT,
    st.sampled_from(["", ";", ";;"]),
    st.sampled_from(["-", "--", "---"]),
    st.sampled_from(['"', "'"]),
    st.sampled_from(TARGETS),
)
block = st.builds(lambda indent, target: indent + target, INDENT, st.sampled_from(TARGETS + ["--8<--", ";x"]))
section = st.builds(
    lambda pre, kind, name: f"{pre}--8<-- [{kind}:{name}]",
    st.sampled_from(["", "# ", ";", "text "]),
    st.sampled_from(["start", "end"]),
    st.sampled_from(["configmap", "secret", "x"]),
)
yaml_line = st.builds(
    lambda indent, text: indent + text,
    INDENT,
    st.sampled_from(
        [
            "apiVersion: v1",
            "kind: ConfigMap",
            "metadata:",
            "  name: x",
            "- a",
            "a: b: c",
            "key: [",
            "---",
        ]
    ),
)
markdown_line = st.one_of(
    fence_open,
    fence_close,
    st.sampled_from(DIRECTIVES),
    include,
    block,
    section,
    yaml_line,
    st.just(""),
    st.sampled_from(['!!! note "Title"', '=== "Tab"', "1. item", "- item"]),
    ANY_LINE,
)


@SETTINGS
@given(st.lists(markdown_line, max_size=30))
def test_collect_page_never_raises_and_locates_everything_inside_the_page(lines):
    snippets, errors = collect_page("p.md", lines, include_config())
    last = max(len(lines), 1)
    for error in errors:
        assert 1 <= error.line <= last
        assert error.page == "p.md" and error.message
    for s in snippets:
        assert s.language in YAML_LANGUAGES
        assert 1 <= s.line <= last
        assert all(1 <= o.page_line <= last for o in s.origins)
        if s.origins:
            assert len(s.origins) == s.text.count("\n") + 1
        else:
            assert s.text == ""


KEYS = [
    "apiVersion",
    "kind",
    "metadata",
    "name",
    "spec",
    "data",
    "items",
    "replicas",
    "1",
    "true",
    "~",
    "<<",
    "? a",
]
VALUES = [
    "v1",
    "apps/v1",
    "ConfigMap",
    "Deployment",
    "List",
    "Pod",
    "CustomResourceDefinition",
    "apiextensions.k8s.io/v1",
    "samples.io/v1",
    "kind.x-k8s.io/v1alpha4",
    '"3"',
    "3",
    "&a x",
    "*a",
    "&b {x: 1}",
    "*b",
    "!!binary aGk=",
    "!!binary x",
    "!foo bar",
    "[a, {b: c}]",
    "{",
    "'unterminated",
    "|",
    ">-",
    "null",
    "2017-06-01",
    "# 注释\u2028# 续",
    "\x85",
    "\t",
    "",
]
yaml_text_line = st.one_of(
    st.builds(
        lambda indent, dash, key, value: f"{indent}{dash}{key}: {value}",
        st.sampled_from(["", "  ", "    ", "\t", " "]),
        st.sampled_from(["", "- "]),
        st.sampled_from(KEYS),
        st.sampled_from(VALUES),
    ),
    st.sampled_from(["---", "...", "- ", "-", "? ", ": x", "#", "&a", "*a", "[", "]", "%YAML 1.1"]),
    ANY_LINE,
)


def snippet(text: str) -> Snippet:
    return Snippet("p.md", 3, "yaml", text, [Origin(4 + i) for i in range(text.count("\n") + 1)])


def where_is_inside(where: str, text: str) -> bool:
    page, _, rest = where.partition(":")
    line = int(rest.split(" ", 1)[0])
    return page == "p.md" and 3 <= line <= 4 + text.count("\n")


PRIMING = [
    Manifest({"apiVersion": a, "kind": k})
    for a, k in [("v1", "ConfigMap"), ("v1", "Pod"), ("apps/v1", "Deployment"), ("v1", "List")]
]
CHECKER = StaticChecker(["1.35"], PRIMING)


@SETTINGS
@given(
    st.one_of(
        st.lists(yaml_text_line, max_size=25).map("\n".join),
        # an object of a kind the checker knows, so that the schemas see the generated fields
        st.builds(
            lambda head, body: head + "\n".join(body),
            st.sampled_from(["apiVersion: v1\nkind: ConfigMap\n", "apiVersion: apps/v1\nkind: Deployment\n"]),
            st.lists(yaml_text_line, max_size=15),
        ),
        st.text(max_size=200),
    )
)
def test_parse_and_the_static_checks_never_raise_and_locate_findings_in_the_snippet(text):
    s = snippet(text)
    parsed = parse(s)
    assert parsed.others + len(parsed.manifests) <= text.count("\n") + 1  # a document takes a line at least
    for finding in parsed.findings:
        assert where_is_inside(finding.where, text), finding
    for m in parsed.manifests:
        assert isinstance(m.obj, dict)
        assert 0 <= m.line <= text.count("\n")
    out = CHECKER.check(s, parsed.manifests)
    for finding in out.findings:
        assert where_is_inside(finding.where, text), finding
