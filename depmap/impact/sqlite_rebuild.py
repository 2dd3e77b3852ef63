"""SQLite's way to change a column's type: rebuild the table.

SQLite has no ALTER COLUMN. Its documentation (https://www.sqlite.org/lang_altertable.html#otheralter,
"Making Other Kinds Of Table Schema Changes") gives the procedure that Alembic's batch mode and
Django's SQLite schema editor follow: with foreign keys off and in one transaction, create the
new table, copy the rows, drop the old table, rename the new one, recreate the indexes and the
views over the table (a view that names a missing table makes the RENAME fail), check the
foreign keys, commit. Written here for one table from depmap's catalog, with one column's type
replaced, so `impact` prints it and `verify` runs it.

Type affinity makes the copy lenient: SQLite converts a value to the column's new affinity only
when the conversion is lossless ('42' becomes 42 in an INTEGER column), and keeps any other
value as it was ('n/a' stays text in an INTEGER column); VARCHAR(n) limits nothing.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from depmap.catalog import Catalog

SEPARATOR = ";\n"  # between the statements of the procedure, kept as one script


def rebuild_statements(catalog: Catalog, table: str, column: str, new_type: str, root: Path | None,
                       dialect: str) -> tuple[list[str], list[str]]:
    """The procedure's statements for `table` with `column` of `new_type`, and what it could not
    write (a trigger's body, a view without SQL)."""
    from depmap.verify.schema_writer import tables_read
    from depmap.verify.view_sql import view_sql

    known = catalog.get(table)
    if known is None or column not in known.columns:
        return [], []
    writer = _as_written_class()(catalog, "sqlite", dialect)
    writer.given = (temporary_name(table), column, new_type)
    temporary = temporary_name(table)
    changed = replace(known, name=temporary, columns={name: (replace(c, type=new_type) if name == column else c)
                                                      for name, c in known.columns.items()})
    create = writer.create_table(changed, set(catalog.tables), [])
    names = ", ".join(writer.q(name) for name in known.columns)
    views = []
    for name in sorted(catalog.tables):
        text = view_sql(catalog, name, root, dialect) if catalog.tables[name].view else None
        if text is not None and table in (tables_read(text, dialect) or set()):
            views.append((name, writer.view(name, text, set(catalog.tables))))
    views = [(name, sql) for name, sql in views if sql is not None]
    statements = ["PRAGMA foreign_keys = OFF", "BEGIN"]
    statements += [f"DROP VIEW IF EXISTS {writer.q(name)}" for name, _ in views]
    statements += [create, f"INSERT INTO {writer.q(temporary)} ({names}) SELECT {names} FROM {writer.table(table)}",
                   f"DROP TABLE {writer.table(table)}", f"ALTER TABLE {writer.q(temporary)} RENAME TO {writer.q(table)}"]
    statements += writer.indexes(known)
    statements += [sql for _, sql in views]
    statements += ["PRAGMA foreign_key_check", "COMMIT", "PRAGMA foreign_keys = ON"]
    notes = [note.replace(temporary, table, 1) for note in writer.notes]
    notes += [f"{table}: trigger {t.name} is dropped with the table: create it again after the RENAME" for t in known.triggers()]
    return statements, notes


def temporary_name(table: str) -> str:
    return f"{table}_new"


def _as_written_class():
    from depmap.verify.column_types import EngineType
    from depmap.verify.schema_writer import SchemaWriter

    class AsWritten(SchemaWriter):
        """Types as the project's SQLite DDL declares them (the rebuild keeps every other column as
        it is), the changed column's as given; ORM-declared types translated as verify does."""

        given: tuple[str, str, str] = ("", "", "")

        def column_type(self, table, column):  # type: ignore[no-untyped-def]
            kind = super().column_type(table, column)
            if (table.name, column.name) == self.given[:2]:
                return EngineType(self.given[2], auto=kind.auto)
            if self.dialect == "sqlite" and column.type and column.type.isupper():  # the catalog's SQL types are upper-case
                return EngineType("INTEGER" if kind.auto else column.type, auto=kind.auto, check=kind.check)
            return kind

    return AsWritten


def script(statements: list[str]) -> str:
    """The procedure as one script, the way `verify` runs it (and SQLite's shell would)."""
    return SEPARATOR.join(statements)


def split(text: str) -> list[str]:
    """A script back into its statements."""
    return [part for part in text.split(SEPARATOR) if part.strip()]


def affinity(declared: str) -> str:
    """SQLite's type affinity of a declared type (https://www.sqlite.org/datatype3.html#determination_of_column_affinity)."""
    upper = declared.upper()
    if "INT" in upper:
        return "INTEGER"
    if any(word in upper for word in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in upper or not upper.strip():
        return "BLOB"
    if any(word in upper for word in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


# The storage classes a value of each affinity ends up in when it converts.
STORED_AS = {"INTEGER": ("integer",), "REAL": ("real",), "NUMERIC": ("integer", "real"), "TEXT": ("text",),
             "BLOB": ("integer", "real", "text", "blob")}
