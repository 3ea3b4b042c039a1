"""The one table of kubectl's resource words is consistent: each word names one kind, each kind is
listed once, names are spelled as kubectl spells them, and every looked-up kind has an apiVersion."""

from __future__ import annotations

from collections import Counter

from kubedoctest.live import kubectl_resources as k


def test_each_word_names_one_kind_and_each_kind_is_listed_once():
    words = Counter(w for r in k.RESOURCES for w in r.words)
    assert [w for w, n in words.items() if n > 1] == []
    kinds = Counter(r.kind for r in k.RESOURCES)
    assert [kind for kind, n in kinds.items() if n > 1] == []
    assert len(k.BY_WORD) == sum(words.values())


def test_the_words_are_lower_case_and_the_plural_is_not_the_singular():
    for r in k.RESOURCES:
        assert all(w == w.lower() and w.isalpha() for w in r.words), r
        assert r.plural != r.singular and r.plural.startswith(r.singular[:-1]), r
        assert r.kind[0].isupper(), r


def test_only_cluster_scoped_kinds_are_looked_up_and_those_have_an_api_version():
    for r in k.RESOURCES:
        if r.api_version:
            assert r.cluster_scoped, r
            assert all(k.looked_up(w) == (r.api_version, r.kind) for w in r.words)
        else:
            assert all(k.looked_up(w) is None for w in r.words)


def test_words_map_to_kinds_and_the_cluster_scoped_set_holds_every_word_of_those_kinds():
    assert [k.kind_of(w) for w in ("pvc", "Deploy", "sts", "crds", "nodes", "thing")] == [
        "PersistentVolumeClaim",
        "Deployment",
        "StatefulSet",
        "CustomResourceDefinition",
        "Node",
        "thing",
    ]
    assert {"ns", "namespaces", "pv", "storageclass", "crd"} <= k.CLUSTER_SCOPED
    assert not {"pvc", "pods", "svc", "configmap"} & k.CLUSTER_SCOPED
