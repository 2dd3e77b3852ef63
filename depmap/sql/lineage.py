"""Column lineage of a statement that moves data: which source columns feed which target column.

`INSERT INTO t (a, b) SELECT x, y + z FROM s` gives s.x -> t.a and s.y, s.z -> t.b (by position);
`CREATE VIEW v AS SELECT o.id, o.total * 2 AS doubled FROM orders o` gives orders.id -> v.id and
orders.total -> v.doubled (by name). A `*` in the projection is a star flow: every column of the
source, including one added tomorrow, lands in the target; stars are followed through CTEs and
derived tables to the base tables. Columns are attributed with the query's own scopes, so
aliases, CTEs and subqueries resolve as they do for reads.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from depmap.model import FLOW, HIGH
from depmap.sql.names import column_name, identifier
from depmap.sql.frames import Resolver, is_star, star_sources


def column_flows(resolver: Resolver, query: exp.Expression, target: str, target_columns: list[str] | None) -> None:
    """Record FLOW observations (detail "column" or "star") from `query`'s projection into `target`."""
    if isinstance(query, exp.Subquery):
        query = query.unnest()
    root = resolver.scope_of(query)
    if root is None:
        return
    for branch in _branches(root):
        _select_flows(resolver, branch, target, target_columns, frozenset())


def _branches(scope: Scope) -> list[Scope]:
    """Each SELECT of a set operation feeds the target by position."""
    if scope.set_operation_scopes:
        return [b for child in scope.set_operation_scopes for b in _branches(child)]
    return [scope]


def _select_flows(resolver: Resolver, scope: Scope, target: str, target_columns: list[str] | None, seen: frozenset[int]) -> None:
    select = scope.expression
    if not isinstance(select, exp.Select) or id(scope) in seen:
        return
    seen = seen | {id(scope)}
    frame = resolver.frame_of(scope)
    position = 0
    for projection in select.expressions:
        if is_star(projection):
            for source in star_sources(projection, frame):
                _star_flow(resolver, source, target, seen)
            continue
        name = target_columns[position] if target_columns and position < len(target_columns) else projection.alias_or_name.lower()
        position += 1
        if not name:
            continue
        for column in _own_columns(projection):
            qualifier = identifier(column.args.get("table"))
            for attribution in resolver.attribute(column_name(column), qualifier, frame):
                resolver.out.add(FLOW, attribution.table, [column_name(column)], None, "column", attribution.confidence,
                                 {"to": target, "to_column": name})


def _star_flow(resolver: Resolver, source: object, target: str, seen: frozenset[int]) -> None:
    if isinstance(source, exp.Table):
        if name := resolver.table(source):
            resolver.out.add(FLOW, name, (), None, "star", HIGH, {"to": target})
    elif isinstance(source, Scope):  # `SELECT * FROM cte`: what the CTE selects flows on, by name
        for branch in _branches(source):
            _select_flows(resolver, branch, target, None, seen)


def _own_columns(projection: exp.Expression) -> list[exp.Column]:
    """Columns of the projection itself, not of a scalar subquery inside it."""
    return [n for n in projection.walk(prune=lambda n: isinstance(n, exp.Query)) if isinstance(n, exp.Column)]
