"""The application's own statements on the table, re-run against the schema before and after.

depmap found each statement statically; here its whole text comes back (a `.sql` file's statement
by depmap's splitter, a Python string through the SQL-strings analysis that found it, never by
importing the code) with its bind parameters as the engine's (`$1` on PostgreSQL, `?` on SQLite and MariaDB/MySQL,
whose recheck is `mysql_statements`):

- every statement is prepared before the change; one that fails already is listed apart (code
  depmap could not reconstruct, or code that is broken today);
- PostgreSQL: `PREPARE` before the change and `EXECUTE` after it, which is what a driver that
  caches server-side prepared statements does across a deploy (a `SELECT *` fails with "cached
  plan must not change result type");
- writers run with generated values of their parameters' types inside a transaction that is
  rolled back, before and after the change: an INSERT that omits a new NOT NULL column, a
  positional INSERT, fail after and not before.
Readers are also measured through `result_shape` (their columns and row count change without an
error: a NATURAL JOIN, a `SELECT *`), views the code creates through `frozen_views`, and ORM creates
through the INSERT `orm_statements` writes for them. Statements built at run time (template holes,
f-strings) cannot run as written: not testable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from depmap.discover import is_test_path
from depmap.model import ACCESS, WRITE
from depmap.verify import frozen_views
from depmap.verify.frozen_views import ViewText, view_text
from depmap.verify.result_shape import difference, is_reader, result_shape
from depmap.verify.schema_apply import engine_errors, error_message

_BIND = re.compile(r"%\((?P<name>[A-Za-z_]\w*)\)s|%s|(?<![:\w]):(?P<named>[A-Za-z_]\w*)|\$(?P<number>\d+)|(?<![?\w])\?(?![?|&\w]|\s*')")
_SCHEMA_STATEMENT = re.compile(r"\s*(CREATE|ALTER|DROP|COMMENT|GRANT|REVOKE)\b", re.I)
_COMMENTS = re.compile(r"^(\s*(--[^\n]*\n|/\*.*?\*/))*", re.S)
_TEMPLATE = re.compile(r"\{\{|\{%|\{[A-Za-z0-9_.]*\}")
# Values that fit a PostgreSQL parameter of each type (pg_prepared_statements.parameter_types).
_PG_VALUES = {"integer": 1, "bigint": 1, "smallint": 1, "numeric": 1, "real": 1.0, "double precision": 1.0,
              "boolean": True, "text": "x", "character varying": "x", "character": "x", "uuid": "00000000-0000-0000-0000-000000000001",
              "timestamp with time zone": "2024-01-01 00:00:00+00", "timestamp without time zone": "2024-01-01 00:00:00",
              "date": "2024-01-01", "jsonb": "{}", "json": "{}", "bytea": b"x"}


# Values are tried in turn until the statement runs before the change, and the same ones are used
# after it: 1 refers to a generated row (a foreign key), a large number to none (a new key).
CANDIDATES = ({}, {"integer": 987654321, "bigint": 987654321, "smallint": 32001, "numeric": 987654321})


@dataclass(frozen=True)
class AppStatement:
    path: str
    line: int  # the statement's first line, and its last
    last_line: int
    text: str  # with the engine's bind parameters
    writes: bool
    dynamic: bool = False
    orm: bool = False  # the INSERT an ORM create runs (orm_statements), not text in the code
    view: ViewText | None = None  # a CREATE VIEW: created before the change, compared after (frozen_views)


@dataclass(frozen=True)
class Recheck:
    statement: AppStatement
    before: str | None  # the engine's error before the change (None: it ran)
    after: str | None
    changed: str | None = None  # how a reader's result changed without an error (result_shape)

    @property
    def status(self) -> str:
        if self.statement.dynamic:
            return "not testable here"
        if self.before is not None:
            return "fails before the change"
        if self.after is not None:
            return "fails after the change"
        return "changes after the change" if self.changed else "unaffected"

    def to_json(self) -> dict[str, Any]:
        return {"path": self.statement.path, "line": self.statement.line, "statement": self.statement.text,
                "orm": self.statement.orm, "writes": self.statement.writes, "status": self.status, "before": self.before, "after": self.after, "changed": self.changed}


def collect(index: Any, table: str, engine: str) -> list[AppStatement]:
    """The statements of the project's SQL usages of `table`, one per statement site."""
    root = Path(index.root)
    found: dict[tuple[str, int], AppStatement] = {}
    texts_by_file: dict[str, list[tuple[int, int, str, bool]]] = {}
    with_tests = index.config.judge_test_code
    for fact in index.graph.readers(table) + index.graph.writers(table):
        if fact.kind != ACCESS or fact.via != "sql" or (is_test_path(fact.location.path) and not with_tests):
            continue
        path = fact.location.path
        if path not in texts_by_file:
            texts_by_file[path] = statement_texts(root / path, path, index.dialect)
        line = fact.location.statement_start
        for first, last, text, dynamic in texts_by_file[path]:
            if not first <= line <= last:
                continue
            known = found.get((path, first))
            writes = fact.access == WRITE or (known is not None and known.writes)
            dynamic = dynamic or bool(_TEMPLATE.search(text))
            view = None if dynamic else view_text(text, index.dialect, engine)
            if view is None and _SCHEMA_STATEMENT.match(_COMMENTS.sub("", text)):
                continue  # a table's trigger or function, an index: the schema, not a statement the code runs
            runnable = text if dynamic or view else in_engine_dialect(_binds(text, engine), index.dialect, engine)
            found[(path, first)] = AppStatement(path, first, last, runnable, writes, dynamic, view=view)
    return sorted(found.values(), key=lambda s: (s.path, s.line))


def in_engine_dialect(text: str, dialect: str, engine: str) -> str:
    """`text` as the engine writes it, when the project's dialect is another one (a PostgreSQL
    project verified on SQLite: `now()`, `::` casts, ILIKE); as written when sqlglot cannot."""
    from depmap.dialects.capabilities import Dialect

    if Dialect(dialect).family == engine:
        return text
    import sqlglot
    from sqlglot.errors import SqlglotError

    try:
        written = sqlglot.transpile(text, read=dialect, write=engine)
    except SqlglotError:
        return text
    return written[0] if len(written) == 1 else text


def tables_they_touch(index: Any, statements: list[AppStatement]) -> list[str]:
    """Every table the statements name besides (joins, subqueries, INSERT ... SELECT sources):
    without them in the schema a statement would fail before the change for want of a table."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for statement in statements:
        spans.setdefault(statement.path, []).append((statement.line, statement.last_line))
    found: list[str] = []
    for fact in index.facts_at(spans):
        if fact.kind != ACCESS or fact.location.path not in spans or fact.table in found:
            continue
        line = fact.location.statement_start
        if any(first <= line <= last for first, last in spans[fact.location.path]):
            found.append(fact.table)
    return sorted(found)


def statement_texts(file: Path, path: str, dialect: str) -> list[tuple[int, int, str, bool]]:
    """Every statement of a `.sql` or Python file, whole: (first line, last line, text, built at
    run time), found as the scanners find them; shared by the re-runs, the migration's own
    operations and the project's functions."""
    try:
        source = file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    if path.endswith(".py"):
        return _python_texts(path, source, dialect)
    if path.endswith(".sql"):
        from sqlglot.dialects.dialect import Dialect

        from depmap.sql.split import split_statements

        return [(c.line, c.end_line, c.text, False) for c in split_statements(source, Dialect.get_or_raise(dialect))]
    return []


def _python_texts(path: str, source: str, dialect: str) -> list[tuple[int, int, str, bool]]:
    from depmap.registry import sql_texts_in_python

    return [(t.first_line, t.last_line, t.text, t.dynamic) for t in sql_texts_in_python(path, source, dialect)]


def _binds(text: str, engine: str) -> str:
    """Bind parameters as the engine's own: `$1, $2` (PostgreSQL), `?` (SQLite); a name used twice
    keeps one number."""
    numbers: dict[str, int] = {}

    def replace(match: re.Match[str]) -> str:
        key = match.group("name") or match.group("named") or (f"${match.group('number')}" if match.group("number") else None)
        if key is None:
            key = f"#{len(numbers)}"
        number = numbers.setdefault(key, len(numbers) + 1)
        return f"${number}" if engine == "postgres" else "?"

    return _BIND.sub(replace, text.strip().rstrip(";"))


def recheck(db: Any, statements: list[AppStatement], change: list[str], undo: list[str], *,
            undo_by_name: bool = True) -> list[Recheck]:
    """Every statement before and after `change` (kept while the statements run, then undone).
    On MariaDB/MySQL an added column is undone by name unless `undo_by_name` is False: then `undo`
    runs (a drop, rename or type change, which nothing added)."""
    if db.engine == "mysql":
        from depmap.verify.mysql_statements import before_and_after

        live = [(n, s.text, len(_BIND.findall(s.text))) for n, s in enumerate(statements) if not s.dynamic and s.view is None]
        changed: dict[int, str | None] = {}
        before, after = before_and_after(db, live, change, undo, changed, by_name=undo_by_name)
        return [Recheck(s, before.get(n), after.get(n), changed.get(n)) for n, s in enumerate(statements)]
    with db.connect(autocommit=True) as conn:
        chosen: dict[int, int] = {}  # the candidate values each statement ran with before the change
        views = {n: s.view for n, s in enumerate(statements) if s.view is not None}
        others = [s if s.view is None else replace(s, dynamic=True) for s in statements]  # views are run apart
        if db.engine == "postgres":
            prepared = prepare_all(conn, others)
            # every statement also runs before the change, so one that fails for its values (a
            # subquery that finds no row for a NOT NULL column) fails on both sides, not only after
            ran = [(n, s) for n, s in enumerate(others) if n in prepared and prepared[n] is None]
            before = {**prepared, **_first_that_runs(conn, ran, db.engine, chosen)}
        else:
            conn.isolation_level = None  # explicit BEGIN/ROLLBACK around each statement
            before = run_all_rolled_back(conn, others, chosen)
        shapes = _reader_shapes(conn, others, db.engine, before)
        before.update({n: frozen_views.create(conn, db.engine, view) for n, view in views.items()})
        _run_all(conn, change)
        try:
            if db.engine == "postgres":
                after = execute_prepared(conn, others, prepared, chosen)
                for number, error in run_writers(conn, others, db.engine, chosen).items():
                    after[number] = after.get(number) or error
            else:
                after = run_all_rolled_back(conn, others, chosen)
            changed = {n: difference(shapes.get(n), after_shape) for n, after_shape in
                       _reader_shapes(conn, others, db.engine, before).items()}
            changed.update({n: frozen_views.frozen(conn, view) for n, view in views.items() if before[n] is None})
        finally:
            if db.engine == "postgres":
                conn.execute("DEALLOCATE ALL")
            for view in views.values():
                frozen_views.drop(conn, db.engine, view)
            _run_all(conn, undo)
    return [Recheck(s, before.get(n), after.get(n), changed.get(n)) for n, s in enumerate(statements)]


def _reader_shapes(conn: Any, statements: list[AppStatement], engine: str, before: dict[int, str | None]) -> dict[int, Any]:
    """The result of each reader that ran before the change (result_shape)."""
    return {n: result_shape(lambda text: _cursor(conn, text, engine), s.text) for n, s in enumerate(statements)
            if not s.writes and not s.dynamic and n in before and before[n] is None and is_reader(s.text)}


def _cursor(conn: Any, text: str, engine: str, candidate: int = 0) -> Any:
    """`text` run with values of its parameters' types; its cursor, or None on the engine's error."""
    try:
        return _with_values(conn, text, engine, candidate)
    except engine_errors():
        return None
    finally:
        if engine == "postgres":
            _deallocate(conn, _PROBE)


def change_as_deployed(names: Any, proposal_failed: bool, engine: str = "postgres") -> tuple[list[str], list[str]]:
    """The change the statements meet, and how to undo it. A proposal the engine refused as
    written (NOT NULL without a default on a table with rows) is met as it will stand once it is
    in place: added with a temporary default, the default then dropped, as Django does. SQLite
    cannot drop a column's default in place, so there the column keeps it (the only form SQLite
    accepts), and writers that omit it get the default instead of failing."""
    from depmap.impact.plan_sql import full_add_sql

    table, column = names.table, names.column
    undo = [f"ALTER TABLE {table} DROP COLUMN {column}"]
    if not proposal_failed:
        return [full_add_sql(names)], undo
    value = placeholder_value(names.type or "")
    added = f"ALTER TABLE {table} ADD COLUMN {column} {names.type} DEFAULT {value} NOT NULL"
    if engine == "sqlite":
        return [added], undo
    return [added, f"ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT"], undo


def placeholder_value(kind: str) -> str:
    """A constant of the column's type, where the plan leaves `<value>` for the team to choose."""
    lowered = kind.lower()
    if re.search(r"int|serial|numeric|decimal|real|double|float", lowered):
        return "0"
    if "bool" in lowered:
        return "false"
    if "timestamp" in lowered or lowered.startswith("date"):
        return "CURRENT_TIMESTAMP"
    if "uuid" in lowered:
        return "'00000000-0000-0000-0000-000000000000'"
    if "json" in lowered:
        return "'{}'"
    return "''"


def _run_all(conn: Any, statements: list[str]) -> None:
    from depmap.impact.sqlite_rebuild import split

    for statement in statements:
        for part in split(statement):  # SQLite's rebuild of a table is one script
            conn.execute(part)


def run_all_rolled_back(conn: Any, statements: list[AppStatement], chosen: dict[int, int]) -> dict[int, str | None]:
    """SQLite: each statement run once with placeholder values, rolled back; its error or None."""
    return _first_that_runs(conn, [(n, s) for n, s in enumerate(statements) if not s.dynamic], "sqlite", chosen)


def prepare_all(conn: Any, statements: list[AppStatement]) -> dict[int, str | None]:
    """PostgreSQL: PREPARE each statement (the driver's view before the deploy); its error or None."""
    import psycopg

    errors: dict[int, str | None] = {}
    for number, statement in enumerate(statements):
        if statement.dynamic:
            continue
        try:
            conn.execute(f"PREPARE depmap_{number} AS {statement.text}")
            errors[number] = None
        except psycopg.Error as error:
            errors[number] = error_message(error)
    return errors


def run_writers(conn: Any, statements: list[AppStatement], engine: str, chosen: dict[int, int]) -> dict[int, str | None]:
    """Each writer run once with values of its parameters' types, rolled back; its error or None."""
    return _first_that_runs(conn, [(n, s) for n, s in enumerate(statements) if s.writes and not s.dynamic], engine, chosen)


def _first_that_runs(conn: Any, numbered: list[tuple[int, AppStatement]], engine: str, chosen: dict[int, int]) -> dict[int, str | None]:
    """Each statement with the values `chosen` for it; a statement not chosen for yet tries the
    candidates in turn and keeps the first that runs (else the first's error)."""
    errors: dict[int, str | None] = {}
    for number, statement in numbered:
        if number in chosen:
            errors[number] = _run_rolled_back(conn, statement.text, engine, chosen[number])
            continue
        first_error = None
        for candidate in range(len(CANDIDATES)):
            error = _run_rolled_back(conn, statement.text, engine, candidate)
            if error is None:
                chosen[number] = candidate
                break
            first_error = first_error or error
        errors[number] = None if number in chosen else first_error
    return errors


def execute_prepared(conn: Any, statements: list[AppStatement], prepared: dict[int, str | None],
                     chosen: dict[int, int]) -> dict[int, str | None]:
    """PostgreSQL: EXECUTE the statements PREPAREd before the change (readers; writers rolled back)."""
    import psycopg

    errors: dict[int, str | None] = {}
    for number, statement in enumerate(statements):
        if prepared.get(number, "skip") is not None:
            continue
        try:
            with conn.transaction():
                conn.execute(_execute(conn, f"depmap_{number}", chosen.get(number, 0)))
                raise _RollBack
        except _RollBack:
            errors[number] = None
        except psycopg.Error as error:
            errors[number] = error_message(error)
    return errors


def _execute(conn: Any, name: str, candidate: int = 0) -> Any:
    """`EXECUTE name(v1, v2)` with a value of each parameter's type written as a literal: the
    values travel in the statement, so no bind parameter of the EXECUTE itself needs a type."""
    from psycopg import sql

    row = conn.execute("SELECT parameter_types::text[] FROM pg_prepared_statements WHERE name = %s", (name,)).fetchone()
    types = row[0] if row and row[0] else []
    if not types:
        return sql.SQL("EXECUTE {}").format(sql.Identifier(name))
    values = [sql.SQL("{}::{}").format(sql.Literal(_value(t, candidate)), sql.SQL(t)) for t in types]
    return sql.SQL("EXECUTE {}({})").format(sql.Identifier(name), sql.SQL(", ").join(values))


class _RollBack(Exception):
    """Leaves a transaction block by rolling it back."""


def _value(kind: str, candidate: int) -> Any:
    return CANDIDATES[candidate].get(kind, _PG_VALUES.get(kind))


def _run_rolled_back(conn: Any, text: str, engine: str, candidate: int = 0) -> str | None:
    """`text` run with values of its parameters' types inside a transaction rolled back; the
    engine's error, or None."""
    try:
        if engine == "postgres":
            with conn.transaction():
                _with_values(conn, text, engine, candidate)
                raise _RollBack
        conn.execute("BEGIN")
        try:
            _with_values(conn, text, engine, candidate)
        finally:
            conn.execute("ROLLBACK")
        return None
    except _RollBack:
        return None
    except engine_errors() as error:
        return error_message(error)
    finally:
        if engine == "postgres":  # a prepared statement outlives the rolled-back transaction
            _deallocate(conn, _PROBE)


_PROBE = "depmap_probe"


def _with_values(conn: Any, text: str, engine: str, candidate: int) -> Any:
    """`text` executed with a value of each parameter's type; the engine's error raised. On
    PostgreSQL it is PREPAREd as `_PROBE` first, so the parameters have types to choose values
    by; the caller deallocates it."""
    if engine == "postgres":
        conn.execute(f"PREPARE {_PROBE} AS {text}")
        return conn.execute(_execute(conn, _PROBE, candidate))
    return conn.execute(text, [_value("integer", candidate)] * len(_BIND.findall(text)))


def _deallocate(conn: Any, name: str) -> None:
    import psycopg

    try:
        conn.execute(f"DEALLOCATE {name}")
    except psycopg.Error:
        pass

