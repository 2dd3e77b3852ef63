"""Library classes that query a model named once in the class: Django's generic views
(`model = X`), django-filter FilterSets and django-import-export resources (`Meta.model = X`).

No line of such a class runs a query, yet `class FeedingAdd(CoreAddView): model = Feeding` inserts
feedings and `class FeedingFilter(FilterSet)` filters them by the fields its `Meta` lists. The
library class is often reached through the project's own bases (`CoreAddView(PermissionMixin,
CreateView)`, `TimeFieldFilter(FilterSet)`), so a class's ancestors are followed through the classes
of its module; a base from another module is followed by the linker (`depmap.orm.generic_views`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from depmap.frameworks.django.classes import last_name
from depmap.frameworks.django.query_facts import Op
from depmap.model import READ, WRITE
from depmap.orm import symbols
from depmap.orm.generic_views import GENERIC_VIEWS, view_ops
from depmap.python.tree import dotted_name, literal_string, string_list

FILTERSETS = frozenset({"FilterSet"})  # django_filters.FilterSet, django_filters.rest_framework.FilterSet
RESOURCES = frozenset({"ModelResource"})  # import_export.resources.ModelResource
_MAX_ANCESTORS = 32


@dataclass(frozen=True)
class BoundClass:
    model: ast.expr  # the value of `model = ...` (in the class, or in its `Meta`)
    ops: tuple[Op, ...]


def ancestors(node: ast.ClassDef, local: dict[str, ast.ClassDef]) -> list[str]:
    """The last names of the class's bases and of theirs, through the classes of its module,
    depth first, each once."""
    found: list[str] = []
    stack = [dotted_name(base) or "" for base in node.bases]
    seen = {node.name}
    while stack and len(found) < _MAX_ANCESTORS:
        written = stack.pop(0)
        name = last_name(written)
        if not name or name in found:
            continue
        found.append(name)
        parent = local.get(written)
        if parent is not None and parent.name not in seen:
            seen.add(parent.name)
            stack = [dotted_name(base) or "" for base in parent.bases] + stack
    return found


def bound_class(node: ast.ClassDef, local: dict[str, ast.ClassDef]) -> BoundClass | None:
    """What a module-level class bound to a model does, when one of its ancestors in this module is
    a generic view, a FilterSet or a ModelResource and the class names its model itself."""
    names = ancestors(node, local)
    kinds = [GENERIC_VIEWS[name] for name in names if name in GENERIC_VIEWS]
    if kinds:
        values = _assignments(node.body)
        if values.get("model") is None:
            return None
        ops = view_ops(kinds, string_list(values.get("fields")))
        return BoundClass(values["model"], tuple(Op(access, detail, fields, all_fields=every) for access, detail, fields, every in ops))
    filterset, resource = any(name in FILTERSETS for name in names), any(name in RESOURCES for name in names)
    if not (filterset or resource):
        return None
    meta = next((s for s in node.body if isinstance(s, ast.ClassDef) and s.name == "Meta"), None)
    values = _assignments(meta.body) if meta is not None else {}
    if values.get("model") is None:
        return None
    fields = _named_fields(values.get("fields"))
    if filterset:  # filters the view's rows by these fields: a WHERE on each
        return BoundClass(values["model"], (Op(READ, symbols.ORM_QUERY, fields),))
    listed = string_list(values.get("fields"))  # an export reads, an import writes, every field unless listed
    return BoundClass(values["model"], (Op(READ, symbols.ORM_QUERY, listed or (), all_fields=listed is None),
                                        Op(WRITE, symbols.ORM_CREATE, listed or (), all_fields=listed is None)))


def _assignments(body: list[ast.stmt]) -> dict[str, ast.expr]:
    return {dotted_name(s.targets[0]) or "": s.value for s in body if isinstance(s, ast.Assign) and len(s.targets) == 1}


def _named_fields(node: ast.expr | None) -> tuple[str, ...]:
    """The field names a `fields` value spells out: a literal list, the keys of a lookups dict, or
    the literals it adds to a base's list (`sorted(Base.Meta.fields + ["type"])`)."""
    if node is None or literal_string(node) == "__all__":
        return ()
    if isinstance(node, ast.Dict):
        return tuple(key for key in (literal_string(k) for k in node.keys if k is not None) if key)
    names: list[str] = []
    for part in ast.walk(node):
        if isinstance(part, (ast.List, ast.Tuple)):
            names += [text for text in (literal_string(e) for e in part.elts) if text]
    return tuple(dict.fromkeys(names))
