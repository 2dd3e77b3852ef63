"""The dependency graph.

Nodes are tables, columns and code symbols; edges are `reads`, `writes`, `defines` and
`flows_to`, each carrying the fact it came from. The rest of depmap asks domain questions:
`readers()`, `writers()`, `tables()`.

Queries run on a lean adjacency structure (_Multigraph): a networkx MultiDiGraph took half the
memory of a large index and most of the time to build it on every warm query. GraphML is written
by `render.graph_export`, as networkx writes it, a piece at a time.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from typing import Iterable, Iterator, NamedTuple, Optional

from depmap.model import ACCESS, EXPOSURE, FLOW, POSITIONAL_DETAILS, READ, SCHEMA, SCHEMA_OP, SCHEMA_VERSION, STAR_DETAILS, WRITE, Fact
from depmap.orm.symbols import SYMBOLIC_KINDS

# Writes that set every column of a row, so they write any column, including a new one.
_WHOLE_ROW_WRITES = POSITIONAL_DETAILS | {"copy"}
_EDGE_OF_ACCESS = {READ: "reads", WRITE: "writes", SCHEMA: "defines"}
_CODE_EDGES = frozenset(_EDGE_OF_ACCESS.values())


@dataclass(frozen=True)
class Hop:
    """One step downstream: data of `source`(.`source_column`) lands in `target`(.`target_column`)."""

    source: str
    source_column: str | None
    target: str
    target_column: str | None
    depth: int
    fact: Fact


def table_node(table: str) -> str:
    return f"table:{table}"


def column_node(table: str, column: str) -> str:
    return f"column:{table}.{column}"


def symbol_node(fact: Fact) -> str:
    loc = fact.location
    return f"code:{loc.path}::{loc.symbol}" if loc.symbol else f"code:{loc.path}"


# What an edge says: (kind, fact it came from or None). The graph stores no tuple per edge: each
# node's edges are one flat list (`_EDGE_WIDTH` items an edge), which held a quarter of what the
# per-edge tuples, per-target lists and per-node dicts held at a million lines.
Edge = tuple[str, Optional[Fact]]
_EDGE_WIDTH = 3  # other end, kind, fact


class _Multigraph:
    """Directed multigraph with node attributes and edge data, iterating as networkx does
    (nodes, then each node's targets, then each edge, in insertion order).

    A node's attributes are one tuple (`NodeData`); its out- and in-edges are flat lists of
    (other end, kind, fact) triples, in the order they were added. Every edge names its ends with
    the node's own string (`add_node` returns it): a name made again for each fact, held by each
    edge, was a third of the graph."""

    __slots__ = ("nodes", "_out", "_in")

    def __init__(self) -> None:
        self.nodes: dict[str, NodeData] = {}
        self._out: dict[str, list] = {}
        self._in: dict[str, list] = {}

    def __contains__(self, node: str) -> bool:
        return node in self.nodes

    def add_node(self, node: str, kind: str, first: str, second: str | None = None) -> str:
        """Add the node, or give an existing one these attributes; returns the graph's own name of it."""
        known = self.nodes.get(node)
        if known is not None:
            if known[0] == kind and known[1] == first and known[2] == second:
                return known[3]
            node = known[3]
        self.nodes[node] = (kind, first, second, node)
        return node

    def add_edge(self, source: str, target: str, kind: str, fact: Fact | None = None) -> None:
        self._out.setdefault(source, []).extend((target, kind, fact))
        self._in.setdefault(target, []).extend((source, kind, fact))

    def add_edges(self, source: str, targets: list[str], kind: str, fact: Fact | None = None) -> None:
        """`add_edge` to each target in turn, the lists looked up once (a fact that names every
        column of a model adds dozens of edges)."""
        out, into, edge = self._out.setdefault(source, []), self._in, (source, kind, fact)
        for target in targets:
            out.extend((target, kind, fact))
            into.setdefault(target, []).extend(edge)

    def in_edges(self, node: str) -> Iterator[tuple[str, str, Edge]]:
        flat = self._in.get(node, ())
        for at in range(0, len(flat), _EDGE_WIDTH):
            yield flat[at], node, (flat[at + 1], flat[at + 2])

    def out_edges(self, node: str) -> Iterator[tuple[str, str, Edge]]:
        """Grouped by target, the targets in the order they were first reached (as networkx)."""
        flat = self._out.get(node, ())
        by_target: dict[str, list[Edge]] = {}
        for at in range(0, len(flat), _EDGE_WIDTH):
            by_target.setdefault(flat[at], []).append((flat[at + 1], flat[at + 2]))
        for target, edges in by_target.items():
            for data in edges:
                yield node, target, data

    def successors(self, node: str) -> Iterator[str]:
        return iter(dict.fromkeys(self._out.get(node, ())[::_EDGE_WIDTH]))

    def edges(self) -> Iterator[tuple[str, str, Edge]]:
        for source in self.nodes:
            yield from self.out_edges(source)


# A node's attributes, one tuple per node: (kind, first, second, the node's own name), i.e. a
# table's ("table", name, None), a column's ("column", table, name), a code symbol's ("code", path,
# symbol). Position 1 is the table's name for both a table and a column.
NodeData = tuple[str, str, Optional[str], str]
_ATTRIBUTE_NAMES = {"table": ("name", None), "column": ("table", "name"), "code": ("path", "symbol")}


def _attributes(data: NodeData) -> dict[str, object]:
    """The node's attributes by name (what `graph --format json` prints)."""
    first, second = _ATTRIBUTE_NAMES[data[0]]
    found: dict[str, object] = {"kind": data[0], first: data[1]}
    if second is not None:
        found[second] = data[2]
    return found


class DependencyGraph:
    def __init__(self, facts: Iterable[Fact]) -> None:
        self.g = _Multigraph()
        for fact in facts:
            self._add(fact, fact)

    @classmethod
    def for_export(cls, facts: Iterable[Fact]) -> "DependencyGraph":
        """The graph of `facts` (read one at a time) for `node_link` and `graphml` alone: each edge
        holds what they print of its fact (`Placed`), not the fact, so the facts are freed as they
        are added (at a million lines the whole graph held 1.5 GB beside its facts, 100 MB so)."""
        graph = cls([])
        paths: dict[str, str] = {}
        for fact in facts:
            path = fact.location.path
            graph._add(fact, Placed(Place(paths.setdefault(path, path), fact.location.line), fact.detail))
        return graph

    def _add(self, fact: Fact, kept: "Fact | Placed") -> None:
        """Add the fact's nodes and edges, each edge holding `kept` (the fact, or what is printed of it)."""
        # The ORM's symbolic facts that the linker keeps for rules (a SQLAlchemy model, a Core table
        # binding) describe code, not the database: their table_def/column_def facts are the edges.
        # A schema operation is a table's history, not a usage (the catalog keeps it).
        if not fact.table or fact.kind in SYMBOLIC_KINDS or fact.kind == SCHEMA_OP:
            return
        table = self.g.add_node(table_node(fact.table), "table", fact.table)
        if fact.kind == FLOW:
            self._add_flow(fact, table, kept)
            return
        code = self.g.add_node(symbol_node(fact), "code", fact.location.path, fact.location.symbol)
        if fact.kind in (ACCESS, EXPOSURE):  # a serializer exposing a column reads it
            edge = _EDGE_OF_ACCESS.get(fact.access or "", "reads")
        else:
            edge = "defines"
        if not fact.columns:
            self.g.add_edge(code, table, kind=edge, fact=kept)  # type: ignore[arg-type]
            return
        # A fact's columns are most of the graph's edges (a model load names every column): a node
        # already known as this column is taken as it is, and the code's edges go in at once.
        nodes, name, prefix = self.g.nodes, fact.table, column_node(fact.table, "")
        targets = []
        for column in fact.columns:
            node = prefix + column
            known = nodes.get(node)
            if known is not None and known[1] == name and known[2] == column and known[0] == "column":
                targets.append(known[3])
                continue
            targets.append(self.g.add_node(node, "column", name, column))
            if known is None:  # a column node comes with its table's has_column edge
                self.g.add_edge(table, targets[-1], kind="has_column")
        self.g.add_edges(code, targets, kind=edge, fact=kept)  # type: ignore[arg-type]

    def _add_flow(self, fact: Fact, source: str, kept: "Fact | Placed") -> None:
        """Table flows (`flows_to`), star flows (`flows_all`: every column, new ones included) and
        column flows (`flows_to` between column nodes)."""
        target = fact.extra.get("to")
        if not target:
            return
        target_node = self.g.add_node(table_node(target), "table", target)
        if fact.detail == "column":
            to_column = fact.extra.get("to_column")
            if not to_column:
                return
            sink = self._column(target, to_column)
            for column in fact.columns:
                self.g.add_edge(self._column(fact.table, column), sink, kind="flows_to", fact=kept)  # type: ignore[arg-type]
        else:
            kind = "flows_all" if fact.detail == "star" else "flows_to"
            self.g.add_edge(source, target_node, kind=kind, fact=kept)  # type: ignore[arg-type]

    def _column(self, table: str, column: str) -> str:
        node = column_node(table, column)
        if node in self.g:
            return self.g.nodes[node][3]
        table_name = self.g.add_node(table_node(table), "table", table)
        node = self.g.add_node(node, "column", table, column)
        self.g.add_edge(table_name, node, kind="has_column")
        return node

    # -- questions ---------------------------------------------------------------------------------

    def tables(self) -> list[str]:
        return sorted(data[1] for data in self.g.nodes.values() if data[0] == "table")

    @staticmethod
    def tables_of(facts: Iterable[Fact]) -> list[str]:
        """What `DependencyGraph(facts).tables()` gives, without building the graph (as `_add` does:
        a fact's table, and where a flow leads)."""
        names = set()
        for fact in facts:
            if not fact.table or fact.kind in SYMBOLIC_KINDS or fact.kind == SCHEMA_OP:
                continue
            names.add(fact.table)
            if fact.kind == FLOW and fact.extra.get("to"):
                names.add(fact.extra["to"])
        return sorted(names)

    def _facts_into(self, node: str, edge: str) -> Iterator[Fact]:
        if node in self.g:
            for _, _, (kind, fact) in self.g.in_edges(node):
                if kind == edge:
                    yield fact

    def _usages(self, table: str, column: str | None, edge: str, whole_row: frozenset[str]) -> list[Fact]:
        found: dict[int, Fact] = {}
        if column is None:
            for node in self._table_and_columns(table):
                for fact in self._facts_into(node, edge):
                    found[id(fact)] = fact
        else:
            for fact in self._facts_into(column_node(table, column), edge):
                found[id(fact)] = fact
            for fact in self._facts_into(table_node(table), edge):
                if fact.detail in whole_row:
                    found[id(fact)] = fact
        return sorted(found.values(), key=Fact.sort_key)

    def _table_and_columns(self, table: str) -> list[str]:
        node = table_node(table)
        if node not in self.g:
            return []
        columns = [n for n in self.g.successors(node) if self.g.nodes[n][0] == "column"]
        return [node, *columns]

    def readers(self, table: str, column: str | None = None) -> list[Fact]:
        """Code that reads the table (or column); a `SELECT *` reads every column."""
        return self._usages(table, column, "reads", STAR_DETAILS | {"copy"})

    def writers(self, table: str, column: str | None = None) -> list[Fact]:
        """Code that writes the table (or column); positional inserts and COPY write every column."""
        return self._usages(table, column, "writes", _WHOLE_ROW_WRITES)

    def flows(self) -> list[Fact]:
        """Table-level flows (what moves data from one table to another)."""
        return [
            fact
            for source, _, (kind, fact) in self.g.edges()
            if kind in ("flows_to", "flows_all") and self.g.nodes[source][0] == "table"
        ]

    def downstream(self, table: str, column: str | None = None) -> list[Hop]:
        """Everything fed by the table (or column), breadth first, each with the hop that reaches it.

        A column moves on through column flows, and through star flows (`SELECT *`, which carry
        every column under its own name, one added tomorrow included)."""
        start: tuple[str, str | None] = (table, column)
        seen = {start}
        queue = [(start, 0)]
        hops: list[Hop] = []
        while queue:
            (current, current_column), depth = queue.pop(0)
            for (target, target_column), fact in self._next_hops(current, current_column):
                if (target, target_column) in seen:
                    continue
                seen.add((target, target_column))
                hops.append(Hop(current, current_column, target, target_column, depth + 1, fact))
                queue.append(((target, target_column), depth + 1))
        return hops

    def readers_through_views(self, table: str, column: str | None = None, stars_only: bool = False) -> list[Fact]:
        """Readers of every view over the table (or column), views of views included, each
        marked with the views it reads through (`extra["through"]`). A view maps its columns by
        name (`amount AS value`) and carries every column through `SELECT *`; `stars_only`
        follows only the stars, which a new column of the table reaches when the view is
        recreated. dbt models materialized as views count (`extra.view` on their flows); tables
        filled by INSERT ... SELECT, and dbt tables, are copies, not views: not followed."""
        found: list[Fact] = []
        seen = {(table, column)}
        queue: list[tuple[tuple[str, str | None], list[str]]] = [((table, column), [])]
        while queue:
            (current, current_column), path = queue.pop(0)
            for (view, view_column), fact in self._next_hops(current, current_column):
                if not (fact.extra.get("statement") == "create_view" or fact.extra.get("view")) or (view, view_column) in seen:
                    continue
                if stars_only and fact.detail != "star":
                    continue
                seen.add((view, view_column))
                through = [*path, view]
                found.extend(replace(reader, extra={**reader.extra, "through": through}) for reader in self.readers(view, view_column))
                queue.append(((view, view_column), through))
        return found

    def _next_hops(self, table: str, column: str | None) -> list[tuple[tuple[str, str | None], Fact]]:
        found = []
        node = table_node(table)
        if node in self.g:
            for _, target, (kind, fact) in self.g.out_edges(node):
                if kind == "flows_all" or (kind == "flows_to" and column is None):
                    found.append(((self.g.nodes[target][1], column), fact))
        if column is not None and column_node(table, column) in self.g:
            for _, target, (kind, fact) in self.g.out_edges(column_node(table, column)):
                if kind == "flows_to":
                    found.append(((self.g.nodes[target][1], self.g.nodes[target][2]), fact))
        return sorted(found, key=lambda item: (item[0][0], item[0][1] or "", item[1].sort_key()))

    def resolve_table(self, name: str, known: Iterable[str] = ()) -> list[str]:
        """Tables a user's name refers to: exact, else the same name in any schema."""
        tables = set(self.tables()) | set(known)
        wanted = name.lower() if not name.startswith('"') else name.strip('"')
        if wanted in tables:
            return [wanted]
        return sorted(t for t in tables if t.rsplit(".", 1)[-1] == wanted)

    def close_matches(self, name: str, known: Iterable[str] = ()) -> list[str]:
        tables = sorted(set(self.tables()) | set(known))
        return difflib.get_close_matches(name.lower(), tables, n=5, cutoff=0.6)

    # -- a table's neighbourhood -------------------------------------------------------------------

    def around(self, tables: Iterable[str], column: str | None = None, depth: int = 1) -> set[str]:
        """The nodes within `depth` hops of the tables (or of their column): one hop reaches the code
        that reads, writes or defines it and the tables data flows to or from (views over it
        included); the next hop, the other tables that code touches and the code of those tables.
        Code leads on only to what it reads or writes: a migration that defines every table is a
        neighbour of each, not a bridge between them. A table reached brings its columns; the column
        asked for brings only itself (with the code that reads, writes or defines it, whole-row
        readers and writers included, and the flows it takes)."""
        nodes: set[str] = set()
        current: set[tuple[str, str]] = set()
        found = [t for t in tables if table_node(t) in self.g]
        for table in found:
            nodes.add(table_node(table))
            if column is None:
                current.add(("table", table))
                continue
            if column_node(table, column) in self.g:
                nodes.add(column_node(table, column))
            defined = list(self._facts_into(column_node(table, column), "defines"))
            current |= {("code", symbol_node(f)) for f in [*self.readers(table, column), *self.writers(table, column), *defined]}
            current |= {("table", other) for other in self._flow_neighbours([table_node(table)], star_only=True)}
            current |= {("table", other) for other in self._flow_neighbours([column_node(table, column)])}
        hops = 0 if column is None else 1
        seen = current | {("table", t) for t in found}
        while current and hops <= depth:
            reached: set[tuple[str, str]] = set()
            for kind, name in sorted(current):
                if kind == "code":
                    nodes.add(name)
                    reached |= {("table", t) for t in self._tables_of_code(name)}
                    continue
                unit = self._table_and_columns(name)
                nodes.update(unit)
                reached |= {("code", source) for node in unit for source, _, (edge, _f) in self.g.in_edges(node) if edge in _CODE_EDGES}
                reached |= {("table", other) for other in self._flow_neighbours(unit)}
            current = reached - seen
            seen |= current
            hops += 1
        return nodes

    def _tables_of_code(self, code: str) -> set[str]:
        """The tables the code reads or writes (a migration that defines every table links none)."""
        found = set()
        for _, target, (edge, _fact) in self.g.out_edges(code):
            if edge in ("reads", "writes"):
                found.add(self.g.nodes[target][1])  # a table's name, or a column's table
        return found

    def _flow_neighbours(self, unit: list[str], star_only: bool = False) -> set[str]:
        """Tables that data flows to or from, through the nodes of `unit`."""
        kinds = {"flows_all"} if star_only else {"flows_to", "flows_all"}
        ends = [target for node in unit for _, target, (edge, _f) in self.g.out_edges(node) if edge in kinds]
        ends += [source for node in unit for source, _, (edge, _f) in self.g.in_edges(node) if edge in kinds]
        return {self.g.nodes[end][1] for end in ends}  # a table's name, or a column's table

    # -- export --------------------------------------------------------------------------------------

    def node_link(self, only: set[str] | None = None) -> dict:
        """Nodes and edges as plain data; with `only`, those nodes and the edges between them."""
        return {"schema_version": SCHEMA_VERSION, "nodes": list(self.export_nodes(only)), "edges": list(self.export_edges(only))}

    def export_nodes(self, only: set[str] | None = None) -> Iterator[dict]:
        """`node_link`'s nodes one at a time, in order of their names."""
        for name in sorted(self.g.nodes):
            if only is None or name in only:
                yield {"id": name, **{k: v for k, v in _attributes(self.g.nodes[name]).items() if v is not None}}

    def export_edges(self, only: set[str] | None = None) -> Iterator[dict]:
        """`node_link`'s edges one at a time: by source, target, kind, line and detail, equal ones in
        the order they were added. One source's edges are sorted at a time: the edges of the whole
        graph sorted at once come out the same, sources apart and each source's in its order."""
        for source in sorted(self.g.nodes):
            if only is not None and source not in only:
                continue
            edges = []
            for _, target, (kind, fact) in self.g.out_edges(source):
                if only is not None and target not in only:
                    continue
                edge = {"source": source, "target": target, "kind": kind}
                if fact is not None:
                    edge.update(path=fact.location.path, line=fact.location.line, detail=fact.detail)
                edges.append(edge)
            edges.sort(key=lambda e: (e["target"], e["kind"], e.get("line", 0), e.get("detail") or ""))
            yield from edges


class Place(NamedTuple):
    """Where an exported edge's fact is: what `node_link` prints of its location."""

    path: str
    line: int


class Placed(NamedTuple):
    """What `node_link` prints of an edge's fact (`DependencyGraph.for_export`)."""

    location: Place
    detail: str | None
