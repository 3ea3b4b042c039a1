"""directives: the `<!-- kubedoctest: ... -->` grammar; every mistake says what to write instead."""

from __future__ import annotations

import pytest

from kubedoctest.parse.directives import (
    DirectiveError,
    Directives,
    Expectation,
    expectations,
    parse,
    version_matches,
    version_range,
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", Directives()),
        ('skip reason="a fragment"', Directives(skip=True, reason="a fragment")),
        ('reason="first the reason" skip', Directives(skip=True, reason="first the reason")),
        (
            'expect="pvc/data Bound; deployment/web Available"',
            Directives(expect=(Expectation("pvc", "data", "Bound"), Expectation("deployment", "web", "Available"))),
        ),
        ('requires="kubelet"', Directives(requires=frozenset({"kubelet"}))),
        ('k8s=">=1.30,<1.36"', Directives(k8s=">=1.30,<1.36")),
        ('timeout="60"  exit="3"', Directives(timeout=60.0, exit=3)),
        (
            'allow="remote-shell, path" reason="reviewed"',
            Directives(reason="reviewed", allow=frozenset({"remote-shell", "path"})),
        ),
        ('output="say \\"hi\\""', Directives(output='say "hi"')),
        ('skip\n   reason="over\nlines"', Directives(skip=True, reason="over\nlines")),
    ],
)
def test_a_well_formed_directive_is_read_into_one_typed_object(body, expected):
    assert parse(body) == expected


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("skip", "skip without a reason"),
        ('skip reason="  "', "skip without a reason"),
        ('reason="why"', "reason without skip or allow"),
        ('allow="remote-shell"', "allow without a reason"),
        ('allow="remote-shel" reason="x"', "unknown lint rule 'remote-shel' in allow; did you mean 'remote-shell'\\?"),
        ('allow="" reason="x"', "unknown lint rule '' in allow"),
        ('colour="blue"', "unknown directive 'colour'; known are"),
        ('expct="pod/a Ready"', "unknown directive 'expct'; did you mean 'expect'\\?"),
        ('requirs="kubelet"', "unknown directive 'requirs'; did you mean 'requires'\\?"),
        ('skp reason="x"', "unknown directive 'skp'; did you mean 'skip'\\?"),
        ('requires="kublet"', "unknown requirement 'kublet' in requires; did you mean 'kubelet'\\?"),
        ('expect="pod/a Redy"', "unknown condition 'Redy' in 'pod/a Redy'; did you mean 'Ready'\\?"),
        ('timeout="9999999999"', "timeout must be between 1 and 3600: got '9999999999'"),
        ('timeout="99999999999999999999999999"', "timeout must be between 1 and 3600"),
        ('timeout="0"', "timeout must be between 1 and 3600"),
        ('timeout="\u0663"', "timeout must be a whole number"),
        ('exit="256"', "exit must be between 0 and 255"),
        ('k8s=">=1.99999"', "cannot read Kubernetes version range"),
        ('skip="yes" reason="x"', "'skip' takes no value"),
        ("expect", "'expect' needs a value"),
        ('requires="kubelet" requires="kubelet"', "given twice"),
        ('requires="docker"', "unknown requirement 'docker'"),
        ('k8s="1.30+"', "cannot read Kubernetes version range"),
        ('k8s=","', "empty k8s range"),
        ('expect="data Bound"', "cannot read expectation"),
        ('expect="pvc/data Happy"', "unknown condition 'Happy'"),
        ('expect=";"', "empty expect"),
        ('timeout="soon"', "timeout must be a whole number"),
        ('exit="-1"', "exit must be a whole number"),
        ('requires="kubelet" "quoted"', "cannot read directive"),
        ("skip reason='single quotes'", "'reason' needs a value: write reason=\""),
    ],
)
def test_a_malformed_directive_is_an_error_that_says_what_to_write(body, message):
    with pytest.raises(DirectiveError, match=message):
        parse(body)


def test_the_skip_error_shows_the_right_form():
    with pytest.raises(DirectiveError) as e:
        parse("skip")
    assert 'skip reason="' in str(e.value)


@pytest.mark.parametrize(
    ("spec", "version", "matches"),
    [
        (">=1.33", "1.33", True),
        (">=1.33", "1.32", False),
        (">=1.30,<1.36", "1.35", True),
        (">=1.30,<1.36", "1.36", False),
        ("1.34", "1.34", True),
        ("==1.34", "1.35", False),
        ("!=1.34", "1.35", True),
        ("<=1.31", "1.31.4", True),
        (">1.9", "1.10", True),  # numeric, not string, order
    ],
)
def test_a_version_range_matches_minor_versions_numerically(spec, version, matches):
    assert version_matches(spec, version) is matches


def test_a_version_range_is_read_into_operators_and_versions():
    assert version_range(">= 1.30, <1.36") == [(">=", (1, 30)), ("<", (1, 36))]


def test_expectations_are_read_into_kind_name_and_condition():
    assert expectations("pvc/data Bound; deployment/web Available;") == [
        ("pvc", "data", "Bound"),
        ("deployment", "web", "Available"),
    ]
