"""The drops, renames and type changes of existing columns that migrations under review make:
SQL `DROP COLUMN` / `RENAME COLUMN` / `ALTER COLUMN ... TYPE` / MySQL `MODIFY`, Alembic `drop_column` /
`alter_column(new_column_name=..., type_=...)`, Django `RemoveField` / `RenameField` / an
`AlterField` whose column type changes.

Each becomes a `ColumnSpec` with its `change`, judged by the same rules as `depmap impact
--drop/--rename/--set-type`: what still uses the column is the question either way. The type a
column had comes from its previous definition (the migration before, with a CharField's
max_length), else from the schema before the change.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from depmap.catalog import Catalog
from depmap.dialects.capabilities import Dialect
from depmap.impact.migration_specs import runs_on_the_way_down
from depmap.impact.migration_types import django_type, sqlalchemy_type
from depmap.impact.spec import DROP, RENAME, SET_TYPE, ColumnSpec
from depmap.model import COLUMN_DEF, Fact

_CHANGES = ("drop_column", "rename_column", "alter_column", "modify_column")  # modify: MySQL MODIFY / CHANGE


def change_specs(index: Any, paths: list[str], changed: dict[str, frozenset[int] | None] | None, dialect: Dialect,
                 before: Catalog) -> list[ColumnSpec]:
    """The column changes of the migrations at `paths` (on their changed lines when `changed` says
    which), in file order."""
    specs: list[ColumnSpec] = []
    for path in dict.fromkeys(paths):
        lines = (changed or {}).get(path)
        facts = sorted((f for f in index.facts if f.kind == COLUMN_DEF and f.detail in _CHANGES and f.location.path == path
                        and f.columns and f.extra.get("direction") != "down"), key=lambda f: (f.location.line, f.columns))
        for fact in facts:
            if runs_on_the_way_down(Path(index.root), path, fact.location.line):
                continue
            if lines is not None and not lines & set(range(fact.location.statement_start, (fact.location.end_line or fact.location.line) + 1)):
                continue
            spec = _spec(index, fact, dialect, before)
            if spec is not None:
                specs.append(spec)
    return specs


def _framework(fact: Fact) -> str:
    operation = str(fact.extra.get("operation") or "")
    if operation[:1].isupper():
        return "django"
    if "revision" in fact.extra and "statement" not in fact.extra:
        return "alembic"
    return "sql"


def _spec(index: Any, fact: Fact, dialect: Dialect, before: Catalog) -> ColumnSpec | None:
    table_name, column = fact.table, fact.columns[0]
    table = before.get(table_name)
    existing = table.columns.get(column) if table is not None else None
    if existing is None:
        return None  # created by the change itself, or unknown: nothing uses it yet
    framework = _framework(fact)
    base = ColumnSpec(table_name, column, existing.type, existing.nullable is not False, origin=fact.location, framework=framework)
    if fact.detail == "drop_column":
        return replace(base, change=DROP)
    if fact.detail == "rename_column" or fact.extra.get("new_name"):
        return replace(base, change=RENAME, new_name=fact.extra.get("new_name"))
    new_type = _sql_type(fact.extra.get("type"), fact.extra.get("size"), framework, dialect)
    if new_type is None:
        return None  # an ALTER of nullability or default: the operation rules judge it
    previous = _previous(index, fact)
    old_type = (_sql_type(previous.extra.get("type"), previous.extra.get("size"), _framework(previous), dialect) if previous is not None
                else None) or _sql_type(existing.type, None, "sql", dialect)
    if old_type is not None and old_type.lower() == new_type.lower():
        return None  # an AlterField that keeps the column type (choices, help_text, a default)
    return replace(base, change=SET_TYPE, type=new_type, old_type=old_type)


def _sql_type(written: str | None, size: dict | None, framework: str, dialect: Dialect) -> str | None:
    if not written:
        return None
    if written.endswith("Field"):
        return django_type(written, {k: str(v) for k, v in (size or {}).items()}, dialect)
    if framework == "alembic" or (written[:1].isupper() and not written.isupper()):
        return sqlalchemy_type(written, dialect) or written
    return written


def _previous(index: Any, fact: Fact) -> Fact | None:
    """The column's definition before `fact` in migration order (a CreateModel field, an AddField,
    an earlier AlterField), or None."""
    rank = fact.extra.get("migration_rank")
    if rank is None:
        return None
    earlier = [f for f in index.facts if f.kind == COLUMN_DEF and f.table == fact.table and f.columns == fact.columns
               and f.extra.get("migration_rank") is not None and f.extra.get("direction") != "down" and f.extra.get("type")
               and (f.extra["migration_rank"], f.location.line) < (rank, fact.location.line)]
    return max(earlier, key=lambda f: (f.extra["migration_rank"], f.location.line), default=None)
