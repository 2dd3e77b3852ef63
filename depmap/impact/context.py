"""What a rule may ask about the project and the proposed column: one object, read-only.

Rules never touch networkx or the scanners: they ask for the table's readers, writers, facts,
ORM models and catalog entry here. In `depmap check` the catalog is the one *before* the
migration under review (its own statements left out), so the new column is not mistaken for an
existing one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from depmap.catalog import Catalog, Table
from depmap.config import Config
from depmap.dialects.capabilities import Dialect
from depmap.impact.spec import ColumnSpec
from depmap.model import ACCESS, COLUMN_DEF, PARSE_ERROR, READ, STAR_DETAILS, WRITE, Fact, Location, in_own_statement

if TYPE_CHECKING:
    from depmap.graph import DependencyGraph
    from depmap.orm.registry import Model, Registry


@dataclass
class ImpactContext:
    spec: ColumnSpec
    dialect: Dialect
    catalog: Catalog  # the schema before the change
    graph: DependencyGraph
    facts: list[Fact]  # the linked facts, sorted: every one of the project, or (`lookup`) every one a rule's filter can pass
    config: Config = field(default_factory=Config)
    frameworks: frozenset[str] = frozenset()  # "django", "alembic", "sqlalchemy" when the project uses them
    changed_paths: frozenset[str] = frozenset()  # files of the change under review (`check`), left out of "before"
    root: Path | None = None  # the scanned folder, for rules that read a migration's own text
    files_scanned: int | None = None  # how many files the scan read: the evidence of "no remaining use"
    lookup: Any = None  # a warm `impact`'s index (`stored_index.impact_index`): `facts_at` reads its rows
    searched: Any = None  # the files a mention search reads (a Discovery), when the run listed them already

    def facts_at(self, paths: Iterable[str]) -> list[Fact]:
        """Every fact located in these files, in canonical order: what a rule asks of one file
        (a statement's other facts), asked of the stored index when `facts` holds only part."""
        wanted = set(paths)
        source = self.facts if self.lookup is None else self.lookup.facts_at(wanted)
        return [f for f in source if f.location.path in wanted]

    @property
    def table(self) -> Table | None:
        return self.catalog.get(self.spec.table)

    @property
    def anchor(self) -> Location:
        """Where findings about the DDL itself point: the migration that adds the column, else the
        latest definition of the table, else the table's first use."""
        if self.spec.origin is not None:
            return self.spec.origin
        table = self.table
        if table is not None and table.defined_at:
            ddl = [d for d in table.defined_at if d.via != "orm"] or table.defined_at
            where = ddl[-1]
            return Location(where.path, where.line, where.line)
        uses = self.table_facts()
        return uses[0].location if uses else Location("", 0)

    @cached_property
    def adding_fact(self) -> Fact | None:
        """The ADD COLUMN under review: the fact at the spec's origin, else the change's ADD COLUMN of
        this column; a bare fact at the origin when no scanned fact sits on that line; None for a proposal."""
        spec = self.spec
        for fact in self.facts:
            if (fact.kind == COLUMN_DEF and fact.detail == "add_column" and fact.table == spec.table
                    and spec.column in fact.columns and fact.extra.get("direction") != "down"):
                here = (fact.location.path, fact.location.line)
                if spec.origin is not None and here == (spec.origin.path, spec.origin.line):
                    return fact
                if spec.origin is None and fact.location.path in self.changed_paths:
                    return fact
        if spec.origin is not None:
            return Fact(COLUMN_DEF, spec.table, spec.origin, (spec.column,), detail="add_column")
        return None

    @property
    def added_at(self) -> Location | None:
        """Where the column is added in the change under review (`check`), or None for a proposal."""
        if self.spec.origin is not None:
            return self.spec.origin
        fact = self.adding_fact
        return fact.location if fact is not None else None

    def table_facts(self, kind: str | None = None) -> list[Fact]:
        """Every fact about the table (any kind, or one kind), in canonical order."""
        return [f for f in self._by_table if kind is None or f.kind == kind]

    @cached_property
    def _by_table(self) -> list[Fact]:
        return [f for f in self.facts if f.table == self.spec.table and not self._in_change(f) and in_own_statement(f)]

    def _in_change(self, fact: Fact) -> bool:
        return fact.location.path in self.changed_paths and fact.kind != ACCESS

    def readers(self) -> list[Fact]:
        """Code that reads the table (any column), and the `SELECT *` readers of views that carry
        every column of it through their own star: a new column reaches them once the view is
        recreated (marked `through`). A view's readers that name their columns are unaffected."""
        through = [f for f in self.graph.readers_through_views(self.spec.table, stars_only=True) if f.detail in STAR_DETAILS]
        return [f for f in self.graph.readers(self.spec.table) + through if f.kind == ACCESS and f.access == READ and in_own_statement(f)]

    def writers(self) -> list[Fact]:
        """Code that writes the table (any column)."""
        return [f for f in self.graph.writers(self.spec.table) if f.kind == ACCESS and f.access == WRITE and in_own_statement(f)]

    def column_readers(self) -> list[Fact]:
        """Code that reads the column itself: names it, or reads every column (`SELECT *`, COPY)."""
        return [f for f in self.graph.readers(self.spec.table, self.spec.column) if f.kind == ACCESS and f.access == READ and in_own_statement(f)]

    def column_writers(self) -> list[Fact]:
        """Code that writes the column itself: names it, or writes every column by position."""
        return [f for f in self.graph.writers(self.spec.table, self.spec.column) if f.kind == ACCESS and f.access == WRITE and in_own_statement(f)]

    def unparsed(self) -> list[Fact]:
        return [f for f in self.facts if f.kind == PARSE_ERROR and f.table == self.spec.table]

    @cached_property
    def registry(self) -> Registry:
        from depmap.orm.registry import Registry

        return self.lookup.registry() if self.lookup is not None else Registry.build(self.facts)

    def models(self) -> list[Model]:
        """Concrete ORM models mapped to the table (several for single-table inheritance)."""
        return [m for m in self.registry.concrete_models() if m.table == self.spec.table]
