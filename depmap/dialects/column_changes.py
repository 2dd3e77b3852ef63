"""What dropping, renaming or retyping an existing column costs, per dialect and version, and
the errors code gets once it is gone.

PostgreSQL (ALTER TABLE notes, https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES):
  DROP COLUMN only marks the column dropped (no rewrite) but takes ACCESS EXCLUSIVE; indexes and
  constraints on the column go with it; a view or a foreign key of another table that depends on
  it makes the DROP fail unless CASCADE drops them too. RENAME COLUMN is metadata-only (views
  follow the rename). SET DATA TYPE rewrites the table and its indexes under ACCESS EXCLUSIVE,
  except for binary-coercible changes that do not narrow: varchar(n) to varchar(m>n), varchar to
  text, numeric(p,s) to numeric(q>p,s) (9.2 on).
MySQL (InnoDB online DDL, https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html#online-ddl-column-operations):
  DROP COLUMN is INSTANT from 8.0.29, else INPLACE with a rebuild (writes go on); RENAME COLUMN
  is INSTANT from 8.0.28, else INPLACE without a rebuild; extending a VARCHAR is in place while
  its length prefix stays one byte (255 bytes: 63 characters of utf8mb4) or was already two; every
  other type change copies the table (ALGORITHM=COPY) and blocks writes meanwhile.
SQLite (https://www.sqlite.org/lang_altertable.html): DROP COLUMN from 3.35.0 rewrites every row and
  fails when the column is indexed, UNIQUE, a PRIMARY KEY, in a foreign key, a CHECK, a view or
  a trigger; RENAME COLUMN from 3.25.0 rewrites references in views and triggers; there is no
  ALTER COLUMN: a type change rebuilds the table (the twelve-step procedure, or Alembic's batch mode).
"""

from __future__ import annotations

import re
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


# -- types ---------------------------------------------------------------------------------------

_INTEGERS = {"smallint": 2, "int2": 2, "tinyint": 1, "mediumint": 3, "int": 4, "integer": 4, "int4": 4,
             "bigint": 8, "int8": 8, "serial": 4, "bigserial": 8, "smallserial": 2}
_TEXTS = {"text", "varchar", "character varying", "char", "character", "string", "nvarchar", "nchar", "bpchar",
          "tinytext", "mediumtext", "longtext", "citext"}
_UNBOUNDED_TEXTS = {"text", "mediumtext", "longtext", "citext", "string"}
_NUMERIC = {"numeric", "decimal"}
_FLOATS = {"real": 4, "float4": 4, "float": 8, "float8": 8, "double": 8, "double precision": 8}


@dataclass(frozen=True)
class SqlType:
    """A type as families and sizes: `varchar(32)` → ("text", "varchar", (32,))."""

    written: str
    family: str  # "integer", "text", "numeric", "float", or the base name itself
    base: str
    args: tuple[int, ...] = ()

    @classmethod
    def of(cls, written: str) -> SqlType:
        text = written.strip().lower()
        match = re.fullmatch(r"([a-z_][a-z0-9_ ]*?)\s*(?:\(\s*([0-9 ,]*)\s*\))?(\s*\[\])?", text)
        if match is None:
            return cls(written, text, text)
        base = " ".join(match.group(1).split())
        args = tuple(int(a) for a in (match.group(2) or "").replace(" ", "").split(",") if a)
        if match.group(3):
            return cls(written, f"{base}[]", f"{base}[]", args)
        if base in _INTEGERS:
            return cls(written, "integer", base, (_INTEGERS[base],))
        if base in _TEXTS:
            bounded = base not in _UNBOUNDED_TEXTS and bool(args)
            return cls(written, "text", "char" if base in ("char", "character", "nchar", "bpchar") else ("varchar" if bounded else "text"),
                       args if bounded else ())
        if base in _NUMERIC:
            return cls(written, "numeric", "numeric", args)
        if base in _FLOATS:
            return cls(written, "float", base, (_FLOATS[base],))
        aliases = {"timestamp with time zone": "timestamptz", "timestamp without time zone": "timestamp", "bool": "boolean",
                   "datetime": "timestamp"}
        base = aliases.get(base, base)
        return cls(written, base, base, args)


WIDENING, NARROWING, CONVERSION, SAME = "widening", "narrowing", "conversion", "same"


def type_direction(old: SqlType, new: SqlType) -> str:
    """Whether every value of `old` fits `new` (widening), some may not (narrowing), or the values
    are converted to another kind (conversion: text to integer, integer to text...)."""
    if (old.family, old.base, old.args) == (new.family, new.base, new.args):
        return SAME
    if old.family != new.family:
        if old.family in ("integer", "numeric", "float") and new.family in ("numeric", "float") and not new.args:
            return WIDENING
        return CONVERSION
    if old.family == "integer" or old.family == "float":
        return WIDENING if new.args[0] >= old.args[0] else NARROWING
    if old.family == "text":
        if new.base == "text":
            return WIDENING
        if old.base == "text" or not old.args:
            return NARROWING
        if new.base == "char" and old.base != "char":
            return CONVERSION  # char pads with blanks: comparisons change
        return WIDENING if new.args and new.args[0] >= old.args[0] else NARROWING
    if old.family == "numeric":
        if not new.args:
            return WIDENING
        if not old.args:
            return NARROWING
        old_p, old_s = old.args[0], (old.args[1] if len(old.args) > 1 else 0)
        new_p, new_s = new.args[0], (new.args[1] if len(new.args) > 1 else 0)
        return WIDENING if new_s >= old_s and new_p - new_s >= old_p - old_s else NARROWING
    if {old.base, new.base} == {"timestamp", "timestamptz"}:
        return CONVERSION
    return CONVERSION


def _postgres_in_place(old: SqlType, new: SqlType) -> bool:
    """Binary-coercible changes that do not narrow (PostgreSQL 9.2 on): no rewrite, no scan."""
    if old.family == "text" and old.base in ("varchar", "text") and new.base in ("varchar", "text"):
        if new.base == "text":
            return True
        return old.base == "varchar" and bool(new.args) and new.args[0] >= old.args[0]
    if old.family == "numeric" and new.family == "numeric":
        if not new.args:
            return True
        same_scale = len(old.args) > 0 and (old.args[1] if len(old.args) > 1 else 0) == (new.args[1] if len(new.args) > 1 else 0)
        return same_scale and new.args[0] >= old.args[0]
    return False


def _mysql_length_bytes(chars: int) -> int:
    return 1 if chars * 4 <= 255 else 2  # utf8mb4, MySQL 8's default character set


def type_change_cost(dialect: Dialect, table: str, column: str, old: SqlType, new: SqlType) -> ChangeCost:
    label = product_label(dialect)
    change = f"{old.written} to {new.written}"
    if dialect.family == POSTGRES:
        if _postgres_in_place(old, new):
            return ChangeCost(False, "ACCESS EXCLUSIVE", (
                f"On {label}, {change} is binary-compatible and does not narrow: only the catalog changes (no rewrite, no "
                f"scan), under a brief ACCESS EXCLUSIVE lock on {table}.",))
        return ChangeCost(True, "ACCESS EXCLUSIVE", (
            f"On {label}, changing {column} from {change} rewrites every row of {table} and rebuilds its indexes while it "
            f"holds an ACCESS EXCLUSIVE lock: every read and write of {table} waits until it ends.",))
    if dialect.family == MYSQL:
        if (old.base == "varchar" and new.base == "varchar" and old.args and new.args and new.args[0] >= old.args[0]
                and _mysql_length_bytes(old.args[0]) == _mysql_length_bytes(new.args[0])):
            return ChangeCost(False, "exclusive metadata lock", (
                f"On {label}, extending {change} keeps the length prefix's size: in place (ALGORITHM=INPLACE), no copy.",))
        return ChangeCost(True, "shared lock (writes blocked)", (
            f"On {label}, changing {column} from {change} copies {table} (ALGORITHM=COPY): writes to {table} are blocked "
            "until the copy ends.",))
    if dialect.family == SQLITE:
        return ChangeCost(True, "database write lock", (
            f"{label} has no ALTER COLUMN: changing the type of {column} means rebuilding {table} (create the new table, "
            "copy the rows, drop the old one, rename; https://www.sqlite.org/lang_altertable.html#otheralter), or Alembic's "
            "batch mode, which does the same.",), unsupported=True)
    return ChangeCost(True, "exclusive lock", (f"depmap does not know how {label} changes a column's type: assume a rewrite.",))
