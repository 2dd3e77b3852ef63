"""Row counts, null fractions and distinct counts of production tables, from a statistics file.

Export them from the production database (read-only, cheap: PostgreSQL's planner statistics, no
table is scanned) with psql:

    \\copy (
      SELECT c.relname AS table_name, c.reltuples::bigint AS row_count,
             s.attname AS column_name, s.null_frac, s.n_distinct
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname
      WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public'
      ORDER BY c.relname, s.attname
    ) TO 'depmap-stats.csv' WITH (FORMAT csv, HEADER)

or the same SELECT wrapped in `SELECT json_agg(t) FROM (...) t` for a JSON list of those rows.
`row_count` is -1 for a table never analysed (PostgreSQL 14+): its count is then unknown.
`n_distinct` follows pg_stats: a positive number is a count of values, a negative one minus the
fraction of rows (-1: every row differs), 0 unknown.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path


class StatisticsError(ValueError):
    """The file is not a statistics export; the message says what is wrong, in one line."""


@dataclass
class TableStats:
    rows: int | None = None
    null_frac: dict[str, float] = field(default_factory=dict)
    n_distinct: dict[str, float] = field(default_factory=dict)

    def distinct(self, column: str, rows: int) -> int | None:
        """How many different values the column has in a table of `rows` rows."""
        value = self.n_distinct.get(column)
        if not value:
            return None
        return max(1, int(round(-value * rows)) if value < 0 else min(int(value), rows))


REQUIRED = ("table_name", "row_count")


def load_statistics(path: Path | str) -> dict[str, TableStats]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise StatisticsError(f"cannot read statistics file {path}: {error}") from None
    rows = _json_rows(text, path) if text.lstrip().startswith(("[", "{")) else list(csv.DictReader(text.splitlines()))
    if not rows or any(key not in rows[0] for key in REQUIRED):
        raise StatisticsError(f"{path}: expected columns {', '.join(REQUIRED)}, column_name, null_frac, n_distinct "
                              "(see the export query in depmap verify's documentation)")  # fmt: skip
    stats: dict[str, TableStats] = {}
    for number, row in enumerate(rows, start=2):
        table = stats.setdefault(str(row["table_name"]), TableStats())
        count = _number(row.get("row_count"), path, number)
        table.rows = int(count) if count is not None and count >= 0 else None
        column = row.get("column_name")
        if column:
            for key, target in (("null_frac", table.null_frac), ("n_distinct", table.n_distinct)):
                value = _number(row.get(key), path, number)
                if value is not None:
                    target[str(column)] = value
    return stats


def _json_rows(text: str, path: Path) -> list[dict]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise StatisticsError(f"{path}: not valid JSON ({error.msg} at line {error.lineno})") from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise StatisticsError(f"{path}: expected a JSON list of rows (objects)")
    return data


def _number(value: object, path: Path, line: int) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise StatisticsError(f"{path}: row {line}: {value!r} is not a number") from None
