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
MariaDB (10.4 on; measured on 10.11 by tests/verify/test_mysql_column_conformance.py): DROP COLUMN
  and RENAME COLUMN are INSTANT, but a DROP of a column in a multi-column index rebuilds the table
  in place (the index shrinks); extending a VARCHAR is INSTANT unless the column's maximum grows
  from 128-255 bytes to more than 255 (a longer length prefix: COPY), since a value of at most 127
  bytes has the same one-byte prefix either way (VARCHAR(31) to VARCHAR(64) of utf8mb4 is instant,
  VARCHAR(32) to VARCHAR(64) is not); a collation change within a character set and utf8mb3 to
  utf8mb4 are INSTANT; INT to BIGINT, VARCHAR to TEXT, TEXT to MEDIUMTEXT, CHAR(n) to CHAR(m),
  DECIMAL(p) to DECIMAL(q), a narrowing and latin1 to utf8mb4 copy the table (ALGORITHM=COPY).
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
    algorithm: str | None = None  # MariaDB/MySQL: the ALGORITHM InnoDB can use (INSTANT, INPLACE, COPY)


ALONE, SHARED = "alone", "shared"  # the column is indexed alone, or shares an index with other columns


def drop_cost(dialect: Dialect, table: str, indexed: str | None = None) -> ChangeCost:
    """`indexed`: ALONE or SHARED when an index names the column. MariaDB/MySQL drop an index of
    the column alone in place, and shrink a shared one, which rebuilds the table."""
    label = product_label(dialect)
    if dialect.family == POSTGRES:
        return ChangeCost(False, "ACCESS EXCLUSIVE", (
            f"On {label}, DROP COLUMN only marks the column as dropped (no row is rewritten; the space comes back as rows "
            f"are updated or on VACUUM FULL), but it takes an ACCESS EXCLUSIVE lock on {table} for that moment, and a view "
            "or another table's foreign key that depends on the column makes it fail unless CASCADE drops them too.",))
    if dialect.family == MYSQL:
        first = (10, 4) if dialect.mariadb else (8, 0, 29)
        if indexed == ALONE:
            return ChangeCost(False, "exclusive metadata lock", (
                f"On {label}, dropping an indexed column drops its index in place (ALGORITHM=INPLACE, no rebuild): reads "
                "and writes go on.",), algorithm="INPLACE")
        if indexed == SHARED:
            return ChangeCost(True, "exclusive metadata lock", (
                f"On {label}, dropping a column that shares an index with other columns rebuilds {table} in place "
                "(ALGORITHM=INPLACE) to shrink that index: reads and writes go on, but the rebuild takes as long as copying "
                "the table.",), algorithm="INPLACE")
        if dialect.at_least(*first):
            return ChangeCost(False, "exclusive metadata lock", (
                f"On {label}, DROP COLUMN is instant (ALGORITHM=INSTANT): only the metadata changes, under a brief "
                "exclusive metadata lock.",), algorithm="INSTANT")
        since = ".".join(str(p) for p in first)
        return ChangeCost(True, "exclusive metadata lock", (
            f"On {label}, DROP COLUMN rebuilds {table} in place (ALGORITHM=INPLACE; instant only from {since}): reads and "
            "writes go on, but the rebuild takes as long as copying the table.",), algorithm="INPLACE")
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
        first = (10, 4) if dialect.mariadb else (8, 0, 28)
        instant = dialect.at_least(*first)
        how = "instant (ALGORITHM=INSTANT)" if instant else \
            f"in place without a rebuild (instant from {'.'.join(str(p) for p in first)})"
        return ChangeCost(False, "exclusive metadata lock", (
            f"On {label}, RENAME COLUMN is {how}; views that name the column are not updated and fail on their next use.",),
            algorithm="INSTANT" if instant else "INPLACE")
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
    charset: str | None = None  # MySQL's CHARACTER SET and COLLATE, when the type names them
    collation: str | None = None

    @classmethod
    def of(cls, written: str) -> SqlType:
        text = written.strip().lower()
        charset = re.search(r"\s+(?:character\s+set|charset)\s+(\w+)", text)
        collation = re.search(r"\s+collate\s+(\w+)", text)
        if charset or collation:
            from dataclasses import replace

            bare = re.sub(r"\s+(?:(?:character\s+set|charset)|collate)\s+\w+", "", text)
            return replace(cls.of(bare), written=written, charset=charset.group(1) if charset else None,
                           collation=collation.group(1) if collation else None)
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


_BYTES_PER_CHARACTER = {"latin1": 1, "ascii": 1, "binary": 1, "utf8mb3": 3, "utf8": 3, "ucs2": 2, "utf16": 4, "utf32": 4}


def _bytes(sql_type: SqlType) -> int:
    """The most bytes a VARCHAR holds (utf8mb4, the default character set, when the type names none)."""
    return sql_type.args[0] * _BYTES_PER_CHARACTER.get(sql_type.charset or "utf8mb4", 4)


def _mysql_length_bytes(sql_type: SqlType) -> int:
    return 1 if _bytes(sql_type) <= 255 else 2


def _written_name(sql_type: SqlType) -> str:
    return " ".join(re.split(r"[(\s]", sql_type.written.strip().lower(), maxsplit=1)[:1])


def _mysql_in_place(dialect: Dialect, old: SqlType, new: SqlType) -> str | None:
    """The algorithm of a type change InnoDB makes without copying the table (INSTANT on MariaDB
    10.4 on, INPLACE on MySQL), or None when it copies."""
    charset_kept = new.charset in (None, old.charset) or (old.charset, new.charset) in (("utf8mb3", "utf8mb4"), ("utf8", "utf8mb4"))
    if new.charset is not None and old.charset is None:
        return None  # the column's character set is unknown: assume it changes
    if (old.family, old.base, old.args) == (new.family, new.base, new.args):
        same_name = _written_name(old) == _written_name(new)  # TEXT to MEDIUMTEXT is one kind, two types
        return "INSTANT" if dialect.mariadb and dialect.at_least(10, 4) and charset_kept and same_name else None
    if not (old.base == "varchar" and new.base == "varchar" and old.args and new.args and new.args[0] >= old.args[0]) or (
            new.charset not in (None, old.charset)):
        return None
    if dialect.mariadb:
        if not dialect.at_least(10, 4):
            return None
        prefix_kept = _bytes(new) <= 255 or _bytes(old) > 255 or _bytes(old) <= 127
        return "INSTANT" if prefix_kept else None
    return "INPLACE" if _mysql_length_bytes(old) == _mysql_length_bytes(new) else None


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
        algorithm = _mysql_in_place(dialect, old, new)
        if algorithm == "INSTANT":
            return ChangeCost(False, "exclusive metadata lock", (
                f"On {label}, {change} changes only the metadata (ALGORITHM=INSTANT): no row is copied, under a brief "
                "exclusive metadata lock.",), algorithm=algorithm)
        if algorithm == "INPLACE":
            return ChangeCost(False, "exclusive metadata lock", (
                f"On {label}, extending {change} keeps the length prefix's size: in place (ALGORITHM=INPLACE), no copy.",),
                algorithm=algorithm)
        return ChangeCost(True, "shared lock (writes blocked)", (
            f"On {label}, changing {column} from {change} copies {table} (ALGORITHM=COPY): writes to {table} are blocked "
            "until the copy ends.",), algorithm="COPY")
    if dialect.family == SQLITE:
        return ChangeCost(True, "database write lock", (
            f"{label} has no ALTER COLUMN: changing the type of {column} means rebuilding {table} (create the new table, "
            "copy the rows, drop the old one, rename; https://www.sqlite.org/lang_altertable.html#otheralter), or Alembic's "
            "batch mode, which does the same.",), unsupported=True)
    return ChangeCost(True, "exclusive lock", (f"depmap does not know how {label} changes a column's type: assume a rewrite.",))
