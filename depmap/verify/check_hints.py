"""What a CHECK constraint allows a column, read from its condition, so generated values obey it.

Understood, alone or joined by AND: `col IN (...)` and PostgreSQL's stored `col = ANY (ARRAY[...])`,
`col = value`, comparisons with a number (`col > 0`, `0 <= col`), `col BETWEEN a AND b`, and
`length(col) <= n`. Anything else (an OR, two columns compared) gives no hint: the fill tries its
values and falls back when the engine rejects them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError


@dataclass
class Hint:
    values: list[str] = field(default_factory=list)  # SQL literals, one of which the column must hold
    low: float | None = None  # smallest allowed number
    high: float | None = None
    max_length: int | None = None


def parse_condition(condition: str, engine: str) -> exp.Expression | None:
    try:
        return sqlglot.parse_one(condition, read=engine)
    except (ParseError, TokenError, ValueError):
        return None


def columns_of(condition: str, engine: str) -> set[str]:
    tree = parse_condition(condition, engine)
    return {column.name for column in tree.find_all(exp.Column)} if tree is not None else set()


def literals_of(condition: str, engine: str) -> list[str]:
    """Every constant in the condition, as SQL: the values a column can fall back to."""
    tree = parse_condition(condition, engine)
    return [literal.sql(engine) for literal in tree.find_all(exp.Literal)] if tree is not None else []


def hints(conditions: list[str], engine: str) -> dict[str, Hint]:
    found: dict[str, Hint] = {}
    for condition in conditions:
        tree = parse_condition(condition, engine)
        if tree is not None:
            for part in _conjuncts(tree.unnest()):
                _read(part.unnest(), found, engine)
    return found


def _conjuncts(tree: exp.Expression) -> list[exp.Expression]:
    if isinstance(tree, exp.And):
        return _conjuncts(tree.left.unnest()) + _conjuncts(tree.right.unnest())
    return [tree]


def _read(part: exp.Expression, found: dict[str, Hint], engine: str) -> None:
    if isinstance(part, exp.In) and isinstance(part.this, exp.Column):
        values = [_constant(e) for e in part.expressions]
        if values and None not in values:
            found.setdefault(part.this.name, Hint()).values = [v for v in values if v is not None]
    elif isinstance(part, exp.EQ) and isinstance(part.this, exp.Column):
        right = part.expression.unnest()
        items = right.this.unnest().expressions if isinstance(right, exp.Any) and isinstance(right.this.unnest(), exp.Array) else [right]
        values = [_constant(e) for e in items]
        if values and None not in values:
            found.setdefault(part.this.name, Hint()).values = [v for v in values if v is not None]
    elif isinstance(part, exp.Between) and isinstance(part.this, exp.Column):
        low, high = _number(part.args["low"]), _number(part.args["high"])
        hint = found.setdefault(part.this.name, Hint())
        hint.low, hint.high = low if low is not None else hint.low, high if high is not None else hint.high
    elif isinstance(part, (exp.GT, exp.GTE, exp.LT, exp.LTE)):
        _comparison(part, found)


def _comparison(part: exp.Expression, found: dict[str, Hint]) -> None:
    left, right = part.this.unnest(), part.expression.unnest()
    greater = isinstance(part, (exp.GT, exp.GTE))
    if isinstance(right, exp.Column) and not isinstance(left, exp.Column):
        left, right, greater = right, left, not greater
    strict = isinstance(part, (exp.GT, exp.LT))
    number = _number(right)
    if number is None:
        return
    if isinstance(left, exp.Column):
        hint = found.setdefault(left.name, Hint())
        if greater:
            hint.low = number + (1 if strict else 0)
        else:
            hint.high = number - (1 if strict else 0)
    elif isinstance(left, (exp.Length, exp.Anonymous)) and not greater:
        column = left.find(exp.Column)
        if column is not None:
            found.setdefault(column.name, Hint()).max_length = int(number) - (1 if strict else 0)


def _constant(node: exp.Expression) -> str | None:
    node = node.unnest()
    while isinstance(node, exp.Cast):
        node = node.this.unnest()
    if isinstance(node, exp.Literal):
        return node.sql()
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal):
        return node.sql()
    return None


def _number(node: exp.Expression | None) -> float | None:
    text = _constant(node) if node is not None else None
    try:
        return float(text) if text is not None and not text.startswith("'") else None
    except ValueError:
        return None
