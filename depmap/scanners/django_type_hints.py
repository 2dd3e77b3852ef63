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

from typing import Any

import libcst as cst

from depmap.scanners.django_classes import class_body, last_name, module_classes
from depmap.scanners.python_source import dotted_name, literal_string

QUERYSET_WRAPPERS = frozenset({"QuerySet", "Manager", "BaseManager", "RelatedManager"})
TUPLE_WRAPPERS = frozenset({"tuple", "Tuple"})


def _unquoted(annotation: cst.BaseExpression) -> cst.BaseExpression | None:
    """`"Order"` read as `Order`; None when the string is no expression."""
    if not isinstance(annotation, (cst.SimpleString, cst.ConcatenatedString)):
        return annotation
    try:
        return cst.parse_expression(literal_string(annotation) or "")
    except cst.ParserSyntaxError:
        return None


def _subscript(annotation: cst.BaseExpression) -> tuple[str, list[cst.BaseExpression]] | None:
    """`Optional[X]` -> ("Optional", [X]); slices are not types."""
    if not isinstance(annotation, cst.Subscript):
        return None
    wrapper = last_name(dotted_name(annotation.value) or "")
    items = [element.slice.value for element in annotation.slice if isinstance(element.slice, cst.Index)]
    return wrapper, items


def hinted_classes(annotation: cst.BaseExpression) -> list[tuple[str, str]]:
    """The classes an annotation may name, as ("instance" | "queryset", name as written), in order:
    `Optional["Order"]` -> [("instance", "Order")], `QuerySet[Order]` -> [("queryset", "Order")],
    `int | Order` -> [("instance", "int"), ("instance", "Order")]. Other generics name nothing."""
    unquoted = _unquoted(annotation)
    if unquoted is None:
        return []
    if isinstance(unquoted, cst.BinaryOperation) and isinstance(unquoted.operator, cst.BitOr):
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


def tuple_items(annotation: cst.BaseExpression) -> list[cst.BaseExpression] | None:
    """The element annotations of `tuple[Order, bool]` / `Tuple[...]` / `"tuple[...]"`, else None."""
    unquoted = _unquoted(annotation)
    subscript = _subscript(unquoted) if unquoted is not None else None
    if subscript is None or subscript[0] not in TUPLE_WRAPPERS:
        return None
    return subscript[1]


def return_annotations(module: cst.Module) -> dict[str, cst.BaseExpression]:
    """Return annotations of this module's functions (`"load"`) and of the methods of its classes
    (`"OrderService.load"`), module level and under `if`/`try` as `module_classes` finds them."""
    found: dict[str, cst.BaseExpression] = {}

    def functions(statements: Any, prefix: str) -> None:
        for statement in statements:
            if isinstance(statement, cst.FunctionDef) and statement.returns is not None:
                found.setdefault(prefix + statement.name.value, statement.returns.annotation)
            elif isinstance(statement, cst.If) and not prefix:
                functions(statement.body.body, prefix)
                if isinstance(statement.orelse, cst.Else):
                    functions(statement.orelse.body.body, prefix)
            elif isinstance(statement, cst.Try) and not prefix:
                functions(statement.body.body, prefix)

    functions(module.body, "")
    for node in module_classes(module):
        functions(class_body(node), node.name.value + ".")
    return found
