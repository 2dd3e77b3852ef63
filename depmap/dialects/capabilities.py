"""What each target database does when a column is added: the one home of dialect knowledge.

Rules and the rollout plan ask a `Dialect` questions instead of testing names themselves, so a
statement in a report is true for the user's database and server version. Where the server
version is unknown, answers are the conservative ones (the behaviour of the oldest version still
supported upstream), and the report says which version it assumed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from depmap.impact.spec import ColumnSpec

# sqlglot's names, and the families whose DDL behaviour depmap knows in detail.
POSTGRES, MYSQL, SQLITE = "postgres", "mysql", "sqlite"
_FAMILY = {"postgres": POSTGRES, "redshift": POSTGRES, "materialize": POSTGRES, "risingwave": POSTGRES,
           "mysql": MYSQL, "doris": MYSQL, "starrocks": MYSQL, "singlestore": MYSQL, "sqlite": SQLITE}


def parse_version(text: str | None) -> tuple[int, ...] | None:
    """`"16"`, `"8.0.29"`, `"PostgreSQL 15.4"` → a comparable tuple; None when there is no number."""
    if not text:
        return None
    match = re.search(r"\d+(?:\.\d+)*", str(text))
    return tuple(int(part) for part in match.group(0).split(".")) if match else None


@dataclass(frozen=True)
class Dialect:
    """A target database: sqlglot dialect name, server version if known, and where the choice came from."""

    name: str
    version: tuple[int, ...] | None = None
    source: str = "default"  # "option", "config", a path that says so (settings.py, alembic.ini...), or "default"

    @property
    def family(self) -> str | None:
        """postgres, mysql or sqlite when depmap knows this database's DDL in detail, else None."""
        return _FAMILY.get(self.name)

    @property
    def label(self) -> str:
        version = ".".join(str(p) for p in self.version) if self.version else "version unknown"
        return f"{self.name} ({version})"

    def at_least(self, *version: int) -> bool:
        """True only when the server version is known and is at least `version`."""
        return self.version is not None and self.version >= version

    @property
    def mariadb(self) -> bool:
        """A MariaDB server: the MySQL family at version 10 or later. MySQL numbers its releases
        5.x, 8.x and 9.x; MariaDB forked at 5.5 and went on from 10.0."""
        return self.family == MYSQL and self.version is not None and self.version[0] >= 10


# ---------------------------------------------------------------------------------------------
# What adding a column costs, per family and version.
#
# PostgreSQL: "Notes" of ALTER TABLE, https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
#   and 5.7.2 "Adding a Column", https://www.postgresql.org/docs/current/ddl-alter.html#DDL-ALTER-ADDING-A-COLUMN:
#   since 11 a non-volatile default is stored in the catalog (no rewrite); a volatile default, a
#   stored generated column, an identity column or a domain with constraints rewrites the table
#   and its indexes; ADD COLUMN always takes ACCESS EXCLUSIVE
#   (https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES).
#   Checked on a PostgreSQL 15 server (relfilenode before/after): now(), CURRENT_TIMESTAMP,
#   statement_timestamp(), constants and a FOREIGN KEY on an all-NULL new column do not rewrite or
#   scan; clock_timestamp(), random(), gen_random_uuid(), uuid_generate_v4(), serial, identity,
#   STORED generated and a constrained domain rewrite; UNIQUE builds an index, CHECK and a FOREIGN
#   KEY on a column with a non-null default scan every row.
# MySQL: 17.12.1 "Online DDL Operations", Column Operations,
#   https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html#online-ddl-column-operations
#   (INSTANT is the default from 8.0.12, last position only before 8.0.29, 64 row versions, not
#   for ROW_FORMAT=COMPRESSED, FULLTEXT indexes or temporary tables; stored generated columns and
#   CHECK constraints use COPY; AUTO_INCREMENT rebuilds without concurrent DML), and Foreign Key
#   Operations (INPLACE only with foreign_key_checks disabled, else COPY). A UNIQUE column is added
#   in place with a table rebuild: INSTANT cannot build an index, and an in-place ADD COLUMN rebuilds.
#   A table has at most one AUTO_INCREMENT column, and it must be a key (error 1075).
# MariaDB (a MySQL-family version >= 10), measured by `depmap verify` on MariaDB 10.11
#   (tests/verify/test_mysql_conformance.py; https://mariadb.com/kb/en/instant-add-column-for-innodb/):
#   instant ADD COLUMN from 10.3 (last position), anywhere from 10.4; a column CHECK is added
#   instantly WITHOUT testing existing rows; a non-deterministic default (UUID(), SYSDATE()) copies
#   the table, while RAND() is evaluated once and stored, every existing row getting that value.
# SQLite: https://www.sqlite.org/lang_altertable.html#alter_table_add_column (ADD COLUMN only
#   edits the schema text; the listed restrictions make the statement fail).
# ---------------------------------------------------------------------------------------------

POSTGRES_DOCS = "https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES"
MYSQL_DOCS = "https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html#online-ddl-column-operations"
SQLITE_DOCS = "https://www.sqlite.org/lang_altertable.html#alter_table_add_column"
SQLITE_REBUILD_DOCS = "https://www.sqlite.org/lang_altertable.html#otheralter"

IMMUTABLE, STABLE, VOLATILE, UNKNOWN = "immutable", "stable", "volatile", "unknown"

# PostgreSQL built-ins (and common extensions) that are VOLATILE (pg_proc.provolatile = 'v').
_VOLATILE_FUNCTIONS = frozenset(
    {
        "clock_timestamp", "timeofday", "random", "random_normal", "setseed", "gen_random_uuid", "uuidv4",
        "uuidv7", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "gen_random_bytes", "nextval",
        "currval", "lastval", "setval", "set_config", "uuid", "rand", "uuid_short", "sysdate",
    }
)
# STABLE functions: one value per statement, so every existing row gets the ALTER-time value.
_STABLE_FUNCTIONS = frozenset(
    {
        "now", "statement_timestamp", "transaction_timestamp", "current_setting", "txid_current",
        "pg_current_xact_id", "inet_client_addr", "pg_backend_pid", "to_char", "to_timestamp", "concat",
        "utc_timestamp", "utc_date", "utc_time", "curdate", "curtime", "localtime", "localtimestamp",
    }
)
_VOLATILE_CLASSES = frozenset({"Uuid", "Rand", "Randn", "Randstr"})
_STABLE_CLASSES = frozenset(
    {
        "CurrentTimestamp", "CurrentDate", "CurrentTime", "CurrentDatetime", "CurrentTimestampLTZ", "Localtime",
        "Localtimestamp", "CurrentUser", "CurrentRole", "CurrentSchema", "CurrentCatalog", "CurrentDatabase",
    }
)
_SQLITE_TIME_KEYWORDS = frozenset({"CURRENT_TIME", "CURRENT_DATE", "CURRENT_TIMESTAMP"})
_NULL_WORDS = frozenset({"NULL", "NONE"})


def default_volatility(dialect: Dialect, expr_text: str | None) -> str:
    """`immutable`, `stable`, `volatile` or `unknown` (a function depmap does not know: PostgreSQL
    makes a function VOLATILE unless it is declared otherwise, so treat unknown as a likely rewrite).

    >>> default_volatility(Dialect("postgres", (16,)), "gen_random_uuid()")
    'volatile'
    >>> default_volatility(Dialect("postgres", (16,)), "now()")
    'stable'
    """
    if expr_text is None or not expr_text.strip():
        return IMMUTABLE
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError, TokenError

    try:
        tree = sqlglot.parse_one(f"SELECT {expr_text}", read=dialect.name)
    except (ParseError, TokenError, ValueError):
        return UNKNOWN
    worst = IMMUTABLE
    rank = {IMMUTABLE: 0, STABLE: 1, UNKNOWN: 2, VOLATILE: 3}
    for node in tree.walk():
        found = IMMUTABLE
        if isinstance(node, exp.Anonymous):
            name = str(node.name).lower()
            found = VOLATILE if name in _VOLATILE_FUNCTIONS else STABLE if name in _STABLE_FUNCTIONS else UNKNOWN
        elif isinstance(node, exp.Func):
            name = type(node).__name__
            found = VOLATILE if name in _VOLATILE_CLASSES else STABLE if name in _STABLE_CLASSES else IMMUTABLE
        elif isinstance(node, exp.Column) and node.name.upper() in ("LOCALTIME", "LOCALTIMESTAMP", "CURRENT_USER", "USER"):
            found = STABLE
        if rank[found] > rank[worst]:
            worst = found
    return worst


def is_volatile_default(dialect: Dialect, expr_text: str | None) -> bool:
    """Whether the default is evaluated per row (clock_timestamp(), random(), gen_random_uuid(),
    nextval(...)): on PostgreSQL such a default rewrites the table when the column is added."""
    return default_volatility(dialect, expr_text) == VOLATILE


def _non_null(default: str | None) -> str | None:
    if default is None or default.strip().upper() in _NULL_WORDS:
        return None
    return default.strip()


@dataclass(frozen=True)
class TableTraits:
    """What the project says about the existing table that changes the cost (None = not known)."""

    fulltext: bool = False  # MySQL: a FULLTEXT index
    compressed: bool = False  # MySQL: ROW_FORMAT=COMPRESSED
    temporary: bool = False
    instant_changes: int = 0  # MySQL: columns added or dropped since the table was created
    auto_increment: bool = False  # MySQL: the table already has an AUTO_INCREMENT column


@dataclass(frozen=True)
class AddColumnCost:
    """What `ALTER TABLE ... ADD COLUMN` does to the table in one dialect and version.

    `rewrites`: every row is copied (the time grows with the table); `scans`: every row is read
    (index build, constraint validation) without a rewrite; `fails`: the database refuses the
    statement; `certain`: False when the answer rests on an assumption (unknown server version,
    a function of unknown volatility), said in `reasons`. `causes` are stable codes the rules and
    the plan use to choose the safe alternative.
    """

    rewrites: bool
    scans: bool
    lock: str | None
    instant: bool
    reasons: list[str]
    fails: bool = False
    certain: bool = True
    algorithm: str | None = None  # MySQL: INSTANT, INPLACE or COPY
    causes: tuple[str, ...] = ()


class _Cost:
    """Accumulates one verdict: causes, their sentences, and whether each rests on an assumption."""

    def __init__(self) -> None:
        self.rewrites = self.scans = self.fails = False
        self.certain = True
        self.reasons: list[str] = []
        self.causes: list[str] = []

    def add(self, cause: str, reason: str, *, rewrites: bool = False, scans: bool = False, fails: bool = False,
            certain: bool = True) -> None:
        self.causes.append(cause)
        self.reasons.append(reason)
        self.rewrites |= rewrites
        self.scans |= scans
        self.fails |= fails
        self.certain &= certain

    def result(self, lock: str | None, algorithm: str | None = None) -> AddColumnCost:
        instant = not (self.rewrites or self.scans or self.fails)
        return AddColumnCost(self.rewrites, self.scans, lock, instant, self.reasons, self.fails, self.certain,
                             algorithm, tuple(self.causes))


def add_column_cost(dialect: Dialect, spec: ColumnSpec, traits: TableTraits | None = None) -> AddColumnCost:
    """What adding `spec` costs on `dialect`: rewrite, scan, lock, refusal, with one sentence per cause."""
    traits = traits or TableTraits()
    if dialect.family == POSTGRES:
        return _postgres_cost(dialect, spec)
    if dialect.family == MYSQL:
        return _mysql_cost(dialect, spec, traits)
    if dialect.family == SQLITE:
        return _sqlite_cost(spec)
    return AddColumnCost(
        rewrites=False, scans=False, lock=None, instant=False, certain=False, causes=("unknown_dialect",),
        reasons=[f"depmap does not know what adding a column costs on {dialect.name}; check its documentation."],
    )


def _user_defined(type_text: str) -> bool:
    """A type sqlglot does not know as PostgreSQL's: a domain, an enum, an extension's type."""
    from depmap.impact.common_types import common_type

    if common_type(type_text, "postgres") is not None:  # one sqlglot reads (without loading it)
        return False
    from sqlglot import exp

    try:
        exp.DataType.build(type_text, dialect="postgres")
    except Exception:  # sqlglot raises several kinds for a name it does not know
        return True
    return False


def _postgres_cost(dialect: Dialect, spec: ColumnSpec) -> AddColumnCost:
    cost = _Cost()
    v = dialect.version
    fill = _non_null(spec.fill_value)
    if spec.generated == "virtual":
        if v is not None and v < (18,):
            cost.add("virtual_unsupported", f"PostgreSQL {_dotted(v)} has no virtual generated columns (they exist from "
                     "PostgreSQL 18): the ALTER TABLE fails.", fails=True)
        elif v is None:
            cost.add("unknown_version", "version unknown: virtual generated columns need PostgreSQL 18 or later; older "
                     "servers refuse the statement.", certain=False)
    elif spec.generated:
        cost.add("stored_generated", "A STORED generated column is computed for every existing row: PostgreSQL "
                 "rewrites the whole table and its indexes.", rewrites=True)
    if spec.identity:
        cost.add("identity", "An identity (or serial) column takes a new sequence value for every existing row: "
                 "PostgreSQL rewrites the whole table and its indexes.", rewrites=True)
    if spec.type and not spec.identity and _user_defined(spec.type):
        # ATExecAddColumn: a domain with constraints forces a rewrite so that every row is checked
        # (measured by `depmap verify` on PostgreSQL 15); an enum or a constraint-free domain does not.
        cost.add("user_defined_type", f"{spec.type} is not a built-in type: if it is a domain with a CHECK or NOT NULL "
                 "constraint, PostgreSQL rewrites the whole table to check every row (an enum or a domain without "
                 "constraints costs nothing).", rewrites=True, certain=False)
    if fill is not None and not spec.identity and not spec.generated:
        volatility = default_volatility(dialect, fill)
        if v is not None and v < (11,):
            cost.add("old_version_default", f"PostgreSQL {_dotted(v)} writes the default {fill} into every existing row, "
                     "rewriting the whole table and its indexes (a non-volatile default is metadata-only from "
                     "PostgreSQL 11).", rewrites=True)
        elif volatility == VOLATILE:
            cost.add("volatile_default", f"The default {fill} is volatile: PostgreSQL computes it for every existing row, "
                     "rewriting the whole table and its indexes.", rewrites=True)
        elif volatility == UNKNOWN:
            cost.add("unknown_volatility", f"depmap cannot tell whether the default {fill} is volatile and assumes it is "
                     "(a PostgreSQL function is VOLATILE unless declared IMMUTABLE or STABLE): then the whole table and "
                     "its indexes are rewritten.", rewrites=True, certain=False)
        elif v is None:
            cost.add("unknown_version", f"version unknown: assuming PostgreSQL 11 or later, where the default {fill} is "
                     "stored in the catalog without touching rows; PostgreSQL 10 and older rewrite the whole table.",
                     certain=False)
        if volatility == STABLE and (v is None or v >= (11,)):
            cost.add("stable_default", f"{fill} is evaluated once, when the ALTER TABLE runs: every existing row gets "
                     "that same value, only rows inserted later get their own.")
    if spec.primary_key or spec.unique:
        kind = "PRIMARY KEY" if spec.primary_key else "UNIQUE"
        cost.add("index", f"The {kind} constraint builds an index over the whole table while ACCESS EXCLUSIVE is held: "
                 "reads and writes wait until the build ends.", scans=True)
    if spec.references and fill is not None:
        # Without a fill value every row is NULL and PostgreSQL skips the validation (parse_utilcmd.c,
        # transformFKConstraints; measured: no scan, 0.6 ms on 200,000 rows).
        cost.add("foreign_key", f"The FOREIGN KEY to {spec.references} is validated against every existing row (all "
                 f"holding {fill}), and the referenced table is locked against writes meanwhile.", scans=True)
    if spec.check:
        cost.add("check", f"The CHECK ({spec.check}) constraint is verified against every existing row while ACCESS "
                 "EXCLUSIVE is held.", scans=True)
    return cost.result("ACCESS EXCLUSIVE")


def _mysql_cost(dialect: Dialect, spec: ColumnSpec, traits: TableTraits) -> AddColumnCost:
    cost = _Cost()
    v = dialect.version
    algorithm = "INSTANT"
    if spec.primary_key:
        cost.add("index", "Adding a PRIMARY KEY column rebuilds the table (ALGORITHM=INPLACE copies every row into a "
                 "new clustered index).", rewrites=True)
        algorithm = "INPLACE"
    elif spec.unique:
        cost.add("index", "A UNIQUE column needs a new index, which ALGORITHM=INSTANT cannot build: InnoDB adds the column "
                 "and the index in place, rebuilding the table and reading every row (concurrent reads and writes are "
                 "allowed).", rewrites=True)
        algorithm = "INPLACE"
    if spec.generated == "stored":
        cost.add("stored_generated", "A STORED generated column is computed for every row with ALGORITHM=COPY: the "
                 "table is copied and writes are blocked until the copy ends.", rewrites=True)
        algorithm = "COPY"
    if spec.identity and traits.auto_increment:
        cost.add("auto_increment_exists", f"{spec.table} already has an AUTO_INCREMENT column and a table may have only "
                 "one (\"there can be only one auto column and it must be defined as a key\"): the ALTER TABLE fails.",
                 fails=True)
    elif spec.identity and not (spec.unique or spec.primary_key):
        cost.add("auto_increment_key", "An AUTO_INCREMENT column must be a key: unless the same statement adds an index "
                 "on it, the ALTER TABLE fails.", fails=True, certain=False)
    elif spec.identity:
        cost.add("identity", "An AUTO_INCREMENT column rebuilds the table in place without concurrent writes.",
                 rewrites=True)
        algorithm = "INPLACE" if algorithm == "INSTANT" else algorithm
    fill = _non_null(spec.fill_value)
    if dialect.mariadb and fill is not None and not spec.generated and default_volatility(dialect, fill) == VOLATILE:
        if re.search(r"\brand\s*\(", fill, re.IGNORECASE):
            cost.add("evaluated_once", f"MariaDB evaluates the default {fill} once, when the column is added: every existing "
                     "row gets that same value, only rows inserted later get their own.")
        else:
            cost.add("volatile_default", f"The default {fill} gives every row its own value: MariaDB cannot add the column "
                     "instantly and copies the table (ALGORITHM=COPY), blocking writes until the copy ends.", rewrites=True)
            algorithm = "COPY"
    if spec.check and dialect.mariadb:
        cost.add("check_unverified", f"MariaDB adds the column with CHECK ({spec.check}) instantly and does not test "
                 "existing rows against it: only later writes are checked.")
    elif spec.check:
        cost.add("check", f"A column with CHECK ({spec.check}) is added with ALGORITHM=COPY: the table is copied and "
                 "writes are blocked until the copy ends.", rewrites=True)
        algorithm = "COPY"
    if spec.references:
        cost.add("foreign_key", f"Adding the FOREIGN KEY to {spec.references} uses ALGORITHM=COPY (the table is copied, "
                 "writes blocked) unless foreign_key_checks is disabled for the session.", rewrites=True)
        algorithm = "COPY"
    for flag, cause, what in (
        (traits.fulltext, "fulltext", "the table has a FULLTEXT index"),
        (traits.compressed, "compressed", "the table uses ROW_FORMAT=COMPRESSED"),
        (traits.temporary, "temporary", "the table is a temporary table"),
    ):
        if flag:
            cost.add(cause, f"ALGORITHM=INSTANT is refused because {what}: InnoDB rebuilds the table, copying every "
                     "row.", rewrites=True)
            algorithm = "INPLACE" if algorithm == "INSTANT" else algorithm
    if traits.instant_changes >= 64 and (v is None or v >= (8, 0, 29)):
        cost.add("row_versions", f"The migrations add or drop {traits.instant_changes} columns of this table: InnoDB "
                 "allows 64 row versions per table, after which ADD COLUMN rebuilds the table.", rewrites=True,
                 certain=False)
        algorithm = "INPLACE" if algorithm == "INSTANT" else algorithm
    if spec.position and spec.position.strip().upper() != "LAST":
        if v is not None and (8, 0, 12) <= v < (8, 0, 29):
            cost.add("position", f"MySQL {_dotted(v)} adds a column instantly only as the last column; {spec.position} "
                     "makes InnoDB rebuild the table (any position is instant from 8.0.29).", rewrites=True)
            algorithm = "INPLACE" if algorithm == "INSTANT" else algorithm
        elif v is None:
            cost.add("unknown_version", f"version unknown: {spec.position} is instant only from MySQL 8.0.29; "
                     "8.0.12 to 8.0.28 rebuild the table for it.", certain=False)
    if dialect.mariadb:
        _mariadb_instant(cost, dialect, spec)
        algorithm = "INPLACE" if algorithm == "INSTANT" and cost.rewrites else algorithm
    elif v is not None and v < (8, 0, 12):
        cost.add("no_instant", f"MySQL {_dotted(v)} has no ALGORITHM=INSTANT for ADD COLUMN: InnoDB rebuilds the table in "
                 "place, copying every row (reads and writes continue, with an exclusive metadata lock at the start "
                 "and the end).", rewrites=True)
        algorithm = "INPLACE" if algorithm == "INSTANT" else algorithm
    elif v is None and algorithm == "INSTANT" and "unknown_version" not in cost.causes:
        cost.add("unknown_version", "version unknown: assuming MySQL 8.0.12 or later, where ADD COLUMN is "
                 "ALGORITHM=INSTANT (metadata only); MySQL 5.7 rebuilds the table, copying every row.", certain=False)
    if spec.not_null and _non_null(spec.fill_value) is None and not (spec.generated or spec.identity):
        cost.add("implicit_default", "MySQL fills existing rows with the type's implicit default (0, '' or the zero "
                 "date), not NULL: existing rows silently get that value.")
    return cost.result("metadata lock", algorithm)


def _mariadb_instant(cost: _Cost, dialect: Dialect, spec: ColumnSpec) -> None:
    """MariaDB's own versions of instant ADD COLUMN: from 10.3 as the last column, from 10.4 anywhere."""
    v = dialect.version or ()
    if v < (10, 3):
        cost.add("no_instant", f"MariaDB {_dotted(v)} has no instant ADD COLUMN (it exists from 10.3): InnoDB rebuilds the "
                 "table in place, copying every row.", rewrites=True)
    elif v < (10, 4) and spec.position and spec.position.strip().upper() != "LAST":
        cost.add("position", f"MariaDB {_dotted(v)} adds a column instantly only as the last column; {spec.position} "
                 "makes InnoDB rebuild the table (any position is instant from 10.4).", rewrites=True)


def _sqlite_cost(spec: ColumnSpec) -> AddColumnCost:
    cost = _Cost()
    fill = _non_null(spec.fill_value)
    if spec.primary_key or spec.unique:
        kind = "PRIMARY KEY" if spec.primary_key else "UNIQUE"
        cost.add("sqlite_key", f"SQLite refuses ADD COLUMN with a {kind} constraint: the ALTER TABLE fails.", fails=True)
    if spec.not_null and fill is None and not spec.generated:
        cost.add("sqlite_not_null", "SQLite refuses a NOT NULL column without a non-null default: the ALTER TABLE "
                 "fails, even on an empty table.", fails=True)
    if fill is not None and (fill.upper() in _SQLITE_TIME_KEYWORDS or fill.startswith("(")):
        cost.add("sqlite_default", f"SQLite refuses ADD COLUMN with the non-constant default {fill} (CURRENT_TIME, "
                 "CURRENT_DATE, CURRENT_TIMESTAMP or an expression in parentheses): the ALTER TABLE fails.", fails=True)
    if spec.generated == "stored":
        cost.add("sqlite_stored", "SQLite cannot add a STORED generated column (only VIRTUAL): the ALTER TABLE fails.",
                 fails=True)
    if spec.references and fill is not None:
        cost.add("sqlite_fk_default", f"With foreign key enforcement on (PRAGMA foreign_keys = ON), SQLite refuses a "
                 f"REFERENCES column whose default ({fill}) is not NULL.", fails=True, certain=False)
    if spec.check:
        cost.add("check", f"SQLite (3.37 or later) tests CHECK ({spec.check}) against every existing row.", scans=True)
    return cost.result("database write lock")


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)


# ---------------------------------------------------------------------------------------------
# Words, timeouts, INSERT semantics, identifiers.
# ---------------------------------------------------------------------------------------------


def reserved_words(dialect: Dialect) -> frozenset[str]:
    """Lower-case words that cannot be a bare column name in this dialect and version (empty when
    depmap does not know the dialect). Unknown versions get the newest list: quoting costs nothing."""
    from depmap.dialects import reserved_words as words

    if dialect.family == POSTGRES:
        since = {w for w, v in words.POSTGRES_RESERVED_SINCE.items() if dialect.version is None or dialect.version >= v}
        return words.POSTGRES_RESERVED | words.POSTGRES_TYPE_FUNC | since
    if dialect.family == MYSQL:
        since = {w for w, v in words.MYSQL_RESERVED_SINCE.items() if dialect.version is None or dialect.version >= v}
        return words.MYSQL_RESERVED | since
    if dialect.family == SQLITE:
        return words.SQLITE_RESERVED
    return frozenset()


def lock_timeout_sql(dialect: Dialect, ms: int) -> str | None:
    """The statement that bounds how long the ADD COLUMN waits for its lock, or None (SQLite has no
    such statement: its `busy_timeout` is a connection setting).

    PostgreSQL: https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT
    MySQL (seconds, metadata locks): https://dev.mysql.com/doc/refman/8.0/en/server-system-variables.html#sysvar_lock_wait_timeout
    """
    if dialect.family == POSTGRES:
        value = f"{ms // 1000}s" if ms % 1000 == 0 else f"{ms}ms"
        return f"SET lock_timeout = '{value}'"
    if dialect.family == MYSQL:
        return f"SET SESSION lock_wait_timeout = {max(1, -(-ms // 1000))}"
    return None


def fills_missing_values(dialect: Dialect) -> bool:
    """Whether `INSERT INTO t VALUES (...)` with fewer values than columns fills the trailing columns
    with their defaults (PostgreSQL: "The target column names can be listed in any order. If no list
    of column names is given at all, the default is all the columns of the table in their declared
    order; or the first N column names, if there are only N columns supplied by the VALUES clause",
    https://www.postgresql.org/docs/current/sql-insert.html). MySQL ("Column count doesn't match value
    count") and SQLite ("table t has 3 columns but 2 values were supplied") reject the statement."""
    return dialect.family == POSTGRES


def quote_identifier(dialect: Dialect, name: str) -> str:
    """`name` as the dialect needs it written: bare when it can be, quoted when it is reserved,
    has upper-case letters (PostgreSQL folds them) or characters outside [a-z0-9_$]."""
    simple = re.fullmatch(r"[a-z_][a-z0-9_$]*", name) is not None
    if simple and name not in reserved_words(dialect):
        return name  # without loading sqlglot, which only quotes
    from sqlglot import exp

    sqlglot_dialect = dialect.name if dialect.family is not None else None
    return exp.Identifier(this=name, quoted=True).sql(dialect=sqlglot_dialect)


_PRODUCT = {POSTGRES: "PostgreSQL", MYSQL: "MySQL", SQLITE: "SQLite"}


def product_label(dialect: Dialect) -> str:
    """`PostgreSQL 16`, `MySQL 8.0.35`, `SQLite`, `PostgreSQL (version unknown)`: for messages."""
    name = "MariaDB" if dialect.mariadb else _PRODUCT.get(dialect.name, dialect.name)
    if dialect.family == SQLITE and dialect.version is None:
        return name
    return f"{name} {_dotted(dialect.version)}" if dialect.version else f"{name} (version unknown)"


# ---------------------------------------------------------------------------------------------
# What the database answers: error texts quoted in messages, and when a view's `*` is expanded.
# ---------------------------------------------------------------------------------------------


def null_violation_error(dialect: Dialect, table: str, column: str) -> str:
    """The error an INSERT that leaves a NOT NULL column without a default NULL gets. PostgreSQL
    names the relation from 13 on; MySQL's text is the one strict mode (its default) raises.

    >>> null_violation_error(Dialect("sqlite"), "orders", "code")
    'NOT NULL constraint failed: orders.code'
    """
    if dialect.family == MYSQL:
        return f"Field '{column}' doesn't have a default value (strict mode, the default)"
    if dialect.family == SQLITE:
        return f"NOT NULL constraint failed: {table}.{column}"
    if dialect.family == POSTGRES and dialect.version is not None and not dialect.at_least(13):
        return f'null value in column "{column}" violates not-null constraint'
    return f'null value in column "{column}" of relation "{table}" violates not-null constraint'


def add_not_null_error(dialect: Dialect, table: str, column: str) -> str | None:
    """When and how `ADD COLUMN ... NOT NULL` without a default fails, or None where the database
    fills existing rows itself (MySQL writes the type's implicit default, '' or 0)."""
    if dialect.family == MYSQL:
        return None
    if dialect.family == SQLITE:
        return "SQLite refuses it even on an empty table: Cannot add a NOT NULL column with default value NULL"
    return f'it fails on any table that has rows: column "{column}" of relation "{table}" contains null values'


def duplicate_column_error(dialect: Dialect, table: str, column: str) -> str:
    """The error `ADD COLUMN` gets when the column is already there."""
    if dialect.family == MYSQL:
        return f"Duplicate column name '{column}'"
    if dialect.family == SQLITE:
        return f"duplicate column name: {column}"
    return f'column "{column}" of relation "{table}" already exists'


def view_star_expanded_at_create(dialect: Dialect) -> bool:
    """Whether `CREATE VIEW v AS SELECT * ...` stores the column list the `*` had at creation, so a
    column added later stays out of the view until it is recreated. PostgreSQL ("the view's columns
    are fixed at creation", CREATE VIEW notes) and MySQL ("the view definition is frozen at creation
    time", Restrictions on Views) do; SQLite keeps the SELECT text and re-expands `*` at each use."""
    return dialect.family in (POSTGRES, MYSQL)
