"""A migration's other operations (an index, a constraint, SET NOT NULL), run on the engine.

`depmap check` judges them statically (blocking-index, validating-constraint, ...); here each one
with findings runs on the throwaway database with rows, in a transaction that is rolled back, and
the locks it held and the rows it read confirm the finding or not. The statement is the
migration's own SQL when it is written as SQL (a `.sql` file, `RunSQL`, `op.execute`), else the
statement the ORM emits for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from depmap.verify.measure import Measurement, measure_postgres
from depmap.verify.names import table_sql
from depmap.verify.schema_apply import error_message
from depmap.verify.run import CONFIRMED, NOT_REPRODUCED, NOT_TESTABLE, Verdict

# What each rule says the operation does, as a check of a measurement.
_STRONG = {"ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"}


def statement_of(op: Any, root: Path, dialect: str) -> tuple[str, bool]:
    """The operation's SQL, and whether it is the migration's own text (else the ORM's)."""
    from depmap.impact.operation_sql import constraint_body, constraint_name, index_sql

    path = op.location.path
    if "statement" in op.extra:  # written as SQL: the file's own statement
        text = _written(root / path, path, op.location.line, dialect)
        if text:
            return text, True
    if op.detail == "create_index":
        return index_sql(op, concurrently=bool(op.extra.get("concurrently"))), False
    if op.detail == "add_constraint":
        body = constraint_body(op)
        valid = " NOT VALID" if op.extra.get("not_valid") else ""
        return f"ALTER TABLE {op.table} ADD CONSTRAINT {constraint_name(op)} {body}{valid}", False
    if op.detail == "alter_column":
        return f"ALTER TABLE {op.table} ALTER COLUMN {op.columns[0]} SET NOT NULL", False
    return "", False


def written_add_column(origin: Any, column: str, root: Path, dialect: str, engine: str) -> str | None:
    """The migration's own `ALTER TABLE ... ADD COLUMN` of `column`, as the file writes it (a
    generated expression, a collation, IF NOT EXISTS: what a spec cannot carry), when it adds that
    column alone; None for an ORM migration or a statement with other actions."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    from depmap.verify.statements import in_engine_dialect

    if origin is None or not origin.path.endswith(".sql"):
        return None
    text = _written(root / origin.path, origin.path, origin.line, dialect)
    try:
        parsed = sqlglot.parse_one(text, read=dialect) if text else None
    except SqlglotError:
        return None
    actions = parsed.args.get("actions") or [] if isinstance(parsed, exp.Alter) else []
    if len(actions) != 1 or not isinstance(actions[0], exp.ColumnDef) or actions[0].name.lower() != column.lower():
        return None
    return in_engine_dialect(text, dialect, engine)


def _written(file: Path, path: str, line: int, dialect: str) -> str | None:
    from depmap.verify.statements import statement_texts

    for first, last, text, dynamic in statement_texts(file, path, dialect):
        if first <= line <= last and not dynamic:
            return text.strip().rstrip(";")
    return None


def run_operation(db: Any, table: str, statement: str, fill_nulls: list[tuple[str, str]]) -> Measurement:
    """The statement measured in a rolled-back transaction; NULLs a SET NOT NULL would refuse are
    filled first (the migration's own UPDATE before it)."""
    with db.connect(autocommit=True) as conn:
        for column, value in fill_nulls:
            conn.execute(f'UPDATE {table_sql(table)} SET "{column}" = {value} WHERE "{column}" IS NULL')
        return measure_postgres(conn, [statement], table, keep=False)[0]


def in_a_transaction(db: Any, statement: str) -> str | None:
    """The engine's error for the statement run inside a transaction block, or None."""
    import psycopg

    with db.connect(autocommit=True) as conn:
        conn.execute("BEGIN")
        try:
            conn.execute(statement)
            return None
        except psycopg.Error as error:
            return error_message(error)
        finally:
            conn.execute("ROLLBACK")


def operation_verdicts(findings: list[Any], m: Measurement, table: str, queue: list[Any], in_block: str | None) -> list[Verdict]:
    from depmap.verify.run import _queue_verdict

    out = []
    mode = m.strongest_lock(table)
    read = m.rows_read or 0
    for finding in findings:
        loc = finding.location
        status, observed = NOT_TESTABLE, "not measured for this rule"
        if finding.rule == "concurrent-index-in-transaction":
            status = CONFIRMED if in_block else NOT_REPRODUCED
            observed = f"inside a transaction block: {in_block}" if in_block else "it ran inside a transaction block"
        elif m.error:
            status, observed = NOT_TESTABLE, f"the statement failed here: {m.error}"
        elif finding.rule == "lock-timeout" and len(queue) == 2:
            status, observed = _queue_verdict(queue[0], queue[1])
        elif finding.rule == "blocking-index":
            status = CONFIRMED if mode in _STRONG else NOT_REPRODUCED
            observed = f"held {mode or 'no lock'} on {table} for {m.seconds * 1000:,.1f} ms while reading {read:,} rows"
        elif finding.rule in ("validating-constraint", "unique-constraint-build", "not-null-scan"):
            status = CONFIRMED if read > 0 and mode in _STRONG else NOT_REPRODUCED
            observed = f"read {read:,} rows in {m.seconds * 1000:,.1f} ms holding {mode or 'no lock'} on {table}"
        out.append(Verdict(finding.rule, loc.path or None, loc.line or None, status, observed))
    return out
