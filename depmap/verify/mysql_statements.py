"""The application's statements before and after the change, on MariaDB/MySQL (see `statements`).

Each statement is a server-side prepared statement, as a driver with server-side prepares (or a
connection pool that keeps them) holds it across a deploy: `PREPARE` before the change, `EXECUTE`
after it. MariaDB/MySQL re-prepare a statement whose table changed, so a `SELECT *` quietly
returns one more column, while a positional `INSERT ... VALUES` prepared for the old columns fails
on its next EXECUTE with "Column count doesn't match value count". Writers run inside a
transaction that is rolled back; every parameter takes the same integer (1, else a large one),
tried before the change and kept for after.
"""

from __future__ import annotations

import re
from typing import Any

from depmap.verify.mysql_engine import error_text
from depmap.verify.result_shape import ResultShape, difference, is_reader, result_shape

CANDIDATES = (1, 987654321)
_TABLE = re.compile(r"ALTER\s+TABLE\s+[`\"]?([^`\"\s]+)[`\"]?", re.I)


Errors = dict[int, str | None]


def before_and_after(db: Any, statements: list[tuple[int, str, int]], change: list[str],
                     undo: list[str], changed: dict[int, str | None], *, by_name: bool = True) -> tuple[Errors, Errors]:
    """Each (number, text with `?`, count of `?`) prepared and run before `change`, executed after
    it; the engine's error or None, before and after. How a reader's result changed goes into
    `changed` (result_shape). The change is then undone: what it added, dropped by name (a
    foreign key first, which `undo`'s DROP COLUMN alone cannot), or with `undo` when not
    `by_name` (a drop, rename or type change adds nothing)."""
    from depmap.verify.mysql_measure import table_objects, undo as undo_change

    table = next((m.group(1) for m in map(_TABLE.match, change) if m), None)
    with db.connect(autocommit=True) as conn:
        before: Errors = {n: _prepare(conn, n, text) for n, text, _ in statements}
        chosen: dict[int, int] = {}
        for number, _, holes in statements:
            if before[number] is None:
                before[number] = _first_that_runs(conn, number, holes, chosen)
        readers = [(n, text, holes) for n, text, holes in statements if before[n] is None and is_reader(text)]
        shapes = {n: _shape(conn, text, holes, chosen.get(n, 0)) for n, text, holes in readers}
        snapshot = table_objects(conn, table) if table and by_name else None
        for statement in change:
            conn.execute(statement)
        try:
            after = {n: _execute(conn, f"depmap_{n}", holes, chosen.get(n, 0)) for n, _, holes in statements
                     if before[n] is None}
            changed.update({n: difference(shapes[n], _shape(conn, text, holes, chosen.get(n, 0))) for n, text, holes in readers})
        finally:
            for number, _, _ in statements:
                _deallocate(conn, f"depmap_{number}")
            if snapshot is not None:
                undo_change(conn, table, snapshot)
            else:
                for statement in undo:
                    conn.execute(statement)
    return before, after


def _prepare(conn: Any, key: int | str, text: str) -> str | None:
    """PREPARE `text` as depmap_<key>; the engine's error, or None."""
    import pymysql

    try:
        conn.execute("SET @depmap_sql = %s", (text,))
        conn.execute(f"PREPARE depmap_{key} FROM @depmap_sql")
        return None
    except pymysql.Error as error:
        return error_text(error)


def _first_that_runs(conn: Any, number: int, holes: int, chosen: dict[int, int]) -> str | None:
    """The statement executed with each candidate value until one runs (kept in `chosen`)."""
    first_error = None
    for candidate in range(len(CANDIDATES)):
        error = _execute(conn, f"depmap_{number}", holes, candidate)
        if error is None:
            chosen[number] = candidate
            return None
        first_error = first_error or error
    return first_error


def _execute(conn: Any, name: str, holes: int, candidate: int) -> str | None:
    """EXECUTE the prepared statement with every parameter set to the candidate, rolled back."""
    import pymysql

    try:
        execute = _execute_with_values(conn, name, holes, candidate)
        conn.execute("BEGIN")
        try:
            conn.execute(execute).fetchall()
        finally:
            conn.execute("ROLLBACK")
        return None
    except pymysql.Error as error:
        return error_text(error)


def _execute_with_values(conn: Any, name: str, holes: int, candidate: int) -> str:
    """The EXECUTE of a prepared statement with every parameter set to the candidate (session
    variables: a server-side EXECUTE takes no literals)."""
    names = [f"@depmap_p{i}" for i in range(holes)]
    if names:
        conn.execute("SET " + ", ".join(f"{n} = {CANDIDATES[candidate]}" for n in names))
    return f"EXECUTE {name}" + (f" USING {', '.join(names)}" if names else "")


def _shape(conn: Any, text: str, holes: int, candidate: int) -> ResultShape | None:
    """The reader's result columns and row count with the candidate values (result_shape)."""
    import pymysql

    def run(wrapped: str) -> Any:
        try:
            if _prepare(conn, "shape", wrapped) is not None:
                return None
            return conn.execute(_execute_with_values(conn, "depmap_shape", holes, candidate))
        except pymysql.Error:
            return None
        finally:
            _deallocate(conn, "depmap_shape")

    return result_shape(run, text)


def _deallocate(conn: Any, name: str) -> None:
    import pymysql

    try:
        conn.execute(f"DEALLOCATE PREPARE {name}")
    except pymysql.Error:
        pass


def misfit_errors(db: Any, statements: list[tuple[int, str, int]], change: list[str], undo: list[str], value: Any) -> dict[int, str]:
    """Each writer run with `value` (one that fits the column's old type, not its new one) in one
    parameter at a time, the others 1, rolled back, before the change; those that ran are run
    again after it: the engine's error for each that fails then (strict mode refuses what would
    be truncated). The change is then undone with `undo`."""
    writers = [(n, text, holes) for n, text, holes in statements if holes and not is_reader(text)]
    errors: dict[int, str] = {}
    with db.connect(autocommit=True) as conn:
        runs = []
        for number, text, holes in writers:
            if _prepare(conn, f"fit_{number}", text) is None:
                runs += [(number, holes, position) for position in range(holes)
                         if _execute_misfit(conn, number, holes, position, value) is None]
        for statement in change:
            conn.execute(statement)
        try:
            for number, holes, position in runs:
                error = _execute_misfit(conn, number, holes, position, value)
                if error is not None and number not in errors:
                    errors[number] = error
        finally:
            for number, _, _ in writers:
                _deallocate(conn, f"depmap_fit_{number}")
            for statement in undo:
                conn.execute(statement)
    return errors


def _execute_misfit(conn: Any, number: int, holes: int, position: int, value: Any) -> str | None:
    import pymysql

    names = [f"@depmap_p{i}" for i in range(holes)]
    try:
        for i, name in enumerate(names):
            conn.execute(f"SET {name} = %s", (value if i == position else CANDIDATES[0],))
        conn.execute("BEGIN")
        try:
            conn.execute(f"EXECUTE depmap_fit_{number} USING {', '.join(names)}")
        finally:
            conn.execute("ROLLBACK")
        return None
    except pymysql.Error as error:
        return error_text(error)
