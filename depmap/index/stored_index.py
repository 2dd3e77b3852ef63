"""A warm query's index: the parts of the stored index (`depmap.index.linked_store`) it asks for.

`partial_index` gives an `Index` that knows every table's name, the catalog's outline and history
and the parse errors, and no usages yet: enough to resolve a target (a model target reads the
model registry's facts, `LinkedStore.always`, when it names a model's class).
`focused` then adds the facts of the tables the query names (their views and the tables data
flows to from them, their former names) and builds the graph from those alone. Every answer is
the whole index's answer: a table's readers, writers, views and downstream hops are all facts
stored under its name or under a name reached from it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Iterable

from depmap.graph import DependencyGraph
from depmap.index.linked_store import LinkedStore, StoreDamaged
from depmap.model import FLOW, PARSE_ERROR, Fact, Skipped
from depmap.orm.symbols import MIGRATION
from depmap.schema_history import History, history_of

# What every query reads of every file, beside the model registry's facts it reads when asked
# (`linked_store.ALWAYS_LOADED`; the mention search reads its forms stored, `stored_names`): the
# statements that did not parse (each report lists them).
EVERY_QUERY = frozenset({PARSE_ERROR})


@dataclass
class TableOutline:
    """What a query needs of a catalog table: its column names and whether it is a view."""

    name: str
    columns: dict[str, None]
    view: bool


class StoredCatalog:
    """The catalog's tables in outline and their history, read from the store as asked."""

    def __init__(self, store: LinkedStore, summary: dict[str, Any]) -> None:
        self.store = store
        try:
            self.tables = {name: TableOutline(name, dict.fromkeys(columns), bool(view)) for name, view, columns in summary["tables"]}
            self.renamed_to = {new: set(old) for new, old in summary["renamed_to"].items()}
            self._op_tables = [str(name) for name in summary["op_tables"]]
        except (TypeError, ValueError, AttributeError) as error:
            raise StoreDamaged(f"the stored catalog ({error})") from None

    def get(self, name: str) -> TableOutline | None:
        return self.tables.get(name)

    def op_tables(self) -> list[str]:
        return list(self._op_tables)

    def history(self, table: str, column: str | None = None) -> History:
        """As `HistoryIndex.history`: the operations mentioning any name the table had."""
        names, pending = {table}, [table]
        while pending:
            for old in self.renamed_to.get(pending.pop(), ()):
                if old not in names:
                    names.add(old)
                    pending.append(old)
        return history_of(self.store.ops_mentioning(names), table, column)


class PartialGraph(DependencyGraph):
    """The graph of some facts, knowing the names of every table of the whole graph."""

    def __init__(self, facts: Iterable[Fact], tables: list[str]) -> None:
        super().__init__(facts)
        self._all_tables = tables

    def tables(self) -> list[str]:
        return list(self._all_tables)


def partial_index(index: Any, store: LinkedStore) -> Any:
    """`index` (an Index without facts) given what any query needs from the store."""
    summary = store.summary()
    try:
        skipped = [Skipped(str(path), str(reason)) for path, reason in summary["skipped"]]
        tables = [str(name) for name in summary["graph_tables"]]
    except (TypeError, ValueError) as error:
        raise StoreDamaged(f"the stored summary ({error})") from None
    store.every_query = dict(store.facts_of_kinds(EVERY_QUERY))
    return replace(index, facts=list(store.every_query.values()), catalog=StoredCatalog(store, summary), graph=PartialGraph([], tables),
                   skipped=sorted(set(index.skipped) | set(skipped)), store=store)


def focused_facts(store: LinkedStore, catalog: StoredCatalog, tables: Iterable[str]) -> list[tuple[int, Fact]]:
    """(id, fact) of the facts about `tables`, their former names, and every table downstream of them."""
    names: set[str] = set()
    for table in tables:
        names.add(table)
        names.update(catalog.history(table).names)
    found: dict[int, Fact] = {}
    frontier = set(names)
    while frontier:
        reached: set[str] = set()
        for number, fact in store.facts_named((f"t:{name}" for name in frontier), known=found):
            found[number] = fact
            target = fact.extra.get("to") if fact.kind == FLOW and fact.table in names else None
            if isinstance(target, str) and target not in names:
                reached.add(target)
        names |= reached
        frontier = reached
    return sorted(found.items())


# What `impact` reads of the project beyond the table's own facts: the Django migrations by app
# (the rollout plan names the latest one of the model's app).
IMPACT_KINDS = frozenset({MIGRATION})


def impact_index(index: Any, table: str) -> Any:
    """`index` (a partial index) as a warm `impact` on `table` reads it.

    The rules filter `facts` fact by fact, so `facts` holds every fact some rule's filter can
    pass: the facts `focused` loads for the table (its own, its views', its former names', the
    tables downstream), the other tables' reads whose unqualified columns may be the table's
    (`s:TABLE`, ambiguous-column), the Django migrations, and the model registry's facts. What
    the rules ask of one file (a statement's other facts, the DDL files among the writers, the
    facts of a file that names the column) they ask of `ImpactContext.facts_at`, which reads that
    file's rows. The graph is built from the focused facts alone, as `focused` builds it; the
    catalog reads the tables asked for (`stored_tables.FocusedCatalog`)."""
    from depmap.index.stored_tables import FocusedCatalog, impact_summary

    store = index.store
    if store.impact_common is None:
        store.impact_common = (*impact_summary(store), store.facts_of_kinds(IMPACT_KINDS))
    owners, frameworks, common = store.impact_common
    focused = dict(focused_facts(store, index.catalog, [table]))
    graph_facts = [fact for _, fact in sorted({**store.always, **focused}.items())]
    known = {*store.always, *focused}
    more = dict(store.facts_named([f"s:{table}", "s:*"], known=known))
    more.update((number, fact) for number, fact in common if number not in known)
    facts = [fact for _, fact in sorted({**store.always, **focused, **more}.items())]
    store.frameworks = frameworks
    return replace(index, facts=facts, graph=PartialGraph(graph_facts, index.graph.tables()),
                   catalog=FocusedCatalog(store, index.catalog, owners))


def neighbourhood(index: Any, tables: list[str], column: str | None, depth: int) -> tuple[Any, set[str]]:
    """`index` (a partial index) with the graph `graph TABLE --depth N` draws, and the nodes within
    `depth` hops (`DependencyGraph.around`).

    `around` walks a table's edges (every fact stored under its name: `t:TABLE`) and a code
    symbol's (every fact of its file: `p:PATH`). So the facts are read in rounds: each round builds
    the graph of what is read so far, walks it, and reads the tables and files of the nodes it
    reached whose facts are not read yet; when a walk reaches nothing unread, every node it
    reached had all its edges, so it is the whole graph's walk. The graph is built in canonical
    order, as the whole index's is, so the edges between those nodes come out in the same order."""
    store = index.store
    found: dict[int, Fact] = dict(store.every_query)
    read_tables: set[str] = set()
    read_paths: set[str] = set()
    want_tables, want_paths = set(tables), set()
    while True:
        names = [f"t:{name}" for name in sorted(want_tables)] + [f"p:{path}" for path in sorted(want_paths)]
        found.update(store.facts_named(names, known=found))
        read_tables |= want_tables
        read_paths |= want_paths
        facts = [fact for _, fact in sorted(found.items())]
        graph = PartialGraph(facts, index.graph.tables())
        nodes = graph.around(tables, column, depth)
        reached = [graph.g.nodes[node] for node in nodes]
        want_tables = {data[1] for data in reached if data[0] != "code"} - read_tables
        want_paths = {data[1] for data in reached if data[0] == "code"} - read_paths
        if not want_tables and not want_paths:
            return replace(index, facts=facts, graph=graph), nodes


def graph_to_export(index: Any) -> DependencyGraph:
    """The whole graph of `index`, for `graph` to write: for a warm query's partial index, built
    from the stored rows one fact at a time, keeping only what is printed of each
    (`DependencyGraph.for_export`); from the index linked again when a row is damaged."""
    if index.store is None:
        return index.graph
    try:
        return DependencyGraph.for_export(index.store.each_fact())
    except StoreDamaged:
        return index.whole().graph
