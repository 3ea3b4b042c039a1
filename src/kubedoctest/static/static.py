"""The offline checks: schemas of each Kubernetes version, removed and deprecated APIs, custom resources.

A little over 250 lines, and one job: one checker whose steps (which schema an object has, its
shape, each version's errors) add to the same merged findings of a snippet; the explanations,
schemas, CRDs and lost indentation it asks are modules of their own."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from ..model import Finding, Manifest, Snippet
from ..parse import fragments, object_formats
from ..parse.excuse import SPEC_REQUIRED, Excuse
from . import apis, kinds
from .crd import CRD_API, CustomResources
from .explain import REQUIRED, dotted, explain, known_fields
from .indentation import lost_indentation
from .schema import Validator, VersionSchemas, schemas


@dataclass
class StaticOutcome:
    findings: list[Finding] = field(default_factory=list)  # errors and warnings
    skipped_objects: list[str] = field(default_factory=list)  # "Kind/name: reason"
    checked: list[Manifest] = field(default_factory=list)  # the objects that were checked (and may go live)
    tool_configs: list[str] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)
    fragment: list[str] = field(default_factory=list)  # why the snippet is only part of an object


class StaticChecker:
    """Checks the manifests of many snippets against a matrix of Kubernetes versions."""

    def __init__(
        self, versions: list[str], all_manifests: list[Manifest], sources: dict[int, tuple[str, str]] | None = None
    ):
        """`all_manifests`: the project's own CRDs first, then every manifest of the docs;
        `sources`: the page and page:line of the manifests found in the docs, by id()."""
        self.versions = versions
        self.crds = CustomResources()
        for m in all_manifests:
            if m.api_version == CRD_API and m.kind == "CustomResourceDefinition":
                self.crds.add(m, (sources or {}).get(id(m)))
        gvks = frozenset((m.api_version, m.kind) for m in all_manifests)
        self._schemas: dict[str, VersionSchemas] = {v: schemas(v) for v in versions}
        self._gvks = gvks
        self._validators: dict[str, Validator] = {}

    def validator(self, version: str) -> Validator:
        if version not in self._validators:
            self._validators[version] = self._schemas[version].validator(self._gvks)
        return self._validators[version]

    def check(self, snippet: Snippet, manifests: list[Manifest], elided: bool = False) -> StaticOutcome:
        out = StaticOutcome()
        out.versions = [v for v in self.versions if snippet.directives.matches(v)]
        merged: dict[tuple[str, str, str | None, str | None, str], list[str]] = {}
        reasons: dict[str, None] = {"elided": None} if elided else {}
        for manifest in manifests:
            tool = apis.tool_config(manifest.obj)
            if tool:
                out.tool_configs.append(f"{manifest.describe()}: {tool}")
                continue
            custom = self.custom_reason(manifest, out.versions)
            if custom is not None:
                out.skipped_objects.append(f"{manifest.describe()}: {custom}")
                self._metadata_only(merged, snippet, manifest, reasons)
                continue
            named = bool(manifest.name)
            if not named:
                reasons["patch: no metadata.name"] = None
            strong = fragments.placeholders(manifest.obj, strong_only=True)
            for held in strong.values():
                reasons[f"placeholder {held}"] = None
            marked = fragments.placeholders(manifest.obj)
            partial = elided or not named  # a part of an object: what it leaves out is not checked
            excuse = Excuse(marked, partial, reasons, manifest.obj)
            for path, message, hint in object_formats.problems(manifest):
                if not excuse(path, message):
                    self._add(merged, snippet, manifest, path, message, hint, "*")
            for version in out.versions:
                self._check_one(merged, snippet, manifest, version, excuse)
            self._structure(merged, snippet, manifest, reasons)  # after: it folds the unknown fields it explains
            out.checked.append(manifest)
        for (where, message, path, hint, severity), versions in merged.items():
            version = None if versions == ["*"] else _versions_text(versions, out.versions)
            out.findings.append(Finding(where, message, severity, version, path, hint))
        out.fragment = list(reasons)
        return out

    def api_versions_of(self, kind: str) -> list[str]:
        """The apiVersions that serve a kind in the checked versions or the CRDs, the preferred first."""
        return kinds.api_versions(kind, self._schemas.values(), self.crds)

    def custom_reason(self, manifest: Manifest, versions: list[str] | None = None) -> str | None:
        """Why a custom resource is not checked (no CustomResourceDefinition), or None when there is
        a schema to check the object against (built-in, removed, or a CRD), or a mistake to report
        (a built-in group that does not serve the kind, a misspelled group)."""
        api_version, kind = manifest.api_version, manifest.kind
        group = api_version.split("/")[0] if "/" in api_version else ""
        for version in versions if versions is not None else self.versions:
            vs = self._schemas[version]
            if (api_version, kind) in apis.OPENSHIFT_CORE:
                break  # served by OpenShift, not by kube-apiserver
            if not group and api_version != "v1" and not vs.kinds.get(kind):
                break  # `v1alpha1` with no group, of no core kind: a tool's file format
            if group in vs.groups or apis.removal(api_version, kind, version) or self.crds.knows(api_version, kind):
                return None
            if _near_builtin(vs, api_version, kind) or apis.near_tool_group(group):
                return None
        served = self.crds.versions_of(group, kind)
        if served:
            return (
                f"custom resource {api_version} {kind}: its CustomResourceDefinition serves "
                f"{', '.join(served)}, not {api_version.split('/')[-1]}; only its metadata checked"
            )
        if not group and api_version != "v1" and (api_version, kind) not in apis.OPENSHIFT_CORE:
            return (
                f"{api_version} {kind}: an apiVersion without a group that is not v1, of no Kubernetes kind, "
                "is no API server's (a tool's file format?); only its metadata checked"
            )
        openshift = apis.OPENSHIFT_CORE.get((api_version, kind))
        if openshift:
            return f"{api_version} {kind}: {openshift}; only its metadata checked"
        return (
            f"custom resource {api_version} {kind}: no CustomResourceDefinition for it (give one with --crd); "
            "only its metadata checked"
        )

    def _metadata_only(self, merged, snippet: Snippet, manifest: Manifest, reasons: dict[str, None]) -> None:
        """A custom resource without its CRD: only what every API server checks of any object, its
        metadata (name and namespace formats, keys that lost their indentation under it)."""
        excuse = Excuse(fragments.placeholders(manifest.obj), True, reasons)
        for path, message, hint in object_formats.problems(manifest):
            if tuple(path[:2]) in (("metadata", "name"), ("metadata", "namespace")) and not excuse(path, message):
                self._add(merged, snippet, manifest, path, message, hint, "*")
        self._structure(merged, snippet, manifest, reasons)

    def _structure(self, merged, snippet: Snippet, manifest: Manifest, reasons: dict[str, None]) -> None:
        """Mistakes of shape every API server rejects, whatever its version's schema says; a
        workload shown without its spec is a part of an object (one of the fragment `reasons`)."""
        obj = manifest.obj
        lost = lost_indentation(obj, self._top_fields(manifest))
        for parent, keys in lost.items():
            self._add(
                merged,
                snippet,
                manifest,
                (keys[0],),
                f"{', '.join(keys)} at the top level and {parent} empty: the lines lost their indentation",
                f"indent {keys[0]}: under {parent}:",
                "*",
            )
        for key in (k for keys in lost.values() for k in keys):  # reported once above, not once per key
            where = snippet.where(manifest.line_of((key,)))
            for found in [m for m in merged if m[0] == where and m[1] == f"unknown field {key!r}"]:
                del merged[found]
        if (manifest.api_version, manifest.kind) in SPEC_REQUIRED and "spec" not in obj:
            # every API server rejects it, whatever its version's schema says: a part, on every version
            reasons["partial: no spec"] = None

    def _top_fields(self, manifest: Manifest) -> list[str] | None:
        """The top-level fields the object's schema allows, or None without a schema."""
        key = (manifest.api_version, manifest.kind)
        if self.crds.knows(*key):
            return self.crds.fields_at(*key, ())
        for vs in self._schemas.values():
            if key in vs.by_gvk:
                return known_fields(vs, vs.by_gvk[key])
        return None

    def _add(self, merged, snippet, manifest, path, message, hint, version, severity="error") -> None:
        where = snippet.where(manifest.line_of(path))
        merged.setdefault((where, message, dotted(path), hint, severity), []).append(version)

    def _check_one(self, merged, snippet: Snippet, manifest: Manifest, version: str, excuse: Excuse) -> None:
        api_version, kind = manifest.api_version, manifest.kind
        vs = self._schemas[version]
        warn = apis.deprecation(api_version, kind, version)
        if (api_version, kind) in vs.by_gvk:
            if warn:
                self._add(merged, snippet, manifest, ("apiVersion",), warn, None, version, "warning")
            errors = self.validator(version).errors(manifest.obj)
            excuse.several = sum(1 for e in errors if REQUIRED.match(e.message)) >= 2
            for error in errors:
                known = known_fields(vs, vs.definition_at(api_version, kind, error.path))
                for message, hint, path in explain(error, known):
                    if not excuse(path, message):
                        self._add(merged, snippet, manifest, path, message, hint, version)
            return
        removed = apis.removal(api_version, kind, version)
        if removed:
            self._add(
                merged,
                snippet,
                manifest,
                ("apiVersion",),
                f"{api_version} {kind} was removed in {removed.removed_in}: use {removed.replacement}",
                f"change apiVersion to {removed.replacement} and adapt the fields that changed",
                version,
            )
            return
        if self.crds.knows(api_version, kind):
            errors = self.crds.errors(manifest)
            excuse.several = sum(1 for e in errors if REQUIRED.match(e.message)) >= 2
            source = self.crds.sources.get((api_version, kind))
            for error in errors:
                known = self.crds.fields_at(api_version, kind, error.path)
                for message, hint, path in explain(error, known, custom=True):
                    hint = hint or "follow the CustomResourceDefinition's schema"
                    if source and source[0] != snippet.page:  # one on another page may be a stale copy
                        hint += (
                            f" (schema of the CustomResourceDefinition at {source[1]}; --crd gives the project's own)"
                        )
                    if not excuse(path, message):
                        self._add(merged, snippet, manifest, path, message, hint, version)
            return
        group = api_version.split("/")[0] if "/" in api_version else ""
        served = sorted(vs.kinds.get(kind, set()))
        if served and group in vs.groups:
            self._add(
                merged,
                snippet,
                manifest,
                ("apiVersion",),
                f"apiVersion {api_version!r} does not serve {kind}",
                f"use apiVersion {' or '.join(served)}",
                version,
            )
            return
        if group not in vs.groups:
            near = _near_builtin(vs, api_version, kind) or apis.near_tool_group(group)
            if near:
                self._add(
                    merged,
                    snippet,
                    manifest,
                    ("apiVersion",),
                    f"unknown apiVersion {api_version!r} with kind {kind!r}",
                    f"did you mean {near}?",
                    version,
                )
            return  # a custom resource with a CRD for another version only: checked there
        close = difflib.get_close_matches(kind, list(vs.kinds), n=1)
        hint = (
            f"did you mean kind {close[0]!r} ({', '.join(sorted(vs.kinds[close[0]]))})?"
            if close
            else "check kind and apiVersion"
        )
        self._add(
            merged,
            snippet,
            manifest,
            ("kind",),
            f"unknown kind {kind!r} with apiVersion {api_version!r}",
            hint,
            version,
        )


def _near_builtin(vs: VersionSchemas, api_version: str, kind: str) -> str | None:
    """The served apiVersion and kind a custom-looking pair is a misspelling of (a group one or two
    letters off a Kubernetes group: `networking.k8s.oi/v1 Ingress`), or None."""
    pairs = [(gv, k) for k, gvs in vs.kinds.items() for gv in gvs if "." in gv.split("/")[0]]
    close = difflib.get_close_matches(api_version, sorted({gv for gv, _ in pairs}), n=3, cutoff=0.85)
    for gv in close:
        kinds = [k for g, k in pairs if g == gv]
        match = difflib.get_close_matches(kind, kinds, n=1, cutoff=0.7)
        if match:
            return f"apiVersion {gv!r} with kind {match[0]!r}"
    return None


def _versions_text(versions: list[str], all_versions: list[str]) -> str:
    return ", ".join(versions)
