"""What dropping or renaming an existing column costs, per dialect and version, and
the errors code gets once it is gone.

PostgreSQL (ALTER TABLE notes, https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES):
  DROP COLUMN only marks the column dropped (no rewrite) but takes ACCESS EXCLUSIVE; indexes and
  constraints on the column go with it; a view or a foreign key of another table that depends on
  it makes the DROP fail unless CASCADE drops them too. RENAME COLUMN is metadata-only (views
  follow the rename).
MySQL (InnoDB online DDL, https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html#online-ddl-column-operations):
  DROP COLUMN is INSTANT from 8.0.29, else INPLACE with a rebuild (writes go on); RENAME COLUMN
  is INSTANT from 8.0.28, else INPLACE without a rebuild.
SQLite (https://www.sqlite.org/lang_altertable.html): DROP COLUMN from 3.35.0 rewrites every row and
  fails when the column is indexed, UNIQUE, a PRIMARY KEY, in a foreign key, a CHECK, a view or
  a trigger; RENAME COLUMN from 3.25.0 rewrites references in views and triggers.
"""

from __future__ import annotations

from dataclasses import dataclass

from depmap.dialects.capabilities import MYSQL, POSTGRES, SQLITE, Dialect, product_label


def missing_column_error(dialect: Dialect, table: str, column: str) -> str:
    """The error a statement naming a column that no longer exists gets."""
    if dialect.family == MYSQL:
        return f"Unknown column '{column}' in 'field list'"
    if dialect.family == SQLITE:
        return f"no such column: {column}"
    return f'column "{column}" does not exist'


@dataclass(frozen=True)
class ChangeCost:
    """What a column change does to the table: `rewrites` every row, the `lock` it holds, and
    the sentences that say so for this server."""

    rewrites: bool
    lock: str
    reasons: tuple[str, ...]
    unsupported: bool = False  # the dialect has no statement for it: the table is rebuilt


def drop_cost(dialect: Dialect, table: str) -> ChangeCost:
    label = product_label(dialect)
    if dialect.family == POSTGRES:
        return ChangeCost(False, "ACCESS EXCLUSIVE", (
            f"On {label}, DROP COLUMN only marks the column as dropped (no row is rewritten; the space comes back as rows "
            f"are updated or on VACUUM FULL), but it takes an ACCESS EXCLUSIVE lock on {table} for that moment, and a view "
            "or another table's foreign key that depends on the column makes it fail unless CASCADE drops them too.",))
    if dialect.family == MYSQL:
        if dialect.at_least(8, 0, 29):
            return ChangeCost(False, "exclusive metadata lock", (
                f"On {label}, DROP COLUMN is instant (ALGORITHM=INSTANT): only the metadata changes, under a brief "
                "exclusive metadata lock.",))
        return ChangeCost(True, "exclusive metadata lock", (
            f"On {label}, DROP COLUMN rebuilds {table} in place (ALGORITHM=INPLACE; instant only from 8.0.29): reads and "
            "writes go on, but the rebuild takes as long as copying the table.",))
    if dialect.family == SQLITE:
        if dialect.version is not None and not dialect.at_least(3, 35):
            return ChangeCost(True, "database write lock", (
                f"{label} has no DROP COLUMN (added in 3.35.0): rebuild the table without it "
                "(https://www.sqlite.org/lang_altertable.html#otheralter).",), unsupported=True)
        return ChangeCost(True, "database write lock", (
            f"On {label}, DROP COLUMN (3.35.0 on) rewrites every row of {table} while it holds the database's write lock, "
            "and fails if the column is indexed, UNIQUE, a key, or named by a CHECK, a view or a trigger.",))
    return ChangeCost(True, "exclusive lock", (f"depmap does not know how {label} drops a column: assume an exclusive lock.",))


def rename_cost(dialect: Dialect, table: str) -> ChangeCost:
    label = product_label(dialect)
    if dialect.family == POSTGRES:
        return ChangeCost(False, "ACCESS EXCLUSIVE", (
            f"On {label}, RENAME COLUMN changes only the catalog (views follow it), under a brief ACCESS EXCLUSIVE lock on "
            f"{table}; every query that names the old column fails from that moment.",))
    if dialect.family == MYSQL:
        how = "instant (ALGORITHM=INSTANT)" if dialect.at_least(8, 0, 28) else "in place without a rebuild (instant from 8.0.28)"
        return ChangeCost(False, "exclusive metadata lock", (
            f"On {label}, RENAME COLUMN is {how}; views that name the column are not updated and fail on their next use.",))
    if dialect.family == SQLITE:
        if dialect.version is not None and not dialect.at_least(3, 25):
            return ChangeCost(True, "database write lock", (
                f"{label} has no RENAME COLUMN (added in 3.25.0): rebuild the table.",), unsupported=True)
        return ChangeCost(False, "database write lock", (
            f"On {label}, RENAME COLUMN (3.25.0 on) changes the schema text and the views and triggers that name the column.",))
    return ChangeCost(False, "exclusive lock", (f"depmap does not know how {label} renames a column: assume an exclusive lock.",))
