"""Django's index and constraint declarations as plain data, wherever they are written.

The same `models.Index(...)`, `models.UniqueConstraint(...)`, `models.CheckConstraint(...)` and
`unique_together`/`index_together` values appear in a model's `Meta` and in migrations
(`AddIndex`, `AddConstraint`, `CreateModel` options, `AlterUniqueTogether`), so both analyses
read them here. Each becomes a dict of plain values, by field name (the linker turns fields into
columns):

    index       {"kind": "index", "name", "fields", "expressions", "condition", "line", "end_line"}
    constraint  {"kind": "unique" | "check" | "exclude" | "constraint", "name", "fields",
                 "expressions", "condition", "check", "line", "end_line"}

`fields` drop Django's `-` (descending) prefix; `expressions` is True when some items are
expressions (`Lower("email")`, `F("a") + F("b")`), whose first named field is kept; `condition` and
`check` are the `Q(...)` as written. Index classes of `django.contrib.postgres` (`GinIndex`, ...)
are indexes too.
"""

from __future__ import annotations

import ast
from typing import Any

from depmap.python.tree import SourceText, argument, callee_name, elements, literal_string

_CONSTRAINT_KINDS = {"UniqueConstraint": "unique", "CheckConstraint": "check", "ExclusionConstraint": "exclude"}


def schema_object(node: ast.expr | None, source: SourceText) -> dict[str, Any] | None:
    """An `Index(...)` or a `...Constraint(...)` call as plain data; None for anything else."""
    if not isinstance(node, ast.Call):
        return None
    name = callee_name(node.func) or ""
    if name.endswith("Index"):
        kind = "index"
    elif name.endswith("Constraint"):
        kind = _CONSTRAINT_KINDS.get(name, "constraint")
    else:
        return None
    fields, expressions = _fields(node)
    found: dict[str, Any] = {
        "kind": kind,
        "name": literal_string(argument(node, None, "name")),
        "fields": fields,
        "expressions": expressions,
        "condition": _written(argument(node, None, "condition"), source),
        "line": node.lineno,
        "end_line": node.end_lineno,
    }
    if kind == "check":
        found["check"] = _written(argument(node, None, "check") or argument(node, None, "condition"), source)
        found["condition"] = None
    elif kind != "index":
        found["check"] = None
    return found


def schema_objects(node: ast.expr | None, source: SourceText) -> list[dict[str, Any]]:
    """A list of indexes or constraints (`Meta.indexes`, CreateModel's `options["constraints"]`)."""
    items = elements(node) if isinstance(node, (ast.List, ast.Tuple)) else []
    return [found for found in (schema_object(item, source) for item in items) if found is not None]


def together(node: ast.expr | None) -> list[list[str]] | None:
    """`unique_together`/`index_together`: `(("a", "b"), ("c", "d"))`, a single `("a", "b")`, or
    a set of tuples, as lists of field names; None when not literal."""
    if node is None:
        return None
    if not isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return None
    items = list(node.elts)
    if items and all(literal_string(item) is not None for item in items):  # a single tuple
        return [[literal_string(item) or "" for item in items]]
    groups: list[list[str]] = []
    for item in items:
        if not isinstance(item, (ast.List, ast.Tuple)):
            return None
        names = [literal_string(element) for element in item.elts]
        if any(name is None for name in names):
            return None
        groups.append([name or "" for name in names])
    return sorted(groups)


def _fields(call: ast.Call) -> tuple[list[str], bool]:
    """`fields=[...]` names (a `-` prefix dropped), or the fields named by positional expressions."""
    listed = argument(call, None, "fields")
    names: list[str] = []
    expressions = False
    if isinstance(listed, (ast.List, ast.Tuple)):
        for element in listed.elts:
            value = literal_string(element)
            if value is None:
                expressions = True
            else:
                names.append(value.lstrip("-"))
    for item in [*call.args, *_expressions_argument(call)]:
        expressions = True
        named = next((literal_string(n) for n in ast.walk(item) if literal_string(n) is not None), None)
        if named is not None and named.lstrip("-") not in names:
            names.append(named.lstrip("-"))
    return names, expressions


def _expressions_argument(call: ast.Call) -> list[ast.expr]:
    """ExclusionConstraint(expressions=[("period", RangeOperators.OVERLAPS), ...]): the first items."""
    value = argument(call, None, "expressions")
    if not isinstance(value, (ast.List, ast.Tuple)):
        return []
    return [item.elts[0] if isinstance(item, ast.Tuple) and item.elts else item for item in value.elts]


def _written(node: ast.expr | None, source: SourceText) -> str | None:
    return source.segment(node) if node is not None else None
