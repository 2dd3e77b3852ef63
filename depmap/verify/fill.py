"""Fill a throwaway database with realistic rows: the changed table and its neighbours.

Each table is loaded by one set-based statement per chunk (`INSERT ... SELECT ... FROM
generate_series` on PostgreSQL, a recursive CTE on SQLite) whose expressions compute every value
from the row number (`fill_values`), so a million rows load in seconds and a seed repeats a load
exactly. Values fit what the engine says about the table (`table_shape`): its types, NOT NULL,
unique sets (one column of each follows the row number), foreign keys (sampled from the parent's
rows, parents loaded first; an empty parent the plan lacks is loaded too), and CHECK constraints
(`check_hints`; a CHECK the engine still rejects, found by a rolled-back sample load, turns its
column NULL where allowed, else to each constant the condition names). Nullable columns are left
NULL at the statistics file's `null_frac` (default 10 %), exactly: the NULL rows are a permutation
of the row numbers. The engine enforces every constraint, so a load that succeeds proves the data
obeys them.
"""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

from depmap.verify.bulk_load import drop_for_load, recreate
from depmap.verify.check_hints import Hint, columns_of, hints, literals_of, parse_condition
from depmap.verify.fill_values import MODULUS, default_distinct, kind_of, mix, value
from depmap.verify.names import quoted, table_sql
from depmap.verify.schema_apply import engine_errors, error_message
from depmap.verify.statistics import TableStats, load_statistics
from depmap.verify.shapes import shape_of
from depmap.verify.table_shape import CheckShape, ColumnShape, TableShape

__all__ = ["FillResult", "fill", "load_statistics", "TableStats", "DEFAULT_NULL_FRACTION", "CHUNK_ROWS"]

DEFAULT_NULL_FRACTION = 0.1
PARENT_RATIO = 10  # an empty parent the plan lacks gets a tenth of its child's rows
CHUNK_ROWS = 250_000  # rows per statement: progress between chunks, memory bounded
BULK_ROWS = 10_000  # from this many rows on, indexes and foreign keys are built after the load
SAMPLE_ROWS = 1_000  # rows tried (and rolled back) before the real load, to meet CHECKs first
_NULL_PRIMES = (1_000_003, 1_000_033, 1_000_037)

Progress = Callable[[str, int, int], None]


@dataclass
class FillResult:
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows loaded, in load order
    seconds: dict[str, float] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # table -> the engine's error
    notes: list[str] = field(default_factory=list)


def fill(db: Any, catalog: Any, table: str, rows: int, *, seed: int = 0, neighbours: dict[str, int] | None = None,
         statistics: dict[str, TableStats] | None = None, progress: Progress | None = None) -> FillResult:  # fmt: skip
    """Load `rows` rows into `table` and `neighbours[name]` rows into each neighbour, parents first.
    `catalog` names tables the engine lacks (a rejected CREATE) in the notes."""
    result = FillResult()
    connection = db.connect(autocommit=False)
    try:
        if db.engine == "sqlite":
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA synchronous = OFF")
        loader = _Loader(connection, db.engine, seed, statistics or {}, result, progress)
        if db.engine == "mysql":
            from depmap.verify.mysql_fill import prepare_session

            loader.mariadb = prepare_session(connection)
        counts = {table: rows, **{n: c for n, c in (neighbours or {}).items() if n != table}}
        for name in loader.plan(counts, catalog):
            loader.load(name, loader.counts[name])
    finally:
        connection.close()
    return result


@dataclass
class _Column:
    shape: ColumnShape
    build: Callable[[str], str]  # row-number expression -> value expression, NULLs and casts excluded
    nullable_fraction: float = 0.0


class _Loader:
    def __init__(self, connection: Any, engine: str, seed: int, statistics: dict[str, TableStats],
                 result: FillResult, progress: Progress | None) -> None:  # fmt: skip
        self.connection, self.engine, self.seed = connection, engine, seed
        self.statistics, self.result, self.progress = statistics, result, progress
        self.counts: dict[str, int] = {}
        self.shapes: dict[str, TableShape] = {}
        self.columns: dict[str, dict[str, _Column]] = {}  # loaded tables: how each value was made
        self.mariadb = False  # MySQL family: MariaDB's SEQUENCE engine numbers the rows

    # -- which tables, in which order ------------------------------------------------------------

    def plan(self, counts: dict[str, int], catalog: Any) -> list[str]:
        pending = list(counts)
        while pending:
            name = pending.pop(0)
            shape = self._shape(name)
            if shape is None:
                known = catalog is not None and getattr(catalog, "get", lambda _: None)(name) is not None
                self.result.notes.append(f"{name}: not in the database{' (its CREATE was rejected)' if known else ''}; not filled")
                continue
            self.shapes[name], self.counts[name] = shape, max(0, counts.get(name, self.counts.get(name, 0)))
            for key in shape.foreign_keys:
                if key.parent not in counts and key.parent not in self.counts and key.parent not in pending and self._empty(key.parent):
                    self.counts[key.parent] = max(1, self.counts[name] // PARENT_RATIO)
                    counts = {**counts, key.parent: self.counts[key.parent]}
                    pending.append(key.parent)
                    self.result.notes.append(f"{key.parent}: filled with {self.counts[key.parent]} rows because {name} references it")
        return _parents_first(self.shapes)

    def _shape(self, table: str) -> TableShape | None:
        return shape_of(self.connection, self.engine, table)

    def _empty(self, table: str) -> bool:
        try:
            return self.connection.execute(f"SELECT 1 FROM {table_sql(table)} LIMIT 1").fetchone() is None
        except engine_errors():
            self.connection.rollback()
            return False

    # -- one table -----------------------------------------------------------------------------

    def load(self, name: str, rows: int) -> None:
        shape = self.shapes[name]
        columns = self._columns(shape, rows)
        if columns is None:
            return
        started = time.perf_counter()
        if rows and not self._sample(shape, columns, rows):
            return
        done = 0
        try:
            if self.progress:
                self.progress(name, 0, rows)
            rebuild = drop_for_load(self.connection, self.engine, name) if rows >= BULK_ROWS else []
            while done < rows:
                last = min(rows, done + CHUNK_ROWS)
                self.connection.execute(self._insert(shape, columns, done + 1, last, rows))
                done = last
                if self.progress:
                    self.progress(name, done, rows)
            recreate(self.connection, rebuild)
            self.connection.commit()
        except engine_errors() as error:
            self.connection.rollback()
            self.result.failed[name] = error_message(error)
            return
        self._after_load(shape, rows)
        self.columns[name] = columns
        self.result.rows[name] = rows
        self.result.seconds[name] = round(time.perf_counter() - started, 3)

    def _columns(self, shape: TableShape, rows: int) -> dict[str, _Column] | None:
        stats = self.statistics.get(shape.name, TableStats())
        check_hints = hints([c.sql for c in shape.checks], self.engine)
        foreign = {c for key in shape.foreign_keys for c in key.columns}
        distinct = self._distinct_columns(shape, foreign, check_hints, rows)
        columns: dict[str, _Column] = {}
        for key in shape.foreign_keys:
            built = self._foreign_key(shape, key, distinct, rows)
            if built is None:
                return None
            columns.update(built)
        timestamps = 0
        for column in shape.columns:
            if column.generated or column.name in columns:
                continue
            kind = kind_of(column.type)
            salt = self._salt(shape.name, column.name)
            hint = check_hints.get(column.name, Hint())
            if column.labels:
                hint = Hint(values=["'" + label.replace("'", "''") + "'" for label in column.labels])
            if column.auto:
                build = lambda i: f"({i})"  # noqa: E731 - the engine's own numbering, made explicit
            elif hint.values:
                build = _choice(hint.values, salt)
            else:
                unique = column.name in distinct
                count = stats.distinct(column.name, rows) or default_distinct(column.name, kind, rows)
                order = timestamps if kind.name in ("timestamp", "timestamptz") else 0
                timestamps += kind.name in ("timestamp", "timestamptz")
                build = _valued(kind, column.name, self.engine, salt, hint, order,
                                unique or kind.name in ("timestamp", "timestamptz"), count)  # fmt: skip
                if kind.name == "other" and column.not_null:
                    self.result.notes.append(f"{shape.name}.{column.name}: type {column.type} is not generated; text values tried")
            fraction = 0.0
            if not column.not_null and column.name not in distinct and not column.auto:
                fraction = stats.null_frac.get(column.name, DEFAULT_NULL_FRACTION)
                if kind_of(column.type).name == "other" and not column.labels:
                    fraction = 1.0
            columns[column.name] = _Column(column, build, fraction)
        return {c.name: columns[c.name] for c in shape.columns if c.name in columns}

    def _distinct_columns(self, shape: TableShape, foreign: set[str], check_hints: dict[str, Hint], rows: int) -> set[str]:
        """One column of every unique set follows the row number, which makes the set unique."""
        distinct = {c.name for c in shape.columns if c.auto}
        for unique in shape.unique_sets:
            if distinct & set(unique):
                continue
            candidates = [c for c in unique if c not in foreign and not check_hints.get(c, Hint()).values
                          and (col := shape.column(c)) is not None and kind_of(col.type).name not in ("bool", "other")]  # fmt: skip
            if candidates:
                distinct.add(candidates[-1])
            elif set(unique) & foreign:
                distinct.update(set(unique) & foreign)  # a one-to-one key: child row i takes parent row i
            else:
                self.result.notes.append(f"{shape.name}: no column of UNIQUE ({', '.join(unique)}) can hold {rows} different values")
        return distinct

    def _foreign_key(self, shape: TableShape, key: Any, distinct: set[str], rows: int) -> dict[str, _Column] | None:
        parent_rows, sources = self._parent_keys(shape, key, rows)
        if not parent_rows or sources is None:
            nullable = all(not shape.column(c).not_null for c in key.columns if shape.column(c) is not None)
            if not nullable:
                self.result.failed[shape.name] = f"foreign key ({', '.join(key.columns)}) needs rows in {key.parent}, which has none it can sample"
                return None
            self.result.notes.append(f"{shape.name}: ({', '.join(key.columns)}) left NULL: {key.parent} has no rows to reference")
            return {c: _Column(shape.column(c), lambda i: "NULL", 1.0) for c in key.columns}
        salt = self._salt(shape.name, "->".join(key.columns))
        one_to_one = bool(distinct & set(key.columns))
        if one_to_one and rows > parent_rows:
            self.result.notes.append(f"{shape.name}: unique ({', '.join(key.columns)}) cannot take {rows} values from {parent_rows} rows of {key.parent}")
        if key.parent == shape.name:  # a row points at itself or an earlier one
            pick = lambda i: f"(1 + {mix(i, salt)} % ({i}))"  # noqa: E731
        elif one_to_one:
            pick = lambda i: f"(({i} - 1) % {parent_rows} + 1)"  # noqa: E731
        else:
            pick = lambda i: f"(1 + {mix(i, salt)} % {parent_rows})"  # noqa: E731
        built = {}
        stats = self.statistics.get(shape.name, TableStats())
        for child, source in zip(key.columns, sources):
            column = shape.column(child)
            fraction = 0.0 if column is None or column.not_null or child in distinct else stats.null_frac.get(child, DEFAULT_NULL_FRACTION)
            built[child] = _Column(column, (lambda i, s=source: s(pick(i))), fraction)  # type: ignore[arg-type]
        return built

    def _parent_keys(self, shape: TableShape, key: Any, rows: int) -> tuple[int | None, list[Callable[[str], str]] | None]:
        """How many parent rows there are to point at, and for each key column, parent row number
        -> its key value: the parent's own expressions when this fill loaded it, the row number
        for a table's own numbered key, a dense integer range for a parent loaded beforehand."""
        if key.parent in self.columns:
            made = self.columns[key.parent]
            if all(c in made for c in key.parent_columns):
                return self.counts[key.parent], [made[c].build for c in key.parent_columns]
            return None, None
        if key.parent == shape.name:
            own = [shape.column(c) for c in key.parent_columns]
            return (rows, [lambda j: f"({j})"]) if len(own) == 1 and own[0] is not None and own[0].auto else (None, None)
        if len(key.parent_columns) != 1 or key.parent in self.counts:
            return None, None
        column = quoted(key.parent_columns[0])
        try:
            low, high, count = self.connection.execute(f"SELECT min({column}), max({column}), count(*) FROM {table_sql(key.parent)}").fetchone()
        except engine_errors():
            self.connection.rollback()
            return None, None
        if not count or not isinstance(low, int) or high - low + 1 != count:
            return None, None
        return count, [lambda j: f"({low - 1} + {j})"]

    # -- statements ------------------------------------------------------------------------------

    def _insert(self, shape: TableShape, columns: dict[str, _Column], first: int, last: int, rows: int) -> str:
        names = ", ".join(quoted(n) for n in columns)
        values = ", ".join(self._expression(shape, c, rows) for c in columns.values())
        if self.engine == "postgres":
            overriding = " OVERRIDING SYSTEM VALUE" if any(c.shape.always_identity for c in columns.values()) else ""
            return (f"INSERT INTO {table_sql(shape.name)} ({names}){overriding}\n"
                    f"SELECT {values}\nFROM generate_series({first}::bigint, {last}) AS g(i)")  # fmt: skip
        if self.engine == "mysql":
            from depmap.verify.mysql_fill import rows_source

            with_clause, source = rows_source(first, last, self.mariadb)
            return f"INSERT INTO {table_sql(shape.name)} ({names})\n{with_clause}SELECT {values}\nFROM {source}"
        return (f"INSERT INTO {table_sql(shape.name)} ({names})\n"
                f"WITH RECURSIVE g(i) AS (SELECT {first} UNION ALL SELECT i + 1 FROM g WHERE i < {last})\n"
                f"SELECT {values}\nFROM g")  # fmt: skip

    def _expression(self, shape: TableShape, column: _Column, rows: int) -> str:
        text = column.build("i")
        if self.engine == "postgres" and text != "NULL":
            text = f"CAST({text} AS {column.shape.type})"
        nulls = round(column.nullable_fraction * rows)
        if nulls >= rows or text == "NULL":
            return "NULL"
        if nulls > 0:
            prime = next(p for p in _NULL_PRIMES if rows % p)
            salt = self._salt(shape.name, column.shape.name) % rows
            text = f"CASE WHEN (i * {prime} + {salt}) % {rows} < {nulls} THEN NULL ELSE {text} END"
        return text

    def _sample(self, shape: TableShape, columns: dict[str, _Column], rows: int) -> bool:
        """Load a few rows and roll them back; while a CHECK rejects them, change what it names."""
        tried: dict[str, int] = {}
        sample = min(rows, SAMPLE_ROWS)
        for _ in range(4 * len(shape.checks) + 1):
            try:
                self.connection.execute(self._insert(shape, columns, 1, sample, rows))
                self.connection.rollback()
                return True
            except engine_errors() as error:
                self.connection.rollback()
                check = self._violated(shape, error)
                if check is None or not self._fall_back(shape, columns, check, tried):
                    self.result.failed[shape.name] = error_message(error)
                    return False
        self.result.failed[shape.name] = "CHECK constraints still reject the generated rows"
        return False

    def _violated(self, shape: TableShape, error: BaseException) -> CheckShape | None:
        if self.engine == "mysql":
            from depmap.verify.mysql_fill import violated_check

            name = violated_check(error)
            return next((c for c in shape.checks if c.name == name), None) if name else None
        diag = getattr(error, "diag", None)
        if diag is not None:
            if getattr(diag, "sqlstate", None) != "23514":
                return None
            return next((c for c in shape.checks if c.name == diag.constraint_name), None)
        message = str(error)
        if not message.startswith("CHECK constraint failed: "):
            return None
        said = message.split(": ", 1)[1].strip()
        normal = parse_condition(said, self.engine)
        return next((c for c in shape.checks if c.name == said or (normal is not None and parse_condition(c.sql, self.engine) == normal)), None)

    def _fall_back(self, shape: TableShape, columns: dict[str, _Column], check: CheckShape, tried: dict[str, int]) -> bool:
        label = check.name or check.sql
        changed = False
        for name in sorted(columns_of(check.sql, self.engine) & set(columns)):
            column = columns[name]
            if not column.shape.not_null and column.nullable_fraction < 1.0:
                column.nullable_fraction = 1.0
                self.result.notes.append(f"{shape.name}: CHECK {label} rejected generated values; {name} left NULL")
                return True
            constants = literals_of(check.sql, self.engine)
            step = tried.get(name, 0)
            if step < len(constants):
                tried[name] = step + 1
                column.build = lambda i, c=constants[step]: c
                self.result.notes.append(f"{shape.name}: CHECK {label} rejected generated values; {name} set to {constants[step]}")
                changed = True
        return changed

    def _after_load(self, shape: TableShape, rows: int) -> None:
        """PostgreSQL: sequences continue after the loaded keys, and the planner sees the new rows.
        (InnoDB's AUTO_INCREMENT continues after the largest value inserted by itself.)"""
        if self.engine != "postgres":
            return
        for column in shape.columns:
            if column.auto and rows:
                self.connection.execute("SELECT setval(pg_get_serial_sequence(%s, %s), %s)", (table_sql(shape.name), column.name, rows))
        self.connection.commit()
        self.connection.autocommit = True
        self.connection.execute(f"ANALYZE {table_sql(shape.name)}")
        self.connection.autocommit = False

    def _salt(self, table: str, column: str) -> int:
        return zlib.crc32(f"{self.seed}:{table}:{column}".encode()) % MODULUS


def _valued(kind: Any, name: str, engine: str, salt: int, hint: Hint, order: int, unique: bool, count: int) -> Callable[[str], str]:
    def build(i: str) -> str:
        r = f"({i} - 1)" if unique else f"({mix(i, salt)} % {max(1, count)})"
        return value(kind, name, r, engine, salt=salt, low=hint.low, high=hint.high, max_length=hint.max_length, order=order)

    return build


def _choice(values: list[str], salt: int) -> Callable[[str], str]:
    def build(i: str) -> str:
        cases = " ".join(f"WHEN {n} THEN {v}" for n, v in enumerate(values))
        return f"(CASE {mix(i, salt)} % {len(values)} {cases} END)"

    return build


def _parents_first(shapes: dict[str, TableShape]) -> list[str]:
    """Tables whose parents (among these) are loaded come first, ties by name; a cycle is broken by name."""
    ordered: list[str] = []
    while len(ordered) < len(shapes):
        waiting = [n for n in sorted(shapes) if n not in ordered]
        ready = [n for n in waiting if ({k.parent for k in shapes[n].foreign_keys} - {n}) & set(shapes) <= set(ordered)]
        ordered.append((ready or waiting)[0])
    return ordered
