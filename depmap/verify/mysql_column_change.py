"""A drop, rename or type change on MariaDB/MySQL (see `column_change`): the statement as a
migration writes it, and how to put the column back exactly afterwards, since an ALTER TABLE
commits there and nothing can be rolled back.

The column's definition, its place and the indexes that name it are read from SHOW CREATE TABLE
before the change, because:
- MODIFY COLUMN restates the whole column: one that leaves out NOT NULL or the DEFAULT changes
  them too (and a NULL-ability change rebuilds the table), so the type change keeps the rest of
  the definition as it is;
- DROP COLUMN takes a single-column index with it and shrinks a multi-column one, so the undo adds
  the column back where it stood, refills it from a copy (`SAVED`) and rebuilds those indexes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from depmap.dialects.capabilities import Dialect, quote_identifier
from depmap.impact.spec import DROP, RENAME, SET_TYPE
from depmap.verify.mysql_engine import quote

SAVED = "depmap_dropped_column"  # the copy of a dropped column's values, for the undo
# After the column's name in SHOW CREATE TABLE: its type (with its size, UNSIGNED, ZEROFILL),
# its character set and collation (the new type brings its own), then the rest of the definition.
_TYPE = re.compile(r"(?P<type>\w+(?:\((?:[^()']|'(?:[^']|'')*')*\))?(?:\s+unsigned)?(?:\s+zerofill)?)"
                   r"(?:\s+CHARACTER SET \w+)?(?:\s+COLLATE \w+)?(?P<rest>.*)", re.I | re.S)
_INDEX = re.compile(r"^\s*(?P<kind>PRIMARY KEY|UNIQUE KEY|KEY|FULLTEXT KEY|SPATIAL KEY)\s*(?P<name>`(?:[^`]|``)+`)?\s*\((?P<columns>.*)\)")


def _name(name: str) -> str:
    """A name as a migration writes it: bare unless MySQL needs it quoted."""
    return quote_identifier(Dialect("mysql"), name)


@dataclass(frozen=True)
class ColumnAsItWas:
    """What SHOW CREATE TABLE says of the column before the change."""

    table: str  # the table's name as SQL
    column: str
    definition: str  # `status` enum('pending','paid') NOT NULL DEFAULT 'pending'
    after: str | None  # the column before it; None when it is the first
    indexes: tuple[tuple[str | None, str, bool], ...]  # (name, its line, True when it names other columns too)
    pk: str

    @property
    def attributes(self) -> str:
        """The definition after the type: NOT NULL, DEFAULT, COMMENT... (kept by a type change)."""
        body = self.definition[len(quote(self.column)):].strip()
        match = _TYPE.match(body)
        return match.group("rest").strip() if match else ""


def column_as_it_is(conn: Any, table: str, column: str, pk: str) -> ColumnAsItWas | None:
    """The column read back from SHOW CREATE TABLE; None when the table has no such column."""
    ddl = conn.execute(f"SHOW CREATE TABLE {quote(table)}").fetchone()[1]
    lines = [line.strip().rstrip(",") for line in ddl.splitlines()[1:-1]]
    columns = [line for line in lines if line.startswith("`")]
    named = quote(column)
    mine = next((i for i, line in enumerate(columns) if line.startswith(named + " ")), None)
    if mine is None:
        return None
    after = None if mine == 0 else re.match(r"`((?:[^`]|``)+)`", columns[mine - 1]).group(1).replace("``", "`")
    indexes = []
    for line in lines:
        match = _INDEX.match(line)
        if match is None:
            continue
        parts = [p.strip() for p in re.split(r",(?![^(]*\))", match.group("columns"))]
        names = [re.match(r"`((?:[^`]|``)+)`", p).group(1).replace("``", "`") for p in parts if p.startswith("`")]
        if column in names:
            indexes.append((match.group("name"), line, len(names) > 1))
    return ColumnAsItWas(_name(table), column, columns[mine], after, tuple(indexes), _name(pk))


def written_sql(was: ColumnAsItWas, change: str, new_name: str | None, new_type: str | None) -> str:
    """The change as a migration writes it; a type change restates the rest of the column."""
    if change == DROP:
        return f"ALTER TABLE {was.table} DROP COLUMN {_name(was.column)}"
    if change == RENAME:
        return f"ALTER TABLE {was.table} RENAME COLUMN {_name(was.column)} TO {_name(new_name or '')}"
    rest = f" {was.attributes}" if was.attributes else ""
    return f"ALTER TABLE {was.table} MODIFY COLUMN {_name(was.column)} {new_type}{rest}"


def save_sql(was: ColumnAsItWas) -> list[str]:
    """A copy of a dropped column's values by key, made before the first DROP."""
    return [f"DROP TABLE IF EXISTS {SAVED}",
            f"CREATE TABLE {SAVED} AS SELECT {was.pk} AS depmap_key, {quote(was.column)} AS depmap_value FROM {was.table}"]


def restore_sql(was: ColumnAsItWas, change: str, new_name: str | None) -> list[str]:
    """The statements that put the column back as it was after the change ran."""
    column = quote(was.column)
    if change == RENAME:
        return [f"ALTER TABLE {was.table} RENAME COLUMN {_name(new_name or '')} TO {column}"]
    if change != DROP:
        return [f"ALTER TABLE {was.table} MODIFY COLUMN {was.definition}"]
    place = f"AFTER {quote(was.after)}" if was.after else "FIRST"
    statements = [f"ALTER TABLE {was.table} ADD COLUMN {was.definition} {place}",
                  f"UPDATE {was.table} JOIN {SAVED} AS s ON s.depmap_key = {was.table}.{was.pk} SET {was.table}.{column} = s.depmap_value"]
    for name, line, shrunk in was.indexes:  # a shrunk index is rebuilt whole, a dropped one added back
        drop = ("DROP PRIMARY KEY, " if line.startswith("PRIMARY") else f"DROP INDEX {name}, ") if shrunk else ""
        statements.append(f"ALTER TABLE {was.table} {drop}ADD {line}")
    return statements


@dataclass(frozen=True)
class MysqlChange:
    """The change as written on MariaDB/MySQL, the statements that undo it, and its kind."""

    was: ColumnAsItWas
    change: str  # drop, rename or set_type
    written: str
    restore: tuple[str, ...]

    def as_deployed(self, fit: str | None) -> list[str]:
        """What the code's statements meet: a narrowing the rows did not fit is made after `fit`
        makes the rows fit, as the plan's first step asks."""
        return ([fit] if fit and self.change == SET_TYPE else []) + [self.written]

    def clean_up(self, db: Any) -> None:
        """The copy of a dropped column, dropped once every run of the change is undone."""
        if self.change == DROP:
            with db.connect(autocommit=True) as conn:
                conn.execute(f"DROP TABLE IF EXISTS {SAVED}")


def prepare(db: Any, spec: Any, pk: str, new_type: str | None) -> MysqlChange | None:
    """The change for `spec` on the table as the engine holds it; a dropped column's values are
    copied first (`SAVED`), so each run of the DROP can be undone with them."""
    with db.connect(autocommit=True) as conn:
        was = column_as_it_is(conn, spec.table, spec.column, pk)
        if was is None:
            return None
        if spec.change == DROP:
            for statement in save_sql(was):
                conn.execute(statement)
    return MysqlChange(was, spec.change, written_sql(was, spec.change, spec.new_name, new_type),
                       tuple(restore_sql(was, spec.change, spec.new_name)))
