"""What an operation rule may ask about one schema operation of a migration under review.

`depmap check` judges more than the columns a migration adds: the index it builds, the
constraint it adds, the column it makes NOT NULL. Each such operation (a SCHEMA_OP fact on the
lines the change touches) gets an `OperationContext`: the operation, the other operations of its
migration in order (a VALIDATE after a NOT VALID, a CHECK before a SET NOT NULL), the schema
before and after the change, the migration's text (for `atomic = False`, a lock timeout), and the
code that reads and writes the table (who waits while it is locked).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from depmap.catalog import Catalog
from depmap.dialects.capabilities import Dialect
from depmap.impact.migration_specs import runs_on_the_way_down
from depmap.model import ACCESS, COLUMN_DEF, READ, SCHEMA_OP, WRITE, Fact, in_own_statement

if TYPE_CHECKING:
    from depmap.graph import DependencyGraph

# Operations `check` judges; the rest of a migration's history (comments, renames of tables,
# drops of tables, a column's own ADD, judged by the column rules) is not a lock hazard these
# rules know. A column's drop or rename is judged twice: its uses by the column rules (a spec
# with `change`), its table lock here.
JUDGED = frozenset({"create_index", "drop_index", "add_constraint", "alter_column", "drop_column", "rename_column"})
DJANGO, ALEMBIC, SQL = "django", "alembic", "sql"


@dataclass
class OperationContext:
    op: Fact  # the SCHEMA_OP under review
    dialect: Dialect
    before: Catalog  # the schema without the change's migrations
    migration: list[Fact]  # every upgrade SCHEMA_OP of the op's file, in file order
    graph: DependencyGraph
    root: Path | None = None
    created: frozenset[str] = field(default_factory=frozenset)  # tables the change itself creates
    definitions: dict[tuple[str, str], list[Fact]] = field(default_factory=dict)  # ORM migrations' COLUMN_DEFs, in order
    declarations: dict[tuple[str, str], list[tuple[Fact, dict]]] = field(default_factory=dict)  # what each declared of a column

    @property
    def table(self) -> str:
        return self.op.table

    @property
    def path(self) -> str:
        return self.op.location.path

    @cached_property
    def framework(self) -> str:
        """Whose migration it is, so fixes speak its language: a Django migration, an Alembic
        revision (SQL they run through RunSQL or op.execute included), or plain SQL."""
        operation = str(self.op.extra.get("operation") or "")
        if self.path.endswith(".sql"):
            return SQL
        if operation.startswith(("op.", "batch_op.")):
            return ALEMBIC
        if operation[:1].isupper():
            return DJANGO
        text = self.text or ""
        if re.search(r"^\s*(?:from|import)\s+alembic\b", text, re.M):
            return ALEMBIC
        if re.search(r"^\s*from\s+django\.db\s+import\b", text, re.M):
            return DJANGO
        return SQL

    @property
    def is_new_table(self) -> bool:
        """The change creates the table: nothing reads or writes it yet, nothing waits."""
        return self.table in self.created or self.before.get(self.table) is None

    def earlier(self) -> list[Fact]:
        """The operations of the same migration that run before this one."""
        return [f for f in self.migration if _order(f) < _order(self.op)]

    @cached_property
    def text(self) -> str | None:
        """The migration's source, or None when it cannot be read."""
        if self.root is None:
            return None
        try:
            return (Path(self.root) / self.path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

    def writers(self, table: str | None = None) -> list[Fact]:
        return [f for f in self.graph.writers(table or self.table) if f.kind == ACCESS and f.access == WRITE and in_own_statement(f)]

    def readers(self, table: str | None = None) -> list[Fact]:
        return [f for f in self.graph.readers(table or self.table) if f.kind == ACCESS and f.access == READ and in_own_statement(f)]

    def field_change(self, column: str) -> tuple[Fact | None, Fact | None]:
        """An ORM migration's AlterField: the column's definition before it and the one it makes
        (COLUMN_DEF facts in migration order); (None, None) when unknown."""
        history = self.definitions.get((self.table, column), [])
        here = (self.path, self.op.location.line)
        for position, fact in enumerate(history):
            if (fact.location.path, fact.location.line) == here:
                return (history[position - 1] if position else None), fact
        return None, None

    def declared_before(self, column: str) -> dict | None:
        """What the column's last ORM migration before this operation declared of it (index,
        unique, references), or None when no earlier migration declared it."""
        earlier = None
        for fact, declared in self.declarations.get((self.table, column), []):
            if (fact.location.path, fact.location.line) == (self.path, self.op.location.line):
                return earlier
            earlier = declared
        return None

    def changes_the_database(self) -> bool:
        """False for an AlterField that changes only what Django keeps in Python (`choices`,
        `help_text`, `validators`, a Python `default`): it runs no SQL and takes no lock."""
        if self.op.detail != "alter_column" or self.op.extra.get("change") is not None or self.framework != DJANGO:
            return True
        for column in self.op.columns:
            before, after = self.field_change(column)
            if before is None or after is None or any(before.extra.get(k) != after.extra.get(k) for k in _DATABASE_KEYS):
                return True
        return False


# What an AlterField changes in the database; the rest of a field lives in Python only.
_DATABASE_KEYS = ("type", "nullable", "default", "primary_key", "unique", "size")


def _with_table(fact: Fact, before: Catalog) -> Fact:
    """`DROP INDEX ix` names no table (PostgreSQL): the table whose index it is, before the change."""
    if fact.table or fact.detail != "drop_index" or not fact.extra.get("name"):
        return fact
    owner = next((name for name, table in sorted(before.tables.items())
                  if any(ix.name == fact.extra["name"] for ix in table.indexes())), "")
    return replace(fact, table=owner) if owner else fact


def _order(fact: Fact) -> tuple[int, int]:
    return (fact.location.statement_start, fact.location.col or 0)


def builds_on_columns(ctx: OperationContext, kind: str) -> list[str]:
    """The columns an ORM AlterField gives a new index (`kind` "index": `db_index=True`, a
    ForeignKey's index) or a new UNIQUE constraint (`kind` "unique"): what the column
    declares now and the table did not have on that column before the change."""
    op = ctx.op
    if op.detail != "alter_column" or ctx.framework != DJANGO:
        return []
    table = ctx.before.get(ctx.table)
    existing = table.indexes() + table.constraints() if table is not None else []
    found = []
    for declared in op.extra.get("column_constraints") or []:
        column = declared.get("column")
        if not column or not declared.get(kind):
            continue
        earlier = ctx.declared_before(column)
        if earlier is not None:
            if not earlier.get(kind) and not (kind == "index" and earlier.get("unique")):
                found.append(column)
            continue
        same = [o for o in existing if o.columns == [column] and (kind == "index" or o.kind == "unique" or o.unique)]
        if not same:
            found.append(column)
    return found


def sets_not_null(ctx: OperationContext) -> list[str]:
    """The columns an `alter_column` makes NOT NULL: said by the SQL or Alembic call, else read
    from the field's definitions before and after it (Django's AlterField restates the field)."""
    op = ctx.op
    if op.detail != "alter_column":
        return []
    if "set not null" in str(op.extra.get("change") or ""):
        return list(op.columns)
    if op.extra.get("change") is not None:
        return []
    found = []
    for column in op.columns:
        before, after = ctx.field_change(column)
        if before is not None and after is not None and before.extra.get("nullable") is not False and after.extra.get("nullable") is False:
            found.append(column)
    return found


def operations_in(index: Any, paths: Iterable[str], changed: dict[str, frozenset[int] | None] | None,
                  dialect: Dialect, before: Catalog) -> list[OperationContext]:
    """The judged operations of the migrations at `paths` (on their changed lines when `changed`
    says which), in file order."""
    wanted = list(dict.fromkeys(paths))
    in_change = set(wanted)
    definitions: dict[tuple[str, str], list[Fact]] = {}
    for fact in sorted((f for f in index.facts if f.kind == COLUMN_DEF and f.via == "migration" and f.columns
                        and f.extra.get("migration_rank") is not None and f.extra.get("direction") != "down"),
                       key=lambda f: (f.extra["migration_rank"], f.location.line)):
        definitions.setdefault((fact.table, fact.columns[0]), []).append(fact)
    declarations: dict[tuple[str, str], list[tuple[Fact, dict]]] = {}
    for fact in sorted((f for f in index.facts if f.kind == SCHEMA_OP and f.via == "migration" and f.extra.get("column_constraints") is not None
                        and f.extra.get("migration_rank") is not None and f.extra.get("direction") != "down"),
                       key=lambda f: (f.extra["migration_rank"], f.location.line)):
        declared = {d.get("column"): d for d in fact.extra["column_constraints"]}
        for column in fact.columns:
            declarations.setdefault((fact.table, column), []).append((fact, declared.get(column, {})))
    created = frozenset(f.table for f in index.facts if f.kind == SCHEMA_OP and f.detail in ("create_table", "create_table_as")
                        and f.location.path in in_change and f.extra.get("direction") != "down")
    contexts = []
    for path in wanted:
        migration = sorted((_with_table(f, before) for f in index.facts if f.kind == SCHEMA_OP and f.location.path == path
                            and f.extra.get("direction") != "down" and not f.extra.get("within")), key=_order)
        migration = [f for f in migration if f.table]
        lines = (changed or {}).get(path)
        for fact in migration:
            if fact.detail not in JUDGED or runs_on_the_way_down(Path(index.root), fact.location.path, fact.location.line):
                continue
            if lines is not None and not lines & set(range(fact.location.statement_start, (fact.location.end_line or fact.location.line) + 1)):
                continue
            contexts.append(OperationContext(fact, dialect, before, migration, index.graph, Path(index.root),
                                             created, definitions, declarations))
    return contexts
