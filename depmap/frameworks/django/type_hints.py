"""What a type annotation says a name holds: a model instance, a queryset of one, or a tuple of them.

`django_queries` binds names from annotations as well as from assignments: parameters
(`order: Order`), variables (`local: Order = pick()`), and the results of this module's own
functions, through their return annotations (`def load(pk) -> Optional[Order]`, `check, rw =
_get_check_for_user(request, code)` with `-> tuple[Check, bool]`). Helpers like these sit between a
view and the ORM in most projects; without their annotations the instances they return are lost.

Reading an annotation is syntax only — unwrapping `"Order"`, `Optional[...]`, `Union[...]`,
`X | None`, `QuerySet[...]`, `tuple[...]` — and is kept here, apart from the visitor that decides
whether a written name is a model (through the imports and this file's classes). Nothing here
resolves names or holds state.
"""

from __future__ import annotations

import ast

from depmap.frameworks.django.classes import last_name, module_classes
from depmap.python.tree import dotted_name, subscript_items, unquoted_annotation

QUERYSET_WRAPPERS = frozenset({"QuerySet", "Manager", "BaseManager", "RelatedManager"})
TUPLE_WRAPPERS = frozenset({"tuple", "Tuple"})


def _subscript(annotation: ast.expr) -> tuple[str, list[ast.expr]] | None:
    """`Optional[X]` -> ("Optional", [X]); slices are not types."""
    if not isinstance(annotation, ast.Subscript):
        return None
    return last_name(dotted_name(annotation.value) or ""), subscript_items(annotation)


def hinted_classes(annotation: ast.expr) -> list[tuple[str, str]]:
    """The classes an annotation may name, as ("instance" | "queryset", name as written), in order:
    `Optional["Order"]` -> [("instance", "Order")], `QuerySet[Order]` -> [("queryset", "Order")],
    `int | Order` -> [("instance", "int"), ("instance", "Order")]. Other generics name nothing."""
    unquoted = unquoted_annotation(annotation)
    if unquoted is None:
        return []
    if isinstance(unquoted, ast.BinOp) and isinstance(unquoted.op, ast.BitOr):
        return hinted_classes(unquoted.left) + hinted_classes(unquoted.right)
    subscript = _subscript(unquoted)
    if subscript is not None:
        wrapper, items = subscript
        if wrapper in ("Optional", "Union"):
            return [found for item in items for found in hinted_classes(item)]
        if wrapper in QUERYSET_WRAPPERS and items:
            return [("queryset", written) for kind, written in hinted_classes(items[0]) if kind == "instance"]
        return []
    written = dotted_name(unquoted)
    return [("instance", written)] if written else []


def tuple_items(annotation: ast.expr) -> list[ast.expr] | None:
    """The element annotations of `tuple[Order, bool]` / `Tuple[...]` / `"tuple[...]"`, else None."""
    unquoted = unquoted_annotation(annotation)
    subscript = _subscript(unquoted) if unquoted is not None else None
    if subscript is None or subscript[0] not in TUPLE_WRAPPERS:
        return None
    return subscript[1]


def return_annotations(tree: ast.Module) -> dict[str, ast.expr]:
    """Return annotations of this module's functions (`"load"`) and of the methods of its classes
    (`"OrderService.load"`), module level and under `if`/`try` as `module_classes` finds them.
    Top-level statements and class bodies only: no walk of the whole tree."""
    found: dict[str, ast.expr] = {}
    _add_returns(tree.body, "", found)
    for node in module_classes(tree):
        _add_returns(node.body, node.name + ".", found)
    return found


def _add_returns(statements: list[ast.stmt], prefix: str, found: dict[str, ast.expr]) -> None:
    """(Module level, not nested: a nested function that calls itself is a reference cycle.)"""
    for statement in statements:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if statement.returns is not None:
                found.setdefault(prefix + statement.name, statement.returns)
        elif isinstance(statement, ast.If) and not prefix:
            _add_returns(statement.body, prefix, found)
            _add_returns(statement.orelse, prefix, found)
        elif isinstance(statement, ast.Try) and not prefix:
            _add_returns(statement.body, prefix, found)
