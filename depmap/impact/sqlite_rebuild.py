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
    from depmap.verify.schema_writer import SchemaWriter, tables_read
    from depmap.verify.view_sql import view_sql

    known = catalog.get(table)
    if known is None or column not in known.columns:
        return [], []
    writer = SchemaWriter(catalog, "sqlite", dialect)
    temporary = f"{table}_new"
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


def script(statements: list[str]) -> str:
    """The procedure as one script, the way `verify` runs it (and SQLite's shell would)."""
    return SEPARATOR.join(statements)


def split(text: str) -> list[str]:
    """A script back into its statements."""
    return [part for part in text.split(SEPARATOR) if part.strip()]
