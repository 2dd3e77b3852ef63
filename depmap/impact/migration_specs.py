"""The columns a migration adds, as `ColumnSpec`s taken from the migration itself (`depmap check`).

The scanners already turn every migration into `column_def` facts (detail `add_column`): plain
SQL (`ALTER TABLE t ADD COLUMN a int, ADD COLUMN b text` gives one fact a column), Alembic
`op.add_column` and Django `AddField`. What a fact means differs by framework, and the rules
must see what the *database* gets:

- SQL: the DDL is the spec (type, NOT NULL, DEFAULT, generated, identity, CHECK, REFERENCES,
  MySQL FIRST/AFTER).
- Alembic: `server_default=` is the database default; SQLAlchemy's `default=` is filled in by
  the application (`client_default`): old code that omits the column gets no value from it.
- Django `AddField(default=X)` without `db_default`: Django adds the column with DEFAULT X to
  fill existing rows, then drops that default. So `add_default=X` and `default=None`: once it
  has run, every INSERT that omits the column (old code, raw SQL) fails on a NOT NULL column.
  `db_default=` is a real database default. `preserve_default=False` only means the model
  keeps no default either.

A column added to a table that the same change creates is marked with `NEW_TABLE` in `notes`:
nothing can read or write that table yet, so the caller can say "safe: new table".
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from depmap.dialects.capabilities import Dialect, parse_version
from depmap.impact.migration_calls import CallInfo, MigrationCalls, flag, read_calls
from depmap.impact.migration_types import django_check, django_type, is_callable_default, python_to_sql, sqlalchemy_type
from depmap.impact.spec import ColumnSpec
from depmap.model import COLUMN_DEF, TABLE_DEF, Fact, Location
from depmap.orm.naming import django_table
from depmap.discover import is_migration_path

NEW_TABLE = "table created in this change"
# Sections of a SQL migration file that undo it (goose, dbmate, sql-migrate) and golang-migrate's
# `*.down.sql` files: an ADD COLUMN there restores a column, it does not add one.
_DOWN_SECTION = re.compile(r"^\s*--\s*(?:\+goose\s+down|migrate:down|\+migrate\s+down)\b", re.I | re.M)
_DOWN_FILE = re.compile(r"[._-]down\.sql$", re.I)


def specs_from_migrations(
    index: Any, paths: list[str], changed: dict[str, frozenset[int] | None] | None = None
) -> tuple[list[ColumnSpec], list[str]]:
    """For each migration (path relative to `index.root`), the columns it adds, in file order,
    and one-line problems ("migrations/0007.py: adds no column"). With `changed` (the lines a
    branch touched, per file; None: the whole file), only the columns added on those lines."""
    dialect = Dialect(index.dialect, parse_version(getattr(index, "server_version", None) or index.config.server_version))
    checked = [_posix(p) for p in paths]
    in_change = set(checked)
    created = {f.table for f in index.facts if f.kind == TABLE_DEF and f.detail in ("create_table", "create_table_as")
               and f.location.path in in_change and f.extra.get("direction") != "down"}
    specs: list[ColumnSpec] = []
    problems: list[str] = []
    for path in dict.fromkeys(checked):
        adds = _added_columns(index, path)
        lines = (changed or {}).get(path)
        if adds and lines is not None:
            adds = [f for f in adds if lines & set(range(f.location.statement_start, (f.location.end_line or f.location.line) + 1))]
            if not adds:
                problems.append(f"{path}: the lines this change adds to it add no column")
                continue
        if not adds:
            problems.append(_why_nothing(index, path, created))
            continue
        calls = _calls_of(index.root, path)
        for fact in adds:
            spec = _spec(fact, calls, dialect, index)
            notes = list(spec.notes)
            if spec.table in created:
                notes.insert(0, NEW_TABLE)
            notes += _later_changes(index, fact, in_change)
            specs.append(replace(spec, notes=tuple(notes)))
    return specs, problems


def _posix(path: str) -> str:
    text = path.replace("\\", "/")
    return text[2:] if text.startswith("./") else text


def _added_columns(index: Any, path: str) -> list[Fact]:
    if _DOWN_FILE.search(path):
        return []
    facts = [f for f in index.facts if f.kind == COLUMN_DEF and f.detail == "add_column" and f.location.path == path
             and f.extra.get("direction") != "down" and f.columns]
    if facts and path.endswith(".sql"):
        down_from = _down_section_line(Path(index.root) / path)
        facts = [f for f in facts if down_from is None or f.location.line < down_from]
    lines = _lines(Path(index.root) / path) if len(facts) > 1 or any(f.location.end_line != f.location.line for f in facts) else []
    placed = [_at_own_line(f, lines) for f in facts]
    return [f for _, f in sorted(placed, key=lambda item: (item[0], item[1].location.line, item[1].columns))]


def _at_own_line(fact: Fact, lines: list[str]) -> tuple[tuple[int, int], Fact]:
    """A column of a multi-line `ALTER TABLE t ADD a ..., ADD b ...` points at its own ADD line,
    so findings about it land where it is written; also the column order of the statement."""
    first, last = fact.location.line, fact.location.end_line or fact.location.line
    if "statement" not in fact.extra or not lines:
        return (first, 0), fact
    name = re.escape(fact.columns[0])
    pattern = re.compile(rf"\bADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?[`\"\[]?{name}\b", re.I)
    for number in range(first, min(last, len(lines)) + 1):
        match = pattern.search(lines[number - 1])
        if match:
            return (number, match.start()), replace(fact, location=replace(fact.location, line=number))
    return (first, 0), fact


def _lines(file: Path) -> list[str]:
    try:
        return file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def runs_on_the_way_down(root: Path, path: str, line: int) -> bool:
    """A statement of a `*.down.sql` file or of a SQL migration's down section (goose, dbmate,
    sql-migrate): it undoes the migration rather than doing it."""
    if _DOWN_FILE.search(path):
        return True
    if not path.endswith(".sql"):
        return False
    down_from = _down_section_line(Path(root) / path)
    return down_from is not None and line >= down_from


def _down_section_line(file: Path) -> int | None:
    try:
        text = file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    match = _DOWN_SECTION.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _why_nothing(index: Any, path: str, created: set[str]) -> str:
    """One line for a file that adds no column. Callers pass only files that may be migrations
    (named by the user, or filtered by `changed_migrations`), so each answer is worth showing."""
    if not (Path(index.root) / path).is_file():
        return f"{path}: no such file"
    skipped = next((s.reason for s in index.skipped if s.path == path), None)
    if skipped is not None:
        return f"{path}: not a migration depmap can read ({skipped})"
    facts = [f for f in index.facts if f.location.path == path]
    new_tables = sorted({f.table for f in facts if f.kind == TABLE_DEF and f.detail == "create_table" and f.table in created})
    if new_tables:
        return f"{path}: adds no column to an existing table (creates {', '.join(new_tables)})"
    if is_migration_path(path) or any(f.via == "migration" for f in facts):
        return f"{path}: adds no column"
    return f"{path}: not a migration depmap can read"


def _calls_of(root: Path, path: str) -> MigrationCalls:
    if not path.endswith(".py"):
        return MigrationCalls()
    try:
        text = (Path(root) / path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return MigrationCalls()
    return read_calls(path, text)


def _spec(fact: Fact, calls: MigrationCalls, dialect: Dialect, index: Any) -> ColumnSpec:
    extra = fact.extra
    base = ColumnSpec(
        table=fact.table,
        column=fact.columns[0],
        type=extra.get("type"),
        nullable=bool(extra.get("nullable", True)),
        default=extra.get("default"),
        identity=bool(extra.get("identity")),
        unique=bool(extra.get("unique")),
        primary_key=bool(extra.get("primary_key")),
        references=extra.get("references"),
        origin=fact.location,
    )
    if extra.get("operation") == "AddField":
        return _django(base, fact, _match(calls.django.get(fact.location.line, []), fact), dialect, index)
    if "revision" in extra and "statement" not in extra:
        return _alembic(base, _match(calls.alembic.get(fact.location.line, []), fact), dialect)
    return _sql(base, fact)


def _match(candidates: list[CallInfo], fact: Fact) -> CallInfo | None:
    """The call a fact came from: the only one on its line, or the one naming its column."""
    if len(candidates) == 1:
        return candidates[0]
    named = [c for c in candidates if c.name and (c.name == fact.columns[0] or f"{c.name}_id" == fact.columns[0])]
    return named[0] if len(named) == 1 else None


def _sql(spec: ColumnSpec, fact: Fact) -> ColumnSpec:
    extra = fact.extra
    notes = ("ADD COLUMN IF NOT EXISTS: nothing happens where the column already exists",) if extra.get("if_not_exists") else ()
    return replace(spec, framework="sql", generated=extra.get("generated"), check=extra.get("check"),
                   position=extra.get("position"), notes=notes)


def _alembic(spec: ColumnSpec, call: CallInfo | None, dialect: Dialect) -> ColumnSpec:
    sql_type = sqlalchemy_type(spec.type, dialect)
    notes: list[str] = []
    if sql_type is None and spec.type:
        notes.append(f"SQLAlchemy type {spec.type} is kept as written: depmap does not know its SQL spelling")
    spec = replace(spec, framework="alembic", type=sql_type or spec.type, notes=tuple(notes))
    if call is None:
        return spec
    client = call.kwargs.get("default")
    if client is not None and client != "None":
        notes.append(f"default={client} is filled in by SQLAlchemy, not by the database: other writers get no value from it")
    generated, check = None, None
    for kind, kwargs, args in call.items:
        if kind == "Computed":
            persisted = flag(kwargs.get("persisted"))
            generated = "stored" if persisted or (persisted is None and dialect.family == "postgres") else "virtual"
        elif kind == "CheckConstraint" and args:
            check = _unquoted(args[0])
        elif kind == "Identity":
            spec = replace(spec, identity=True, nullable=False)
    if call.batch:
        notes.append("added inside op.batch_alter_table: on SQLite Alembic copies the whole table")
    return replace(spec, client_default=None if client in (None, "None") else client, generated=generated,
                   check=check, notes=tuple(notes))


def _django(spec: ColumnSpec, fact: Fact, call: CallInfo | None, dialect: Dialect, index: Any) -> ColumnSpec:
    """AddField as Django's schema editor runs it: see the module docstring."""
    extra = fact.extra
    kwargs = call.kwargs if call is not None else {}
    field_class = call.callee if call is not None else extra.get("type")
    notes: list[str] = []
    origin = fact.location if call is None else Location(fact.location.path, call.line, call.end_line, symbol=fact.location.symbol)
    sql_type = django_type(field_class, {k: v for k, v in kwargs.items() if re.fullmatch(r"\d+", v.strip())}, dialect)
    if sql_type is None and field_class:
        notes.append(f"{field_class} is not a Django field depmap knows: the column type is not known")
    written_db_default = extra.get("default") if extra.get("default") is not None else kwargs.get("db_default")
    db_default, exact_db = python_to_sql(written_db_default, dialect)
    written_default = extra.get("client_default") if extra.get("client_default") is not None else kwargs.get("default")
    add_default, exact = python_to_sql(written_default, dialect)
    if written_default in (None, "None") and db_default is None and not spec.nullable:
        add_default, implicit = _implicit_add_default(field_class, kwargs)
        notes += implicit
    if db_default is not None:
        add_default = None  # with db_default, the database default fills the rows and stays
    if add_default is not None and not exact and is_callable_default(written_default):
        notes.append(f"Django calls {written_default} once while migrating: every existing row gets that one value")
    elif (add_default is not None and not exact) or (db_default is not None and not exact_db):
        notes.append("the default is a Python expression depmap cannot evaluate: the SQL value is shown as written")
    keeps_default = extra.get("preserve_default", True) is not False and flag(kwargs.get("preserve_default")) is not False
    references, unique = spec.references, spec.unique
    if field_class in ("ForeignKey", "OneToOneField"):
        references = _django_reference(kwargs.get("to") or _first_argument(call), index, fact)
        unique = unique or field_class == "OneToOneField"
    return replace(
        spec,
        framework="django",
        origin=origin,
        type=sql_type,
        default=db_default,
        add_default=add_default,
        client_default=written_default if keeps_default and written_default not in (None, "None") else None,
        references=references,
        unique=unique,
        check=django_check(field_class, spec.column, dialect),
        notes=tuple(notes),
    )


# Fields whose empty value is "" (Field.empty_strings_allowed) and fields with auto_now options.
_STRING_FIELDS = frozenset({"CharField", "TextField", "SlugField", "EmailField", "URLField", "FileField", "ImageField",
                            "FilePathField", "CommaSeparatedIntegerField"})
_TIME_FIELDS = frozenset({"DateField", "DateTimeField", "TimeField"})


def _implicit_add_default(field_class: str | None, kwargs: dict[str, str]) -> tuple[str | None, list[str]]:
    """What Django fills existing rows with when a NOT NULL field has no default
    (BaseDatabaseSchemaEditor._effective_default): "" for `blank=True` text fields, the current
    time for `auto_now`/`auto_now_add`; neither stays as a database default."""
    if field_class in _TIME_FIELDS and (flag(kwargs.get("auto_now")) or flag(kwargs.get("auto_now_add"))):
        return "CURRENT_TIMESTAMP", ["Django fills existing rows with the time of the migration (auto_now/auto_now_add)"]
    if field_class in _STRING_FIELDS and flag(kwargs.get("blank")):
        return "''", ["Django fills existing rows with '' (blank=True and no default)"]
    return None, []


def _first_argument(call: CallInfo | None) -> str | None:
    return call.args[0] if call is not None and call.args else None


def _django_reference(target: str | None, index: Any, fact: Fact) -> str | None:
    """`"sales.customer"` -> `sales_customer(id)`, through the project's models when known."""
    if not target:
        return None
    name = _unquoted(target)
    if name.endswith("AUTH_USER_MODEL"):
        return "auth_user(id)"
    from depmap.orm.registry import Registry

    registry = Registry.build(index.facts)
    class_name = name.rsplit(".", 1)[-1]
    label = name.split(".", 1)[0] if "." in name else None
    for model in registry.concrete_models():  # migrations write "app_label.modelname" lower-cased
        if model.class_name.lower() == class_name.lower() and (label is None or registry.app_label(model) == label):
            return f"{model.table}({model.primary_key or 'id'})"
    if label is not None:
        return f"{django_table(label, class_name)}(id)"
    return None


def _unquoted(code: str) -> str:
    text = code.strip()
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"" else text


def _later_changes(index: Any, fact: Fact, in_change: set[str]) -> list[str]:
    """ALTER COLUMN on the new column later in the change (the safe add-then-constrain pattern)."""
    notes = []
    for other in index.facts:
        if (other.kind == COLUMN_DEF and other.detail == "alter_column" and other.table == fact.table
                and other.columns == fact.columns and other.location.path in in_change
                and (other.location.path, other.location.line) > (fact.location.path, fact.location.line)
                and other.extra.get("direction") != "down"):
            what = []
            if other.extra.get("nullable") is False:
                what.append("made NOT NULL")
            if other.extra.get("default") is not None:
                what.append(f"given DEFAULT {other.extra['default']}")
            if other.extra.get("type"):
                what.append(f"changed to type {other.extra['type']}")
            notes.append(f"{' and '.join(what) or 'altered'} later in this change at {other.location.path}:{other.location.line}")
    return notes
