"""The words of Django's queryset API, and how to take a chain of them apart.

`django_queries` follows chains such as `Order.objects.filter(a=1).values("b")[:5]` and must know,
without running Django, what each method does: filter by lookups, name fields, add aliases, write,
return one instance, rows or a plain value. That knowledge changes with Django releases, not with
how the visitor tracks variables, so it lives here as plain sets and small pure helpers:

- method names by what they do (`LOOKUP_METHODS`, `WRITE_METHODS`, `INSTANCE_METHODS`, …), with
  `sync_method` folding Django's async twins (`acreate`, `aget`, `asave`) into them;
- names that are never models (`NOT_MODEL_PREFIXES`, `NOT_MODEL_SUFFIXES`), against false positives;
- `unwind`, which turns an expression into its base and the `Step`s applied to it;
- argument helpers (`keyword_names`, `literal_keys`, `positional_args`, `dict_like`);
- `queryset_classes`, a file's QuerySet and Manager subclasses, in whose methods `self.filter()` is a query.

Nothing here looks at scopes or bindings; it holds no state.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from depmap.scanners.django_classes import last_name, module_classes
from depmap.scanners.python_imports import ImportTable
from depmap.scanners.python_source import ParsedModule, dotted_name, literal_string

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
    call: cst.Call | None
    node: cst.BaseExpression  # the expression up to and including this step
    index: bool = False  # a subscript with an index (one row), not a slice


def unwind(node: cst.BaseExpression) -> tuple[cst.BaseExpression, list[Step]]:
    """`Order.objects.filter(a=1)[:5]` -> (Name Order, [objects, filter(...), [:5]])."""
    steps: list[Step] = []
    while True:
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            steps.append(Step(node.func.attr.value, node, node))
            node = node.func.value
        elif isinstance(node, cst.Attribute):
            steps.append(Step(node.attr.value, None, node))
            node = node.value
        elif isinstance(node, cst.Subscript):
            is_slice = any(isinstance(element.slice, cst.Slice) for element in node.slice)
            steps.append(Step(None, None, node, index=not is_slice))
            node = node.value
        else:
            steps.reverse()
            return node, steps


def keyword_names(call: cst.Call, skip: frozenset[str] = frozenset()) -> tuple[list[str], bool]:
    """Keyword names of a call, and whether `**kwargs` adds unknown ones (`**{"a": 1}` is known)."""
    names: list[str] = []
    star = False
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value not in skip:
            names.append(arg.keyword.value)
        elif arg.star == "**":
            keys = literal_keys(arg.value)
            star = star or keys is None
            names.extend(keys or [])
    return names, star


def literal_keys(node: cst.BaseExpression | None) -> list[str] | None:
    """Keys of `{"a": 1}` or `dict(a=1)`; None when not literal."""
    if isinstance(node, cst.Dict):
        keys = [literal_string(e.key) if isinstance(e, cst.DictElement) else None for e in node.elements]
        return None if None in keys else [k for k in keys if k is not None]
    if isinstance(node, cst.Call) and dotted_name(node.func) == "dict" and not any(a.keyword is None for a in node.args):
        names, star = keyword_names(node)
        return None if star else names
    return None


def positional_args(call: cst.Call) -> list[cst.BaseExpression]:
    return [arg.value for arg in call.args if arg.keyword is None and not arg.star]


def dict_like(method: str, call: cst.Call) -> bool:
    """`data.get("x")`, `d.update({...})`, `xs.count(x)`: a dict or list, not a manager."""
    positional = positional_args(call)
    if method in ("get", "pop", "setdefault") and positional and literal_string(positional[0]) is not None:
        return True
    return method in ("update", "count") and bool(positional)


def queryset_classes(parsed: ParsedModule, imports: ImportTable) -> set[str]:
    """Module-level classes deriving from a QuerySet or Manager (`models.Manager.from_queryset(X)` too)."""
    found: set[str] = set()
    for node in module_classes(parsed.module):
        for arg in node.bases:
            value = arg.value.func if isinstance(arg.value, cst.Call) else arg.value
            written = dotted_name(value) or ""
            qualified = imports.qualify_text(written) or written
            if last_name(qualified).endswith(("QuerySet", "Manager", "from_queryset")) or written in found:
                found.add(node.name.value)
    return found
