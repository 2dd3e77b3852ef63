"""Reading the arguments of Alembic operations: which argument is which once the table is taken
out (so `op.x(table, ...)` and `batch_op.x(...)` read alike), and the literals they hold (names,
lists of names, constants and loop variables bound to them).

Shared by the operations' definitions (`migrations`) and their history (`schema_ops`).
"""

from __future__ import annotations

import ast

from depmap.python.tree import argument, call_args, callee_name, elements, literal_string, positional_args


class Arguments:
    """A call's arguments with the table argument taken out, so `op.x(table, ...)` and
    `batch_op.x(...)` are read the same way."""

    def __init__(self, call: ast.Call, skip: int | None = None, skip_keyword: str = "") -> None:
        self.call = call
        positional = positional_args(call)
        table_by_keyword = skip_keyword and argument(call, None, skip_keyword) is not None
        if skip is not None and not table_by_keyword and skip < len(positional):
            positional = positional[:skip] + positional[skip + 1 :]
        self.positional = positional

    def get(self, index: int, keyword: str) -> ast.expr | None:
        found = self.keyword(keyword)
        if found is not None:
            return found
        return self.positional[index] if index < len(self.positional) else None

    def keyword(self, name: str) -> ast.expr | None:
        return argument(self.call, None, name)


def label(node: ast.expr | None) -> str | None:
    """An index or constraint name: a literal, or `op.f("ix_orders_status")` (a final name)."""
    if isinstance(node, ast.Call) and callee_name(node.func) == "f" and len(node.args) + len(node.keywords) == 1:
        node = call_args(node)[0].value
    return literal_string(node)


def strings(node: ast.expr, names: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """A string literal's value, or the values of a name bound to one (several in a loop)."""
    if isinstance(node, ast.Name):
        return names.get(node.id, ())
    value = literal_string(node)
    return (value,) if value is not None else ()


def sequence(node: ast.expr, sequences: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """A literal list/tuple of strings, or a name bound to one. Empty when unknown."""
    if isinstance(node, ast.Name):
        return sequences.get(node.id, ())
    values = string_list(node)
    return tuple(values) if values else ()


def names_of(node: ast.expr | None, names: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Lower-cased table or column name(s) an argument stands for: a literal or a bound name."""
    if node is None:
        return ()
    if isinstance(node, ast.Name):
        return tuple(value.lower() for value in names.get(node.id, ()))
    value = literal_string(node)
    return (value.lower(),) if value else ()


def string_list(node: ast.expr | None) -> list[str] | None:
    if not isinstance(node, (ast.List, ast.Tuple)):
        return None
    values = [literal_string(element) for element in elements(node)]
    return [v for v in values if v is not None] if all(v is not None for v in values) else None


def column_names(node: ast.expr | None) -> tuple[tuple[str, ...], bool]:
    """Names in a columns list, lower-cased, and whether it also held expressions
    (`sa.text("lower(email)")`) whose columns are not read here."""
    if node is None:
        return (), False
    single = literal_string(node)
    if single is not None:
        return (single.lower(),), False
    if not isinstance(node, (ast.List, ast.Tuple)):
        return (), True
    names, expressions = [], False
    for element in elements(node):
        value = literal_string(element)
        if value is None:
            expressions = True
        else:
            names.append(value.lower())
    return tuple(names), expressions
