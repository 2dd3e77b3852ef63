"""Build a table's secondary indexes and check its foreign keys once, after a bulk load.

The way `pg_restore` loads a dump: maintaining every index row by row and running a foreign-key
lookup per inserted row costs several times the insert itself, while building an index from
sorted data and validating a foreign key in one join are fast. Inside the load's transaction the
indexes that back no constraint (PostgreSQL: and the table's foreign keys) are dropped, and
recreated from the engine's own definitions before the commit: the table ends exactly as it was
declared, every foreign key validated by the engine, and a failed load rolls them back untouched.
Primary keys and unique constraints stay: they are what other tables' foreign keys point at.
"""

from __future__ import annotations

from typing import Any

_PG_SECONDARY = """
SELECT format('DROP INDEX %%s', indexrelid::regclass), pg_get_indexdef(indexrelid)
FROM pg_index i
WHERE i.indrelid = to_regclass(%(table)s)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
ORDER BY i.indexrelid
"""
_PG_FOREIGN_KEYS = """
SELECT format('ALTER TABLE %%s DROP CONSTRAINT %%I', conrelid::regclass, conname),
       format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s', conrelid::regclass, conname, pg_get_constraintdef(oid))
FROM pg_constraint WHERE conrelid = to_regclass(%(table)s) AND contype = 'f' ORDER BY conname
"""


def drop_for_load(connection: Any, engine: str, table: str) -> list[str]:
    """Drop what slows a bulk load of `table`; return the statements that recreate it. InnoDB
    keeps its indexes (a dropped one would be rebuilt by copying the table): nothing to drop."""
    if engine == "mysql":
        return []
    if engine == "postgres":
        pairs = [tuple(row) for query in (_PG_FOREIGN_KEYS, _PG_SECONDARY) for row in connection.execute(query, {"table": table})]
    else:
        rows = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name", (table,)
        ).fetchall()
        pairs = [(f'DROP INDEX "{name}"', sql) for name, sql in rows]
    for drop, _ in pairs:
        connection.execute(drop)
    return [create for _, create in pairs]


def recreate(connection: Any, statements: list[str]) -> None:
    for statement in statements:
        connection.execute(statement)
