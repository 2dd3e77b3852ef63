"""What resolving a statement works with: the names a column reference can see (`Frame`), the
base-table column it resolves to (`Attribution`), the observations it records (`Collector`), and
the resolver's interface (`Resolver`) that lineage and frames call back into.

Its own module so that `resolve` (which walks statements) and `lineage` (which it calls for
statements that move data) both import it and neither imports the other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Protocol, Union

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from depmap.model import COLUMN_DEF, FLOW, HIGH, SCHEMA_OP
from depmap.sql.names import identifier
from depmap.sql.types import Observation

Source = Union[exp.Table, Scope]


class Collector:
    """Accumulates observations of one statement, merging columns of identical accesses."""

    def __init__(self) -> None:
        self._groups: dict[tuple, tuple[list[str], dict[str, Any]]] = {}

    def add(
        self,
        kind: str,
        table: str,
        columns: Iterable[str],
        access: str | None,
        detail: str,
        confidence: str = HIGH,
        extra: dict[str, Any] | None = None,
    ) -> None:
        extra = extra or {}
        columns = list(columns)
        # Definitions and schema operations stay apart; accesses merge the columns of one table and detail.
        split = tuple(columns) if kind in (COLUMN_DEF, SCHEMA_OP) else ()
        key = (kind, table, access, detail, confidence, json.dumps(extra, sort_keys=True), split)
        names, _ = self._groups.setdefault(key, ([], extra))
        for name in columns:
            if name and name not in names:
                names.append(name)

    def flow(self, source: str, target: str) -> None:
        if source != target:
            self.add(FLOW, source, (), None, "table", HIGH, {"to": target})

    def observations(self, statement_kind: str) -> list[Observation]:
        return [
            Observation(kind, table, tuple(names), access, detail, confidence, {**extra, "statement": statement_kind})
            for (kind, table, access, detail, confidence, _, _), (names, extra) in self._groups.items()
        ]


@dataclass
class Frame:
    """Names visible to a column reference: aliases -> sources, and the sources a bare name or `*`
    may come from. Built from a sqlglot scope, or by hand for DML clauses."""

    sources: dict[str, Source] = field(default_factory=dict)
    selected: list[Source] = field(default_factory=list)
    parent: Frame | None = None

    def add(self, node: Source, alias: str | None = None) -> None:
        name = (alias or (node.alias_or_name if isinstance(node, exp.Table) else "")).lower()
        if name:
            self.sources[name] = node
        self.selected.append(node)

    def add_relation(self, relation: exp.Expression | None, resolver: Resolver) -> None:
        """A FROM/USING/JOIN item of a DML statement: a table, or a derived table to walk."""
        if isinstance(relation, exp.Table):
            self.add(relation)
        elif isinstance(relation, exp.Subquery):
            scope = resolver.query(relation.this, detail="select", outer=self)
            if scope is not None:
                self.add(scope, relation.alias_or_name)

    def lookup(self, qualifier: str) -> Source | None:
        frame: Frame | None = self
        while frame is not None:
            if qualifier in frame.sources:
                return frame.sources[qualifier]
            frame = frame.parent
        return None

    def nearest_selected(self) -> tuple[list[Source], Frame | None]:
        frame: Frame | None = self
        while frame is not None:
            if frame.selected:
                return frame.selected, frame
            frame = frame.parent
        return [], None

    def tables(self) -> list[exp.Table]:
        return [source for source in self.selected if isinstance(source, exp.Table)]

    def __contains__(self, alias: str) -> bool:
        return alias.lower() in self.sources

    def get(self, alias: str) -> Source | None:
        return self.sources.get(alias.lower())


Sources = Frame



@dataclass(frozen=True)
class Attribution:
    """A base-table column a reference resolves to: the name may differ (`SELECT a AS b`)."""

    table: str
    column: str
    confidence: str = HIGH
    candidates: tuple[str, ...] = ()


class Resolver(Protocol):
    """The part of `resolve.QueryResolver` that frames and lineage call back into."""

    out: Collector

    def query(
        self, node: exp.Expression, detail: str = "select", star_detail: str | None = None, outer: Frame | None = None
    ) -> Scope | None: ...

    def table(self, node: exp.Table) -> str | None: ...

    def scope_of(self, query: exp.Expression) -> Scope | None: ...

    def frame_of(self, scope: Scope) -> Frame: ...

    def attribute(self, name: str, qualifier: str, frame: Frame) -> list[Attribution]: ...



def is_star(projection: exp.Expression) -> bool:
    """`*` or `t.*` in a projection list (not `count(*)`)."""
    return isinstance(projection, exp.Star) or (isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star))


def star_sources(projection: exp.Expression, frame: Frame) -> list[Source]:
    """The sources a `*`/`t.*` projection selects from; empty for any other projection."""
    if isinstance(projection, exp.Star):
        return list(frame.selected)
    if isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star):
        source = frame.sources.get(identifier(projection.args.get("table")))
        return [source] if source is not None else []
    return []


def frame_of(scope: Scope, parent: Frame | None) -> Frame:
    frame = Frame(parent=parent)
    for alias, source in scope.sources.items():
        frame.sources[alias.lower()] = source
    for alias, (_, source) in scope.selected_sources.items():
        frame.selected.append(source)
    return frame
