"""The proposed column: what the user asks about (`depmap impact`) or what a migration adds
(`depmap check`), validated against the target dialect before any rule runs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from depmap.impact.common_types import common_type
from depmap.model import Location

_IDENTIFIER = re.compile(r"^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*)?$")


# What a spec asks about: a column added (`impact`, `check` of an ADD), or an existing column
# dropped, renamed or given another type (`impact --drop/--rename/--set-type`, `check` of those).
ADD, DROP, RENAME, SET_TYPE = "add", "drop", "rename", "set_type"
CHANGES = (ADD, DROP, RENAME, SET_TYPE)


class SpecError(ValueError):
    """A malformed column spec: the message is one line that says what to write instead."""


@dataclass(frozen=True)
class ColumnSpec:
    """A column to add, or an existing column to drop, rename or retype (`change`).

    For a rename `new_name` is the column's new name; for a type change `type` is the new type
    and `old_type` the type the catalog knows today.

    `default` is the default the column keeps (the database default every later INSERT gets);
    `add_default` is a value used only while adding it: Django's `AddField(default=...)` fills
    existing rows with it and then drops it, so old code that omits the column fails afterwards.
    `origin` is the migration statement that adds the column (None for a proposal).
    """

    table: str
    column: str
    type: str | None = None
    nullable: bool = True
    default: str | None = None
    add_default: str | None = None
    generated: str | None = None  # "stored" or "virtual": GENERATED ALWAYS AS (...) [STORED|VIRTUAL]
    identity: bool = False  # GENERATED ... AS IDENTITY, serial, AUTO_INCREMENT
    unique: bool = False
    primary_key: bool = False
    references: str | None = None  # "table(column)" of a foreign key
    check: str | None = None
    position: str | None = None  # MySQL FIRST / AFTER x
    origin: Location | None = None
    framework: str | None = None  # "sql", "alembic" or "django" when read from a migration
    client_default: str | None = None  # an ORM-side default (Django default=, SQLAlchemy default=)
    notes: tuple[str, ...] = field(default=())
    change: str = ADD
    new_name: str | None = None
    old_type: str | None = None

    @property
    def adds(self) -> bool:
        return self.change == ADD

    @property
    def verb(self) -> str:
        """The change in words: "adding", "dropping", "renaming", "changing the type of"."""
        return {ADD: "adding", DROP: "dropping", RENAME: "renaming", SET_TYPE: "changing the type of"}[self.change]

    @property
    def fill_value(self) -> str | None:
        """What existing rows get when the column is added."""
        return self.default if self.default is not None else self.add_default

    @property
    def not_null(self) -> bool:
        return not self.nullable

    @property
    def writers_must_set(self) -> bool:
        """Whether an INSERT that omits the column fails once it exists."""
        return self.not_null and self.default is None and self.generated is None and not self.identity

    @property
    def is_trivial(self) -> bool:
        """A nullable column with no default, key or constraint: the short plan suffices."""
        return (
            self.nullable
            and self.fill_value is None
            and not (self.generated or self.identity or self.unique or self.primary_key or self.references or self.check)
        )

    def with_origin(self, origin: Location, framework: str) -> ColumnSpec:
        return replace(self, origin=origin, framework=framework)

    def to_json(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "column": self.column,
            "type": self.type,
            "not_null": self.not_null,
            "default": self.default,
            "add_default": self.add_default,
            "generated": self.generated,
            "identity": self.identity,
            "unique": self.unique,
            "primary_key": self.primary_key,
            "references": self.references,
            "check": self.check,
            "position": self.position,
            "client_default": self.client_default,
            "framework": self.framework,
            "origin": None if self.origin is None else {"path": self.origin.path, "line": self.origin.line},
            "notes": list(self.notes),
            "change": self.change,
            "new_name": self.new_name,
            "old_type": self.old_type,
        }


def parse_type(text: str | None, dialect: str) -> str | None:
    """The type as the dialect writes it; a single unknown word is a domain or extension type.

    SQLite keeps a column's declared type as written and derives its affinity from the words, so a
    type it accepts is kept in the user's spelling (sqlglot would turn `varchar(32)` into `TEXT(32)`).
    """
    if text is None:
        return None
    cleaned = text.strip()
    if not cleaned:
        raise SpecError("empty --type; give a SQL type such as text, integer or varchar(20)")
    if (known := common_type(cleaned, dialect)) is not None:
        return known  # what sqlglot would say, without loading it (`depmap.impact.common_types`)
    from sqlglot import exp
    from sqlglot.errors import ParseError

    constraints = _constraints_in(cleaned, dialect)
    if constraints:
        raise SpecError(f"type '{text}' carries {constraints}; give the type alone, with --not-null for NOT NULL and --default EXPR for a default")
    if dialect == "sqlite" and _sqlite_declares(cleaned):
        return cleaned
    try:
        return exp.DataType.build(cleaned, dialect=dialect).sql(dialect)
    except (ParseError, ValueError, TypeError):
        pass
    if _IDENTIFIER.match(cleaned):
        if close := _misspelled_type(cleaned):  # `texxt`: a typo, not a domain
            raise SpecError(f"unknown type '{text}' for {dialect}; did you mean {' or '.join(close)}?")
        return cleaned  # a domain or an extension's type (citext, a user enum): kept as written
    raise SpecError(f"malformed type '{text}' for {dialect}; write a SQL type such as text, integer, numeric(10,2)")


# Type names a typo lands near; an unknown word far from all of them is a domain or an enum.
_TYPE_WORDS = (
    "text integer int bigint smallint varchar char character boolean bool timestamp timestamptz date time timetz "
    "numeric decimal real float double money json jsonb uuid bytea blob serial bigserial smallserial interval inet "
    "cidr macaddr citext hstore xml bit varbit tinyint mediumint longtext mediumtext tinytext datetime year enum"
).split()


def _misspelled_type(word: str) -> list[str]:
    import difflib

    lowered = word.lower()
    if lowered in _TYPE_WORDS:
        return []
    return difflib.get_close_matches(lowered, _TYPE_WORDS, n=2, cutoff=0.8)


def _constraints_in(type_text: str, dialect: str) -> str | None:
    """What follows the type as a column constraint (`NOT NULL`, `DEFAULT 0`, `PRIMARY KEY`), or None.

    sqlglot reads a type up to its last word and ignores the rest, so `text NOT NULL` would be
    judged as a nullable TEXT: a column definition is parsed to see what the text really says."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError

    try:
        column = sqlglot.parse_one(f"CREATE TABLE t (c {type_text})", dialect=dialect).find(exp.ColumnDef)
    except (ParseError, ValueError, TypeError):
        return None
    words = [c.sql(dialect) for c in (column.args.get("constraints") or [])] if column is not None else []
    if not words:
        return None
    return ", ".join(words) if all(words) else "a constraint"


def _sqlite_declares(type_text: str) -> bool:
    """Whether SQLite accepts `type_text` as a column's declared type and keeps it as written (an
    in-memory database answers; `text NOT NULL` is accepted but declares `TEXT` plus a constraint)."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(":memory:")) as db:
        try:
            db.execute(f"CREATE TABLE t (c {type_text})")
        except (sqlite3.Error, sqlite3.Warning):
            return False
        row = db.execute("PRAGMA table_info(t)").fetchone()
    return row is not None and row[2] == type_text


def parse_default(text: str | None, dialect: str) -> str | None:
    """A default must be one constant or function expression, without column references."""
    if text is None:
        return None
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError, TokenError

    cleaned = text.strip()
    hint = "write a constant or function, e.g. --default 0, --default \"'new'\" or --default 'now()'"
    if not cleaned:
        raise SpecError(f"empty --default; {hint}")
    try:
        select = sqlglot.parse_one(f"SELECT {cleaned}", read=dialect)
    except (ParseError, TokenError, ValueError) as error:
        raise SpecError(f"malformed default '{text}' for {dialect} ({str(error).splitlines()[0][:80]}); {hint}") from None
    expressions = select.expressions if isinstance(select, exp.Select) else []
    if len(expressions) != 1 or select.args.get("from") or select.args.get("from_"):
        raise SpecError(f"malformed default '{text}': one expression expected; {hint}")
    value = expressions[0]
    if isinstance(value, exp.Alias) or any(_refers_to_data(node) for node in value.walk()):
        raise SpecError(f"malformed default '{text}': a default cannot refer to columns or run a query; {hint}")
    return cleaned


_NILADIC = frozenset({"LOCALTIME", "LOCALTIMESTAMP", "CURRENT_USER", "SESSION_USER", "CURRENT_ROLE", "CURRENT_SCHEMA", "USER"})


def _refers_to_data(node: object) -> bool:
    from sqlglot import exp

    if isinstance(node, exp.Column):
        return not (node.table == "" and node.name.upper() in _NILADIC)
    return isinstance(node, (exp.Subquery, exp.Select))


def parse_new_name(text: str) -> str:
    """The new name of `--rename`: one identifier, without quotes or a table (folded to lower
    case, as an unquoted identifier is)."""
    cleaned = text.strip()
    if not re.fullmatch(r"[A-Za-z_][\w$]*", cleaned):
        raise SpecError(f"malformed new name '{text}' for --rename; write one column name, e.g. --rename stock_on_hand")
    return cleaned.lower()


def parse_target(target: str) -> tuple[str, str]:
    """`TABLE.COLUMN`, `SCHEMA.TABLE.COLUMN` or a model's `[app.]Model.field` → (table, column) as
    written (the model, when it is one, is resolved against the index later)."""
    parts = [p.strip() for p in target.strip().split(".")]
    if len(parts) < 2 or any(not p or " " in p for p in parts):
        raise SpecError(f"malformed column '{target}'; write TABLE.COLUMN or Model.field, e.g. orders.discount_code")
    return ".".join(parts[:-1]), parts[-1].strip('"').lower() if not parts[-1].startswith('"') else parts[-1].strip('"')
