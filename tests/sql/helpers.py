"""Readable assertions for the SQL engine: results become sorted tuples, mismatches print both sides.

Each observation becomes `(kind, table, columns, access, detail, confidence)`; `extra` is checked
separately when a test cares (candidates, partners, column specs), and `extra["statement"]` is
ignored because the result's own `kind` already says it. Schema operations (SCHEMA_OP, a table's
history) are left out of these rows: `test_schema_ops.py` checks them, with `ops()`; so are calls
of functions by name (ROUTINE_CALL), which `test_routines.py` checks.
"""

from __future__ import annotations

from typing import Any, Iterable

from depmap.model import ROUTINE_CALL, SCHEMA_OP
from depmap.sql import Observation, StatementResult, analyze_sql

Row = tuple[str, str, tuple[str, ...], "str | None", "str | None", str]


def row(obs: Observation) -> Row:
    return (obs.kind, obs.table, tuple(sorted(obs.columns)), obs.access, obs.detail, obs.confidence)


def rows(result: StatementResult | Iterable[Observation]) -> list[Row]:
    observations = result.observations if isinstance(result, StatementResult) else result
    return sorted(row(o) for o in observations if o.kind not in (SCHEMA_OP, ROUTINE_CALL))


def ops(sql: str, dialect: str = "postgres") -> list[tuple[str, str, tuple[str, ...], dict[str, Any]]]:
    """The schema operations of every statement of `sql`, in order: (op, table, columns, extra)."""
    return [
        (o.detail or "", o.table, o.columns, extra(o))
        for result in analyze_sql(sql, dialect=dialect)
        for o in result.observations
        if o.kind == SCHEMA_OP
    ]


def _normalise(expected: Iterable[tuple]) -> list[Row]:
    out = []
    for item in expected:
        kind, table, columns, access, detail, confidence = item
        out.append((kind, table, tuple(sorted(columns)), access, detail, confidence))
    return sorted(out)


def _show(items: list[Row]) -> str:
    return "\n".join(f"    {item!r}," for item in items) or "    (nothing)"


def assert_rows(actual: StatementResult | Iterable[Observation], expected: Iterable[tuple]) -> None:
    """Exactly these observations, no more, no fewer; on mismatch print expected vs actual."""
    got, want = rows(actual), _normalise(expected)
    if got != want:
        missing = [w for w in want if w not in got]
        extra = [g for g in got if g not in want]
        raise AssertionError(
            "observations differ\n"
            f"  expected:\n{_show(want)}\n"
            f"  actual:\n{_show(got)}\n"
            f"  missing:\n{_show(missing)}\n"
            f"  unexpected:\n{_show(extra)}"
        )


def one(sql: str, dialect: str = "postgres", schema: Any = None, kind: str | None = None) -> StatementResult:
    """Analyse text holding exactly one statement (and check its kind when given)."""
    results = analyze_sql(sql, dialect=dialect, schema=schema)
    assert len(results) == 1, f"expected one statement, got {len(results)}: {[r.kind for r in results]}"
    result = results[0]
    if kind is not None:
        assert result.kind == kind, f"statement kind: expected {kind!r}, got {result.kind!r} (error: {result.error})"
    return result


def check(sql: str, expected: Iterable[tuple], *, kind: str | None = None, dialect: str = "postgres",
          schema: Any = None) -> StatementResult:
    """Analyse one statement and assert its exact observations; returns the result for more checks."""
    result = one(sql, dialect=dialect, schema=schema, kind=kind)
    assert_rows(result, expected)
    return result


def find(result: StatementResult, table: str, detail: str | None = None, columns: tuple[str, ...] | None = None,
         kind: str | None = None) -> Observation:
    """The single observation of `table` (with that detail/columns/kind): to inspect its `extra`."""
    matches = [
        o for o in result.observations
        if o.table == table
        and (detail is None or o.detail == detail)
        and (columns is None or tuple(sorted(o.columns)) == tuple(sorted(columns)))
        and (kind is None or o.kind == kind)
    ]
    assert len(matches) == 1, f"expected one match for {table}/{detail}/{columns}, got {[row(m) for m in matches]}"
    return matches[0]


def extra(obs: Observation) -> dict[str, Any]:
    """An observation's extra minus the statement kind that every observation carries."""
    return {k: v for k, v in obs.extra.items() if k != "statement"}


# Short names for the tuples tests spell out.
A, FLOW, TDEF, CDEF, PERR = "access", "flow", "table_def", "column_def", "parse_error"
R, W, S = "read", "write", "schema"
H, L = "high", "low"
