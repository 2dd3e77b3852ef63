"""Core types: the single currency between discovery, scanners, catalog, graph and renderers.

Facts are frozen, serialise to plain JSON and back without loss (the cache stores them), and sort
canonically so that every output is byte-identical from run to run.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

# The version of every JSON document depmap prints. 2: a usage's `line` is where its statement
# names the table (it was the statement's first line), with the statement's span kept apart.
SCHEMA_VERSION = 2

# Reads of a column that do not name it: the rest of a row an ORM query loads whole, and an
# attribute read on a row held in a variable. Reports list them apart from the ones that name it.
INDIRECT_READS = {"orm_load": "load the whole row", "orm_attribute": "read the attribute"}

# Fact kinds.
TABLE_DEF = "table_def"  # a table is created, dropped or renamed (detail says which)
COLUMN_DEF = "column_def"  # a column is defined, added, altered, dropped or renamed
ACCESS = "access"  # code reads or writes a table (and some of its columns)
FLOW = "flow"  # data moves from one table to another (INSERT ... SELECT, CTAS, views)
EXPOSURE = "exposure"  # a serializer/form exposes a model's fields (ORM issue)
PARSE_ERROR = "parse_error"  # SQL that could not be parsed; tables seen by the tokenizer only
SCHEMA_OP = "schema_op"  # one schema operation on one table: its history (never a usage)
# Symbolic, consumed by the routine linker: a function, procedure or trigger with a body is
# defined (extra: name, routine, language, trigger, parameters); a query calls a function by name.
ROUTINE = "routine"
ROUTINE_CALL = "routine_call"

# Schema operations: a SCHEMA_OP fact's `detail`, the same words whatever wrote it (SQL, Alembic,
# Django, an ORM model). `columns` are the columns it touches; `access` is "schema"; the location
# spans the operation (a migration call from its first line to its last). `extra` may hold:
#   name            the index, constraint or trigger name (None when the source leaves it to the database)
#   new_name        rename_table, rename_column, rename_index, and alter_column when it also renames
#   unique, where, expressions   create_index: a unique index, a partial index's predicate as
#                   written, items that are expressions rather than columns
#   constraint      add_constraint / drop_constraint: "unique" | "foreign_key" | "check" |
#                   "primary_key" | "exclude" (absent when a drop does not say)
#   references      a foreign key's target: {"table": ..., "columns": [...]}
#   check           a check constraint's condition as written
#   change          alter_column: what changes, when the source says it ("type", "set not null",
#                   "drop default", ...)
#   together        alter_unique_together / alter_index_together: the column lists the model now has
#   through         "auto": the join table Django makes for a ManyToManyField without `through`
#   option          "unique_together" | "index_together": a constraint or index one of those
#                   Django options makes (the next alter_*_together replaces them)
#   column_constraints   create_table/add_column/alter_column: what column definitions declare,
#                   [{"column", "unique", "index", "primary_key", "references"}] (only the true ones)
#   trigger         create_trigger: {"timing": "AFTER", "events": ["INSERT", "UPDATE"]}
#   within          "create_table" for a table-level item of a table's creation (a named UNIQUE,
#                   a ForeignKeyConstraint, CreateModel's options), "model" for an ORM declaration
#   operation       the operation as its source names it ("AddIndex", "create_unique_constraint")
#   direction       "down" when it only runs when migrating down (Alembic downgrade, reverse_sql)
#   migration       the migration's identity: Alembic revision id, Django "app_label.name"
#   model           an ORM declaration's model (qualified class name)
#   table_from      how a table-less drop (`DROP INDEX ix`) found its table: "index" | "trigger" |
#                   "constraint"; `columns_from` "name" when a drop got the columns of what it
#                   drops (and a dropped foreign key its `references`): the catalog settles these
# The catalog replays them (downgrades never) into each table's indexes, constraints and triggers.
SCHEMA_OPS = frozenset(
    """create_table create_table_as drop_table rename_table create_view drop_view add_column drop_column alter_column
    rename_column create_index drop_index rename_index add_constraint drop_constraint
    alter_unique_together alter_index_together create_trigger drop_trigger comment alter_table""".split()
)

# Accesses.
READ, WRITE, SCHEMA = "read", "write", "schema"

# Confidence, strongest first.
HIGH, MEDIUM, LOW = "high", "medium", "low"
CONFIDENCE_ORDER = {HIGH: 0, MEDIUM: 1, LOW: 2}
SNIPPET_LIMIT = 160  # the longest snippet a fact keeps (what a listing shows whole)

# Details that read every column of a table, whether or not it exists yet.
STAR_DETAILS = frozenset({"select_star", "insert_select_star"})
# Details that write every column of a table by position.
POSITIONAL_DETAILS = frozenset({"positional_insert", "insert_select_star"})
# Table sinks (`extra["sink"]` of an insert) that write a DataFrame's columns by name: pandas
# `to_sql`, polars `write_database`; `extra["if_exists"]` says whether they append or replace.
FRAME_WRITER_SINKS = frozenset({"to_sql", "write_database"})


def weaker(a: str, b: str) -> str:
    """The weaker of two confidence labels: a guess built on a guess stays a guess."""
    return a if CONFIDENCE_ORDER[a] >= CONFIDENCE_ORDER[b] else b


@dataclass(frozen=True, order=True, slots=True)
class Location:
    """Where a fact was observed. `path` is relative to the scanned root, POSIX separators.

    `line` is where the observation names its table (the `FROM`/`JOIN`/`INTO` line of a
    statement, a dbt `ref()`, an ORM call); `statement_line`, when set, is the first line of the
    statement that holds it, which then spans `statement_line`..`end_line`.
    """

    path: str
    line: int
    end_line: int | None = None
    col: int | None = None
    symbol: str | None = None
    statement_line: int | None = None

    def __reduce__(self) -> tuple:
        """Pickled as a constructor call: as fast to load as a plain instance (the generated
        state methods of a frozen class with slots took twice as long). A fact writes its
        location's fields itself (`Fact.__reduce__`)."""
        return (Location, (self.path, self.line, self.end_line, self.col, self.symbol, self.statement_line))

    @property
    def statement_start(self) -> int:
        """The first line of the whole statement (`line` when the two coincide)."""
        return self.statement_line if self.statement_line is not None else self.line

    @property
    def site_end(self) -> int:
        """The last line a pointer to this site covers: the naming line alone inside a longer
        statement, else the whole observation (a multi-line ORM call, a one-statement span)."""
        if self.statement_line is not None or self.end_line is None:
            return self.line
        return self.end_line

    @property
    def statement(self) -> tuple[str, int, int]:
        """(path, first line, last line) of the statement: equal for every fact one statement
        gives, whichever line each names its table on."""
        return (self.path, self.statement_start, self.end_line if self.end_line is not None else self.line)


@dataclass(frozen=True, slots=True)
class Fact:
    """One observation made by a scanner.

    `columns` empty on an access means "the table as a whole" (and, with a star detail, every
    column). `extra` holds kind-specific data, e.g. a column definition's type, nullability and
    default, or the candidate tables of an unqualified column.

    Slots, not an instance dict: a million-line project holds a quarter of a million facts, and
    the dict was half of what a fact itself cost.
    """

    kind: str
    table: str
    location: Location
    columns: tuple[str, ...] = ()
    access: str | None = None
    detail: str | None = None
    via: str = "sql"
    confidence: str = HIGH
    snippet: str = ""
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)

    def __reduce__(self) -> tuple:
        """Pickled as one call with its location's fields inline: a pickler keeps every object it
        wrote (and the arguments it wrote them with) until the end, so a location of its own was
        two more objects per fact held while a large index is saved."""
        loc = self.location
        return (_unpickled_fact, (self.kind, self.table, loc.path, loc.line, loc.end_line, loc.col, loc.symbol, loc.statement_line,
                                  self.columns, self.access, self.detail, self.via, self.confidence, self.snippet, self.extra))

    def sort_key(self) -> tuple:
        loc = self.location
        return (
            loc.path,
            loc.line,
            loc.end_line or 0,
            self.kind,
            self.table,
            self.access or "",
            self.detail or "",
            self.columns,
            CONFIDENCE_ORDER[self.confidence],
            loc.symbol or "",
            _ExtraKey(self.extra),
        )

    @property
    def reads_all_columns(self) -> bool:
        return self.detail in STAR_DETAILS and self.access == READ

    def to_json(self) -> dict[str, Any]:
        """The fact as JSON data; `extra` is shared, not copied (callers serialise it): `asdict`'s
        deep copy made encoding the facts of a cold scan for the cache cost seconds."""
        loc = self.location
        return {
            "kind": self.kind,
            "table": self.table,
            "location": {"path": loc.path, "line": loc.line, "end_line": loc.end_line, "col": loc.col, "symbol": loc.symbol,
                         "statement_line": loc.statement_line},
            "columns": list(self.columns),
            "access": self.access,
            "detail": self.detail,
            "via": self.via,
            "confidence": self.confidence,
            "snippet": self.snippet,
            "extra": self.extra,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fact:
        data = dict(data)
        data["location"] = Location(**data["location"])
        data["columns"] = tuple(data.get("columns") or ())
        return cls(**data)


def _unpickled_fact(kind: str, table: str, path: str, line: int, end_line: int | None, col: int | None, symbol: str | None,
                    statement_line: int | None, *rest: Any) -> Fact:
    return Fact(kind, table, Location(path, line, end_line, col, symbol, statement_line), *rest)


class _ExtraKey:
    """Orders facts by their `extra` as canonical JSON, computed only when everything else ties:
    serialising every fact's extra made sorting the slowest step of a warm query."""

    __slots__ = ("extra", "_text")

    def __init__(self, extra: dict[str, Any]) -> None:
        self.extra = extra
        self._text: str | None = None

    def text(self) -> str:
        if self._text is None:
            self._text = json.dumps(self.extra, sort_keys=True, default=str)
        return self._text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _ExtraKey) and (self.extra is other.extra or self.text() == other.text())

    def __lt__(self, other: _ExtraKey) -> bool:
        return self.text() < other.text()

    __hash__ = None  # type: ignore[assignment]


def sorted_facts(facts: list[Fact]) -> list[Fact]:
    return sorted(facts, key=Fact.sort_key)


# The note of an access reached through a call of project code: the file of the statement itself.
CALLED_CODE_NOTE = "code"


def in_own_statement(fact: Fact) -> bool:
    """Not an access reached through a call of a project function or method whose own statement
    names the table: that statement is where a change is made, and where findings are raised;
    the call is listed among the table's readers and writers."""
    return CALLED_CODE_NOTE not in fact.extra


def merged_per_table(facts: list[Fact]) -> list[Fact]:
    """One fact per (table, access, detail): the first, with every column the others name. What
    code reached through a call touches, said once at the call (a `SELECT *` stays apart from a
    read that names its columns)."""
    first: dict[tuple[str, str | None, str | None], Fact] = {}
    columns: dict[tuple[str, str | None, str | None], dict[str, None]] = {}  # of the keys named twice or more
    for fact in facts:
        key = (fact.table, fact.access, fact.detail)
        if key not in first:
            first[key] = fact
        elif key in columns:
            columns[key].update(dict.fromkeys(fact.columns))
        else:
            columns[key] = dict.fromkeys((*first[key].columns, *fact.columns))
    # One copy per merged key: a copy per fact merged made this most of linking a large Django project.
    return [replace(fact, columns=tuple(columns[key])) if key in columns else fact for key, fact in first.items()]


@dataclass(frozen=True, order=True)
class Skipped:
    """A file (or part of one) that was not analysed, and why: it reaches every report."""

    path: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


@dataclass(frozen=True)
class ScanResult:
    """What scanning one file produced."""

    facts: list[Fact] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def migration_order(fact: Fact) -> tuple:
    """Sort key. Plain DDL first, by the natural order of path parts (numbers as numbers), then
    migrations a tool orders (Alembic revision chains, Django dependencies: `migration_rank`),
    then ORM model definitions, which only add what no DDL said; within a file, by line."""
    if fact.detail == "model_definition" or (fact.kind == SCHEMA_OP and fact.extra.get("within") == "model"):
        # by table, its definition first: columns may be inherited from other files
        return (2, ((0, 0, fact.table),), 0 if fact.kind == TABLE_DEF else 1, fact.location.path, fact.location.line)
    if "migration_rank" in fact.extra:
        group, key = 1, ((0, int(fact.extra["migration_rank"]), ""),)
    else:
        group, key = 0, _natural_key(fact.location.path)
    return (group, key, fact.location.line, _within_line(fact), "", 0)


@functools.lru_cache(maxsize=65536)
def _natural_key(path: str) -> tuple:
    """A path's parts, numbers as numbers: once per path (a catalog sorts 100,000 facts of a few thousand files)."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", path))


def _within_line(fact: Fact) -> int:
    """At one line: the table first, then its columns and its creation's own operation, then the
    operations on it (a table-level constraint of a CREATE TABLE comes after the creation)."""
    if fact.kind == TABLE_DEF:
        return 0
    if fact.kind == SCHEMA_OP and fact.detail not in ("create_table", "create_view", "create_table_as"):
        return 2
    return 1
