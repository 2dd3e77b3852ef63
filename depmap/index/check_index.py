"""What a warm `check` reads of the stored index, instead of loading all of it.

`check` judges the columns and schema operations of a few migration files. What it asks of the
project beyond them: the catalog before the change (`engine.before_change` builds it from every
schema operation, table and column definition, so those are read, all of them, in canonical
order), the model registry's facts (`linked_store.ALWAYS_LOADED`), the Django migrations, the
migration files' own facts, and then what `impact` reads for each table the migrations touch
(`stored_index.impact_index`: its facts, its views' and former names', the tables downstream, the
other tables' reads that may be its). The usages of every other table, most of the index at a
million lines, are never decoded. Every answer is the whole index's: the rules filter the facts
by table, and each table they are asked about has all its facts here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable

from depmap.index.stored_index import IMPACT_KINDS, PartialGraph, focused_facts
from depmap.model import COLUMN_DEF, SCHEMA_OP, TABLE_DEF

# What `before_change` (a catalog without the migrations under review) is built from.
BEFORE_KINDS = frozenset({SCHEMA_OP, TABLE_DEF, COLUMN_DEF})


def migrations_index(index: Any, paths: Iterable[str]) -> Any:
    """`index` (a partial index) with the facts that say which columns and operations the
    migrations at `paths` hold: enough to find the tables they touch (`with_tables`)."""
    from depmap.index.stored_tables import FocusedCatalog, impact_summary

    store = index.store
    owners, frameworks = impact_summary(store)
    store.frameworks = frameworks
    found = dict(store.always)
    found.update(store.facts_of_kinds(BEFORE_KINDS | IMPACT_KINDS, shared=True))  # a third of the index: values held once
    found.update(store.facts_named((f"p:{path}" for path in paths), known=found))
    facts = [fact for _, fact in sorted(found.items())]
    checked = replace(index, facts=facts, catalog=FocusedCatalog(store, index.catalog, owners))
    checked.check_facts = found  # type: ignore[attr-defined]
    checked.outline = index.catalog  # type: ignore[attr-defined]
    return checked


def named_tables(index: Any, paths: Iterable[str]) -> set[str] | None:
    """Every table a fact of the migrations at `paths` names: those of the columns they add or
    change and of their schema operations, and more. None when one of them drops an index by
    its name alone (whose table only the catalog before the change knows: ask `operations_in`)."""
    wanted = set(paths)
    tables = set()
    for fact in index.facts:
        if fact.location.path not in wanted:
            continue
        if not fact.table and fact.kind == SCHEMA_OP and fact.detail == "drop_index":
            return None
        if fact.table:
            tables.add(fact.table)
    return tables


def with_tables(index: Any, tables: Iterable[str]) -> Any:
    """`index` (from `migrations_index`) with, for each of `tables`, what `impact` on it reads.
    The graph is built, as `impact_index` builds it, from the model registry's facts and the
    tables' focused facts alone."""
    store = index.store
    focused = dict(focused_facts(store, index.outline, sorted(set(tables))))
    graph_facts = [fact for _, fact in sorted({**store.always, **focused}.items())]
    found = {**index.check_facts, **focused}
    names = [f"s:{table}" for table in sorted(set(tables))] + ["s:*"]
    found.update(store.facts_named(names, known=found))
    facts = [fact for _, fact in sorted(found.items())]
    return replace(index, facts=facts, graph=PartialGraph(graph_facts, index.graph.tables()))
