"""directives: the `<!-- kubedoctest: ... -->` grammar; every mistake says what to write instead."""

from __future__ import annotations

import pytest

from kubedoctest.directives import (
    DirectiveError,
    expectations,
    parse,
    version_matches,
    version_range,
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", {}),
        ('skip reason="a fragment"', {"skip": "true", "reason": "a fragment"}),
        ('reason="first the reason" skip', {"skip": "true", "reason": "first the reason"}),
        (
            'expect="pvc/data Bound; deployment/web Available"',
            {"expect": "pvc/data Bound; deployment/web Available"},
        ),
        ('requires="kubelet"', {"requires": "kubelet"}),
        ('k8s=">=1.30,<1.36"', {"k8s": ">=1.30,<1.36"}),
        ('timeout="60"  exit="0"', {"timeout": "60", "exit": "0"}),
        ('output="say \\"hi\\""', {"output": 'say "hi"'}),
        ('skip\n   reason="over\nlines"', {"skip": "true", "reason": "over\nlines"}),
    ],
)
def test_a_well_formed_directive_is_read_into_keys_and_values(body, expected):
    assert parse(body) == expected


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("skip", "skip without a reason"),
        ('skip reason="  "', "skip without a reason"),
        ('reason="why"', "reason without skip"),
        ('colour="blue"', "unknown directive 'colour'"),
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
