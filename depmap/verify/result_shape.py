"""What a reader returns before and after the change: its columns and how many rows.

A change can leave a statement running and still change its answer. A NATURAL JOIN (or a JOIN
that matches columns by name) that now also matches on the new column returns other rows, none at
all while the column is NULL; a `SELECT *` hands code that unpacks by position one more value.
Neither raises an error, so the statement is also run inside `SELECT count(*) FROM (...)` and
`SELECT * FROM (...) LIMIT 0`, with the same parameter values before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_READER = ("select", "with", "(")


@dataclass(frozen=True)
class ResultShape:
    columns: tuple[str, ...]
    rows: int


def is_reader(text: str) -> bool:
    return text.lstrip().lower().startswith(_READER)


def result_shape(conn: Any, text: str, engine: str, candidate: int = 0) -> ResultShape | None:
    """The statement's result columns and row count; None when it cannot be wrapped or fails."""
    counted = _first_row(conn, f"SELECT count(*) FROM ({text}) AS depmap_result", engine, candidate)
    described = _description(conn, f"SELECT * FROM ({text}) AS depmap_result LIMIT 0", engine, candidate)
    if counted is None or described is None:
        return None
    return ResultShape(tuple(described), int(counted[0]))


def difference(before: ResultShape | None, after: ResultShape | None) -> str | None:
    """How the result changed, in words; None when it did not (or was not measured both times)."""
    if before is None or after is None or before == after:
        return None
    said = []
    if before.columns != after.columns:
        added = [c for c in after.columns if c not in before.columns]
        if after.columns[: len(before.columns)] == before.columns and added:
            said.append(f"returns {len(after.columns)} columns instead of {len(before.columns)} (adds {', '.join(added)} "
                        "at the end, so code that unpacks by position gets one value more)")
        else:
            said.append(f"returns the columns ({', '.join(after.columns)}) instead of ({', '.join(before.columns)})")
    if before.rows != after.rows:
        said.append(f"returns {after.rows:,} rows instead of {before.rows:,}")
    return "; ".join(said)


def _first_row(conn: Any, text: str, engine: str, candidate: int) -> tuple | None:
    cursor = _run(conn, text, engine, candidate)
    return cursor.fetchone() if cursor is not None else None


def _description(conn: Any, text: str, engine: str, candidate: int) -> list[str] | None:
    cursor = _run(conn, text, engine, candidate)
    if cursor is None or cursor.description is None:
        return None
    return [column[0] for column in cursor.description]


def _run(conn: Any, text: str, engine: str, candidate: int) -> Any:
    from depmap.verify.statements import _BIND, _deallocate, _execute, _value

    if engine == "postgres":
        import psycopg

        try:
            conn.execute("PREPARE depmap_shape AS " + text)
            return conn.execute(_execute(conn, "depmap_shape", candidate))
        except psycopg.Error:
            return None
        finally:
            _deallocate(conn, "depmap_shape")
    import sqlite3

    try:
        return conn.execute(text, [_value("integer", candidate)] * len(_BIND.findall(text)))
    except sqlite3.Error:
        return None
