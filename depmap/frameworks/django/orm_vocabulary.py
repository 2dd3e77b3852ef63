"""The words of Django's queryset API, and how to take a chain of them apart.

`django_queries` follows chains such as `Order.objects.filter(a=1).values("b")[:5]` and must know,
without running Django, what each method does: filter by lookups, name fields, add aliases, write,
return one instance, rows or a plain value. That knowledge changes with Django releases, not with
how the visitor tracks variables, so it lives here as plain sets and small pure helpers:

- method names by what they do (`LOOKUP_METHODS`, `WRITE_METHODS`, `INSTANCE_METHODS`, …), with
  `sync_method` folding Django's async twins (`acreate`, `aget`, `asave`) into them;
- names that are never models (`NOT_MODEL_PREFIXES`, `NOT_MODEL_SUFFIXES`), against false positives;
- `unwind`, which turns an expression into its base and the `Step`s applied to it;
- argument helpers (`keyword_names`, `literal_keys`, `dict_like`);
- `queryset_classes`, a file's QuerySet and Manager subclasses, in whose methods `self.filter()` is a query.

Nothing here looks at scopes or bindings; it holds no state.
"""

from __future__ import annotations

import re

import ast
from dataclasses import dataclass

from depmap.frameworks.django.classes import last_name, module_classes
from depmap.python.imports import ImportTable
from depmap.python.tree import ParsedTree, dotted_name, literal_string, positional_args

LOOKUP_METHODS = frozenset({"filter", "exclude", "get", "get_or_create", "update_or_create", "complex_filter"})
NAME_METHODS = frozenset(
    """values values_list only defer order_by select_related prefetch_related distinct earliest latest dates
    datetimes""".split()
)
ALIAS_METHODS = frozenset({"annotate", "alias", "aggregate"})
OTHER_READS = frozenset(
    """all first last exists count iterator in_bulk none reverse using select_for_update union intersection
    difference extra contains explain get_queryset raw""".split()
)
WRITE_METHODS = frozenset({"create", "get_or_create", "update_or_create", "bulk_create", "bulk_update", "update", "delete"})
RELATION_WRITES = frozenset({"add", "remove", "clear", "set"})
QUERYSET_METHODS = LOOKUP_METHODS | NAME_METHODS | ALIAS_METHODS | OTHER_READS | WRITE_METHODS
INSTANCE_METHODS = frozenset({"get", "first", "last", "earliest", "latest"})  # a queryset -> one instance
VALUE_METHODS = frozenset({"aggregate", "count", "exists", "in_bulk", "explain", "contains"})  # -> not a queryset
ROW_METHODS = frozenset({"values", "values_list", "dates", "datetimes"})  # -> rows, not instances
INSTANCE_OPS = frozenset({"save", "delete", "refresh_from_db"})
_ASYNC = QUERYSET_METHODS | RELATION_WRITES | INSTANCE_OPS  # Django's async twins: acreate, aget, asave…
MANAGER_NAMES = frozenset({"objects", "_default_manager", "_base_manager"})
SHORTCUTS = frozenset({"get_object_or_404", "get_list_or_404", "aget_object_or_404", "aget_list_or_404"})
# Classes that are never models: constructing or annotating with them binds nothing.
NOT_MODEL_PREFIXES = ("typing.", "collections.", "datetime.", "decimal.", "uuid.", "pathlib.", "rest_framework.", "io.")
NOT_MODEL_SUFFIXES = (
    "Serializer", "Form", "FormSet", "Formset", "View", "ViewSet", "Response", "Admin", "Filter", "FilterSet", "Error",
    "Exception",
)  # fmt: skip


def sync_method(name: str | None) -> str:
    """The method a step calls, an async twin read as its synchronous one (`aget` -> `get`)."""
    if name and name.startswith("a") and name[1:] in _ASYNC:
        return name[1:]
    return name or ""


@dataclass(frozen=True)
class Step:
    """One link of `base.a.b(...)[0]`: an attribute (with its call, if called) or a subscript."""

    name: str | None  # None for a subscript
    call: ast.Call | None
    node: ast.expr  # the expression up to and including this step
    index: bool = False  # a subscript with an index (one row), not a slice


def unwind(node: ast.expr) -> tuple[ast.expr, list[Step]]:
    """`Order.objects.filter(a=1)[:5]` -> (Name Order, [objects, filter(...), [:5]])."""
    steps: list[Step] = []
    while True:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            steps.append(Step(node.func.attr, node, node))
            node = node.func.value
        elif isinstance(node, ast.Attribute):
            steps.append(Step(node.attr, None, node))
            node = node.value
        elif isinstance(node, ast.Subscript):
            steps.append(Step(None, None, node, index=not _is_slice(node.slice)))
            node = node.value
        else:
            steps.reverse()
            return node, steps


def _is_slice(index: ast.expr) -> bool:
    """`[:5]`, `[1:2, 3]`: a slice somewhere in the subscript."""
    if isinstance(index, ast.Tuple):
        return any(isinstance(element, ast.Slice) for element in index.elts)
    return isinstance(index, ast.Slice)


def keyword_names(call: ast.Call, skip: frozenset[str] = frozenset()) -> tuple[list[str], bool]:
    """Keyword names of a call, and whether `**kwargs` adds unknown ones (`**{"a": 1}` is known)."""
    names: list[str] = []
    star = False
    for keyword in call.keywords:  # `name=` and `**` in source order
        if keyword.arg is None:
            keys = literal_keys(keyword.value)
            star = star or keys is None
            names.extend(keys or [])
        elif keyword.arg not in skip:
            names.append(keyword.arg)
    return names, star


def literal_keys(node: ast.expr | None) -> list[str] | None:
    """Keys of `{"a": 1}` or `dict(a=1)`; None when not literal."""
    if isinstance(node, ast.Dict):
        keys = [literal_string(key) for key in node.keys]  # a None key is `**other`
        return None if None in keys else keys  # type: ignore[return-value]
    if isinstance(node, ast.Call) and dotted_name(node.func) == "dict" and not node.args:
        if any(keyword.arg is None for keyword in node.keywords):
            return None
        return [keyword.arg for keyword in node.keywords if keyword.arg is not None]
    return None


def dict_like(method: str, call: ast.Call) -> bool:
    """`data.get("x")`, `d.update({...})`, `xs.count(x)`: a dict or list, not a manager."""
    positional = positional_args(call)
    if method in ("get", "pop", "setdefault") and positional and literal_string(positional[0]) is not None:
        return True
    return method in ("update", "count") and bool(positional)


def queryset_classes(parsed: ParsedTree, imports: ImportTable) -> set[str]:
    """Module-level classes deriving from a QuerySet or Manager (`models.Manager.from_queryset(X)` too)."""
    found: set[str] = set()
    for node in module_classes(parsed.tree):
        for base in node.bases:
            value = base.value if isinstance(base, ast.Starred) else base
            value = value.func if isinstance(value, ast.Call) else value
            written = dotted_name(value) or ""
            qualified = imports.qualify_text(written) or written
            if last_name(qualified).endswith(("QuerySet", "Manager", "from_queryset")) or written in found:
                found.add(node.name)
    return found


_HINT = re.compile(
    r"\.objects\b|_default_manager|_base_manager|\.a?save\(|\.a?delete\(|_set\.|get_(?:object|list)_or_404"
    r"|QuerySet|Manager\b|\bmodels\s+import\b|\bimport\s+models\b"  # a module that imports models may read their rows' attributes
    r"|\.a?(?:create|get_or_create|update_or_create|bulk_create|bulk_update|filter|exclude|all|select_related"
    r"|prefetch_related|annotate|aggregate|refresh_from_db)\("
)


def wants_django_queries(text: str) -> bool:
    """Could this file use the Django ORM? Related-manager-only files using `.get()`/`.count()`
    and nothing else are missed: those words are everywhere."""
    return _HINT.search(text) is not None
