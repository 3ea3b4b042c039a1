"""A schema error in the words of a person fixing the snippet: the field path, what is wrong and the fix."""

from __future__ import annotations

import difflib
import re

from .schema import SchemaError, VersionSchemas

_UNEXPECTED = re.compile(r"'([^']+)' was unexpected")
REQUIRED = re.compile(r'^"([^"]+)" is a required property')
_QUOTED_NUMBER = re.compile(r'^"[-+]?[0-9]+" is not of type')


def dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(object)"


def explain(error: SchemaError, known: list[str], custom: bool = False) -> list[tuple[str, str | None, tuple]]:
    """(message, hint, field path) for one schema error; an unknown field points to its own line.
    `custom`: the schema is a CustomResourceDefinition's, whose alternatives are its own, not the
    quantities and int-or-strings of the built-in ones."""
    path = error.path
    unexpected = list(error.unexpected)
    if not unexpected:
        m = _UNEXPECTED.search(error.message)
        if m and "Additional properties" in error.message:
            unexpected = [m.group(1)]
    if unexpected:
        out = []
        for key in unexpected:
            where = (*path, key)
            close = difflib.get_close_matches(key, known, n=1) if known else []
            hint = f"did you mean {close[0]!r}?" if close else "remove it, or move it to where it belongs"
            out.append((f"unknown field {dotted(where)!r}", hint, where))
        return out
    m = REQUIRED.match(error.message)
    if m:
        where = (*path, m.group(1))
        return [(f"missing required field {dotted(where)!r}", f"add {m.group(1)}", path)]
    message = f"{dotted(path)}: {error.message}"
    hint = None
    if "is not of type" in error.message:
        if '"integer"' in error.message and _QUOTED_NUMBER.match(error.message):
            hint = "write the number without quotes"
        elif '"string"' in error.message:
            hint = "quote the value"
    elif "oneOf" in error.message or "anyOf" in error.message:
        message, hint, at = _alternatives(error, path, custom)
        if custom and hint is None:
            hint = "write the value in one of the forms the CustomResourceDefinition's schema allows"
        return [(message, hint, at)]
    elif "is not one of" in error.message:
        hint = "use one of the listed values (they are case-sensitive)"
    return [(message, hint, path)]


def _alternatives(error: SchemaError, path: tuple[str | int, ...], custom: bool) -> tuple[str, str | None, tuple]:
    """A oneOf/anyOf error said by what its alternatives want: one field of a list (a CRD's
    `oneOf: [{required: [a]}, {required: [b]}]`), or, in a built-in schema, a quantity or port
    (int-or-string)."""
    where = dotted(path)
    if "more than one" in error.message:  # every alternative matched: their errors say nothing
        return f"{where}: {error.message}", "keep only one of the alternatives the field allows", path
    needs = [REQUIRED.match(b[0]) if len(b) == 1 else None for b in error.branches]
    if needs and all(needs):
        names = ", ".join(m.group(1) for m in needs if m)
        return f"{where}: sets none of {names}", f"give exactly one of {names}", path
    kinds = {m for b in error.branches for m in b}
    if not custom and kinds and all('is not of type "integer"' in m or 'is not of type "string"' in m for m in kinds):
        return f"{where}: {error.message}", "use a quantity like 500m or 128Mi, or a port number or name", path
    return f"{where}: {error.message}", None, path


def known_fields(vs: VersionSchemas, definition: str | None) -> list[str]:
    """The property names of the definition whose rule failed (for "did you mean")."""
    return sorted((vs.defs.get(definition or "") or {}).get("properties", {}))
