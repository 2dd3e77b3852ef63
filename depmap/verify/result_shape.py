"""What a reader returns before and after the change: its columns and how many rows.

A change can leave a statement running and still change its answer. A NATURAL JOIN (or a JOIN
that matches columns by name) that now also matches on the new column returns other rows, none at
all while the column is NULL; a `SELECT *` hands code that unpacks by position one more value.
Neither raises an error, so the statement is also run inside `SELECT count(*) FROM (...)` and
`SELECT * FROM (...) LIMIT 0`, with the same parameter values before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

_READER = ("select", "with", "(")


@dataclass(frozen=True)
class ResultShape:
    columns: tuple[str, ...]
    rows: int


def is_reader(text: str) -> bool:
    return text.lstrip().lower().startswith(_READER)


def result_shape(run: Callable[[str], Any], text: str) -> ResultShape | None:
    """The statement's result columns and row count; None when it cannot be wrapped or fails.
    `run` executes a statement with the reader's parameter values and returns its cursor, or None
    on the engine's error."""
    counted = run(f"SELECT count(*) FROM ({text}) AS depmap_result")
    described = run(f"SELECT * FROM ({text}) AS depmap_result LIMIT 0")
    if counted is None or described is None or described.description is None:
        return None
    return ResultShape(tuple(column[0] for column in described.description), int(counted.fetchone()[0]))


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
